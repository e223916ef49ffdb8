package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
)

// logsMsg is one read of the log pane.
type logsMsg struct {
	gen   int
	lines []engine.LogLine
	err   error
}

// logPane is what the log pane reads: a process's containers (or all), the
// last hour and then every refresh after it (following), or the minutes
// around a moment (an alarm's change of state), holding a text if
// searched.
type logPane struct {
	process string
	around  time.Time // zero: follow the newest
	grep    string
	title   string
	// searching: the search box has the keys.
	searching bool
	input     textinput.Model
}

// logsAround is how far either side of an alarm's change the pane reads:
// the requests that tipped it and what the containers said just before.
const logsAround = 5 * time.Minute

// logsKeep is how many lines a pane holds at most.
const logsKeep = 500

// openLogs opens the pane for the selected resource: a service's process,
// an alarm's moment (the lines around its last change, of the process it
// watches), else every container of the app.
func (in *inspector) openLogs() tea.Cmd {
	p := &logPane{title: "every process"}
	if r, ok := in.selected(); ok {
		switch r.Type {
		case arch.TypeService:
			if proc, ok := arch.ProcessOfService(r.ID); ok {
				p.process, p.title = proc, proc
			}
		case arch.TypeAlarm:
			if proc, ok := arch.ProcessOfAlarm(r.ID); ok {
				p.process, p.title = proc, proc
			}
			if at, err := time.Parse(time.RFC3339Nano, r.Attrs["state_changed"]); err == nil {
				p.around = at
				p.title += fmt.Sprintf(" around %s, when %s turned %s", at.UTC().Format("15:04:05"), r.ID, r.Word())
			}
		}
	}
	in.pane, in.logs = p, nil
	return in.tail()
}

// tail reads the pane's lines off the UI thread.
func (in *inspector) tail() tea.Cmd {
	c := in.cfg()
	if in.pane == nil || c.Clients == nil || c.Clients.Logs == nil {
		return nil
	}
	p := *in.pane
	ctx, gen, now := in.ctx, in.gen, in.env.cfg.Now
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				msg = logsMsg{gen: gen, err: fmt.Errorf("reading the logs panicked: %v", r)}
			}
		}()
		lines, err := readPane(ctx, c, p, now())
		return logsMsg{gen: gen, lines: lines, err: err}
	}
}

// readPane reads what p shows at now.
func readPane(ctx context.Context, c engine.Config, p logPane, now time.Time) ([]engine.LogLine, error) {
	q := engine.LogQuery{Process: p.process, Grep: p.grep, Since: now.Add(-time.Hour)}
	if !p.around.IsZero() {
		q.Since = p.around.Add(-logsAround)
	}
	lines, err := engine.Logs(ctx, c, q)
	if err != nil {
		return nil, err
	}
	if !p.around.IsZero() {
		until := p.around.Add(logsAround)
		n := 0
		for _, l := range lines {
			if !l.Time.After(until) {
				lines[n] = l
				n++
			}
		}
		lines = lines[:n]
	}
	if len(lines) > logsKeep {
		lines = lines[len(lines)-logsKeep:]
	}
	return lines, nil
}

func (in *inspector) startSearch() tea.Cmd {
	ti := textinput.New()
	ti.Prompt = "/"
	ti.Placeholder = "text to find, enter to search, esc to cancel"
	ti.SetValue(in.pane.grep)
	ti.CharLimit = 200
	in.pane.input, in.pane.searching = ti, true
	return in.pane.input.Focus()
}

func (in *inspector) cancelSearch() tea.Cmd {
	in.pane.searching = false
	return nil
}

// search reads again, holding the text typed (nothing: every line).
func (in *inspector) search() tea.Cmd {
	in.pane.searching = false
	in.pane.grep = strings.TrimSpace(in.pane.input.Value())
	in.gen++ // a read of the old search still on its way is dropped
	in.loading = false
	return tea.Batch(in.poll(), in.tail())
}

// typeSearch gives the search box a key.
func (in *inspector) typeSearch(msg tea.KeyMsg) tea.Cmd {
	var cmd tea.Cmd
	in.pane.input, cmd = in.pane.input.Update(msg)
	return cmd
}

// logsView is the newest lines that fit, each with its time, process and
// container, the search box or the search held above them.
func (in *inspector) logsView() string {
	st := in.env.st
	p := in.pane
	head := " " + st.Title.Render("Logs of "+p.title)
	switch {
	case !p.around.IsZero():
		head += st.Muted.Render(fmt.Sprintf(" · %s either side", logsAround))
	default:
		head += st.Muted.Render(" · following")
	}
	if p.grep != "" {
		head += st.Muted.Render(" · holding ") + fmt.Sprintf("%q", p.grep)
	}
	rows := []string{head}
	if p.searching {
		rows = append(rows, " "+p.input.View())
	}
	l := in.logs
	switch {
	case l == nil:
		rows = append(rows, " "+st.Warn.Render("◐")+" Reading the logs…")
	case l.err != nil:
		rows = append(rows, " "+st.Err.Render("✗ ")+l.err.Error())
	case len(l.lines) == 0 && p.grep != "":
		rows = append(rows, " "+st.Muted.Render(fmt.Sprintf("No line holds %q.", p.grep)))
	case len(l.lines) == 0:
		rows = append(rows, " "+st.Muted.Render("No lines in that time."))
	default:
		room := max(in.h-3-len(rows), 1)
		lines := l.lines
		if len(lines) > room {
			lines = lines[len(lines)-room:]
		}
		for _, ln := range lines {
			who := ln.Process
			if ln.Task != "" {
				who += "/" + shortTask(ln.Task)
			}
			rows = append(rows, " "+st.Muted.Render(ln.Time.UTC().Format("15:04:05")+" "+who+" ")+strings.TrimRight(ln.Message, "\n"))
		}
	}
	return strings.Join(rows, "\n")
}

// shortTask is a task id as people tell tasks apart: its first 8.
func shortTask(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}
