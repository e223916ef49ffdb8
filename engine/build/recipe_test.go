package build

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A Dockerfile elsewhere in the build directory (a monorepo's
// services/web/Dockerfile, a Dockerfile.prod): the build reads that one,
// with the whole directory as its context, and the source digest follows
// it: another recipe, or an edit of it, is another build.
func TestBuildWithADockerfileElsewhere(t *testing.T) {
	reg := newTestRegistry(t)
	reg.pushBase(t)
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"Dockerfile":              "FROM httpd\nCOPY ./other/ /usr/local/apache2/htdocs/\n",
		"services/web/Dockerfile": "FROM httpd\nCOPY ./public-html/ /usr/local/apache2/htdocs/\n",
		"public-html/index.html":  "<h1>from the monorepo</h1>\n",
	})
	o := reg.opts(dir, "b-1")
	o.Dockerfile = "services/web/Dockerfile"
	var log strings.Builder
	o.Log = &log
	res := mustBuild(t, o)
	if !strings.Contains(log.String(), "services/web/Dockerfile:2: COPY ./public-html/") {
		t.Errorf("the log doesn't name the recipe it read:\n%s", log.String())
	}
	files := pull(t, res.Image).lastLayer(t)
	if f, ok := files["usr/local/apache2/htdocs/index.html"]; !ok || f.data != "<h1>from the monorepo</h1>\n" {
		t.Fatalf("the image holds %v", sortedKeys(files))
	}
	root, err := SourceDigest(t.Context(), dir, "")
	if err != nil {
		t.Fatal(err)
	}
	web, err := SourceDigest(t.Context(), dir, o.Dockerfile)
	if err != nil || web == root || res.SourceDigest != web {
		t.Fatalf("digests: root %s, services/web %s (%v), the build's %s", root, web, err, res.SourceDigest)
	}
	if err := os.WriteFile(filepath.Join(dir, "services/web/Dockerfile"), []byte("FROM httpd\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if again, _ := SourceDigest(t.Context(), dir, o.Dockerfile); again == web {
		t.Error("editing the recipe left the digest as it was")
	}
	_, err = Parse(t.Context(), dir, "services/api/Dockerfile")
	var be *Error
	if !errors.As(err, &be) || !strings.Contains(err.Error(), "no services/api/Dockerfile in") {
		t.Errorf("a recipe that isn't there: %v", err)
	}
}

// A recipe's own <recipe>.dockerignore is read instead of the top one,
// as BuildKit reads it: the same directory is another context for it.
func TestARecipesOwnDockerignore(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		".dockerignore":                        "notes.txt\n",
		"services/web/Dockerfile":              "FROM httpd\nCOPY . /srv/\n",
		"services/web/Dockerfile.dockerignore": "secret.env\n",
		"secret.env":                           "TOKEN=x\n",
		"notes.txt":                            "n\n",
	})
	has := func(recipe, rel string) bool {
		t.Helper()
		c, err := OpenContext(t.Context(), dir, recipe)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range c.Entries() {
			if e.Rel == rel {
				return true
			}
		}
		return false
	}
	if has("services/web/Dockerfile", "secret.env") || !has("services/web/Dockerfile", "notes.txt") {
		t.Error("services/web/Dockerfile's context: want secret.env out by its own ignore file, notes.txt in")
	}
	if !has("", "secret.env") || has("", "notes.txt") {
		t.Error("the top Dockerfile's context: want the top .dockerignore, secret.env in and notes.txt out")
	}
}
