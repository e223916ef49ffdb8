package tui

import (
	"context"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/steps"
	"github.com/minimalinfra/mvi/tui/diagram"
)

// Esc goes one step back, not home, and an earlier answer can be changed:
// kept, nothing runs again; changed, the step runs with it and what
// follows is to do again. Esc on the first step goes home.
func TestEscGoesBackAndAnAnswerCanBeChanged(t *testing.T) {
	c := newFakeCatalog(fakeApply{})
	c.tutorials["hello-world"].Start, c.done["hello-world"] = 1, 1
	app := New(context.Background(), testConfig(c))
	d := newDriver(t, app, 80, 24)
	d.key("enter")
	d.until("the name question", func() bool { return app.run != nil && app.run.phase == phaseAsking && app.run.idx == 1 })
	d.settle()
	d.key("enter") // hello
	d.until("the name is taken", func() bool { return app.run.phase == phaseDone })
	d.key("enter")
	d.until("the port question", func() bool { return app.run.phase == phaseAsking && app.run.idx == 2 })
	d.settle()

	d.key("esc")
	d.until("back on the name question", func() bool { return app.run.phase == phaseAsking && app.run.idx == 1 })
	d.settle()
	if app.screen != screenRunner {
		t.Fatal("esc went home")
	}
	if v := d.m.View(); !strings.Contains(v, "> hello") {
		t.Errorf("the earlier answer is not offered:\n%s", v)
	}
	d.key("enter") // kept as it was
	d.until("shown as done", func() bool { return app.run.phase == phaseDone && app.run.reviewing })
	if app.run.done != 2 || c.done["hello-world"] != 2 {
		t.Errorf("keeping an answer changed the progress: runner %d, saved %d", app.run.done, c.done["hello-world"])
	}

	d.key("esc") // from the name (done) back to the explanation
	d.until("back on the explanation", func() bool { return app.run.idx == 0 && app.run.phase == phaseDone })
	if !app.run.reviewing {
		t.Error("a step done before ran again")
	}
	d.key("enter")
	d.until("the name question again", func() bool { return app.run.phase == phaseAsking && app.run.idx == 1 })
	d.settle()
	d.key("shop")
	d.key("enter")
	d.until("the new name ran", func() bool { return app.run.phase == phaseDone && !app.run.reviewing })
	if got := app.run.sess.Answers["name"]; got != "shop" {
		t.Errorf("name = %q, want shop (typing replaces the offer)", got)
	}
	if !strings.Contains(app.run.sess.Manifest, `name = "shop"`) {
		t.Errorf("the manifest kept the old name:\n%s", app.run.sess.Manifest)
	}
	if app.run.done != 2 {
		t.Errorf("after a changed answer %d steps are done, want 2 (what follows is to do again)", app.run.done)
	}

	d.key("esc")
	d.until("the explanation", func() bool { return app.run.idx == 0 })
	d.key("esc")
	d.until("home", func() bool { return app.screen == screenHome })
}

// Opening a finished tutorial asks first: review from the start keeps it
// done and runs nothing that was done; start over forgets the progress.
func TestReopeningAFinishedTutorialAsks(t *testing.T) {
	ran := 0
	c := newFakeCatalog(fakeApply{})
	tut := c.tutorials["hello-world"]
	tut.Steps[4] = countingStep{n: &ran}
	c.done["hello-world"] = len(tut.Steps)
	// The saved session, as the catalog restores it for a review.
	tut.Session.Answers = map[string]string{"name": "hello", "port": "80"}
	app := New(context.Background(), testConfig(c))
	d := newDriver(t, app, 80, 24)
	d.key("enter")
	if app.screen != screenHome || !strings.Contains(d.m.View(), "Review it from the start") {
		t.Fatalf("a finished tutorial opened without asking:\n%s", d.m.View())
	}
	d.key("r")
	d.until("the review opens", func() bool { return app.screen == screenRunner && app.run.idx == 0 && app.run.phase == phaseDone })
	for app.run.phase != phaseFinished {
		idx := app.run.idx
		d.key("enter")
		d.until("the next step", func() bool { return app.run.idx != idx || app.run.phase == phaseAsking })
		if app.run.phase == phaseAsking {
			d.settle()
			d.key("enter") // each earlier answer kept
			d.until("the answer kept", func() bool { return app.run.phase == phaseDone })
		}
	}
	if ran != 0 {
		t.Errorf("reviewing ran a step done before %d times", ran)
	}
	if got := c.done["hello-world"]; got != len(tut.Steps) {
		t.Errorf("after the review %d steps are saved done, want %d", got, len(tut.Steps))
	}
	d.key("enter")
	d.until("home", func() bool { return app.screen == screenHome })
	d.key("enter")
	d.key("s")
	d.until("started over", func() bool { return app.screen == screenRunner && app.run.phase == phaseDone })
	if got := c.done["hello-world"]; got != 1 {
		t.Errorf("starting over left %d steps done, want 1", got)
	}
}

// countingStep counts its runs.
type countingStep struct{ n *int }

func (countingStep) Kind() steps.Kind { return steps.KindVerify }
func (countingStep) Title() string    { return "Count" }
func (c countingStep) Run(context.Context, *steps.Session, steps.Output) error {
	*c.n++
	return nil
}

// x asks before it forgets a tutorial's progress.
func TestResetAsksFirst(t *testing.T) {
	c := newFakeCatalog(fakeApply{})
	app := New(context.Background(), testConfig(c))
	d := newDriver(t, app, 80, 24)
	d.key("x")
	if v := d.m.View(); !strings.Contains(v, "Reset Hello World?") || !strings.Contains(v, "y reset") {
		t.Fatalf("x did not ask:\n%s", v)
	}
	d.key("n")
	if c.done["hello-world"] != 2 {
		t.Fatalf("n reset the progress")
	}
	d.key("x")
	d.key("y")
	if c.done["hello-world"] != 0 {
		t.Errorf("y kept the progress: %d", c.done["hello-world"])
	}
	if v := d.m.View(); strings.Contains(v, "Reset Hello World?") {
		t.Errorf("the question stayed up:\n%s", v)
	}
}

// Text above a question that doesn't fit scrolls, and the pane says so
// (issue 10, item 8): pgdn moves the text while the form keeps the keys.
func TestTextAboveAQuestionScrolls(t *testing.T) {
	long := strings.Repeat("A release is a numbered record of every process's image and the config version, and this sentence goes on. ", 14)
	c := newFakeCatalog(fakeApply{})
	c.tutorials["hello-world"].Steps[1] = steps.Ask{Base: steps.Base{Heading: "A new image", Intro: long + "The last sentence."},
		Fields: []steps.Field{{Key: "name", Prompt: "Which image?", Help: "A public image.", Default: "nginx"}}, Change: "name = {{quote .name}}\n"}
	c.tutorials["hello-world"].Start, c.done["hello-world"] = 1, 1
	app := New(context.Background(), testConfig(c))
	d := newDriver(t, app, 80, 24)
	d.key("enter")
	d.until("the question", func() bool { return app.run != nil && app.run.phase == phaseAsking })
	d.settle()
	v := d.m.View()
	if !strings.Contains(v, "more below (pgdn)") || !strings.Contains(v, "pgup/pgdn scroll") {
		t.Fatalf("the cut text says nothing of the rest:\n%s", v)
	}
	d.key("x")
	for range 10 {
		d.send(pgdown())
	}
	d.settle()
	v = d.m.View()
	if app.run.vp.YOffset == 0 || !strings.Contains(strings.Join(strings.Fields(v), " "), "The last sentence.") {
		t.Errorf("pgdn did not scroll the text to its end (offset %d):\n%s", app.run.vp.YOffset, v)
	}
	if app.run.phase != phaseAsking || !strings.Contains(v, "> x") {
		t.Errorf("scrolling took the question away:\n%s", v)
	}
}

// After yes the plan stays on screen while it is applied.
func TestPlanStaysVisibleAfterYes(t *testing.T) {
	apply := fakeApply{hold: make(chan struct{}), release: make(chan struct{})}
	d, app := openAt(t, apply, 3, 80, 24)
	d.until("the design is drawn", func() bool { return app.run.phase == phaseDone })
	p := &engine.Plan{App: "hello", PricesDated: "2026-11-01"}
	for _, r := range app.run.sess.Arch.Resources {
		p.Steps = append(p.Steps, engine.Step{ID: r.ID, Type: r.Type, Service: r.Service, Action: engine.Create})
	}
	app.run.sess.Plan = p
	app.run.look()
	d.key("enter")
	d.until("apply asks first", func() bool { return app.run.phase == phaseConfirming })
	d.key("y")
	d.until("the apply holds", closed(apply.hold))
	d.until("events arrive", func() bool { return app.run.out.events > 0 })
	if b := app.run.body(); !strings.Contains(b, "Plan: ") || !strings.Contains(b, "● + ") {
		t.Errorf("after yes the plan or the progress is gone:\n%s", b)
	}
	close(apply.release)
	d.until("apply is done", func() bool { return app.run.phase == phaseDone })
}

// A destroy's retries say what they wait for in plain words, and the
// picture names the deleting glyph.
func TestDestroyRetrySaysWhatItWaitsFor(t *testing.T) {
	d, app := openAt(t, fakeApply{}, 3, 80, 24)
	d.until("the design is drawn", func() bool { return app.run.phase == phaseDone })
	r := app.run
	var dependent, sub string
	for _, res := range r.seen.arch.Resources {
		for _, dep := range res.DependsOn {
			if strings.HasPrefix(dep, "subnet/") {
				dependent, sub = res.ID, dep
			}
		}
	}
	if sub == "" {
		t.Fatal("no resource of the design depends on a subnet")
	}
	r.phase = phaseRunning
	r.info.kind = steps.KindDestroy
	r.out.event(engine.Event{ID: dependent, Action: engine.Delete, Phase: engine.PhaseWait, Total: 10})
	r.states[dependent] = diagram.Deleting
	r.out.event(engine.Event{ID: sub, Action: engine.Delete, Phase: engine.PhaseRetry, Detail: "DependencyViolation; trying again in 2s", Total: 10})
	line := r.progress()
	if !strings.Contains(line, "waits for "+dependent+" to be deleted first") || strings.Contains(line, "trying again") {
		t.Errorf("the retry line reads like a failure: %q", line)
	}
	r.out = newActivity()
	r.out.event(engine.Event{ID: sub, Action: engine.Delete, Phase: engine.PhaseRetry, Detail: "DependencyViolation; trying again in 2s", Total: 10})
	if line := r.progress(); !strings.Contains(line, "waits until AWS has let go of what still uses it") {
		t.Errorf("with nothing of mvi's in the way: %q", line)
	}
	r.lay = newRunnerLayout(120, 40)
	if pic := r.picture(); !strings.Contains(pic, "◌ deleting") {
		t.Errorf("the legend does not name ◌ while something is deleted:\n%s", pic)
	}
}
