package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// openMsg asks the root to run a tutorial (or "set up my app"); review
// opens a finished one from the start with its progress kept.
type openMsg struct {
	id     string
	review bool
}

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
	// question is up instead of the list's keys until it is answered.
	question *homeQuestion
}

// homeQuestion is a question the home screen asks before it acts: the
// keys that answer it are its acts, and any other key keeps things as
// they are.
type homeQuestion struct {
	text string
	acts []keyAct
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
			summary := e.Summary
			if e.Minutes > 0 {
				summary += fmt.Sprintf(" About %d min at the default speed.", e.Minutes)
			}
			h.items = append(h.items, homeItem{id: e.ID, title: e.Title, summary: summary, steps: e.Steps, done: e.Done, tutorial: true})
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
	if q := h.question; q != nil {
		h.question = nil
		for _, a := range q.acts {
			if a.do != nil && key.Matches(km, a.b) {
				return a.do(km)
			}
		}
		return nil
	}
	for _, a := range h.acts() {
		if a.do != nil && key.Matches(km, a.b) {
			return a.do(km)
		}
	}
	return nil
}

// acts are the list's keys, in help order.
func (h *home) acts() []keyAct {
	k := h.env.keys
	as := []keyAct{
		{k.Up, func(tea.KeyMsg) tea.Cmd { h.cursor = (h.cursor + len(h.items) - 1) % len(h.items); return nil }},
		{k.Down, func(tea.KeyMsg) tea.Cmd { h.cursor = (h.cursor + 1) % len(h.items); return nil }},
		{withHelp(k.Enter, "open"), func(tea.KeyMsg) tea.Cmd { return h.open() }},
	}
	if it := h.items[h.cursor]; it.tutorial && it.done > 0 && h.env.cfg.Catalog != nil {
		as = append(as, keyAct{k.Reset, func(tea.KeyMsg) tea.Cmd { h.askReset(it); return nil }})
	}
	return append(as, keyAct{b: k.Quit})
}

// open opens the item under the cursor. A finished tutorial asks first:
// opening it as if new would lose the progress the last screen promised.
func (h *home) open() tea.Cmd {
	it := h.items[h.cursor]
	switch {
	case it.inspect:
		return func() tea.Msg { return inspectMsg{} }
	case it.tutorial && it.steps > 0 && it.done >= it.steps:
		k := h.env.keys
		h.question = &homeQuestion{
			text: "You finished " + it.title + ". Review it from the start (it stays done, and steps run only if you change an answer), or start over (its progress is forgotten)?",
			acts: []keyAct{
				{withHelp(k.Review, "review from the start"), func(tea.KeyMsg) tea.Cmd { return func() tea.Msg { return openMsg{id: it.id, review: true} } }},
				{withHelp(k.Over, "start over"), func(tea.KeyMsg) tea.Cmd {
					if h.err = h.env.cfg.Catalog.Reset(it.id); h.err != nil {
						return nil
					}
					return func() tea.Msg { return openMsg{id: it.id} }
				}},
				{b: withHelp(k.Back, "cancel")},
			},
		}
		return nil
	}
	return func() tea.Msg { return openMsg{id: it.id} }
}

// askReset asks before x forgets a tutorial's progress.
func (h *home) askReset(it homeItem) {
	k := h.env.keys
	h.question = &homeQuestion{
		text: fmt.Sprintf("Reset %s? Its progress (%d of %d steps) and answers are forgotten; what runs in the cloud stays.", it.title, it.done, it.steps),
		acts: []keyAct{
			{withHelp(k.Yes, "reset"), func(tea.KeyMsg) tea.Cmd {
				h.err = h.env.cfg.Catalog.Reset(it.id)
				cur := h.cursor
				h.load()
				h.cursor = cur
				return nil
			}},
			{b: withHelp(k.No, "keep it")},
		},
	}
}

// View draws the home screen to exactly w×h.
func (h *home) View() string {
	body := h.list(true)
	// A short terminal keeps every item's title on screen and only the
	// selected one's summary, so nothing (Your app) falls off the bottom.
	if h.question == nil && lipgloss.Height(body) > h.h-1 {
		body = h.list(false)
	}
	st := h.env.st
	acts := h.acts()
	if q := h.question; q != nil {
		body += "\n" + indent(wrap(st.Warn.Render("? ")+q.text, max(h.w-2, 20)), " ") + "\n"
		acts = q.acts
	}
	var bs []key.Binding
	for _, a := range acts {
		bs = append(bs, a.b)
	}
	// The list scrolls so the question (at its end) is never cut off.
	if n := lipgloss.Height(body); h.question != nil && n > h.h-1 {
		body = strings.Join(strings.Split(body, "\n")[n-(h.h-1):], "\n")
	}
	return fitBlock(body, h.w, h.h-1) + "\n" + fitLine(renderHelp(st, bs, h.w), h.w)
}

// list is the items under their sections; summaries says whether every
// item shows its summary or only the selected one.
func (h *home) list(summaries bool) string {
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
		if summaries || i == h.cursor {
			b.WriteString(indent(st.Muted.Render(wrap(it.summary, max(h.w-6, 20))), "     ") + "\n")
		}
	}
	if h.err != nil {
		b.WriteString("\n " + st.Err.Render("✗ ") + h.err.Error() + "\n")
	}
	if w := h.env.cfg.Where; w != "" {
		b.WriteString("\n" + indent(st.Muted.Render(wrap("Working on "+w+".", max(h.w-2, 20))), " ") + "\n")
	}
	return b.String()
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
