package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/engine"
)

// A run refused by another's lock says so before printing a plan it could
// not apply.
func TestUpRefusesALockedAppBeforeThePlan(t *testing.T) {
	dir, sbDir := t.TempDir(), t.TempDir()
	file := filepath.Join(dir, "mvi.toml")
	if err := os.WriteFile(file, []byte("name = \"lk\"\n[processes.web]\nimage = \"httpd\"\nport = 80\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	unlock, err := engine.FileLocker{Dir: filepath.Join(sbDir, "locks")}.Lock(context.Background(), "lk")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	for _, args := range [][]string{{"up", "--yes"}, {"down", "--yes", "--app", "lk"}} {
		out, errs, code := mvi(t, append(args, "-f", file, "--sandbox-dir", sbDir, "--sandbox-speed", "0")...)
		if code == 0 || !strings.Contains(errs, "another mvi is changing lk") {
			t.Errorf("%s with the app locked: exit %d\n%s", args[0], code, errs)
		}
		if strings.Contains(out, "Plan for") || strings.Contains(out, "to create") {
			t.Errorf("%s printed a plan before refusing:\n%s", args[0], out)
		}
	}
}
