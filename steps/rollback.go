package steps

import (
	"context"
	"fmt"
	"time"

	"github.com/minimalinfra/mvi/engine"
)

// Rollback starts an earlier release again through the engine's rollback
// (its images and settings as they were, nothing rebuilt), as the same
// rolling deployment a release is. With Watch set, a watcher calls that
// path meanwhile and what it saw goes to Session.Traffic, as an apply's.
type Rollback struct {
	Base
	// Release is the release to go back to; 0 is the one before the
	// release that runs now.
	Release int
	Watch   string
}

// Kind is KindRollback.
func (Rollback) Kind() Kind { return KindRollback }

// Run rolls back and notes the new release's number.
func (r Rollback) Run(ctx context.Context, s *Session, out Output) error {
	if err := s.connect(ctx); err != nil {
		return err
	}
	if r.Watch != "" {
		s.Traffic = nil
	}
	stop := func() Traffic { return Traffic{} }
	if r.Watch != "" {
		var err error
		if stop, err = watch(ctx, s, DefaultProcess, r.Watch); err != nil {
			return fmt.Errorf("rollback: %w", err)
		}
	}
	events := make(chan engine.Event, 64)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for e := range events {
			if out != nil {
				out.Event(e)
			}
		}
	}()
	start := time.Now()
	n, err := engine.Rollback(ctx, s.Engine, r.Release, events)
	close(events)
	<-done
	if t := stop(); t.URL != "" {
		s.Traffic = &t
		note(out, "while it rolled back: "+t.Summary())
	}
	if err != nil {
		return fmt.Errorf("rollback: %w", err)
	}
	s.Plan = nil // what runs changed under any plan made before
	note(out, fmt.Sprintf("release %d runs an earlier release's images again, nothing rebuilt, in %s", n, time.Since(start).Round(time.Millisecond)))
	return nil
}
