package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The cycle on the embedded sandbox, through the CLI: up creates
// every resource of all 12 services, a second up changes nothing, down
// leaves nothing, and status says so.
func TestSandboxUpUpDownStatus(t *testing.T) {
	dir := t.TempDir()
	sb := []string{"--sandbox-dir", dir, "--sandbox-speed", "0"}
	args := func(a ...string) []string { return append(append(a, "-f", fullFile), sb...) }

	out, errs, code := mvi(t, args("up", "--yes")...)
	if code != 0 || !strings.Contains(out, "shop is up") {
		t.Fatalf("up: exit %d\n%s\n%s", code, tail(out), errs)
	}
	if !strings.Contains(out, "Estimated cost once applied") {
		t.Error("up showed no cost estimate")
	}
	out, errs, code = mvi(t, args("up", "--yes")...)
	// Prose is wrapped to the terminal, so read it as words.
	if code != 0 || !strings.Contains(strings.Join(strings.Fields(out), " "), "0 to create, 0 to update, 0 to replace, 0 to delete") {
		t.Fatalf("second up: exit %d\n%s\n%s", code, tail(out), errs)
	}
	out, _, code = mvi(t, args("status", "--output", "json")...)
	var snap struct {
		Total    int `json:"total"`
		Services []struct {
			Service string `json:"service"`
		} `json:"services"`
	}
	if err := json.Unmarshal([]byte(out), &snap); err != nil || code != 0 {
		t.Fatalf("status json: exit %d, %v", code, err)
	}
	if len(snap.Services) != 12 || snap.Total < 40 {
		t.Errorf("status: %d services, %d resources", len(snap.Services), snap.Total)
	}
	out, errs, code = mvi(t, args("down")...)
	if code != exitInvalid || !strings.Contains(errs, "--yes") {
		t.Errorf("down without a terminal or --yes: exit %d %q", code, errs)
	}
	out, errs, code = mvi(t, args("down", "--yes")...)
	if code != 0 || !strings.Contains(out, "nothing tagged mvi:app=shop is left") {
		t.Fatalf("down: exit %d\n%s\n%s", code, tail(out), errs)
	}
	out, _, code = mvi(t, args("status")...)
	if code != 0 || !strings.Contains(out, "shop has no resources") {
		t.Fatalf("status after down: exit %d\n%s", code, out)
	}
}

func TestUpRefusesToAskWithoutATerminal(t *testing.T) {
	_, errs, code := mvi(t, "up", "-f", helloFile, "--sandbox-dir", t.TempDir(), "--sandbox-speed", "0")
	if code != exitInvalid || !strings.Contains(errs, "--yes") {
		t.Errorf("exit %d: %s", code, errs)
	}
	_, errs, code = mvi(t, "up", "-f", helloFile, "--cloud", "gcp")
	if code != exitInvalid || !strings.Contains(errs, "sandbox or aws") {
		t.Errorf("bad cloud: exit %d: %s", code, errs)
	}
}

// Changing the web port remakes the target group: up says "replace" with
// the reason in its plan, before it would ask.
func TestUpNamesAReplacementBeforeAsking(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "mvi.toml")
	write := func(port int) {
		t.Helper()
		if err := os.WriteFile(file, []byte(fmt.Sprintf("name = \"rep\"\n[processes.web]\nimage = \"httpd\"\nport = %d\n", port)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sb := []string{"-f", file, "--sandbox-dir", t.TempDir(), "--sandbox-speed", "0", "--wait-for-containers=false"}
	write(80)
	if out, errs, code := mvi(t, append([]string{"up", "--yes"}, sb...)...); code != 0 {
		t.Fatalf("up: exit %d\n%s\n%s", code, tail(out), errs)
	}
	write(8080)
	out, errs, code := mvi(t, append([]string{"up"}, sb...)...)
	if code != exitInvalid || !strings.Contains(errs, "--yes") {
		t.Errorf("up without a terminal: exit %d %s", code, errs)
	}
	if !regexp.MustCompile(`[1-9]\d* to replace`).MatchString(out) || !strings.Contains(out, "its port changes 80 → 8080") {
		t.Errorf("the plan doesn't name the replacement:\n%s", out)
	}
}
