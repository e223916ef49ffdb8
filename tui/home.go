package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// openMsg asks the root to run a tutorial (or "set up my app").
type openMsg struct{ id string }

// inspectMsg asks the root for the inspect screen: of app (asking which
// when ""), returning to the runner on esc when from a tutorial.
type inspectMsg struct{ app string }

// leaveInspectMsg is esc on inspect.
type leaveInspectMsg struct{}

// homeItem is one line to pick.
type homeItem struct {
	id, title, summary string
	steps, done        int
	tutorial           bool
	inspect            bool
}

// home lists the tutorials with their progress, then "set up my app" and
// "inspect".
type home struct {
	env    *env
	items  []homeItem
	err    error
	cursor int
	w, h   int
}

func newHome(e *env) *home {
	h := &home{env: e}
	h.load()
	return h
}

// load reads the catalog again (progress changes as tutorials are run).
func (h *home) load() {
	h.items, h.err = nil, nil
	cfg := h.env.cfg
	if cfg.Catalog != nil {
		es, err := cfg.Catalog.List()
		h.err = err
		for _, e := range es {
			if e.ID == cfg.SetupID {
				continue
			}
			h.items = append(h.items, homeItem{id: e.ID, title: e.Title, summary: e.Summary, steps: e.Steps, done: e.Done, tutorial: true})
		}
	}
	if cfg.SetupID != "" {
		h.items = append(h.items, homeItem{id: cfg.SetupID, title: "Set up my app",
			summary: "Answer a few questions about your app; mvi writes mvi.toml, plans and applies it."})
	}
	h.items = append(h.items, homeItem{title: "Inspect", inspect: true,
		summary: "What an app runs: resources by service, their state and gauges, and its logs."})
	h.cursor = min(h.cursor, len(h.items)-1)
}

func (h *home) setSize(w, hh int) { h.w, h.h = w, hh }

func (h *home) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	k := h.env.keys
	switch {
	case key.Matches(km, k.Up):
		h.cursor = (h.cursor + len(h.items) - 1) % len(h.items)
	case key.Matches(km, k.Down):
		h.cursor = (h.cursor + 1) % len(h.items)
	case key.Matches(km, k.Enter):
		it := h.items[h.cursor]
		if it.inspect {
			return func() tea.Msg { return inspectMsg{} }
		}
		return func() tea.Msg { return openMsg{id: it.id} }
	case key.Matches(km, k.Reset):
		if it := h.items[h.cursor]; it.tutorial && h.env.cfg.Catalog != nil {
			h.err = h.env.cfg.Catalog.Reset(it.id)
			cur := h.cursor
			h.load()
			h.cursor = cur
		}
	}
	return nil
}

// View draws the home screen to exactly w×h.
func (h *home) View() string {
	st := h.env.st
	var b strings.Builder
	b.WriteString(st.Header.Render("mvi") + st.Muted.Render(" · Minimal Infrastructure, hands on") + "\n\n")
	section := ""
	for i, it := range h.items {
		s := "Your app"
		if it.tutorial {
			s = "Tutorials"
		}
		if s != section {
			if section != "" {
				b.WriteByte('\n')
			}
			b.WriteString(" " + st.Title.Render(s) + "\n")
			section = s
		}
		cur := st.NoCursor
		title := it.title
		if i == h.cursor {
			cur, title = st.Cursor, st.Selected.Render(title)
		}
		line := " " + cur + title
		if it.tutorial {
			line = fitLine(line, max(h.w-24, 20)) + progressDots(it.done, it.steps)
		}
		b.WriteString(line + "\n")
		b.WriteString(indent(st.Muted.Render(wrap(it.summary, max(h.w-6, 20))), "     ") + "\n")
	}
	if h.err != nil {
		b.WriteString("\n " + st.Err.Render("✗ ") + h.err.Error() + "\n")
	}
	if w := h.env.cfg.Where; w != "" {
		b.WriteString("\n" + indent(st.Muted.Render(wrap("Working on "+w+".", max(h.w-2, 20))), " ") + "\n")
	}
	k := h.env.keys
	bs := []key.Binding{k.Up, k.Down, withHelp(k.Enter, "open"), k.Reset, k.Quit}
	return fitBlock(b.String(), h.w, h.h-1) + "\n" + fitLine(renderHelp(st, bs, h.w), h.w)
}

// progressDots shows done of n as ten dots and the count: ●●●○○○○○○○ 3/10.
func progressDots(done, n int) string {
	if n <= 0 {
		return ""
	}
	const cells = 10
	full := done * cells / n
	if done > 0 && full == 0 {
		full = 1
	}
	full = min(full, cells)
	return strings.Repeat("●", full) + strings.Repeat("○", cells-full) + fmt.Sprintf(" %d/%d", done, n)
}
