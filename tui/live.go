package tui

import (
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/minimalinfra/mvi/steps"
	"github.com/minimalinfra/mvi/tui/diagram"
)

// The diagram follows the cloud on every step, not only while a step
// runs: a VM that a break terminated heals while the person reads, and a
// resumed tutorial shows what runs. The runner looks at the cloud in a
// Cmd, one look at a time, every Config.Live; while an apply, destroy or
// plan runs, the engine's events speak for the resources instead and the
// look waits.

// lookTickMsg is the time for the next look.
type lookTickMsg struct{ owner *runner }

// lookMsg is one look's result. owner and run tell a look from another
// runner, or from before a step that started since, apart.
type lookMsg struct {
	owner *runner
	run   int
	view  cloudView
	err   error
}

// looksDuring says whether the cloud is looked at while a step of kind k
// runs: not while the engine reports on every resource itself.
func looksDuring(k steps.Kind) bool {
	switch k {
	case steps.KindApply, steps.KindDestroy, steps.KindPlan:
		return false
	}
	return true
}

// lookNow starts a look, or, when one is out, asks for the next one to
// follow it at once.
func (r *runner) lookNow() tea.Cmd {
	if r.looking {
		r.lookAgain = true
		return nil
	}
	cfg := r.eng
	if !r.running() {
		// No step owns the session: its cloud is the one to look at (a
		// resumed tutorial, or a step that switched clouds).
		cfg = r.sess.Engine
	} else if !looksDuring(r.info.kind) {
		return r.lookLater()
	}
	a := r.seen.arch
	if cfg.Clients == nil || cfg.Handlers == nil || cfg.App == "" || len(a.Resources) == 0 {
		return r.lookLater()
	}
	r.looking = true
	owner, run, parent := r, r.run, r.env.ctx
	gone := slices.Clone(r.gone) // a running step owns the session
	if !r.running() {
		gone = slices.Clone(r.sess.Terminated)
	}
	// Failures since the step started are its news; on a step only shown,
	// those of the last minutes.
	since := r.out.started
	if since.IsZero() {
		since = r.env.cfg.Now().Add(-5 * time.Minute)
	}
	return func() (msg tea.Msg) {
		defer func() {
			if p := recover(); p != nil {
				msg = lookMsg{owner: owner, run: run, err: fmt.Errorf("look panicked: %v\n%s", p, debug.Stack())}
			}
		}()
		ctx, cancel := context.WithTimeout(parent, 10*time.Second)
		defer cancel()
		v, err := lookAtCloud(ctx, cfg, a, gone, since)
		return lookMsg{owner: owner, run: run, view: v, err: err}
	}
}

// lookLater arms the timer for the next look; one timer is out at most.
func (r *runner) lookLater() tea.Cmd {
	if r.lookTimer {
		return nil
	}
	r.lookTimer = true
	owner := r
	return tea.Tick(r.env.cfg.Live, func(time.Time) tea.Msg { return lookTickMsg{owner: owner} })
}

// seeLook folds a look into the picture.
func (r *runner) seeLook(m lookMsg) tea.Cmd {
	r.looking = false
	var next tea.Cmd
	if r.lookAgain {
		r.lookAgain = false
		next = r.lookNow()
	} else {
		next = r.lookLater()
	}
	if m.err != nil || m.run != r.run || (r.running() && !looksDuring(r.info.kind)) {
		// A failed look keeps what the picture shows (the steps report
		// errors); one from before a step started says nothing of it.
		return next
	}
	r.looks++
	r.merge(m.view)
	for _, f := range m.view.failed {
		r.out.failing(f)
	}
	return tea.Batch(next, r.refresh())
}

// merge puts what the cloud says over the picture. A resource with an
// event in flight keeps the event's state (the engine is acting on it),
// and a planned one keeps its plan until it is applied; anything else the
// cloud doesn't have is no longer drawn as there.
func (r *runner) merge(v cloudView) {
	planned := map[string]bool{}
	if p := r.seen.plan; p != nil {
		for _, s := range p.Steps {
			planned[s.ID] = planState(s) != diagram.Ready
		}
	}
	keep := func(id string) bool { _, busy := r.out.inflight[id]; return busy || planned[id] }
	for id := range r.states {
		if diagram.IsVMKey(id) || diagram.IsTaskKey(id) {
			delete(r.states, id)
			continue
		}
		if !v.live[id] && !keep(id) {
			delete(r.states, id)
		}
	}
	for id, s := range v.states {
		if !keep(id) {
			r.states[id] = s
		}
	}
	r.extra = v.extra
}
