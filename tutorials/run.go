package tutorials

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/steps"
)

// RunHeadless runs every step of t without a terminal: answers stand in for
// the student (a missing one takes the field's default), every confirm is
// yes, and everything the steps report goes to out (nil discards it). The
// engine config is the cloud to work on; its App is set by the design
// steps.
func RunHeadless(ctx context.Context, t Tutorial, answers map[string]string, cfg engine.Config, out steps.Output) error {
	s := &steps.Session{Engine: cfg, Answers: maps.Clone(answers)}
	if s.Answers == nil {
		s.Answers = map[string]string{}
	}
	return Run(ctx, t, s, 0, out, nil)
}

// Run runs t's steps from index from on s. Before each step it calls
// hooks.Before (if set), which may fill in the step's answers (an ask step)
// and may return an error to stop; after each step it calls hooks.After
// with the index of the next step, which is when a runner saves progress.
// A step whose When says no is skipped (After is still called). A declined
// confirm stops the run and returns steps.ErrDeclined (wrapped).
func Run(ctx context.Context, t Tutorial, s *steps.Session, from int, out steps.Output, hooks *Hooks) error {
	if out == nil {
		out = discard{}
	}
	for i := from; i < len(t.Steps); i++ {
		st := t.Steps[i]
		if steps.ShouldRun(st, s) {
			if hooks != nil && hooks.Before != nil {
				if err := hooks.Before(ctx, i, st, s); err != nil {
					return err
				}
			}
			if err := st.Run(ctx, s, out); err != nil {
				if errors.Is(err, steps.ErrDeclined) {
					return fmt.Errorf("%s, step %d (%s): %w", t.ID, i+1, st.Title(), err)
				}
				return fmt.Errorf("%s, step %d of %d (%s %q): %w", t.ID, i+1, len(t.Steps), st.Kind(), st.Title(), err)
			}
		}
		if hooks != nil && hooks.After != nil {
			if err := hooks.After(ctx, i+1, s); err != nil {
				return err
			}
		}
	}
	return nil
}

// Hooks let a runner take part in Run.
type Hooks struct {
	// Before is called before step i runs: a runner shows it and, for an
	// ask step, puts the answers in s.Answers.
	Before func(ctx context.Context, i int, st steps.Step, s *steps.Session) error
	// After is called once step next-1 has finished (or was skipped).
	After func(ctx context.Context, next int, s *steps.Session) error
}

type discard struct{}

func (discard) Event(engine.Event)      {}
func (discard) Check(steps.CheckResult) {}
func (discard) Note(string)             {}
