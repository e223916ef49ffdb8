package tui

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/steps"
)

// failingCheck is a verify step whose checks never pass.
type failingCheck struct{ steps.Base }

func (failingCheck) Kind() steps.Kind { return steps.KindVerify }
func (failingCheck) Title() string    { return "Nobody was turned away" }
func (failingCheck) Run(context.Context, *steps.Session, steps.Output) error {
	return errors.New("the page never showed nginx's welcome")
}

// A failed verify offers going back to the question it rests on, not
// only retry (issue 10, item 2: "step 10 then fails forever"); c opens
// that question with the answer given before.
func TestFailedCheckGoesBackToItsCause(t *testing.T) {
	c := newFakeCatalog(fakeApply{})
	tu := c.tutorials["hello-world"]
	tu.Steps = append(tu.Steps, failingCheck{})
	tu.Start = len(tu.Steps) - 1
	app := New(context.Background(), testConfig(c))
	d := newDriver(t, app, 80, 24)
	d.key("enter")
	d.until("the check fails", func() bool { return app.screen == screenRunner && app.run.phase == phaseFailed })
	d.settle()
	if v := d.m.View(); !strings.Contains(v, "back to step 3, the cause") {
		t.Errorf("the failed step offers no way back to its cause:\n%s", v)
	}
	d.key("c")
	d.until("the question is up", func() bool { return app.run.phase == phaseAsking })
	if app.run.idx != 2 {
		t.Errorf("c opened step %d, want 3 (the port question)", app.run.idx+1)
	}
}
