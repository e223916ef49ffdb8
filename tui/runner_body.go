package tui

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/charmbracelet/huh"
	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/steps"
)

// eventLines is how many of the last finished resources the activity shows.
const eventLines = 6

func (r *runner) activeForm() *huh.Form {
	if r.phase == phaseAsking && r.ask != nil {
		return r.ask.form
	}
	if r.phase == phaseConfirming {
		return r.confirmForm
	}
	return nil
}

// body is the activity under the step's text: what the step added, the
// plan, the checks, the narration, the last resources finished, and the
// error if it failed.
func (r *runner) body() string {
	w := max(r.lay.leftW-2, 10)
	var parts []string
	add := func(s string) {
		if s != "" {
			parts = append(parts, wrap(s, w))
		}
	}
	switch r.info.kind {
	case steps.KindDesign:
		// Shown from before, the session's last change is another step's.
		if r.phase == phaseDone && !r.reviewing {
			add(r.added())
		}
	case steps.KindPlan, steps.KindApply, steps.KindDestroy:
		// The plan stays up while it is applied: what the yes was for.
		if r.seen.plan != nil && r.info.kind != steps.KindDestroy {
			add(planText(r.seen.plan))
		}
	case steps.KindInspect:
		if r.phase == phaseDone && r.seen.snap != nil {
			add(snapshotText(r.seen.snap))
		}
	}
	if c := r.checksText(); c != "" {
		add(c)
	}
	if r.info.kind == steps.KindVerify && r.env.cfg.Reach != nil && r.eng.App != "" {
		if urls := r.env.cfg.Reach(r.eng.App); len(urls) > 0 {
			// The command sits on a line of its own and is never wrapped,
			// so a copy of it runs (the wrapper breaks at hyphens).
			parts = append(parts, wrap("Try it yourself, from another terminal:", w)+"\n  curl -i "+strings.Join(urls, " "))
		}
	}
	for _, f := range r.out.failures {
		add(r.env.st.Err.Render("✗ ") + f.line())
	}
	for _, n := range r.out.notes {
		add(n)
	}
	add(r.buildsText())
	add(r.eventsText())
	if err := r.out.err; err != nil && !r.declined() {
		add(r.env.st.Err.Render("✗ ") + err.Error())
	}
	if len(parts) == 0 {
		return ""
	}
	return indent(strings.Join(parts, "\n\n"), " ")
}

// added lists what the design step added, each piece with why it exists.
func (r *runner) added() string {
	res := r.seen.added
	if len(res) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(r.env.st.Title.Render("What this step adds, and why"))
	for _, x := range res {
		fmt.Fprintf(&b, "\n+ %s (%s): %s", x.ID, x.Service, x.Reason)
	}
	return b.String()
}

// planText is the plan by service, with the monthly cost: what a person
// reads before saying yes.
func planText(p *engine.Plan) string {
	type row struct {
		n    map[engine.Action]int
		cost float64
	}
	rows := map[arch.Service]*row{}
	for _, s := range p.Steps {
		x := rows[s.Service]
		if x == nil {
			x = &row{n: map[engine.Action]int{}}
			rows[s.Service] = x
		}
		x.n[s.Action]++
		if s.Action != engine.Delete {
			x.cost += s.MonthlyUSD
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Plan: %s.", p.Summary())
	for _, svc := range arch.Services() {
		x := rows[svc]
		if x == nil {
			continue
		}
		var acts []string
		for _, a := range []engine.Action{engine.Create, engine.Update, engine.Replace, engine.Delete, engine.NoOp} {
			if n := x.n[a]; n > 0 {
				acts = append(acts, fmt.Sprintf("%s%d", a.Symbol(), n))
			}
		}
		fmt.Fprintf(&b, "\n  %-13s %-10s $%7.2f/mo", svc, strings.Join(acts, " "), x.cost)
	}
	fmt.Fprintf(&b, "\nAbout $%.2f a month on AWS once applied (prices of %s); the sandbox is free.", p.MonthlyUSD, p.PricesDated)
	// A replacement can mean a short outage of that piece: say which and
	// why here too, not only in the apply's confirm.
	for _, l := range steps.ReplaceLines(p) {
		b.WriteString("\n" + l)
	}
	return b.String()
}

// snapshotText is an inspect step's result in short.
func snapshotText(s *engine.Snapshot) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s runs %d resources:", s.App, s.Total)
	for _, g := range s.Services {
		states := map[string]int{}
		for _, r := range g.Resources {
			states[r.Word()]++
		}
		keys := make([]string, 0, len(states))
		for k := range states {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%d %s", states[k], k))
		}
		fmt.Fprintf(&b, "\n  %-13s %s", g.Service, strings.Join(parts, ", "))
	}
	return b.String()
}

// checksText is each verify check's latest attempt.
func (r *runner) checksText() string {
	if len(r.out.checks) == 0 {
		return ""
	}
	st := r.env.st
	var b strings.Builder
	for i, c := range r.out.checks {
		if i > 0 {
			b.WriteByte('\n')
		}
		mark := st.Warn.Render("◐")
		switch {
		case c.OK:
			mark = st.OK.Render("✓")
		case r.phase == phaseFailed:
			mark = st.Err.Render("✗")
		}
		fmt.Fprintf(&b, "%s %s", mark, c.Name)
		if c.Detail != "" {
			b.WriteString(": " + c.Detail)
		}
		if c.Attempt > 1 {
			fmt.Fprintf(&b, " (try %d, %.1fs)", c.Attempt, c.Elapsed.Seconds())
		}
	}
	return b.String()
}

// eventsText is the last few resources that finished or failed.
func (r *runner) eventsText() string {
	log := r.out.log
	if len(log) == 0 {
		return ""
	}
	if len(log) > eventLines {
		log = log[len(log)-eventLines:]
	}
	st := r.env.st
	var b strings.Builder
	for i, e := range log {
		if i > 0 {
			b.WriteByte('\n')
		}
		mark := st.OK.Render("●")
		if e.Phase == engine.PhaseFailed {
			mark = st.Err.Render("✗")
		}
		fmt.Fprintf(&b, "%s %s %s %s %.1fs", mark, e.Action.Symbol(), e.ID, e.Phase, e.Elapsed.Seconds())
		if e.Err != nil {
			b.WriteString(": " + e.Err.Error())
		}
	}
	return b.String()
}

// users are the resources that depend on id and are still being deleted:
// what a delete of id waits for.
func (r *runner) users(id string) []string {
	var out []string
	for _, res := range r.seen.arch.Resources {
		if e, ok := r.out.inflight[res.ID]; ok && e.Action == engine.Delete && slices.Contains(res.DependsOn, id) {
			out = append(out, res.ID)
		}
	}
	return out
}
