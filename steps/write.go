package steps

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Write saves the manifest so far in Session.Dir (as mvi.toml unless File
// says otherwise), atomically, so a crash never leaves half a file.
type Write struct {
	Base
	File string
	// Overwrite replaces a file that is already there; without it the step
	// refuses, so a person's own mvi.toml is never lost.
	Overwrite bool
	// Content, when set, is a template (of the answers, as an ask step's
	// change) for a file of the app's own, a Dockerfile or a page, written
	// to File instead of the manifest.
	Content string
	// Tree, when set, names a source tree mvi carries (Trees), written
	// into the directory File instead.
	Tree string
}

// Kind is KindWrite.
func (Write) Kind() Kind { return KindWrite }

// Header starts every manifest mvi writes.
const Header = "# What this app needs from the cloud. `mvi validate` checks it, `mvi plan` shows\n# what it would make and cost, `mvi up` makes it.\n"

// Path is where the step writes.
func (w Write) Path(s *Session) string {
	f := w.File
	if f == "" {
		f = "mvi.toml"
	}
	return filepath.Join(s.Dir, f)
}

// Run writes the file.
func (w Write) Run(ctx context.Context, s *Session, out Output) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if w.Tree != "" {
		return w.writeTree(s, out)
	}
	data := []byte(Header + s.Manifest)
	if w.Content != "" {
		text, err := Ask{Change: w.Content}.Fragment(s.Answers)
		if err != nil {
			return fmt.Errorf("write %s: %w", w.File, err)
		}
		data = []byte(text)
	} else if _, err := DesignManifest(s.Manifest); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	path := w.Path(s)
	if !w.Overwrite {
		if _, err := os.Stat(path); err == nil {
			return fmt.Errorf("write: %s already exists; move it away or edit it by hand", path)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("write: %w", err)
		}
	}
	if err := WriteFileAtomic(path, data, 0o644); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	note(out, "wrote "+path)
	return nil
}

// WriteFileAtomic writes data to a temporary file beside path, syncs it
// and renames it over path.
func WriteFileAtomic(path string, data []byte, perm fs.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a successful rename there is nothing to remove
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp, perm); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
