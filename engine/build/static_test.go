package build

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// A build directory with an index.html and no Dockerfile is a static
// site: nginx serves it, and the files land where nginx serves from.
func TestBuildStaticSiteWithoutDockerfile(t *testing.T) {
	reg := newTestRegistry(t)
	reg.pushBase(t)
	// The stand-in httpd serves as nginx too: the test is about what the
	// builder copies where, not about the base.
	src, err := remote.Image(mustRef(t, reg.host+"/httpd:latest"))
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(mustRef(t, reg.host+"/nginx:latest"), src); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"index.html":   "<h1>static-4242</h1>\n",
		"css/site.css": "h1 { color: teal }\n",
	})
	df, err := Parse(t.Context(), dir, "")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if !df.Static || !strings.Contains(df.Name, "static site") {
		t.Errorf("Static = %v, Name = %q", df.Static, df.Name)
	}
	res := mustBuild(t, reg.opts(dir, "s-1"))
	if !strings.HasPrefix(res.Base, reg.host+"/nginx@sha256:") {
		t.Errorf("Base = %q, want nginx", res.Base)
	}
	files := pull(t, res.Image).lastLayer(t)
	if f, ok := files["usr/share/nginx/html/index.html"]; !ok || f.data != "<h1>static-4242</h1>\n" {
		t.Fatalf("index.html not under nginx's html: %v", sortedKeys(files))
	}
	if _, ok := files["usr/share/nginx/html/css/site.css"]; !ok {
		t.Errorf("css/site.css missing: %v", sortedKeys(files))
	}

	// The recipe counts in the digest: adding a Dockerfile is a new build.
	before, err := SourceDigest(t.Context(), dir, "")
	if err != nil {
		t.Fatal(err)
	}
	writeTree(t, dir, map[string]string{"Dockerfile": "FROM nginx\nCOPY . /usr/share/nginx/html/\n"})
	if after, _ := SourceDigest(t.Context(), dir, ""); after == before {
		t.Error("adding a Dockerfile left the source digest unchanged")
	}
}

// A program's source with an index.html is not a static site: nginx
// would serve the code as text. The error says which file shows it.
func TestNoDockerfileNamesWhyItIsNotStatic(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"index.html": "<h1>hi</h1>", "package.json": "{}"})
	_, err := Parse(t.Context(), dir, "")
	var be *Error
	if !errors.As(err, &be) || be.Kind != KindContext || !strings.Contains(be.Fix(), "package.json shows this is a program") {
		t.Fatalf("err = %v", err)
	}
	empty := t.TempDir()
	writeTree(t, empty, map[string]string{"notes.txt": "x"})
	if _, err := Parse(t.Context(), empty, ""); err == nil || !strings.Contains(err.Error(), "index.html at the top for a static site") {
		t.Fatalf("no index.html: %v", err)
	}
}

func mustRef(t testing.TB, s string) name.Reference {
	t.Helper()
	r, err := name.ParseReference(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
