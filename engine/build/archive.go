package build

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
)

// ADD unpacks a local tar archive (plain, gzip or bzip2) into dest, the
// way Docker does. xz and zstd archives are recognised and refused rather
// than copied as a file, which Docker would never do with them.

// maxUnpackBytes bounds what one ADD may unpack into memory.
const maxUnpackBytes = 1 << 30

type archiveKind int

const (
	notArchive archiveKind = iota
	tarPlain
	tarGzip
	tarBzip2
	tarXz
	tarZstd
)

func sniffArchive(p string) archiveKind {
	f, err := os.Open(p)
	if err != nil {
		return notArchive
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return tarGzip
	case bytes.HasPrefix(head, []byte("BZh")):
		return tarBzip2
	case bytes.HasPrefix(head, []byte{0xfd, '7', 'z', 'X', 'Z', 0}):
		return tarXz
	case bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return tarZstd
	case n >= 262 && string(head[257:262]) == "ustar":
		return tarPlain
	}
	return notArchive
}

func isArchive(p string) bool { return sniffArchive(p) != notArchive }

func (b *builder) unpack(ls *layerSet, p, dest string, chowned bool, uid, gid int) error {
	kind := sniffArchive(p)
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = bufio.NewReader(f)
	switch kind {
	case tarGzip:
		gz, err := gzip.NewReader(r)
		if err != nil {
			return err
		}
		defer gz.Close()
		r = gz
	case tarBzip2:
		r = bzip2.NewReader(r)
	case tarXz, tarZstd:
		return errors.New("xz and zstd archives need a real builder")
	}
	tr := tar.NewReader(r)
	var total int64
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if kind != tarPlain && total == 0 {
				// A compressed file that holds no tar is copied as is by
				// Docker; we'd rather say so than guess.
				return fmt.Errorf("not a tar archive inside the compression: %w", err)
			}
			return err
		}
		name := path.Clean("/" + h.Name)
		if name == "/" {
			continue
		}
		lf := &layerFile{name: imagePath(path.Join(dest, name)), mode: h.Mode & 0o7777, uid: h.Uid, gid: h.Gid, modTime: h.ModTime}
		if chowned {
			lf.uid, lf.gid = uid, gid
		}
		switch h.Typeflag {
		case tar.TypeDir:
			lf.typ = tar.TypeDir
		case tar.TypeSymlink:
			lf.typ, lf.link = tar.TypeSymlink, h.Linkname
		case tar.TypeReg:
			total += h.Size
			if total > maxUnpackBytes {
				return fmt.Errorf("the archive unpacks to more than %d bytes", maxUnpackBytes)
			}
			data, err := io.ReadAll(tr)
			if err != nil {
				return err
			}
			lf.typ, lf.data, lf.size = tar.TypeReg, data, int64(len(data))
		case tar.TypeLink:
			// A hard link becomes a copy of its target's content, which
			// is what a reader of the image sees.
			t := ls.files[imagePath(path.Join(dest, path.Clean("/"+h.Linkname)))]
			if t == nil || t.typ != tar.TypeReg {
				return fmt.Errorf("hard link %s to %s, which comes before it in no entry", h.Name, h.Linkname)
			}
			lf.typ, lf.data, lf.size, lf.src = tar.TypeReg, t.data, t.size, t.src
		default:
			if strings.TrimSpace(h.Name) != "" {
				return fmt.Errorf("%s is a device or pipe, which the in-process builder does not write", h.Name)
			}
		}
		ls.put(lf)
	}
}
