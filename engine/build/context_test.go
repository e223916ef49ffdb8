package build

import (
	"archive/tar"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// A "!" line brings back what an earlier pattern excluded, as with Docker.
func TestDockerignoreException(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"Dockerfile":             "FROM scratch\nCOPY . /\n",
		".dockerignore":          "public-html/*\n!public-html/index.html\n.git\n",
		"public-html/index.html": "in\n", "public-html/notes.txt": "out\n", ".git/HEAD": "ref\n",
	})
	c, err := OpenContext(t.Context(), dir, "")
	if err != nil {
		t.Fatal(err)
	}
	for rel, want := range map[string]bool{"public-html/index.html": true, "public-html/notes.txt": false, ".git/HEAD": false, ".git": false, "Dockerfile": true} {
		if _, ok := c.Lookup(rel); ok != want {
			t.Errorf("%s in the context: %v, want %v", rel, ok, want)
		}
	}
	if !c.Ignored("public-html/notes.txt") || c.Ignored("public-html/index.html") {
		t.Error("Ignored disagrees with Lookup")
	}
}

// A symlink inside a copied directory stays a symlink; a symlink named
// as the source is followed.
func TestCopySymlinks(t *testing.T) {
	reg := newTestRegistry(t)
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"Dockerfile": "FROM scratch\nCOPY site/ /www/\nCOPY current /current.txt\n", "site/a.html": "a\n", "v2.txt": "two\n"})
	if err := os.Symlink("a.html", filepath.Join(dir, "site", "index.html")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("v2.txt", filepath.Join(dir, "current")); err != nil {
		t.Fatal(err)
	}
	p := pull(t, mustBuild(t, reg.opts(dir, "links")).Image)
	ls, _ := p.img.Layers()
	www := layerEntries(t, ls[0])
	if e := www["www/index.html"]; e.h == nil || e.h.Typeflag != tar.TypeSymlink || e.h.Linkname != "a.html" {
		t.Errorf("www/index.html: %+v", e.h)
	}
	if e := p.lastLayer(t)["current.txt"]; e.h == nil || e.h.Typeflag != tar.TypeReg || e.data != "two\n" {
		t.Errorf("current.txt: %+v %q", e.h, e.data)
	}
}

// A source that escapes only once a build arg is expanded is refused
// too, before anything is pushed.
func TestCopyEscapeThroughVariable(t *testing.T) {
	reg := newTestRegistry(t)
	reg.pushBase(t)
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"Dockerfile": "FROM httpd\nARG SRC=.\nCOPY ${SRC}/secret /x\n"})
	o := reg.opts(dir, "x")
	o.BuildArgs = map[string]string{"SRC": ".."}
	before := reg.uploads.Load()
	_, err := Build(t.Context(), o)
	assertKind(t, err, ErrEscape, ":3:")
	if n := reg.uploads.Load() - before; n != 0 {
		t.Errorf("%d blobs pushed by a refused build", n)
	}
}

func TestBuildHonoursCancel(t *testing.T) {
	reg := newTestRegistry(t)
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"Dockerfile": "FROM scratch\nCOPY a /a\n", "a": "a\n"})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Build(ctx, reg.opts(dir, "x")); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
