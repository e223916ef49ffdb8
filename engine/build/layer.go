package build

import (
	"archive/tar"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// A layer is written as an uncompressed tar in the build's temporary
// directory: entries sorted by path, owners numeric, no user or group
// names, and every time fixed, so the same files always give the same
// bytes and the same digest — which is what lets a registry say "layer
// exists" to a rebuild that changed nothing in it.

// epoch is the time stamped on everything the builder writes; like
// SOURCE_DATE_EPOCH=0, it keeps rebuilds identical.
func epoch() time.Time { return time.Unix(0, 0).UTC() }

// layerFile is one entry of a layer being assembled.
type layerFile struct {
	name    string // in-image path, no leading slash
	typ     byte   // tar.TypeReg, tar.TypeDir, tar.TypeSymlink
	mode    int64  // unix permission and special bits
	uid     int
	gid     int
	link    string
	src     string // disk path of a regular file's content, or
	data    []byte // its content when it does not come from disk
	size    int64
	modTime time.Time
}

type layerSet struct {
	files map[string]*layerFile
}

func newLayerSet() *layerSet { return &layerSet{files: map[string]*layerFile{}} }

// put adds or replaces an entry: a later source for the same path wins,
// as it does when Docker copies sources in order.
func (l *layerSet) put(f *layerFile) {
	if f.name == "" {
		return // the image's root, which every image already has
	}
	if f.modTime.IsZero() {
		f.modTime = epoch()
	}
	l.files[f.name] = f
}

// write makes the tar file and wraps it as a layer of the given media type.
func (l *layerSet) write(dir string, mt types.MediaType) (v1.Layer, int64, error) {
	names := make([]string, 0, len(l.files))
	for n := range l.files {
		names = append(names, n)
	}
	sort.Strings(names)
	f, err := os.CreateTemp(dir, "layer-*.tar")
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	for _, n := range names {
		e := l.files[n]
		h := &tar.Header{Name: e.name, Typeflag: e.typ, Mode: e.mode, Uid: e.uid, Gid: e.gid,
			Linkname: e.link, ModTime: e.modTime, Format: tar.FormatPAX}
		switch e.typ {
		case tar.TypeDir:
			h.Name += "/"
		case tar.TypeReg:
			h.Size = e.size
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, 0, err
		}
		if e.typ != tar.TypeReg {
			continue
		}
		if e.src == "" {
			if _, err := tw.Write(e.data); err != nil {
				return nil, 0, err
			}
			continue
		}
		if err := copyFileInto(tw, e.src, e.size); err != nil {
			return nil, 0, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	name := f.Name()
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return os.Open(name) }, tarball.WithMediaType(mt))
	return layer, st.Size(), err
}

// copyFileInto fails if the file changed size since the context was
// listed, rather than writing a layer that disagrees with its header.
func copyFileInto(w io.Writer, p string, size int64) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	n, err := io.Copy(w, io.LimitReader(f, size))
	if err != nil {
		return err
	}
	if n != size {
		return &Error{Kind: KindContext, Msg: filepath.Base(p) + " changed while it was being copied", Hint: "run the build again"}
	}
	return nil
}

// unixMode turns Go's file mode into tar's permission and special bits.
func unixMode(m fs.FileMode) int64 {
	out := int64(m.Perm())
	if m&fs.ModeSetuid != 0 {
		out |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		out |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		out |= 0o1000
	}
	return out
}

// imagePath is a destination as a tar name: no leading slash.
func imagePath(p string) string { return strings.TrimPrefix(p, "/") }
