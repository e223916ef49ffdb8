package tui

import (
	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/steps"
	"github.com/minimalinfra/mvi/tui/diagram"
	"time"
)

// logKeep bounds the event lines kept for the activity pane: the diagram
// shows every resource's state, the lines only what happened last.
const logKeep = 200

// activity is what the current step has reported, folded as it arrives.
type activity struct {
	notes  []string
	checks []steps.CheckResult // the latest attempt of each check, first-seen order
	byName map[string]int
	latest *steps.CheckResult // the check reported last
	log    []engine.Event     // the last logKeep finished or failed events

	inflight    map[string]engine.Event
	waiting     *engine.Event // the resource the progress line names
	done, total int
	events      int
	started     time.Time
	err         error
}

func newActivity() *activity {
	return &activity{byName: map[string]int{}, inflight: map[string]engine.Event{}}
}

func (a *activity) note(s string) { a.notes = append(a.notes, s) }

// reported says whether the step has said anything yet.
func (a *activity) reported() bool { return len(a.notes)+len(a.checks)+len(a.log)+len(a.inflight) > 0 }

func (a *activity) check(c steps.CheckResult) {
	a.latest = &c
	if i, ok := a.byName[c.Name]; ok {
		a.checks[i] = c
		return
	}
	a.byName[c.Name] = len(a.checks)
	a.checks = append(a.checks, c)
}

func (a *activity) event(e engine.Event) {
	a.events++
	a.done, a.total = e.Done, e.Total
	switch e.Phase {
	case engine.PhaseDone, engine.PhaseFailed:
		delete(a.inflight, e.ID)
		if len(a.log) == logKeep {
			copy(a.log, a.log[1:])
			a.log = a.log[:logKeep-1]
		}
		a.log = append(a.log, e)
		if a.waiting != nil && a.waiting.ID == e.ID {
			a.waiting = a.longest()
		}
	default:
		a.inflight[e.ID] = e
		a.waiting = &e
	}
}

// longest is the in-flight resource that has waited longest.
func (a *activity) longest() *engine.Event {
	var w *engine.Event
	for _, e := range a.inflight {
		if w == nil || e.Elapsed > w.Elapsed || (e.Elapsed == w.Elapsed && e.ID < w.ID) {
			e := e
			w = &e
		}
	}
	return w
}

// stateOf is what an event means for the resource's box.
func stateOf(e engine.Event) diagram.State {
	switch e.Phase {
	case engine.PhaseDone:
		if e.Action == engine.Delete {
			return diagram.Unknown
		}
		return diagram.Ready
	case engine.PhaseFailed:
		return diagram.Failed
	}
	if e.Action == engine.Delete {
		return diagram.Deleting
	}
	return diagram.Creating
}

// planState is how a planned resource is drawn before apply.
func planState(a engine.Action) diagram.State {
	switch a {
	case engine.NoOp, engine.Update:
		return diagram.Ready
	case engine.Delete:
		return diagram.Deleting
	}
	return diagram.Planned
}
