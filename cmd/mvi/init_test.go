package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/engine/manifest"
)

// mviIn runs mvi with stdin from a pipe-like reader, as `printf … | mvi`.
func mviIn(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

// Answered from a pipe, init writes a manifest that validate accepts and
// that says what the answers said; "n" to building leaves the cloud alone.
func TestInitFromPipedAnswersWritesAManifestValidateAccepts(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "My Shop")
	sb := t.TempDir()
	// name (default taken), image, port, worker command, database 2 = PostgreSQL, build it? no
	out, errs, code := mviIn(t, "\nhttpd\n8080\nbin/worker --queue default\n2\nn\n", "init", dir, "--sandbox-dir", sb)
	if code != 0 {
		t.Fatalf("init: exit %d\n%s\n%s", code, out, errs)
	}
	file := filepath.Join(dir, "mvi.toml")
	out, errs, code = mvi(t, "validate", "-f", file)
	if code != 0 {
		t.Fatalf("validate: exit %d\n%s\n%s", code, out, errs)
	}
	m, err := manifest.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	web, worker := m.Processes["web"], m.Processes["worker"]
	switch {
	case m.Name != "my-shop":
		t.Errorf("name %q, want the directory's name made valid", m.Name)
	case web == nil || web.Image != "httpd" || web.Port != 8080:
		t.Errorf("web = %+v", web)
	case worker == nil || strings.Join(worker.Command, " ") != "bin/worker --queue default" || worker.Port != 0:
		t.Errorf("worker = %+v", worker)
	case m.Database == nil || m.Database.Engine != "postgres":
		t.Errorf("database = %+v", m.Database)
	}
	// Nothing was built: the sandbox was never even opened.
	if ents, _ := os.ReadDir(sb); len(ents) != 0 {
		t.Errorf("answering no still touched the sandbox: %v", ents)
	}
	// A second init there refuses rather than overwrite the file.
	_, errs, code = mviIn(t, "\n\n\n\n\nn\n", "init", dir)
	if code != exitInvalid || !strings.Contains(errs, "already exists") {
		t.Errorf("second init: exit %d %s", code, errs)
	}
}

// A wrong answer is asked again; an app with no port and no database
// designs without a load balancer.
func TestInitAsksAgainAfterAWrongAnswer(t *testing.T) {
	dir := t.TempDir()
	out, errs, code := mviIn(t, "Not A Name\nworker-app\nBad Image!\nbusybox\n\n\n\nn\n", "init", dir)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(out, `"Not A Name": use lowercase`) || !strings.Contains(out, `"Bad Image!" is neither an image`) {
		t.Errorf("no reasons given for the wrong answers:\n%s", out)
	}
	m, err := manifest.Load(filepath.Join(dir, "mvi.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "worker-app" || m.Processes["web"].Image != "busybox" || m.Processes["web"].Port != 0 || m.Database != nil {
		t.Errorf("manifest %+v web %+v", m, m.Processes["web"])
	}
}

// Input that ends before a question without a default is answered fails,
// and writes nothing.
func TestInitWithTooFewAnswersFailsAndWritesNothing(t *testing.T) {
	dir := t.TempDir()
	_, errs, code := mviIn(t, "Bad Name\n", "init", dir)
	if code == 0 || !strings.Contains(errs, "input ended") {
		t.Errorf("exit %d: %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "mvi.toml")); err == nil {
		t.Error("a manifest was written from half the answers")
	}
}

// "y" builds it on the sandbox: status then shows the app, and down
// removes it.
func TestInitThenCreateOnTheSandbox(t *testing.T) {
	dir, sb := t.TempDir(), t.TempDir()
	flags := []string{"--sandbox-dir", sb, "--sandbox-speed", "0"}
	out, errs, code := mviIn(t, "demo\nhttpd\n80\n\n1\ny\n", append([]string{"init", dir}, flags...)...)
	if code != 0 {
		t.Fatalf("init: exit %d\n%s\n%s", code, tail(out), errs)
	}
	if !strings.Contains(out, "demo is up") {
		t.Errorf("init didn't build:\n%s", tail(out))
	}
	file := filepath.Join(dir, "mvi.toml")
	out, _, code = mvi(t, append([]string{"status", "-f", file}, flags...)...)
	if code != 0 || !strings.Contains(out, "Load Balancer") {
		t.Errorf("status: exit %d\n%s", code, out)
	}
	out, errs, code = mvi(t, append([]string{"down", "--yes", "-f", file}, flags...)...)
	if code != 0 || !strings.Contains(out, "nothing tagged mvi:app=demo is left") {
		t.Errorf("down: exit %d\n%s\n%s", code, tail(out), errs)
	}
}

func TestInitRefusesAnotherCloud(t *testing.T) {
	_, errs, code := mviIn(t, "", "init", t.TempDir(), "--cloud", "aws")
	if code != exitInvalid || !strings.Contains(errs, "mvi up --cloud aws") {
		t.Errorf("exit %d: %s", code, errs)
	}
}

func TestAppNameFromDirectory(t *testing.T) {
	for dir, want := range map[string]string{
		"/x/My Shop": "my-shop", "/x/shop": "shop", "/x/2048-game": "game", "/x/___": "app",
		"/x/" + strings.Repeat("ab", 20): strings.Repeat("ab", 16),
	} {
		if got := appName(dir); got != want {
			t.Errorf("appName(%q) = %q, want %q", dir, got, want)
		}
	}
}
