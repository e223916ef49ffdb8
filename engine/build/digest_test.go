package build

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestSourceDigest(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"Dockerfile":             "FROM httpd\nCOPY ./public-html/ /usr/local/apache2/htdocs/\n",
		".dockerignore":          "*.log\n",
		"public-html/index.html": "one\n",
		"debug.log":              "a\n",
	})
	digest := func() string {
		t.Helper()
		d, err := SourceDigest(t.Context(), dir, "")
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	first := digest()
	if first != digest() {
		t.Fatal("two digests of the same directory differ")
	}
	page := filepath.Join(dir, "public-html", "index.html")
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(page, later, later); err != nil {
		t.Fatal(err)
	}
	if digest() != first {
		t.Error("touching a file changed the digest; only what COPY carries may")
	}
	if err := os.WriteFile(filepath.Join(dir, "debug.log"), []byte("b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if digest() != first {
		t.Error("editing a .dockerignore'd file changed the digest")
	}
	// Each of these is a change an image would carry, so each must show.
	changes := []struct {
		name string
		do   func() error
	}{
		{"edit a file", func() error { return os.WriteFile(page, []byte("two\n"), 0o644) }},
		{"chmod a file", func() error { return os.Chmod(page, 0o600) }},
		{"add a file", func() error { return os.WriteFile(filepath.Join(dir, "public-html", "new.html"), nil, 0o644) }},
		{"add a symlink", func() error { return os.Symlink("index.html", filepath.Join(dir, "public-html", "home.html")) }},
		{"edit the Dockerfile", func() error {
			return os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM httpd:2.4\nCOPY ./public-html/ /usr/local/apache2/htdocs/\n"), 0o644)
		}},
		{"edit .dockerignore", func() error { return os.WriteFile(filepath.Join(dir, ".dockerignore"), []byte("*.tmp\n"), 0o644) }},
	}
	seen := map[string]string{first: "the start"}
	for _, c := range changes {
		if err := c.do(); err != nil {
			t.Fatal(err)
		}
		d := digest()
		if prev, ok := seen[d]; ok {
			t.Errorf("%s: digest is the same as after %s", c.name, prev)
		}
		seen[d] = c.name
	}
}

// Same source, same base: same image, and the second push sends no blob.
// One file edited: exactly one new layer (and the config) goes up.
func TestRebuildPushesOnlyWhatChanged(t *testing.T) {
	reg := newTestRegistry(t)
	reg.pushBase(t)
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"Dockerfile":             "FROM httpd\nCOPY ./public-html/ /usr/local/apache2/htdocs/\nCOPY ./conf/ /usr/local/apache2/conf/\n",
		"public-html/index.html": "one\n",
		"conf/extra.conf":        "x\n",
	})
	first := mustBuild(t, reg.opts(dir, "b-1"))
	before := reg.uploads.Load()
	again := mustBuild(t, reg.opts(dir, "b-2"))
	if again.ImageDigest != first.ImageDigest || again.SourceDigest != first.SourceDigest {
		t.Errorf("rebuild of unchanged source: %s/%s, then %s/%s", first.ImageDigest, first.SourceDigest, again.ImageDigest, again.SourceDigest)
	}
	if n := reg.uploads.Load() - before; n != 0 {
		t.Errorf("rebuild of unchanged source uploaded %d blobs", n)
	}
	writeTree(t, dir, map[string]string{"public-html/index.html": "two\n"})
	before = reg.uploads.Load()
	changed := mustBuild(t, reg.opts(dir, "b-3"))
	if changed.ImageDigest == first.ImageDigest || changed.SourceDigest == first.SourceDigest {
		t.Error("an edited page gave the same image or source digest")
	}
	if n := reg.uploads.Load() - before; n != 2 {
		t.Errorf("one edited file uploaded %d blobs, want 2 (its layer and the config)", n)
	}
}
