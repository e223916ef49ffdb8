package tui

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/ansi"
	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/cloud"
	"github.com/minimalinfra/mvi/engine/resource"
	"github.com/minimalinfra/mvi/tui/diagram"
)

// stateGlyph marks a resource's cloud state without colour: the glyph
// the diagram draws for it (liveState is the one reading of both).
func stateGlyph(st *Styles, state string) string {
	ls := liveState(state)
	g := diagram.Glyph(ls)
	switch ls {
	case diagram.Failed:
		return st.Err.Render(g)
	case diagram.Deleting, diagram.Creating:
		return st.Warn.Render(g)
	}
	return st.OK.Render(g)
}

// View draws inspect to exactly w×h.
func (in *inspector) View() string {
	st := in.env.st
	head := st.Header.Render("Inspect") + st.Muted.Render(" · "+in.app)
	if cloud.IsReadOnly(in.env.ctx) {
		head += st.Warn.Render(" · read-only")
	}
	if in.snap != nil {
		head += st.Muted.Render(fmt.Sprintf(" · %d resources in %d services", in.snap.Total, len(in.snap.Services)))
	}
	if !in.at.IsZero() {
		head += st.Muted.Render(" · " + in.at.UTC().Format("15:04:05"))
	}
	var body string
	var bs []key.Binding
	switch {
	case in.choosing && in.ask == nil:
		body = "\n " + st.Warn.Render("◐") + " Looking for the apps on the cloud…"
	case in.ask != nil:
		body = "\n " + in.ask.View()
		bs = in.ask.KeyBinds()
	case in.pane != nil:
		body = in.logsView()
	case in.gauging:
		body = in.gaugesView()
	case in.detail:
		body = in.dv.View()
		if in.dv.TotalLineCount() > in.dv.Height {
			body = fitBlock(body, in.w, in.dv.Height) + "\n" + st.Muted.Render(in.moreHint())
		}
	default:
		body = in.listView(in.h - 3)
	}
	for _, a := range in.acts() {
		bs = append(bs, a.b)
	}
	foot := ""
	if in.err != nil {
		foot = st.Err.Render("✗ ") + in.err.Error()
	} else if in.loading && in.snap == nil {
		foot = st.Warn.Render("◐") + " Asking the cloud…"
	} else if !in.choosing {
		foot = st.Muted.Render(fmt.Sprintf("Refreshed every %s.", in.env.cfg.Refresh))
	}
	return fitLine(head, in.w) + "\n" + fitBlock(body, in.w, in.h-3) + "\n" +
		fitLine(foot, in.w) + "\n" + fitLine(renderHelp(st, bs, in.w), in.w)
}

// moreHint says which way the rest of the details is.
func (in *inspector) moreHint() string {
	switch {
	case !in.dv.AtBottom() && in.dv.YOffset > 0:
		return " ▼ more below (pgdn) · ▲ more above (pgup)"
	case !in.dv.AtBottom():
		return " ▼ more below (pgdn)"
	}
	return " ▲ more above (pgup)"
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
			line := fmt.Sprintf(" %s%s %s %-12s %s", mark, stateGlyph(st, r.State), id, r.Word(), shortName(r))
			if g := gaugeText(r.Gauges); g != "" {
				line += st.Muted.Render("  " + g)
			}
			lines = append(lines, line)
			if r.Type == arch.TypeLoadBalancer {
				for _, u := range in.localURLs() {
					lines = append(lines, "      "+st.Muted.Render("on this machine: ")+u)
				}
			}
			if r.Type == arch.TypeTopic && in.env.cfg.Notices != nil {
				for _, n := range in.env.cfg.Notices(in.app) {
					lines = append(lines, "      "+st.Muted.Render("sent: ")+fitLine(n, max(in.w-14, 20)))
				}
			}
			i++
		}
	}
	lines = append(lines, in.runLines()...)
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
		{"state", stateGlyph(st, r.State) + " " + r.Word()}, {"gauges", gaugeText(r.Gauges)}}
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
	if r.Type == arch.TypeLoadBalancer {
		// What answers on this machine: the sandbox's load balancer is
		// served on loopback, not at its DNS name.
		rows = append(rows, kv{"local URL", strings.Join(in.localURLs(), " ")})
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
	c := in.cfg()
	if in.env.cfg.Local != nil && in.env.cfg.Local(c.Clients) {
		// The links are how the same resource is found on AWS; this one
		// lives in the sandbox on this machine, where neither reaches.
		b.WriteString(indent(wrap("On AWS only: this resource is in the sandbox on this machine. The console page and the aws command below are how to find it once the app runs on AWS; here, mvi status shows it.", in.w-2), " ") + "\n")
	}
	// A link or command broken at hyphens would not paste back whole:
	// break them at the width only, on lines of their own.
	b.WriteString(" console:\n" + ansi.Hardwrap(console, in.w, false) + "\n")
	b.WriteString(" aws CLI:\n" + ansi.Hardwrap(cli, in.w, false) + "\n")
	return b.String()
}

// localURLs are where the app's load balancers answer on this machine
// (the sandbox's data plane), none on AWS.
func (in *inspector) localURLs() []string {
	if in.env.cfg.Reach == nil {
		return nil
	}
	return in.env.cfg.Reach(in.app)
}
