package tui

import (
	"context"
	"fmt"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/minimalinfra/mvi/engine"
)

// snapMsg is one status poll's result.
type snapMsg struct {
	gen    int
	snap   engine.Snapshot
	err    error
	at     time.Time
	gauges *engine.Gauges // read only while the gauges show
	events map[string][]engine.ServiceEvent
	gerr   error
}

// pollMsg is the refresh timer firing.
type pollMsg struct{ gen int }

// inspector is the live view of one app: resources grouped by service
// with state and gauges, polled every few seconds in a Cmd (Update never
// waits for the cloud), a detail view, and a process's log tail.
type inspector struct {
	env *env
	app string
	// choosing: "Which app?" is to be answered (ask is nil until the apps
	// it offers are found); answer is what is typed, offer what enter on
	// nothing takes.
	choosing      bool
	ask           *huh.Form
	answer, offer string
	engine        *engine.Config // the cloud to look at; nil: the wizard's own
	ctx           context.Context
	cancel        context.CancelFunc
	gen           int

	snap    *engine.Snapshot
	err     error
	at      time.Time
	loading bool // a poll is out: the timer doesn't start a second one

	cursor int
	detail bool
	// dv scrolls the details, which are often longer than the screen.
	dv viewport.Model
	// pane is the log pane on screen (nil: none); logs its last read.
	pane *logPane
	logs *logsMsg
	runs []engine.RunningTask // one-off tasks alive (inspect_runs.go)
	// gauging: the gauges are on screen, so each poll reads them too (one
	// GetMetricData); gauges is the last read.
	gauging bool
	gauges  *engine.Gauges
	events  map[string][]engine.ServiceEvent
	gerr    error
	w, h    int
}

// newInspector asks which app to look at, on the wizard's cloud.
func newInspector(e *env) *inspector {
	ctx, cancel := context.WithCancel(e.ctx)
	return &inspector{env: e, ctx: ctx, cancel: cancel, choosing: true}
}

// newInspectorFor skips the question and looks through cfg's cloud: a
// tutorial's session (which may have connected on its own) or tests.
func newInspectorFor(e *env, app string, cfg engine.Config) *inspector {
	in := newInspector(e)
	in.app, in.choosing, in.engine = app, false, &cfg
	return in
}

func (in *inspector) Init() tea.Cmd {
	if in.choosing {
		return in.askApps()
	}
	return in.poll()
}

func (in *inspector) stop() { in.cancel() }

func (in *inspector) typing() bool { return in.choosing || (in.pane != nil && in.pane.searching) }

func (in *inspector) setSize(w, h int) tea.Cmd {
	in.w, in.h = w, h
	if in.ask != nil {
		in.ask.WithWidth(min(max(w-2, 20), 70))
	}
	in.dv.Width, in.dv.Height = w, in.detailH()
	if in.detail {
		in.dv.SetContent(strings.TrimRight(in.detailView(), "\n"))
	}
	return nil
}

// detailH is the rows the details get: the screen less the header, the
// foot, the help and the line that says there is more.
func (in *inspector) detailH() int { return max(in.h-4, 1) }

func (in *inspector) cfg() engine.Config {
	c := in.env.cfg.Engine
	if in.engine != nil {
		c = *in.engine
	}
	c.App = in.app
	return c
}

// poll fetches a snapshot off the UI thread.
func (in *inspector) poll() tea.Cmd {
	if in.loading || in.cfg().Clients == nil {
		return nil
	}
	in.loading = true
	ctx, cfg, gen, now, gauging := in.ctx, in.cfg(), in.gen, in.env.cfg.Now, in.gauging
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				msg = snapMsg{gen: gen, err: fmt.Errorf("status panicked: %v\n%s", r, debug.Stack()), at: now()}
			}
		}()
		s, err := engine.Status(ctx, cfg)
		m := snapMsg{gen: gen, snap: s, err: err, at: now()}
		if err == nil && gauging {
			g, gerr := engine.ReadGauges(ctx, cfg, s)
			m.gauges, m.gerr = &g, gerr
			if gerr == nil {
				m.events, m.gerr = engine.ServiceEvents(ctx, cfg, s, gaugeEvents)
			}
		}
		return m
	}
}

func (in *inspector) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case snapMsg:
		if msg.gen != in.gen {
			return nil
		}
		in.loading = false
		in.err, in.at = msg.err, msg.at
		if msg.err == nil {
			in.snap = &msg.snap
			if msg.gauges != nil {
				in.gauges, in.events, in.gerr = msg.gauges, msg.events, msg.gerr
			}
			in.cursor = min(in.cursor, max(len(in.resources())-1, 0))
			if in.detail {
				in.dv.SetContent(strings.TrimRight(in.detailView(), "\n")) // the offset stays where the reader is
			}
		}
		gen := in.gen
		tick := tea.Tick(in.env.cfg.Refresh, func(time.Time) tea.Msg { return pollMsg{gen: gen} })
		runs := in.pollRuns()
		if in.pane != nil && in.pane.around.IsZero() {
			return tea.Batch(tick, runs, in.tail()) // a pane that follows reads again with every refresh
		}
		return tea.Batch(tick, runs)
	case runsMsg:
		in.gotRuns(msg)
		return nil
	case pollMsg:
		if msg.gen != in.gen || in.ctx.Err() != nil {
			return nil
		}
		return in.poll()
	case logsMsg:
		if msg.gen == in.gen && in.pane != nil {
			in.logs = &msg
		}
		return nil
	case appsMsg:
		if msg.gen != in.gen || !in.choosing {
			return nil
		}
		in.askWhich(msg.apps, msg.err)
		return in.ask.Init()
	case tea.KeyMsg:
		return in.key(msg)
	}
	if in.ask != nil {
		return in.forward(msg)
	}
	return nil
}

func (in *inspector) forward(msg tea.Msg) tea.Cmd {
	if in.ask == nil {
		return nil // the apps are still being found
	}
	f, cmd := in.ask.Update(msg)
	in.ask = f.(*huh.Form)
	switch in.ask.State {
	case huh.StateCompleted:
		in.app, in.ask, in.choosing = in.chosen(), nil, false
		return in.poll()
	case huh.StateAborted:
		return func() tea.Msg { return leaveInspectMsg{} }
	}
	return cmd
}

func (in *inspector) key(msg tea.KeyMsg) tea.Cmd {
	for _, a := range in.acts() {
		if a.do != nil && key.Matches(msg, a.b) {
			return a.do(msg)
		}
	}
	switch {
	case in.choosing:
		return in.forward(msg)
	case in.pane != nil && in.pane.searching:
		return in.typeSearch(msg)
	case in.detail:
		// The details' own scrolling keys: arrows, space, b, u, d …
		var cmd tea.Cmd
		in.dv, cmd = in.dv.Update(msg)
		return cmd
	}
	return nil
}

// acts are inspect's keys where it is, in help order (keyAct: the help
// line lists what key() answers).
func (in *inspector) acts() []keyAct {
	k := in.env.keys
	call := func(f func() tea.Cmd) func(tea.KeyMsg) tea.Cmd { return func(tea.KeyMsg) tea.Cmd { return f() } }
	leave := call(func() tea.Cmd { return func() tea.Msg { return leaveInspectMsg{} } })
	back := call(func() tea.Cmd {
		in.detail, in.pane, in.logs, in.gauging = false, nil, nil, false
		in.gen++ // drop a log tail still on its way
		in.loading = false
		return in.poll()
	})
	switch {
	case in.choosing:
		return []keyAct{{k.Back, leave}}
	case in.pane != nil && in.pane.searching:
		return []keyAct{{withHelp(k.Back, "cancel"), call(in.cancelSearch)}, {withHelp(k.Details, "search"), call(in.search)}}
	case in.pane != nil:
		return []keyAct{{withHelp(k.Back, "back"), back}, {k.Search, call(in.startSearch)}, {k.Refresh, call(in.tail)}, {b: k.ForceQuit}}
	case in.gauging:
		return []keyAct{{withHelp(k.Back, "back"), back}, {k.Refresh, call(in.poll)}, {b: k.Quit}}
	case in.detail:
		as := []keyAct{{withHelp(k.Back, "back"), back}, {k.Logs, call(in.openLogs)}, {b: k.Quit}}
		if in.dv.TotalLineCount() > in.dv.Height {
			as = append([]keyAct{{k.Scroll, func(m tea.KeyMsg) tea.Cmd { var c tea.Cmd; in.dv, c = in.dv.Update(m); return c }}}, as...)
		}
		return as
	}
	rs := in.resources()
	return []keyAct{
		{k.Up, call(func() tea.Cmd { in.cursor = max(in.cursor-1, 0); return nil })},
		{k.Down, call(func() tea.Cmd { in.cursor = min(in.cursor+1, max(len(rs)-1, 0)); return nil })},
		{k.Details, call(in.openDetail)},
		{k.Logs, call(in.openLogs)},
		{k.Gauges, call(in.openGauges)},
		{k.Refresh, call(in.poll)},
		{k.Back, leave},
		{b: k.Quit},
	}
}

// openDetail shows the selected resource's details from their top.
func (in *inspector) openDetail() tea.Cmd {
	in.detail = len(in.resources()) > 0
	in.dv = viewport.New(max(in.w, 1), in.detailH())
	in.dv.SetContent(strings.TrimRight(in.detailView(), "\n"))
	return nil
}

// resources is the snapshot flattened in display order.
func (in *inspector) resources() []engine.ResourceStatus {
	if in.snap == nil {
		return nil
	}
	var out []engine.ResourceStatus
	for _, g := range in.snap.Services {
		out = append(out, g.Resources...)
	}
	return out
}

func (in *inspector) selected() (engine.ResourceStatus, bool) {
	rs := in.resources()
	if in.cursor < len(rs) {
		return rs[in.cursor], true
	}
	return engine.ResourceStatus{}, false
}

// gaugeText is a resource's gauges in a stable order.
func gaugeText(g map[string]string) string {
	keys := make([]string, 0, len(g))
	for k := range g {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + " " + g[k]
	}
	return strings.Join(parts, ", ")
}
