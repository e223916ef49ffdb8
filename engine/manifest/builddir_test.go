package manifest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 10 item 6: build = "." in a directory without a Dockerfile came
// "up" with no image of the app's own. Loaded from disk, the directory
// is looked at before any change; a plain static site
// needs none.
func TestBuildDirectoryNeedsADockerfile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "mvi.toml")
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("mvi.toml", "name = \"site\"\n[processes.web]\nbuild = \".\"\nport = 80\n")
	write("app.py", "print('hi')")
	_, err := Load(file)
	if err == nil || !strings.Contains(err.Error(), "3:9") || !strings.Contains(err.Error(), `"." has no Dockerfile`) || !strings.Contains(err.Error(), "index.html") {
		t.Fatalf("no Dockerfile: %v", err)
	}
	// An index.html beside a program is still a program: nginx would
	// serve its source as text.
	write("index.html", "<h1>hi</h1>")
	if _, err := Load(file); err == nil || !strings.Contains(err.Error(), "app.py shows it is a program") {
		t.Fatalf("index.html beside app.py: %v", err)
	}
	// A plain static site needs no Dockerfile: the builder serves it
	// with nginx.
	if err := os.Remove(filepath.Join(dir, "app.py")); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(file); err != nil {
		t.Fatalf("static site: %v", err)
	}
	write("mvi.toml", "name = \"site\"\n[processes.web]\nbuild = \"./web\"\nport = 80\n")
	if _, err := Load(file); err == nil || !strings.Contains(err.Error(), "is not a directory") {
		t.Fatalf("missing directory: %v", err)
	}
	write("mvi.toml", "name = \"site\"\n[processes.web]\nbuild = \".\"\nport = 80\n")
	write("Dockerfile", "FROM httpd\nCOPY . /usr/local/apache2/htdocs/\n")
	if _, err := Load(file); err != nil {
		t.Fatalf("with a Dockerfile: %v", err)
	}
}
