package steps

import (
	"context"
	"fmt"

	"github.com/minimalinfra/mvi/engine"
)

// Apply runs the plan (making one first if no plan step did), after
// Session.Confirm agrees. Engine events stream to Output.Event as they
// happen.
type Apply struct {
	Base
	// Watch, when set, is a path of the web process that a watcher calls
	// through the load balancer for as long as the apply runs (a new
	// release rolling out); what it saw goes to Session.Traffic.
	Watch string
}

// Kind is KindApply.
func (Apply) Kind() Kind { return KindApply }

// Run applies. Cancelling ctx stops new work; what was made is tagged, so
// running the step again finishes the job.
func (a Apply) Run(ctx context.Context, s *Session, out Output) error {
	if err := s.connect(ctx); err != nil {
		return err
	}
	if a.Watch != "" {
		s.Traffic = nil // what an earlier step saw says nothing about this one
	}
	pl := s.Plan
	if pl == nil || pl.App != s.Arch.App || len(pl.Steps) == 0 {
		var err error
		if pl, err = makePlan(ctx, s); err != nil {
			return err
		}
	}
	if pl.Changes() == 0 {
		note(out, pl.App+" is up to date; nothing to apply")
		return nil
	}
	q := fmt.Sprintf("Apply %d change(s) to %s%s, about $%.2f a month once applied?", pl.Changes(), pl.App, s.on(), pl.MonthlyUSD)
	if err := confirm(ctx, s, q); err != nil {
		return err
	}
	stop := func() Traffic { return Traffic{} }
	if a.Watch != "" {
		var err error
		if stop, err = watch(ctx, s, "web", a.Watch); err != nil {
			return fmt.Errorf("apply: %w", err)
		}
	}
	err := withEvents(out, func(ev chan<- engine.Event) error { return engine.Apply(ctx, s.Engine, *pl, ev) })
	s.Plan = nil // spent: the next apply plans again from what now exists
	if t := stop(); t.URL != "" {
		s.Traffic = &t
		note(out, "while it applied: "+t.Summary())
	}
	if err != nil {
		return err
	}
	note(out, pl.App+" is up")
	return nil
}

// Destroy deletes everything tagged with the app, after Session.Confirm
// agrees, and proves nothing is left.
type Destroy struct {
	Base
}

// Kind is KindDestroy.
func (Destroy) Kind() Kind { return KindDestroy }

// Run destroys.
func (d Destroy) Run(ctx context.Context, s *Session, out Output) error {
	if err := s.connect(ctx); err != nil {
		return err
	}
	app := s.Engine.App
	if app == "" {
		return fmt.Errorf("destroy: no app named yet; a design step comes first")
	}
	if err := confirm(ctx, s, fmt.Sprintf("Delete everything tagged mvi:app=%s%s?", app, s.on())); err != nil {
		return err
	}
	if err := withEvents(out, func(ev chan<- engine.Event) error { return engine.Destroy(ctx, s.Engine, ev) }); err != nil {
		return err
	}
	s.Plan, s.Snapshot = nil, nil
	note(out, "nothing tagged mvi:app="+app+" is left")
	return nil
}

// Inspect takes one snapshot of what runs (engine.Status) into
// Session.Snapshot.
type Inspect struct {
	Base
}

// Kind is KindInspect.
func (Inspect) Kind() Kind { return KindInspect }

// Run inspects.
func (i Inspect) Run(ctx context.Context, s *Session, out Output) error {
	if err := s.connect(ctx); err != nil {
		return err
	}
	snap, err := engine.Status(ctx, s.Engine)
	if err != nil {
		return fmt.Errorf("inspect: %w", err)
	}
	s.Snapshot = &snap
	note(out, fmt.Sprintf("%s runs %d resources in %d services", snap.App, snap.Total, len(snap.Services)))
	return nil
}

func confirm(ctx context.Context, s *Session, q string) error {
	if s.Confirm == nil {
		return nil
	}
	ok, err := s.Confirm(ctx, q)
	if err != nil {
		return err
	}
	if !ok {
		return ErrDeclined
	}
	return nil
}

// withEvents runs f with an event channel drained to out until f returns
// and every event it sent has been delivered.
func withEvents(out Output, f func(chan<- engine.Event) error) error {
	ev := make(chan engine.Event, 64)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for e := range ev {
			if out != nil {
				out.Event(e)
			}
		}
	}()
	err := f(ev)
	close(ev)
	<-done
	return err
}

func note(out Output, s string) {
	if out != nil {
		out.Note(s)
	}
}

// on names where a change lands, for a confirm question: a person about
// to say yes must see whether that is the sandbox or a paid account.
func (s *Session) on() string {
	if s.Where == "" {
		return ""
	}
	return " on " + s.Where
}
