package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/steps"
	"github.com/minimalinfra/mvi/tui/diagram"
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
	// failures are releases whose containers stop before serving, as the
	// look at the cloud sees them while the step runs, by process.
	failures []taskFailure

	// builds are the resources' own output (a build's log), by id, in
	// the order they first spoke.
	builds     map[string]*buildLog
	buildOrder []string

	inflight    map[string]engine.Event
	waiting     *engine.Event // the resource the progress line names
	done, total int
	events      int
	started     time.Time
	err         error
}

func newActivity() *activity {
	return &activity{byName: map[string]int{}, inflight: map[string]engine.Event{}, builds: map[string]*buildLog{}}
}

func (a *activity) note(s string) { a.notes = append(a.notes, s) }

// reported says whether the step has said anything yet.
func (a *activity) reported() bool { return len(a.notes)+len(a.checks)+len(a.log)+len(a.inflight) > 0 }

// failing records what a look saw fail; a later look at the same release
// updates the count.
func (a *activity) failing(f taskFailure) {
	for i, g := range a.failures {
		if g.Process == f.Process && g.Revision == f.Revision {
			a.failures[i] = f
			return
		}
	}
	a.failures = append(a.failures, f)
}

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
	a.logged(e)
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

// planState is how a planned resource is drawn before apply: one changed
// outside mvi says so until the apply puts it back.
func planState(s engine.Step) diagram.State {
	if len(s.Drift) > 0 {
		return diagram.Drifted
	}
	switch s.Action {
	case engine.NoOp, engine.Update:
		return diagram.Ready
	case engine.Delete:
		return diagram.Deleting
	}
	return diagram.Planned
}

// waitWords is what a resource in flight waits for, in plain words. An
// engine retry reads like a failure ("DependencyViolation; trying again in
// 2s") though it is the normal course of a delete: what still uses the
// resource must go first. users are the resources that use it and are
// still being deleted.
func waitWords(e engine.Event, users []string) string {
	if e.Phase != engine.PhaseRetry {
		return e.Detail
	}
	// The engine's retry detail is "<AWS code>; trying again in <wait>".
	code, wait, ok := strings.Cut(e.Detail, "; trying again in ")
	if !ok {
		return e.Detail
	}
	again := "tries again in " + wait
	switch {
	case inUse(code) && len(users) > 0:
		return fmt.Sprintf("waits for %s to be deleted first (AWS says %s); %s", strings.Join(users, ", "), code, again)
	case inUse(code) && e.Action == engine.Delete:
		return fmt.Sprintf("waits until AWS has let go of what still uses it (AWS says %s); %s", code, again)
	case inUse(code):
		return fmt.Sprintf("waits for what it needs to settle (AWS says %s); %s", code, again)
	case strings.Contains(code, "Throttl"), strings.Contains(code, "LimitExceeded"), code == "SlowDown":
		return fmt.Sprintf("AWS asked mvi to slow down (%s); %s", code, again)
	}
	return fmt.Sprintf("AWS said %s, which usually passes; %s", code, again)
}

// inUse says whether an AWS code means "something still uses this".
func inUse(code string) bool {
	return code == "DependencyViolation" || strings.Contains(code, "InUse") || strings.Contains(code, "Contains")
}
