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

// dockerfile names the recipe inside the build directory: one that is
// there loads; one that isn't, one outside the directory, or one on a
// process that builds nothing is refused at its line and column.
func TestDockerfileIsAPathInsideTheBuildDirectory(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "mvi.toml")
	write := func(name, body string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("services/web/Dockerfile", "FROM httpd\n")
	for _, c := range []struct{ process, want string }{
		{"build = \".\"\ndockerfile = \"services/web/Dockerfile\"\n", ""},
		{"build = \".\"\ndockerfile = \"services/api/Dockerfile\"\n", `4:14: processes.web.dockerfile: "services/api/Dockerfile" is not in "."`},
		{"build = \".\"\ndockerfile = \"../Dockerfile\"\n", `4:14: processes.web.dockerfile: "../Dockerfile" is outside the build directory "."`},
		{"image = \"httpd\"\ndockerfile = \"Dockerfile\"\n", `4:14: processes.web.dockerfile: dockerfile "Dockerfile" without build`},
	} {
		write("mvi.toml", "name = \"mono\"\n[processes.web]\n"+c.process+"port = 80\n")
		m, err := Load(file)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%q: %v", c.process, err)
		case c.want == "" && m.Processes["web"].Dockerfile != "services/web/Dockerfile":
			t.Errorf("%q: dockerfile %q", c.process, m.Processes["web"].Dockerfile)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%q: %v, want %s", c.process, err, c.want)
		}
	}
}

// A build directory with no Dockerfile at its top but one below: the fix
// names it as the dockerfile to give.
func TestABuildDirectoryWithADockerfileBelowSaysWhichToName(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"mvi.toml":                "name = \"mono\"\n[processes.web]\nbuild = \".\"\nport = 80\n",
		"services/web/Dockerfile": "FROM httpd\n",
		"main.go":                 "package main\n",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err := Load(filepath.Join(dir, "mvi.toml"))
	if err == nil || !strings.Contains(err.Error(), `dockerfile = "services/web/Dockerfile"`) {
		t.Fatalf("got %v", err)
	}
}
