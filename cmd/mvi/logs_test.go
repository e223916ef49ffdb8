package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// mvi logs after up: lines of every container, process and task on each,
// one process when named, JSON one object per line; a process the app
// doesn't have is a usage error naming the ones it has.
func TestLogsCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sandbox")
	flags := []string{"-f", fullFile, "--sandbox-dir", dir, "--sandbox-speed", "0"}
	if out, errs, code := mvi(t, append([]string{"up", "--yes"}, flags...)...); code != 0 {
		t.Fatalf("up: exit %d\n%s\n%s", code, tail(out), errs)
	}
	out, errs, code := mvi(t, append([]string{"logs"}, flags...)...)
	if code != 0 || !strings.Contains(out, " web/") || !strings.Contains(out, " worker/") {
		t.Fatalf("logs: exit %d\n%s\n%s", code, out, errs)
	}
	out, _, _ = mvi(t, append([]string{"logs", "worker", "--output", "json"}, flags...)...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, l := range lines {
		var v struct{ Process, Task, Message string }
		if err := json.Unmarshal([]byte(l), &v); err != nil || v.Process != "worker" || v.Task == "" {
			t.Errorf("json line %q: %v %+v", l, err, v)
		}
	}
	_, errs, code = mvi(t, append([]string{"logs", "wbe"}, flags...)...)
	if code != exitInvalid || !strings.Contains(errs, `did you mean "web"?`) {
		t.Errorf("unknown process: exit %d: %s", code, errs)
	}
	_, errs, code = mvi(t, append([]string{"logs", "--since", "yesterday"}, flags...)...)
	if code != exitInvalid || !strings.Contains(errs, "15m, 2h, 7d") {
		t.Errorf("bad --since: exit %d: %s", code, errs)
	}
}

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"15m":                  now.Add(-15 * time.Minute),
		"7d":                   now.Add(-7 * 24 * time.Hour),
		"2026-12-01T09:00:00Z": time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC),
	} {
		if got, err := parseSince(in, now); err != nil || !got.Equal(want) {
			t.Errorf("%s: %v %v", in, got, err)
		}
	}
	for _, bad := range []string{"-5m", "1x", "d", "3.5d"} {
		if _, err := parseSince(bad, now); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
