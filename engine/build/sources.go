package build

import (
	"errors"
	"path"
	"path/filepath"
	"strings"
)

// COPY and ADD sources name paths in the build context, always relative
// to its root ("/x" and "./x" both mean x, as with Docker), and may hold
// filepath.Match wildcards. A relative source that climbs out ("../x")
// is refused: BuildKit quietly reads x from the context root instead,
// which copies a different file from the one the person meant.

// Match returns the context entries a source names.
func (c *Context) Match(src string) ([]Entry, error) {
	rel := cleanRel(src)
	if !strings.ContainsAny(rel, "*?[") {
		if e, ok := c.Lookup(rel); ok {
			return []Entry{e}, nil
		}
		if c.Ignored(rel) {
			return nil, errors.New(src + " is excluded by .dockerignore")
		}
		return nil, errors.New(src + " is not in the build directory")
	}
	if _, err := path.Match(rel, ""); err != nil {
		return nil, errors.New(src + " is not a valid pattern: " + err.Error())
	}
	var out []Entry
	depth := strings.Count(rel, "/")
	for _, e := range c.entries {
		if e.Rel == "." || strings.Count(e.Rel, "/") != depth {
			continue
		}
		if ok, _ := path.Match(rel, e.Rel); ok {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("nothing in the build directory matches " + src)
	}
	return out, nil
}

func missingFix(c *Context, src string) string {
	if c.Ignored(cleanRel(src)) {
		return "remove the pattern that matches it from .dockerignore, or add a line !" + cleanRel(src)
	}
	return "create " + cleanRel(src) + " in " + c.Dir + ", or correct the path (sources are relative to the build directory)"
}

// escapes reports a relative source that climbs out of the build directory.
func escapes(src string) bool {
	p := path.Clean(filepath.ToSlash(src))
	return p == ".." || strings.HasPrefix(p, "../")
}

func (df *Dockerfile) checkEscape(st Step, src string) *Error {
	if !escapes(src) {
		return nil
	}
	return st.fail(df.Name, KindEscape, src+" is outside the build directory "+df.Context.Dir+", and only the build directory is sent to the build",
		"move the file into the build directory, or point build at a directory that holds both (and list what the image does not need in .dockerignore)", nil)
}
