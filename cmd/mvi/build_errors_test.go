package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A Dockerfile mvi can't build is refused like a bad mvi.toml: exit 2, the
// Dockerfile's line, and the fix. The first two are refused by the plan,
// before any change; an unreachable base by the build, which pushed
// nothing.
func TestBadDockerfilesExitTwoWithTheirLine(t *testing.T) {
	for _, c := range []struct {
		name, dockerfile, want string
		planned                bool // refused before any change
	}{
		{"unknown instruction", "FROM httpd:2.4\nCOPPY ./public-html/ /usr/local/apache2/htdocs/\n", "Dockerfile:2", true},
		{"missing path", "FROM httpd:2.4\nCOPY ./nothing-here/ /usr/local/apache2/htdocs/\n", "Dockerfile:2", true},
		{"unreachable base", "FROM ghcr.io/nobody/nothing:1\nCOPY ./public-html/ /usr/local/apache2/htdocs/\n", "Dockerfile:1", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			app := t.TempDir()
			for name, body := range map[string]string{
				"mvi.toml":               "name = \"bad\"\n[processes.web]\nbuild = \".\"\nport = 80\n",
				"Dockerfile":             c.dockerfile,
				"public-html/index.html": "hi\n",
			} {
				p := filepath.Join(app, name)
				os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			out, errs, code := mvi(t, "up", "--yes", "-f", filepath.Join(app, "mvi.toml"), "--sandbox-dir", t.TempDir(), "--sandbox-speed", "0")
			if code != 2 || !strings.Contains(errs, c.want) || !strings.Contains(errs, "fix") {
				t.Fatalf("exit %d, want 2 naming %s with a fix\nstdout:\n%s\nstderr:\n%s", code, c.want, tail(out), errs)
			}
			if c.planned && strings.Contains(out, "+ create") {
				t.Errorf("refused only after changes began:\n%s", tail(out))
			}
		})
	}
}
