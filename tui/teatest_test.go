package tui

import (
	"bytes"
	"context"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
)

// The wizard as a real tea.Program (teatest: no TTY): the home screen
// comes up at the given size, arrow keys move, q leaves, and the final
// frame is the golden (not the byte stream, which depends on frame timing).
func TestProgramHomeAndQuit(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sizeName(sz.w, sz.h), func(t *testing.T) {
			app := New(context.Background(), testConfig(newFakeCatalog(fakeApply{})))
			tm := teatest.NewTestModel(t, app, teatest.WithInitialTermSize(sz.w, sz.h))
			teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Scale out")) },
				teatest.WithDuration(5*time.Second))
			tm.Send(tea.KeyMsg{Type: tea.KeyDown})
			tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
			fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*App)
			if fm.home.cursor != 1 {
				t.Errorf("cursor at %d after one down, want 1", fm.home.cursor)
			}
			v := fm.View()
			golden(t, "program-home-"+sizeName(sz.w, sz.h), v, sz.w, sz.h)
		})
	}
}
