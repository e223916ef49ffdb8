package tui

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
)

// One-off tasks (mvi run) show in the list while they live, below the
// resources: they are no resource of the design, but they run on its VMs
// with its release, and a person watching the app should see them.

// runsMsg is one look at the one-off tasks.
type runsMsg struct {
	gen  int
	runs []engine.RunningTask
	err  error
}

// pollRuns looks for one-off tasks on the app's cluster, once the
// snapshot has found it.
func (in *inspector) pollRuns() tea.Cmd {
	cluster := clusterOf(in.snap)
	if cluster == "" {
		in.runs = nil
		return nil
	}
	ctx, cfg, gen := in.ctx, in.cfg(), in.gen
	return func() tea.Msg {
		runs, err := engine.Runs(ctx, cfg, cluster)
		return runsMsg{gen: gen, runs: runs, err: err}
	}
}

// clusterOf is the app's ECS cluster in a snapshot, "" when it has none.
func clusterOf(snap *engine.Snapshot) string {
	if snap == nil {
		return ""
	}
	for _, g := range snap.Services {
		for _, r := range g.Resources {
			if r.Type == arch.TypeCluster {
				return r.PhysicalID
			}
		}
	}
	return ""
}

func (in *inspector) gotRuns(msg runsMsg) {
	if msg.gen != in.gen {
		return
	}
	// A failed look keeps what the last one saw; the status poll's own
	// error line says when the cloud doesn't answer.
	if msg.err == nil {
		in.runs = msg.runs
	}
}

// runLines are the list's lines for the one-off tasks, none when there
// are none.
func (in *inspector) runLines() []string {
	if len(in.runs) == 0 {
		return nil
	}
	st := in.env.st
	lines := []string{" " + st.Title.Render("One-off tasks") + st.Muted.Render("  mvi run PROCESS -- COMMAND")}
	for _, r := range in.runs {
		task := r.Task
		if len(task) > 8 {
			task = task[:8]
		}
		line := fmt.Sprintf("   %s %-10s %s %-12s %s", stateGlyph(st, r.Status), r.Process, task, strings.ToLower(r.Status), strings.Join(r.Command, " "))
		if !r.Started.IsZero() {
			line += st.Muted.Render("  since " + r.Started.UTC().Format("15:04:05"))
		}
		lines = append(lines, line)
	}
	return lines
}
