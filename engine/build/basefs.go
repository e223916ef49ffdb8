package build

import (
	"archive/tar"
	"io"
	"path"
	"strings"
)

// baseIsDir answers the one question COPY asks about the image so far:
// is dest a directory there? ("COPY index.html /usr/local/apache2/htdocs"
// copies into htdocs when the base has it as a directory, and makes a
// file called htdocs otherwise.) It reads the layers' tar headers, not
// their files, and only for a destination written without a trailing
// "/", so the common case never reads the base's layers at all.
func (b *builder) baseIsDir(dest string) (bool, error) {
	p := imagePath(path.Clean("/" + dest))
	if p == "" {
		return true, nil
	}
	for hops := 0; hops < maxSymlinkHops; hops++ {
		if isDir, ok := b.dirs[p]; ok {
			return isDir, nil
		}
		kind, link, err := b.lookupImagePath(p)
		if err != nil {
			return false, err
		}
		if kind != tar.TypeSymlink {
			b.dirs[p] = kind == tar.TypeDir
			return b.dirs[p], nil
		}
		// A symlink to a directory is a directory to COPY, as it is once
		// the container runs.
		if !path.IsAbs(link) {
			link = path.Join("/", path.Dir(p), link)
		}
		p = imagePath(path.Clean(link))
		if p == "" {
			return true, nil
		}
	}
	return false, nil
}

// lookupImagePath finds what the layers, applied in order, leave at p:
// tar.TypeDir, tar.TypeReg, tar.TypeSymlink (with its target) or 0 for
// nothing, honouring whiteouts (".wh.name" deletes name, ".wh..wh..opq"
// hides what lower layers had in its directory).
func (b *builder) lookupImagePath(p string) (byte, string, error) {
	layers, err := b.img.Layers()
	if err != nil {
		return 0, "", err
	}
	var kind byte
	var link string
	for _, l := range layers {
		rc, err := l.Uncompressed()
		if err != nil {
			return 0, "", err
		}
		k, lk, hidden, err := scanLayer(rc, p)
		rc.Close()
		if err != nil {
			return 0, "", err
		}
		if hidden {
			kind, link = 0, ""
		}
		if k != 0 {
			kind, link = k, lk
		}
	}
	return kind, link, nil
}

// scanLayer reports p's entry in one layer, and whether the layer hides
// what the layers below had at p.
func scanLayer(r io.Reader, p string) (kind byte, link string, hidden bool, err error) {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return kind, link, hidden, nil
		}
		if err != nil {
			return 0, "", false, err
		}
		n := strings.TrimSuffix(imagePath(path.Clean("/"+h.Name)), "/")
		dir, base := path.Dir(n), path.Base(n)
		switch {
		case n == p:
			kind, link = h.Typeflag, h.Linkname
			if kind == tar.TypeRegA {
				kind = tar.TypeReg
			}
		case base == ".wh..wh..opq" && isUnder(p, dir):
			hidden = true
		case strings.HasPrefix(base, ".wh."):
			if gone := path.Join(dir, strings.TrimPrefix(base, ".wh.")); gone == p || isUnder(p, gone) {
				hidden = true
			}
		case isUnder(p, n) && h.Typeflag != tar.TypeDir:
			// An ancestor replaced by a file or a symlink: p is gone
			// (following a symlinked ancestor is more than COPY needs).
			hidden = true
		}
	}
}

// isUnder says whether p is strictly inside dir ("." is the root).
func isUnder(p, dir string) bool {
	if dir == "." || dir == "" {
		return true
	}
	return strings.HasPrefix(p, dir+"/")
}
