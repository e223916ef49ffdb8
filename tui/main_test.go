package tui

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
)

// updating reports -update, the flag x/exp/golden (through teatest)
// already defines: rewrite the golden files under testdata.
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// TestMain makes rendering deterministic: no colour (goldens are plain
// box drawing), a dark background, and a TERM that doesn't put huh into
// its 80-column accessible mode.
func TestMain(m *testing.M) {
	os.Setenv("TERM", "xterm-256color")
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(true)
	os.Exit(m.Run())
}

// golden compares a frame with testdata/<name>.golden after checking that
// it fits the terminal: no line wider than w, no more lines than h.
func golden(t *testing.T, name, frame string, w, h int) {
	t.Helper()
	assertFits(t, frame, w, h)
	path := filepath.Join("testdata", name+".golden")
	if updating() {
		if err := os.WriteFile(path, []byte(frame), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./tui -run %s -update to create it)", err, t.Name())
	}
	if string(want) != frame {
		t.Errorf("%s differs from %s (run with -update and review the diff):\n--- got\n%s\n--- want\n%s", name, path, frame, want)
	}
}

func assertFits(t *testing.T, frame string, w, h int) {
	t.Helper()
	lines := strings.Split(frame, "\n")
	if len(lines) > h {
		t.Errorf("%d lines, more than the terminal's %d", len(lines), h)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n > w {
			t.Errorf("line %d is %d cells, wider than %d: %q", i+1, n, w, l)
		}
	}
}

func sizeName(w, h int) string { return strconv.Itoa(w) + "x" + strconv.Itoa(h) }
