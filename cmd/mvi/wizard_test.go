package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// `mvi --accessible` from a pipe lists the tutorials, runs the one picked
// as plain prompts, and stops quietly at the first "go ahead?" it gets no
// yes for (Enter says no).
func TestAccessibleWizardFromAPipe(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"--accessible", "--sandbox-speed", "0"}, strings.NewReader("1"+strings.Repeat("\n", 20)), &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errb.String(), out.String())
	}
	for _, want := range []string{"Tutorials:", "1. Hello World", "== Step 1 of", "What is the app called?", "Stopped here; nothing was changed."} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// Bare `mvi` with stdin not a terminal takes the plain path by itself,
// and input that ends before any apply builds nothing.
func TestBareWizardFromAPipeIsPlain(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	out, errs, code := mvi(t, "--sandbox-speed", "0")
	if !strings.Contains(out, "Tutorials:") || !strings.Contains(out, "1. Hello World") {
		t.Fatalf("exit %d, no tutorial list:\n%s\n%s", code, out, errs)
	}
	if strings.Contains(out, "is up") {
		t.Errorf("built something from empty input:\n%s", out)
	}
}

func TestWizardRejectsArguments(t *testing.T) {
	_, errs, code := mvi(t, "hello")
	if code != exitInvalid || !strings.Contains(errs, `unknown command "hello"`) {
		t.Errorf("exit %d: %s", code, errs)
	}
}

// Moved from tutorials, which no longer knows where the sandbox lives.
func TestDefaultStoreFollowsXDGStateHome(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", dir)
	if got, want := progressStore().Dir, filepath.Join(dir, "mvi", "progress"); got != want {
		t.Errorf("DefaultStore = %s, want %s", got, want)
	}
}
