package build

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// TarGz writes the context as a gzipped tar, the form a remote builder
// takes it in: what .dockerignore leaves, in the context's stable order,
// with the Dockerfile and .dockerignore always in (the builder reads the
// recipe from the context even when COPY can't see it). Times are the
// epoch and owners root, so the same directory gives the same bytes.
func (c *Context) TarGz(ctx context.Context, w io.Writer) error {
	zw := gzip.NewWriter(w)
	tw := tar.NewWriter(zw)
	seen := map[string]bool{}
	add := func(rel string, fi fs.FileMode, size int64, link string) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		seen[rel] = true
		h := &tar.Header{Name: rel, Mode: int64(fi.Perm()), ModTime: epoch(), Format: tar.FormatPAX}
		switch {
		case fi&fs.ModeSymlink != 0:
			h.Typeflag, h.Linkname = tar.TypeSymlink, link
		case fi.IsDir():
			h.Typeflag, h.Name = tar.TypeDir, rel+"/"
		default:
			h.Typeflag, h.Size = tar.TypeReg, size
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if h.Typeflag != tar.TypeReg {
			return nil
		}
		f, err := os.Open(c.Abs(rel))
		if err != nil {
			return &Error{Kind: KindContext, Msg: "cannot read " + rel, Err: err}
		}
		defer f.Close()
		_, err = io.CopyN(tw, f, size)
		return err
	}
	for _, e := range c.Under(".") {
		if err := add(e.Rel, e.Mode, e.Size, e.Link); err != nil {
			return err
		}
	}
	for _, name := range []string{c.recipe(), c.ignoreFile()} {
		fi, err := os.Lstat(filepath.Join(c.Dir, filepath.FromSlash(name)))
		if err != nil || seen[name] || !fi.Mode().IsRegular() {
			continue
		}
		if err := add(name, fi.Mode(), fi.Size(), ""); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return zw.Close()
}
