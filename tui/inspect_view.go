package tui

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/ansi"
	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/resource"
)

// stateGlyph marks a resource's cloud state without colour.
func stateGlyph(st *Styles, state string) string {
	s := strings.ToLower(state)
	switch {
	case strings.Contains(s, "fail"), strings.Contains(s, "error"), strings.Contains(s, "unhealthy"), s == "alarm", s == "stopped", s == "terminated":
		return st.Err.Render("✗")
	case strings.Contains(s, "delet"), strings.Contains(s, "shutting"), strings.Contains(s, "draining"):
		return st.Warn.Render("⊘")
	case strings.Contains(s, "pend"), strings.Contains(s, "creat"), strings.Contains(s, "provision"), strings.Contains(s, "start"),
		strings.Contains(s, "modif"), strings.Contains(s, "backing"), strings.Contains(s, "progress"):
		return st.Warn.Render("◐")
	}
	return st.OK.Render("●")
}

// View draws inspect to exactly w×h.
func (in *inspector) View() string {
	st := in.env.st
	head := st.Header.Render("Inspect") + st.Muted.Render(" · "+in.app)
	if in.snap != nil {
		head += st.Muted.Render(fmt.Sprintf(" · %d resources in %d services", in.snap.Total, len(in.snap.Services)))
	}
	if !in.at.IsZero() {
		head += st.Muted.Render(" · " + in.at.UTC().Format("15:04:05"))
	}
	var body string
	var bs []key.Binding
	k := in.env.keys
	switch {
	case in.ask != nil:
		body = "\n " + in.ask.View()
		bs = append(in.ask.KeyBinds(), k.Back)
	case in.logs != nil:
		body = in.logsView()
		bs = []key.Binding{withHelp(k.Back, "back"), k.ForceQuit}
	case in.detail:
		body = in.detailView()
		bs = []key.Binding{withHelp(k.Back, "back"), k.Logs, k.Quit}
	default:
		body = in.listView(in.h - 3)
		bs = []key.Binding{k.Up, k.Down, k.Details, k.Logs, k.Refresh, k.Back, k.Quit}
	}
	foot := ""
	if in.err != nil {
		foot = st.Err.Render("✗ ") + in.err.Error()
	} else if in.loading && in.snap == nil {
		foot = st.Warn.Render("◐") + " Asking the cloud…"
	} else if in.ask == nil {
		foot = st.Muted.Render(fmt.Sprintf("Refreshed every %s.", in.env.cfg.Refresh))
	}
	return fitLine(head, in.w) + "\n" + fitBlock(body, in.w, in.h-3) + "\n" +
		fitLine(foot, in.w) + "\n" + fitLine(renderHelp(st, bs, in.w), in.w)
}

// listView is the resources by service, scrolled so the cursor shows.
func (in *inspector) listView(h int) string {
	st := in.env.st
	if in.snap == nil {
		return ""
	}
	if in.snap.Total == 0 {
		return wrap(fmt.Sprintf("\n %s runs nothing here (no resources tagged mvi:app=%s). Run a tutorial, or mvi up, first.", in.app, in.app), in.w-2)
	}
	idW := 10
	for _, r := range in.resources() {
		idW = max(idW, len(r.ID))
	}
	idW = min(idW, max(in.w/3, 12))
	var lines []string
	cur, i := 0, 0
	for _, g := range in.snap.Services {
		lines = append(lines, " "+st.Title.Render(string(g.Service)))
		for _, r := range g.Resources {
			mark := st.NoCursor
			id := fitLine(r.ID, idW)
			if i == in.cursor {
				mark, id, cur = st.Cursor, st.Selected.Render(id), len(lines)
			}
			state := r.State
			if state == "" {
				state = "present"
			}
			line := fmt.Sprintf(" %s%s %s %-12s %s", mark, stateGlyph(st, r.State), id, state, shortName(r))
			if g := gaugeText(r.Gauges); g != "" {
				line += st.Muted.Render("  " + g)
			}
			lines = append(lines, line)
			i++
		}
	}
	top := 0
	if cur >= h {
		top = cur - h + 1
	}
	return strings.Join(lines[top:], "\n")
}

// shortName is the physical id as a person recognises it.
func shortName(r engine.ResourceStatus) string {
	if n := r.Attrs["name"]; n != "" && !strings.HasPrefix(n, "arn:") {
		return n
	}
	return resource.LastPart(r.PhysicalID)
}

// detailView is one resource: its ids, gauges and attributes, and how to
// see it without mvi.
func (in *inspector) detailView() string {
	r, ok := in.selected()
	if !ok {
		return ""
	}
	st := in.env.st
	region := in.env.cfg.Engine.Region
	if in.snap != nil && in.snap.Region != "" {
		region = in.snap.Region
	}
	console, cli := engine.SeeItYourself(in.cfg(), in.app, region, r)
	type kv struct{ k, v string }
	rows := []kv{{"type", r.Type}, {"id", r.PhysicalID}, {"ARN", r.ARN},
		{"state", stateGlyph(st, r.State) + " " + r.State}, {"gauges", gaugeText(r.Gauges)}}
	keys := make([]string, 0, len(r.Attrs))
	for k := range r.Attrs {
		if k != "arn" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		rows = append(rows, kv{k, r.Attrs[k]})
	}
	// The key column is as wide as the longest key, so a long one
	// (task_definition) never pushes its value past the edge; long values
	// (ARNs) break at the exact width, continuing under the value.
	kw := 5
	for _, row := range rows {
		kw = max(kw, len(row.k))
	}
	valW := max(in.w-kw-3, 20)
	var b strings.Builder
	b.WriteString(" " + st.Title.Render(r.ID) + "\n")
	for _, row := range rows {
		if row.v == "" {
			continue
		}
		v := strings.ReplaceAll(ansi.Hardwrap(row.v, valW, false), "\n", "\n"+strings.Repeat(" ", kw+2))
		fmt.Fprintf(&b, " %-*s %s\n", kw, row.k, v)
	}
	b.WriteString("\n " + st.Title.Render("See it yourself") + "\n")
	// A link or command broken at hyphens would not paste back whole:
	// break them at the width only, on lines of their own.
	b.WriteString(" console:\n" + ansi.Hardwrap(console, in.w, false) + "\n")
	b.WriteString(" aws CLI:\n" + ansi.Hardwrap(cli, in.w, false) + "\n")
	return b.String()
}

// logsView is the last lines of the tail that fit.
func (in *inspector) logsView() string {
	st := in.env.st
	l := in.logs
	head := " " + st.Title.Render("Logs of "+l.source)
	if l.err != nil {
		return head + "\n " + st.Err.Render("✗ ") + l.err.Error()
	}
	if len(l.lines) == 0 {
		return head + "\n " + st.Muted.Render("No lines in the last hour.")
	}
	room := max(in.h-4, 1)
	lines := l.lines
	if len(lines) > room {
		lines = lines[len(lines)-room:]
	}
	return head + "\n " + strings.Join(lines, "\n ")
}
