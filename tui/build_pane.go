package tui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
)

// buildLines is how many of a running build's last log lines the pane
// shows: enough to see the step it is on and the one before.
const buildLines = 6

// buildLog is one resource's own output while it runs (a build's steps
// and pushes), as the engine's Log events bring it.
type buildLog struct {
	id    string
	lines []string // the last buildLines lines
	uses  string   // the resource it works with now (Registry, Blob, KV)
	done  bool
	ok    bool
}

func (b *buildLog) add(line string) {
	if len(b.lines) == buildLines {
		b.lines = slices.Delete(b.lines, 0, 1)
	}
	b.lines = append(b.lines, line)
}

// logged folds one event into the build logs: a Log line adds to its
// resource's log, and the resource's end closes it.
func (a *activity) logged(e engine.Event) {
	b := a.builds[e.ID]
	switch {
	case e.Log:
		if b == nil {
			b = &buildLog{id: e.ID}
			a.builds[e.ID] = b
			a.buildOrder = append(a.buildOrder, e.ID)
		}
		b.add(e.Detail)
		b.uses = e.Uses
	case b != nil && (e.Phase == engine.PhaseDone || e.Phase == engine.PhaseFailed):
		b.done, b.ok, b.uses = true, e.Phase == engine.PhaseDone, ""
	}
}

// using is the services running builds work with right now.
func (a *activity) using(arc arch.Architecture) map[arch.Service]bool {
	out := map[arch.Service]bool{}
	for _, b := range a.builds {
		if b.done || b.uses == "" {
			continue
		}
		for _, r := range arc.Resources {
			if r.ID == b.uses {
				out[r.Service] = true
			}
		}
	}
	return out
}

// buildsText is the build pane: each running build's last lines under
// its name, and a finished one's last line (its push, or its error).
func (r *runner) buildsText() string {
	st := r.env.st
	var b strings.Builder
	for _, id := range r.out.buildOrder {
		l := r.out.builds[id]
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		switch {
		case !l.done:
			fmt.Fprintf(&b, "%s %s", st.Muted.Render("◐ building"), id)
			for _, line := range l.lines {
				b.WriteString("\n  " + st.Muted.Render("│ ") + line)
			}
			continue
		case l.ok:
			fmt.Fprintf(&b, "%s %s", st.OK.Render("● built"), id)
		default:
			fmt.Fprintf(&b, "%s %s", st.Err.Render("✗ build failed"), id)
		}
		if n := len(l.lines); n > 0 {
			b.WriteString("\n  " + st.Muted.Render("│ ") + l.lines[n-1])
		}
	}
	return b.String()
}
