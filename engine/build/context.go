package build

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// The build context is the build directory as COPY sees it: every file
// the .dockerignore does not exclude, listed once in a stable order so
// the same directory always gives the same layers and the same digest.

// maxIgnoreBytes bounds .dockerignore; a real one is a few hundred bytes.
const maxIgnoreBytes = 1 << 20

// Entry is one path in the build context.
type Entry struct {
	Rel  string      // slash-separated, relative to the build directory; "." is the directory itself
	Mode fs.FileMode // type bits and permissions, as Lstat reports them
	Size int64
	Link string // a symlink's target, as written
}

// Context is a snapshot of the build directory's listing.
type Context struct {
	Dir string
	// Recipe is the Dockerfile's path in Dir, "" for Dir/Dockerfile.
	Recipe  string
	entries []Entry        // sorted by Rel
	index   map[string]int // Rel → position in entries
	ignored map[string]bool
}

// ignoreFile is the ignore file the context honours: the recipe's own
// <recipe>.dockerignore when it has one, else the top .dockerignore.
func (c *Context) ignoreFile() string {
	if c.Recipe != "" {
		own := c.Recipe + ".dockerignore"
		if _, err := os.Stat(filepath.Join(c.Dir, filepath.FromSlash(own))); err == nil {
			return own
		}
	}
	return ".dockerignore"
}

// recipe is the Dockerfile's path in the context.
func (c *Context) recipe() string {
	if c.Recipe != "" {
		return c.Recipe
	}
	return DockerfileName
}

// DefaultMaxContextBytes is the largest build context (after
// .dockerignore) a build reads unless Options say otherwise: a context
// this big is nearly always a node_modules, .git or build output that
// belongs in .dockerignore, and every byte of it is read and hashed.
const DefaultMaxContextBytes int64 = 512 << 20

// OpenContext lists dir for the Dockerfile at recipe ("" for
// dir/Dockerfile), honouring its .dockerignore the way Docker does: a
// pattern excludes a path and everything under it, and a later "!"
// pattern brings paths back; a recipe's own <recipe>.dockerignore, when
// there is one, is read instead of the top one, as BuildKit does.
// Contexts over DefaultMaxContextBytes are refused.
func OpenContext(ctx context.Context, dir, recipe string) (*Context, error) {
	return openContext(ctx, dir, recipe, DefaultMaxContextBytes)
}

func openContext(ctx context.Context, dir, recipe string, limit int64) (*Context, error) {
	if limit <= 0 {
		limit = DefaultMaxContextBytes
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, &Error{Kind: KindContext, Msg: "cannot resolve the build directory " + dir, Err: err}
	}
	st, err := os.Stat(abs)
	if err != nil || !st.IsDir() {
		return nil, &Error{Kind: KindContext, Msg: "the build directory " + dir + " is not a directory", Err: err,
			Hint: "point build at a directory holding a Dockerfile"}
	}
	c := &Context{Dir: abs, Recipe: recipe, index: map[string]int{}, ignored: map[string]bool{}}
	pm, err := readIgnore(abs, c.ignoreFile())
	if err != nil {
		return nil, err
	}
	var total int64
	err = filepath.WalkDir(abs, func(p string, d fs.DirEntry, werr error) error {
		if werr != nil {
			return werr
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(abs, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel != "." && pm != nil {
			hit, err := pm.MatchesOrParentMatches(rel)
			if err != nil {
				return err
			}
			if hit {
				c.ignored[rel] = true
				if d.IsDir() && !pm.Exclusions() {
					return filepath.SkipDir // nothing below can come back
				}
				return nil
			}
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		e := Entry{Rel: rel, Mode: info.Mode(), Size: info.Size()}
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			if e.Link, err = os.Readlink(p); err != nil {
				return err
			}
			e.Size = 0
		case info.IsDir():
			e.Size = 0
		case !info.Mode().IsRegular():
			return nil // sockets, pipes and devices are not something COPY can carry
		}
		// Stop at the limit rather than after the walk: the point is not
		// to spend minutes reading a context that will be refused anyway.
		if total += e.Size; total > limit {
			return &Error{Kind: KindTooLarge,
				Msg:  fmt.Sprintf("the build context %s is over the limit of %d bytes (after .dockerignore; reached at %s)", dir, limit, rel),
				Hint: "add what the image does not need (node_modules, .git, build output, data files) to " + filepath.Join(dir, ".dockerignore") + ", or raise Options.MaxContextBytes"}
		}
		c.entries = append(c.entries, e)
		return nil
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var be *Error
		if errors.As(err, &be) {
			return nil, be
		}
		return nil, &Error{Kind: KindContext, Msg: "cannot read the build directory " + dir, Err: err}
	}
	sort.Slice(c.entries, func(i, j int) bool { return c.entries[i].Rel < c.entries[j].Rel })
	for i, e := range c.entries {
		c.index[e.Rel] = i
	}
	return c, nil
}

func readIgnore(dir, name string) (*patternmatcher.PatternMatcher, error) {
	f, err := os.Open(filepath.Join(dir, filepath.FromSlash(name)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, &Error{Kind: KindContext, File: name, Msg: "cannot read it", Err: err}
	}
	defer f.Close()
	pats, err := ignorefile.ReadAll(&limitedReader{r: f, n: maxIgnoreBytes, name: name})
	if err != nil {
		return nil, &Error{Kind: KindContext, File: name, Msg: "cannot read it", Err: err}
	}
	pm, err := patternmatcher.New(pats)
	if err != nil {
		return nil, &Error{Kind: KindContext, File: name, Msg: "bad pattern", Err: err,
			Hint: "patterns use Go's filepath.Match syntax plus **; see https://docs.docker.com/build/concepts/context/#dockerignore-files"}
	}
	return pm, nil
}

// Entries lists the context in order.
func (c *Context) Entries() []Entry { return c.entries }

// TopNames lists the names at the top of the context.
func (c *Context) TopNames() []string {
	var names []string
	for _, e := range c.Under(".") {
		if !strings.Contains(e.Rel, "/") {
			names = append(names, e.Rel)
		}
	}
	return names
}

// Lookup finds one path ("." for the whole directory).
func (c *Context) Lookup(rel string) (Entry, bool) {
	i, ok := c.index[cleanRel(rel)]
	if !ok {
		return Entry{}, false
	}
	return c.entries[i], true
}

// Ignored says whether .dockerignore removed rel (so an error can say why
// a file that exists on disk is "missing").
func (c *Context) Ignored(rel string) bool {
	rel = cleanRel(rel)
	for p := rel; p != "." && p != "/" && p != ""; p = path.Dir(p) {
		if c.ignored[p] {
			return true
		}
	}
	return false
}

// Under lists the entries strictly below dir, in order.
func (c *Context) Under(dir string) []Entry {
	dir = cleanRel(dir)
	if dir == "." {
		if len(c.entries) > 0 && c.entries[0].Rel == "." {
			return c.entries[1:]
		}
		return c.entries
	}
	prefix := dir + "/"
	i := sort.Search(len(c.entries), func(i int) bool { return c.entries[i].Rel >= prefix })
	j := i
	for j < len(c.entries) && strings.HasPrefix(c.entries[j].Rel, prefix) {
		j++
	}
	return c.entries[i:j]
}

// Abs is where rel lives on disk.
func (c *Context) Abs(rel string) string {
	return filepath.Join(c.Dir, filepath.FromSlash(cleanRel(rel)))
}

// cleanRel turns what a Dockerfile writes ("./public-html/", "/app") into
// a context path: COPY sources are always relative to the context root.
func cleanRel(p string) string {
	p = path.Clean("/" + filepath.ToSlash(p))
	if p == "/" {
		return "."
	}
	return strings.TrimPrefix(p, "/")
}
