package main

import (
	"path/filepath"
	"strings"
	"testing"
)

const demoFile = "../../assets/examples/demo/mvi.toml"

// mvi run on the sandbox: the demo app's admin commands run as one-off
// tasks of web's release, their output printed, mvi exiting with their
// exit codes; what it can't run from is said with the fix.
func TestRunAdminCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sandbox")
	flags := []string{"-f", demoFile, "--sandbox-dir", dir, "--sandbox-speed", "0"}
	_, errs, code := mvi(t, append([]string{"run", "web"}, append(flags, "--", "migrate")...)...)
	if code != exitFailure || !strings.Contains(errs, "no release") || !strings.Contains(errs, "mvi up") {
		t.Errorf("run before up: exit %d\n%s", code, errs)
	}
	if out, errs, code := mvi(t, append([]string{"up", "--yes"}, flags...)...); code != 0 {
		t.Fatalf("up: exit %d\n%s\n%s", code, tail(out), errs)
	}
	out, errs, code := mvi(t, append([]string{"run", "web"}, append(flags, "--", "migrate")...)...)
	if code != 0 || !strings.Contains(out, "migrate: table ") || !strings.Contains(out, "3 orders written") {
		t.Fatalf("run migrate: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	out, errs, code = mvi(t, append([]string{"run", "web"}, append(flags, "--", "fail")...)...)
	if code != 3 || !strings.Contains(out, "exiting with status 3") || !strings.Contains(errs, "exited with status 3") {
		t.Errorf("run fail: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	out, errs, code = mvi(t, append([]string{"run", "web", "--detach"}, append(flags, "--", "break")...)...)
	if code != 0 || len(strings.TrimSpace(out)) != 32 || !strings.Contains(errs, "mvi logs web") {
		t.Errorf("run --detach: exit %d\nstdout:\n%q\nstderr:\n%s", code, out, errs)
	}
	// The detached break ran: a second migrate finds schema 1.
	out, _, code = mvi(t, append([]string{"run", "web"}, append(flags, "--", "migrate")...)...)
	if code != 0 || !strings.Contains(out, "schema 1 -> 2") {
		t.Errorf("migrate after break: exit %d\n%s", code, out)
	}
	_, errs, code = mvi(t, append([]string{"run", "wbe"}, append(flags, "--", "migrate")...)...)
	if code != exitInvalid || !strings.Contains(errs, `did you mean "web"?`) {
		t.Errorf("unknown process: exit %d: %s", code, errs)
	}
	for _, bad := range [][]string{{"run"}, {"run", "web"}, {"run", "--", "migrate"}, {"run", "web", "worker", "--", "x"}} {
		if _, errs, code := mvi(t, append(bad, flags...)...); code != exitInvalid || !strings.Contains(errs, "mvi run") {
			t.Errorf("%q: exit %d: %s", bad, code, errs)
		}
	}
}
