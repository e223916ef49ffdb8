package build

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The log says what a push sends: the first build sends its one new
// layer (the base's is already there), a rebuild after editing one file
// sends one layer again, and what the registry has is said not pushed.
func TestPushLogSaysWhichLayersAreSentAndWhichAreThere(t *testing.T) {
	reg := newTestRegistry(t)
	reg.pushBase(t)
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"Dockerfile":             "FROM httpd\nCOPY ./public-html/ /usr/local/apache2/htdocs/\nCOPY ./conf/ /usr/local/apache2/conf/extra/\n",
		"public-html/index.html": "<h1>one</h1>\n",
		"conf/site.conf":         "# site\n",
	})
	build := func(tag string) string {
		t.Helper()
		var log bytes.Buffer
		o := reg.opts(dir, tag)
		o.Log = &log
		mustBuild(t, o)
		return log.String()
	}
	// The base's layer is in the registry already (this one keeps blobs
	// across repositories; ECR mounts them): only the two COPY layers go.
	if log := build("b1"); !strings.Contains(log, "2 of 3 layers to push") || !strings.Contains(log, "1 already in the registry") {
		t.Errorf("first build:\n%s", log)
	}
	if err := os.WriteFile(filepath.Join(dir, "public-html/index.html"), []byte("<h1>two</h1>\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	log := build("b2")
	if !strings.Contains(log, "1 of 3 layers to push") || !strings.Contains(log, "2 already in the registry, not pushed again") ||
		strings.Count(log, ": push ") != 1 {
		t.Errorf("rebuild after one edit:\n%s", log)
	}
}
