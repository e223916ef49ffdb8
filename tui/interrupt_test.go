package tui

import (
	"context"
	"errors"
	"testing"
)

// q or ctrl+c mid-apply used to leave with exit 0 and no word (issue 10,
// item 9): the program now reports the step it cut short as an
// interrupt, which `mvi` turns into its one line and exit 130. Quitting
// with no step running is still a plain goodbye.
func TestQuitMidApplyIsAnInterrupt(t *testing.T) {
	apply := fakeApply{hold: make(chan struct{}), release: make(chan struct{})}
	d, app := openAt(t, apply, 3, 80, 24)
	d.until("the design is drawn", func() bool { return app.run.phase == phaseDone })
	if err := app.stopped(); err != nil {
		t.Fatalf("before anything ran: %v", err)
	}
	d.key("enter")
	d.until("apply asks first", func() bool { return app.run.phase == phaseConfirming })
	d.key("y")
	d.until("the apply holds", closed(apply.hold))
	d.key("q")
	d.until("the program quits", func() bool { return d.quit })
	if err := app.stopped(); !errors.Is(err, context.Canceled) {
		t.Errorf("quitting mid-apply reports %v", err)
	}
}

func TestQuitWhileIdleIsNoInterrupt(t *testing.T) {
	d, app := openAt(t, fakeApply{}, 3, 80, 24)
	d.until("the design is drawn", func() bool { return app.run.phase == phaseDone })
	d.key("q")
	d.until("the program quits", func() bool { return d.quit })
	if err := app.stopped(); err != nil {
		t.Errorf("quitting with nothing running reports %v", err)
	}
}
