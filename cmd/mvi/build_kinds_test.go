package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeApp writes name → body under a new app directory.
func writeApp(t *testing.T, files map[string]string) string {
	t.Helper()
	app := t.TempDir()
	for name, body := range files {
		p := filepath.Join(app, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return app
}

// unwrapped undoes the wrapping of printed paragraphs.
func unwrapped(s string) string { return strings.Join(strings.Fields(s), " ") }

// A directory of HTML with no Dockerfile: the plan says it is built on
// nginx, and the page comes back through the load balancer.
func TestStaticSiteWithoutDockerfileOnTheSandbox(t *testing.T) {
	app := writeApp(t, map[string]string{
		"mvi.toml":   "name = \"site\"\n[processes.web]\nbuild = \".\"\nport = 80\n",
		"index.html": "<html><body><h1>static-5150</h1></body></html>\n",
	})
	sv := serveSandbox(t)
	manifest := filepath.Join(app, "mvi.toml")
	out, errs, code := mvi(t, append([]string{"up", "--yes", "-f", manifest}, sv.flags...)...)
	if code != 0 {
		t.Fatalf("up: exit %d\n%s\n%s", code, tail(out), errs)
	}
	if !strings.Contains(unwrapped(out), "plain static site, so it is built on nginx") {
		t.Errorf("the plan does not say it is built on nginx:\n%s", out)
	}
	sv.page("static-5150")
}

// A Dockerfile that runs programs, on a machine with no working docker:
// the build runs as a task on the app's cluster, the sandbox's builder
// says which RUN line it did not execute, and what the COPY put in the
// image is what the load balancer serves.
func TestClusterBuildOnTheSandboxServesThePage(t *testing.T) {
	app := writeApp(t, map[string]string{
		"mvi.toml":               "name = \"page\"\n[processes.web]\nbuild = \".\"\nport = 80\n",
		"Dockerfile":             "FROM httpd:2.4\nRUN apt-get update && apt-get install -y curl\nCOPY ./public-html/ /usr/local/apache2/htdocs/\n",
		"public-html/index.html": "<html><body><h1>cluster-6060</h1></body></html>\n",
	})
	t.Setenv("PATH", t.TempDir()) // no docker, podman or buildah here, whatever the machine has
	sv := serveSandbox(t)
	manifest := filepath.Join(app, "mvi.toml")
	out, errs, code := mvi(t, append([]string{"up", "--yes", "-f", manifest}, sv.flags...)...)
	if code != 0 {
		t.Fatalf("up: exit %d\n%s\n%s", code, tail(out), errs)
	}
	if !strings.Contains(unwrapped(out), "a BuildKit task on the app's own cluster builds it") {
		t.Errorf("the plan does not say the cluster builds it:\n%s", out)
	}
	if !strings.Contains(out, "NOT executed (the sandbox runs no programs)") {
		t.Errorf("up does not say which RUN line was not executed:\n%s", tail(out))
	}
	sv.page("cluster-6060")
}
