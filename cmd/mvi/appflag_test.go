package main

import (
	"strings"
	"testing"
)

// `down --app '*'` reached CloudWatch as a raw error: --app is an app's
// name, checked as mvi.toml's name is, before any cloud is asked.
func TestAppFlagIsAnAppName(t *testing.T) {
	for _, args := range [][]string{
		{"down", "--app", "*", "--yes"},
		{"status", "--app", "a/b"},
		{"secrets", "list", "--app", "My Shop"},
		{"unlock", "x*", "--yes"},
	} {
		_, errs, code := mvi(t, append(args, "--sandbox-speed", "0")...)
		if code != exitInvalid || !strings.Contains(errs, "not an app name") {
			t.Errorf("%v: exit %d: %s", args, code, errs)
		}
	}
	_, errs, _ := mvi(t, "secrets", "list", "--app", "My Shop", "--sandbox-speed", "0")
	if !strings.Contains(errs, `did you mean "my-shop"?`) {
		t.Errorf("no suggestion: %s", errs)
	}
}
