package tui

import (
	"context"
	"fmt"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
)

// snapMsg is one status poll's result.
type snapMsg struct {
	gen  int
	snap engine.Snapshot
	err  error
	at   time.Time
}

// pollMsg is the refresh timer firing.
type pollMsg struct{ gen int }

// logsMsg is a log tail.
type logsMsg struct {
	gen    int
	source string
	lines  []string
	err    error
}

// inspector is the live view of one app: resources grouped by service
// with state and gauges, polled every few seconds in a Cmd (Update never
// waits for the cloud), a detail view, and a process's log tail.
type inspector struct {
	env    *env
	app    string
	ask    *huh.Form
	engine *engine.Config // the cloud to look at; nil: the wizard's own
	ctx    context.Context
	cancel context.CancelFunc
	gen    int

	snap    *engine.Snapshot
	err     error
	at      time.Time
	loading bool // a poll is out: the timer doesn't start a second one

	cursor int
	detail bool
	logs   *logsMsg
	w, h   int
}

func newInspector(e *env, app string) *inspector {
	ctx, cancel := context.WithCancel(e.ctx)
	in := &inspector{env: e, app: app, ctx: ctx, cancel: cancel}
	in.ask = huh.NewForm(huh.NewGroup(huh.NewInput().Title("Which app?").
		Description("The name in its mvi.toml.").Value(&in.app).
		Validate(func(s string) error {
			if strings.TrimSpace(s) == "" {
				return fmt.Errorf("the app's name, like hello")
			}
			return nil
		}))).WithTheme(huhTheme()).WithShowHelp(false).WithWidth(60)
	return in
}

// newInspectorFor skips the question and looks through cfg's cloud: a
// tutorial's session (which may have connected on its own) or tests.
func newInspectorFor(e *env, app string, cfg engine.Config) *inspector {
	in := newInspector(e, app)
	in.ask = nil
	in.engine = &cfg
	return in
}

func (in *inspector) Init() tea.Cmd {
	if in.ask != nil {
		return in.ask.Init()
	}
	return in.poll()
}

func (in *inspector) stop() { in.cancel() }

func (in *inspector) typing() bool { return in.ask != nil }

func (in *inspector) setSize(w, h int) tea.Cmd {
	in.w, in.h = w, h
	if in.ask != nil {
		in.ask.WithWidth(min(w-2, 70))
	}
	return nil
}

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
	ctx, cfg, gen, now := in.ctx, in.cfg(), in.gen, in.env.cfg.Now
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				msg = snapMsg{gen: gen, err: fmt.Errorf("status panicked: %v\n%s", r, debug.Stack()), at: now()}
			}
		}()
		s, err := engine.Status(ctx, cfg)
		return snapMsg{gen: gen, snap: s, err: err, at: now()}
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
			in.cursor = min(in.cursor, max(len(in.resources())-1, 0))
		}
		gen := in.gen
		return tea.Tick(in.env.cfg.Refresh, func(time.Time) tea.Msg { return pollMsg{gen: gen} })
	case pollMsg:
		if msg.gen != in.gen || in.ctx.Err() != nil {
			return nil
		}
		return in.poll()
	case logsMsg:
		if msg.gen == in.gen {
			in.logs = &msg
		}
		return nil
	case tea.KeyMsg:
		return in.key(msg)
	}
	if in.ask != nil {
		return in.forward(msg)
	}
	return nil
}

func (in *inspector) forward(msg tea.Msg) tea.Cmd {
	f, cmd := in.ask.Update(msg)
	in.ask = f.(*huh.Form)
	switch in.ask.State {
	case huh.StateCompleted:
		in.ask = nil
		in.app = strings.TrimSpace(in.app)
		return in.poll()
	case huh.StateAborted:
		return func() tea.Msg { return leaveInspectMsg{} }
	}
	return cmd
}

func (in *inspector) key(msg tea.KeyMsg) tea.Cmd {
	k := in.env.keys
	if in.ask != nil {
		if key.Matches(msg, k.Back) {
			return func() tea.Msg { return leaveInspectMsg{} }
		}
		return in.forward(msg)
	}
	rs := in.resources()
	switch {
	case key.Matches(msg, k.Back):
		if in.detail || in.logs != nil {
			in.detail, in.logs = false, nil
			in.gen++ // drop a log tail still on its way
			in.loading = false
			return in.poll()
		}
		return func() tea.Msg { return leaveInspectMsg{} }
	case key.Matches(msg, k.Up):
		in.cursor = max(in.cursor-1, 0)
	case key.Matches(msg, k.Down):
		in.cursor = min(in.cursor+1, max(len(rs)-1, 0))
	case key.Matches(msg, k.Details):
		in.detail = len(rs) > 0
	case key.Matches(msg, k.Logs):
		return in.tail()
	case key.Matches(msg, k.Refresh):
		return in.poll()
	}
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

// tail reads the app's log group: the selected process's streams (the
// awslogs driver prefixes them with the process name) or all of them.
func (in *inspector) tail() tea.Cmd {
	c := in.cfg()
	if c.Clients == nil || c.Clients.Logs == nil {
		return nil
	}
	group := arch.LogGroupName(in.app)
	prefix, title := "", group
	if r, ok := in.selected(); ok && r.Type == arch.TypeService {
		if p, ok := arch.ProcessOfService(r.ID); ok {
			prefix, title = p+"/", group+" ("+p+")"
		}
	}
	ctx, gen, now := in.ctx, in.gen, in.env.cfg.Now
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				msg = logsMsg{gen: gen, source: title, err: fmt.Errorf("log tail panicked: %v", r)}
			}
		}()
		lines, err := tailLogs(ctx, c, group, prefix, now())
		return logsMsg{gen: gen, source: title, lines: lines, err: err}
	}
}

// tailKeep is how many log lines a tail shows at most.
const tailKeep = 200

func tailLogs(ctx context.Context, c engine.Config, group, prefix string, now time.Time) ([]string, error) {
	in := &cloudwatchlogs.FilterLogEventsInput{
		LogGroupName: sdkaws.String(group),
		StartTime:    sdkaws.Int64(now.Add(-time.Hour).UnixMilli()),
	}
	if prefix != "" {
		in.LogStreamNamePrefix = sdkaws.String(prefix)
	}
	var lines []string
	for page := 0; page < 10; page++ {
		out, err := c.Clients.Logs.FilterLogEvents(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", group, err)
		}
		for _, e := range out.Events {
			t := time.UnixMilli(sdkaws.ToInt64(e.Timestamp)).UTC().Format("15:04:05")
			lines = append(lines, t+" "+strings.TrimRight(sdkaws.ToString(e.Message), "\n"))
		}
		if out.NextToken == nil || len(out.Events) == 0 {
			break
		}
		in.NextToken = out.NextToken
	}
	if len(lines) > tailKeep {
		lines = lines[len(lines)-tailKeep:]
	}
	return lines, nil
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
