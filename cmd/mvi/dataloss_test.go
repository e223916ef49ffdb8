package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `up --yes` never deletes data on its own: removing [fs] needs
// --allow-data-loss, and the refusal changes nothing.
func TestUpYesRefusesToLoseData(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "mvi.toml")
	write := func(extra string) {
		t.Helper()
		if err := os.WriteFile(file, []byte("name = \"dl\"\n[processes.web]\nimage = \"httpd\"\nport = 80\n"+extra), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sb := []string{"-f", file, "--sandbox-dir", t.TempDir(), "--sandbox-speed", "0", "--wait-for-containers=false"}
	write("[fs]\n")
	if out, errs, code := mvi(t, append([]string{"up", "--yes"}, sb...)...); code != 0 {
		t.Fatalf("up: exit %d\n%s\n%s", code, tail(out), errs)
	}
	write("")
	out, errs, code := mvi(t, append([]string{"up", "--yes"}, sb...)...)
	if code == 0 || !strings.Contains(errs, "loses data: delete fs") || !strings.Contains(errs, "--allow-data-loss") {
		t.Fatalf("up --yes without [fs]: exit %d\n%s\n%s", code, tail(out), errs)
	}
	if !strings.Contains(out, "everything stored in it is lost") {
		t.Errorf("the plan doesn't say the data is lost:\n%s", out)
	}
	status, _, _ := mvi(t, "status", "-f", file, "--sandbox-dir", sb[3], "--sandbox-speed", "0")
	if !strings.Contains(status, "fs-mount/a") {
		t.Errorf("a refused up deleted things:\n%s", status)
	}
	if out, errs, code := mvi(t, append([]string{"up", "--yes", "--allow-data-loss"}, sb...)...); code != 0 {
		t.Fatalf("up --allow-data-loss: exit %d\n%s\n%s", code, tail(out), errs)
	}
}
