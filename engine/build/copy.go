package build

import (
	"archive/tar"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/moby/patternmatcher"
)

// What COPY and ADD put where, following Docker's rules: a directory
// source copies its contents, not itself; a file goes to dest, or into
// dest when dest ends in "/" or is a directory in the base image; more
// than one source needs a directory dest ending in "/"; a relative dest
// is under WORKDIR; a source that is itself a symlink is followed, while
// symlinks inside a copied directory stay symlinks.

type copyReq struct {
	st       Step
	add      bool // ADD also unpacks local tar archives
	srcs     []string
	contents []heredoc
	dest     string
	chown    string
	chmod    string
	excludes []string
}

type heredoc struct {
	name string
	data string
}

const maxSymlinkHops = 16

// errOutside marks a symlink that leads out of the build directory.
var errOutside = errors.New("it leads outside the build directory")

func (b *builder) copyFiles(r copyReq) (*layerSet, error) {
	fail := func(kind Kind, msg, fix string, err error) error {
		return r.st.fail(b.df.Name, kind, msg, fix, err)
	}
	uid, gid, err := parseChown(r.chown)
	if err != nil {
		return nil, fail(KindUnsupported, err.Error(), "use numeric ids such as --chown=1000:1000; the in-process builder does not read the base image's /etc/passwd", nil)
	}
	chmod, err := parseChmod(r.chmod)
	if err != nil {
		return nil, fail(KindSyntax, err.Error(), "use an octal mode such as --chmod=0644", nil)
	}
	var ex *patternmatcher.PatternMatcher
	if len(r.excludes) > 0 {
		if ex, err = patternmatcher.New(r.excludes); err != nil {
			return nil, fail(KindSyntax, "bad --exclude pattern", "", err)
		}
	}
	type source struct {
		name string // as written, for errors
		e    Entry
	}
	var sources []source
	for _, s := range r.srcs {
		if e := b.df.checkEscape(r.st, s); e != nil {
			return nil, e
		}
		es, err := b.df.Context.Match(s)
		if err != nil {
			return nil, fail(KindMissing, err.Error(), missingFix(b.df.Context, s), nil)
		}
		for _, e := range es {
			sources = append(sources, source{s, e})
		}
	}
	dest := r.dest
	if !path.IsAbs(dest) {
		dest = path.Join(b.workdir(), dest) + trailingSlash(dest)
	}
	destIsDir := strings.HasSuffix(dest, "/") || strings.HasSuffix(r.dest, "/.") || r.dest == "."
	if len(sources)+len(r.contents) > 1 && !destIsDir {
		return nil, fail(KindSyntax, "with more than one source, the destination must be a directory and end with a /", "write "+r.dest+"/", nil)
	}
	dest = path.Clean(dest)
	own := func(f *layerFile) *layerFile {
		f.uid, f.gid = uid, gid
		if chmod >= 0 {
			f.mode = chmod
		}
		return f
	}
	ls := newLayerSet()
	for _, h := range r.contents {
		target := dest
		if destIsDir {
			target = path.Join(dest, h.name)
		}
		ls.put(own(&layerFile{name: imagePath(target), typ: tar.TypeReg, mode: 0o644, data: []byte(h.data), size: int64(len(h.data))}))
	}
	for _, s := range sources {
		e, err := b.follow(s.e)
		if err != nil {
			kind := KindMissing
			if errors.Is(err, errOutside) {
				kind = KindEscape
			}
			return nil, fail(kind, s.name+": "+err.Error(), "make the symlink point at a file inside the build directory", nil)
		}
		switch {
		case e.Mode.IsDir():
			ls.put(own(&layerFile{name: imagePath(dest), typ: tar.TypeDir, mode: 0o755}))
			for _, c := range b.df.Context.Under(e.Rel) {
				rel := c.Rel
				if e.Rel != "." {
					rel = strings.TrimPrefix(c.Rel, e.Rel+"/")
				}
				if ex != nil {
					if hit, _ := ex.MatchesOrParentMatches(rel); hit {
						continue
					}
				}
				ls.put(own(b.entryFile(c, path.Join(dest, rel))))
			}
		case r.add && isArchive(b.df.Context.Abs(e.Rel)):
			if err := b.unpack(ls, b.df.Context.Abs(e.Rel), dest, r.chown != "", uid, gid); err != nil {
				return nil, fail(KindUnsupported, "cannot unpack "+s.name, "COPY the archive instead, or unpack it in the build directory", err)
			}
		default:
			target := dest
			if destIsDir {
				target = path.Join(dest, path.Base(e.Rel))
			} else if isDir, err := b.baseIsDir(dest); err != nil {
				return nil, fail(KindUnreachable, "cannot read the base image to see whether "+dest+" is a directory", "check the registry is reachable", err)
			} else if isDir {
				target = path.Join(dest, path.Base(e.Rel))
			}
			ls.put(own(b.entryFile(e, target)))
		}
	}
	return ls, nil
}

func (b *builder) entryFile(e Entry, target string) *layerFile {
	f := &layerFile{name: imagePath(target), mode: unixMode(e.Mode)}
	switch {
	case e.Mode&fs.ModeSymlink != 0:
		f.typ, f.link, f.mode = tar.TypeSymlink, e.Link, 0o777
	case e.Mode.IsDir():
		f.typ = tar.TypeDir
	default:
		f.typ, f.src, f.size = tar.TypeReg, b.df.Context.Abs(e.Rel), e.Size
	}
	return f
}

// follow resolves a source that is itself a symlink, staying inside the
// build context as Docker does.
func (b *builder) follow(e Entry) (Entry, error) {
	for hops := 0; e.Mode&fs.ModeSymlink != 0; hops++ {
		if hops == maxSymlinkHops {
			return e, fmt.Errorf("too many levels of symlinks")
		}
		target := e.Link
		if !path.IsAbs(target) {
			target = path.Join(path.Dir(e.Rel), target)
			if escapes(target) {
				return e, fmt.Errorf("symlink to %s: %w", e.Link, errOutside)
			}
		}
		next, ok := b.df.Context.Lookup(target)
		if !ok {
			return e, fmt.Errorf("symlink to %s, which is not in the build directory", e.Link)
		}
		e = next
	}
	return e, nil
}

func trailingSlash(p string) string {
	if strings.HasSuffix(p, "/") {
		return "/"
	}
	return ""
}

// parseChown accepts numeric "uid" or "uid:gid"; a uid alone also sets
// the gid, as Docker does.
func parseChown(s string) (int, int, error) {
	if s == "" {
		return 0, 0, nil
	}
	u, g, hasG := strings.Cut(s, ":")
	uid, err := strconv.Atoi(u)
	if err != nil || uid < 0 {
		return 0, 0, fmt.Errorf("--chown=%s names a user, not a numeric id", s)
	}
	if !hasG {
		return uid, uid, nil
	}
	gid, err := strconv.Atoi(g)
	if err != nil || gid < 0 {
		return 0, 0, fmt.Errorf("--chown=%s names a group, not a numeric id", s)
	}
	return uid, gid, nil
}

// parseChmod returns -1 when no --chmod was given.
func parseChmod(s string) (int64, error) {
	if s == "" {
		return -1, nil
	}
	m, err := strconv.ParseUint(s, 8, 32)
	if err != nil || m > 0o7777 {
		return 0, fmt.Errorf("--chmod=%s is not an octal mode", s)
	}
	return int64(m), nil
}
