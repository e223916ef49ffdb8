package tui

import (
	"context"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/steps"
)

// hintedCheck is a verify step whose checks never pass, with a hint.
type hintedCheck struct{ steps.Base }

func (hintedCheck) Kind() steps.Kind { return steps.KindVerify }
func (hintedCheck) Run(context.Context, *steps.Session, steps.Output) error {
	return errFake("the page never answered")
}

type errFake string

func (e errFake) Error() string { return string(e) }

// l lists every step with done/current marks; enter opens a done step or
// the next to do, never one past it; esc closes the list.
func TestStepListJumpsBackNotAhead(t *testing.T) {
	c := newFakeCatalog(fakeApply{})
	tu := c.tutorials["hello-world"]
	tu.Start, tu.Done = 0, 2 // reviewing from the start, 2 steps done
	app := New(context.Background(), testConfig(c))
	d := newDriver(t, app, 100, 30)
	d.key("enter")
	d.until("step 1 is shown", func() bool { return app.screen == screenRunner && app.run.phase == phaseDone })
	d.settle()
	d.key("l")
	v := d.m.View()
	for _, want := range []string{"Steps", "▶  1. What we are about to do", "✓  2. Name your app", "3. Add the port", "esc closes"} {
		if !strings.Contains(v, want) {
			t.Errorf("step list lacks %q:\n%s", want, v)
		}
	}
	d.key("down")
	d.key("down")
	d.key("down") // step 4: past the first not done (3)
	d.key("enter")
	if app.run.over == nil || app.run.idx != 0 {
		t.Fatalf("jumped ahead to step %d", app.run.idx+1)
	}
	d.key("up")
	d.key("up") // step 2, done
	d.key("enter")
	d.settle()
	if app.run.over != nil || app.run.idx != 1 {
		t.Errorf("enter on a done step: overlay %v, step %d", app.run.over != nil, app.run.idx+1)
	}
}

// h shows the step's hint, or says it has none; a verify that fails twice
// shows its hint by itself.
func TestHintOnKeyAndAfterTwoFailures(t *testing.T) {
	c := newFakeCatalog(fakeApply{})
	tu := c.tutorials["hello-world"]
	tu.Steps = append(tu.Steps, hintedCheck{steps.Base{Heading: "Ask it for a page", Hint: "httpd listens on 80: check the port you gave."}})
	tu.Start = len(tu.Steps) - 1
	app := New(context.Background(), testConfig(c))
	d := newDriver(t, app, 100, 30)
	d.key("enter")
	d.until("the check fails", func() bool { return app.screen == screenRunner && app.run.phase == phaseFailed })
	d.settle()
	if strings.Contains(d.m.View(), "Hint: httpd") {
		t.Errorf("the hint showed after one failure")
	}
	d.key("h")
	if v := d.m.View(); !strings.Contains(v, "httpd listens on 80") {
		t.Errorf("h shows no hint:\n%s", v)
	}
	d.key("esc")
	d.key("r")
	d.until("it fails again", func() bool { return app.run.phase == phaseFailed && app.run.fails[app.run.idx] == 2 })
	d.settle()
	if v := d.m.View(); !strings.Contains(v, "Hint: httpd listens on 80") {
		t.Errorf("no hint by itself after two failures:\n%s", v)
	}
	d.key("up") // harmless
	app.run.open(0)
	d.settle()
	d.key("h")
	if v := d.m.View(); !strings.Contains(v, "There is no hint for this step") {
		t.Errorf("a step without a hint:\n%s", v)
	}
}

// e opens the chapter of the service the step points at.
func TestChapterKeyOpensTheServiceChapter(t *testing.T) {
	c := newFakeCatalog(fakeApply{})
	tu := c.tutorials["hello-world"]
	tu.Highlight = [][]arch.Service{{arch.LoadBalancer}}
	tu.Start = 0
	app := New(context.Background(), testConfig(c))
	d := newDriver(t, app, 100, 30)
	d.key("enter")
	d.until("step 1 is read", func() bool { return app.screen == screenRunner && app.run.phase == phaseDone })
	d.settle()
	if v := d.m.View(); !strings.Contains(v, "e chapter: Load Balancer") {
		t.Errorf("no chapter key in the help:\n%s", v)
	}
	d.key("e")
	d.settle()
	if v := d.m.View(); !strings.Contains(v, "Chapter: Load Balancer") || !strings.Contains(v, "What it is") {
		t.Errorf("e opened no chapter:\n%s", v)
	}
	d.key("esc")
	if app.run.over != nil {
		t.Error("esc left the chapter open")
	}
}

// A step with a prediction asks it first, runs, then shows what happened
// beside the answer.
func TestPredictThenObserve(t *testing.T) {
	c := newFakeCatalog(fakeApply{})
	tu := c.tutorials["hello-world"]
	p := &steps.Predict{Question: "What will happen to the page?", Answer: "up", Explain: "the other VM kept answering.",
		Options: []steps.Option{{Label: "it goes down", Value: "down"}, {Label: "it stays up", Value: "up"}}}
	tu.Steps = append(tu.Steps, steps.Explain{Base: steps.Base{Heading: "Pull the plug", Predict: p}, Markdown: "Watch."})
	tu.Start = len(tu.Steps) - 1
	app := New(context.Background(), testConfig(c))
	d := newDriver(t, app, 100, 30)
	d.key("enter")
	d.until("the prediction is asked", func() bool { return app.screen == screenRunner && app.run.phase == phaseAsking })
	d.settle()
	if v := d.m.View(); !strings.Contains(v, "What will happen to the page?") {
		t.Fatalf("no prediction question:\n%s", v)
	}
	d.key("enter") // the first option: it goes down
	d.until("the step ran", func() bool { return app.run.phase == phaseDone })
	d.settle()
	if v := strings.Join(strings.Fields(strings.ReplaceAll(d.m.View(), "│", " ")), " "); !strings.Contains(v, "You predicted: it goes down. What happened instead: the other VM") {
		t.Errorf("no verdict:\n%s", v)
	}
}

// On a question the letters belong to the form: f1 shows the hint.
func TestHintOnAQuestionIsF1(t *testing.T) {
	c := newFakeCatalog(fakeApply{})
	tu := c.tutorials["hello-world"]
	ask := tu.Steps[1].(steps.Ask)
	ask.Hint = "Any lowercase name will do; it tags everything."
	tu.Steps[1] = ask
	tu.Start, tu.Done = 1, 0
	app := New(context.Background(), testConfig(c))
	d := newDriver(t, app, 100, 30)
	d.key("enter")
	d.until("the question is up", func() bool { return app.screen == screenRunner && app.run.phase == phaseAsking })
	d.settle()
	if v := d.m.View(); !strings.Contains(v, "f1 hint") {
		t.Errorf("no f1 in the help:\n%s", v)
	}
	d.send(tea.KeyMsg{Type: tea.KeyF1})
	if v := d.m.View(); !strings.Contains(v, "Any lowercase name will do") {
		t.Errorf("f1 shows no hint:\n%s", v)
	}
	d.key("esc")
	if app.run.over != nil || app.run.phase != phaseAsking {
		t.Errorf("esc didn't go back to the question")
	}
}
