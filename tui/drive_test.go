package tui

import (
	"reflect"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// driver runs a model's Cmds the way tea.Program does, without a
// terminal: each Cmd on its own goroutine, results fed back to Update one
// at a time. Cmds that block (the event drain, timers) simply stay out
// until they return; tests wait for a condition, never for a duration.
type driver struct {
	t       *testing.T
	m       tea.Model
	results chan tea.Msg
	updates int
	quit    bool
}

func newDriver(t *testing.T, m tea.Model, w, h int) *driver {
	d := &driver{t: t, m: m, results: make(chan tea.Msg, 1024)}
	d.run(m.Init())
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	return d
}

// run starts a Cmd, unpacking batches and sequences.
func (d *driver) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		defer func() { _ = recover() }()
		d.results <- cmd()
	}()
}

// send delivers one message now.
func (d *driver) send(msg tea.Msg) {
	if msg == nil {
		return
	}
	switch m := msg.(type) {
	case tea.BatchMsg:
		for _, c := range m {
			d.run(c)
		}
		return
	case tea.QuitMsg:
		d.quit = true
		return
	}
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf(tea.Cmd(nil)) {
		// tea.Sequence's unexported sequenceMsg: run in order.
		for i := 0; i < v.Len(); i++ {
			if c, _ := v.Index(i).Interface().(tea.Cmd); c != nil {
				d.send(c())
			}
		}
		return
	}
	var cmd tea.Cmd
	d.m, cmd = d.m.Update(msg)
	d.updates++
	d.run(cmd)
}

// key types one key.
func (d *driver) key(k string) {
	var msg tea.KeyMsg
	switch k {
	case "enter":
		msg = tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		msg = tea.KeyMsg{Type: tea.KeyEsc}
	case "down":
		msg = tea.KeyMsg{Type: tea.KeyDown}
	case "up":
		msg = tea.KeyMsg{Type: tea.KeyUp}
	case "ctrl+c":
		msg = tea.KeyMsg{Type: tea.KeyCtrlC}
	case "backspace":
		msg = tea.KeyMsg{Type: tea.KeyBackspace}
	default:
		msg = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
	}
	d.send(msg)
}

// until feeds results until cond holds, failing after a deadline.
func (d *driver) until(what string, cond func() bool) {
	d.t.Helper()
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case msg := <-d.results:
			d.send(msg)
		case <-tick.C:
		case <-deadline:
			d.t.Fatalf("timed out waiting until %s; screen:\n%s", what, d.m.View())
		}
	}
}

// settle feeds whatever arrives within a short quiet period (huh moves
// focus through Cmds; markdown comes back from one).
func (d *driver) settle() {
	for {
		select {
		case msg := <-d.results:
			d.send(msg)
		case <-time.After(150 * time.Millisecond):
			return
		}
	}
}

// settleFor feeds whatever arrives for d: the looks at a cloud whose
// clock the test moves.
func (d *driver) settleFor(dur time.Duration) {
	end := time.After(dur)
	for {
		select {
		case msg := <-d.results:
			d.send(msg)
		case <-end:
			return
		}
	}
}

func pgdown() tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyPgDown} }

func teaSize(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }
