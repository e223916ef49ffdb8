package steps

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/minimalinfra/mvi/engine/sandbox/demo"
)

// Trees names the source trees a write step can put in the app's
// directory: apps mvi carries whole, so a tutorial can build one the
// learner can read.
func Trees() []string { return []string{"demo"} }

// tree is a named tree's files, path → content.
func tree(name string) (map[string][]byte, error) {
	switch name {
	case "demo":
		return demo.Source()
	}
	return nil, fmt.Errorf("no source tree %q: the trees are %v", name, Trees())
}

// writeTree writes the tree's files under File, each atomically. An
// existing directory is kept unless Overwrite says to write over it.
func (w Write) writeTree(s *Session, out Output) error {
	files, err := tree(w.Tree)
	if err != nil {
		return fmt.Errorf("write: %w", err)
	}
	dir := filepath.Join(s.Dir, w.File)
	if !w.Overwrite {
		if _, err := os.Stat(dir); err == nil {
			return fmt.Errorf("write: %s already exists; move it away to have the %s app's source written there", dir, w.Tree)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("write: %w", err)
		}
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		if err := WriteFileAtomic(filepath.Join(dir, filepath.FromSlash(p)), files[p], 0o644); err != nil {
			return fmt.Errorf("write: %w", err)
		}
	}
	note(out, fmt.Sprintf("wrote %s: the %s app's source, %d files", dir, w.Tree, len(paths)))
	return nil
}
