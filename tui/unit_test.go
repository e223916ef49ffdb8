package tui

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/steps"
	"github.com/muesli/termenv"
)

// The drain returns everything pushed so far as one message, in order,
// and returns nil once the queue is closed.
func TestQueueDrainsEverythingInOneBatch(t *testing.T) {
	q := newQueue(7, 0)
	for i := 0; i < 1000; i++ {
		q.Event(engine.Event{ID: "r", Done: i})
	}
	q.Note("half way")
	q.Check(steps.CheckResult{Name: "GET /", OK: true})
	msg := q.drain()().(batchMsg)
	if msg.run != 7 || len(msg.items) != 1002 {
		t.Fatalf("batch of run %d with %d items, want run 7 with 1002", msg.run, len(msg.items))
	}
	if msg.items[999].event.Done != 999 || msg.items[1000].note != "half way" || msg.items[1001].check == nil {
		t.Error("items out of order")
	}
	done := make(chan any)
	go func() { done <- q.drain()() }()
	q.close()
	select {
	case m := <-done:
		if m != nil {
			t.Errorf("closed queue drained %v", m)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("drain kept waiting after close")
	}
}

// panicStep panics in Run.
type panicStep struct{ steps.Base }

func (panicStep) Kind() steps.Kind { return steps.KindBreak }
func (panicStep) Run(context.Context, *steps.Session, steps.Output) error {
	panic("boom")
}

// A panic in a step's goroutine is an error on screen, not a raw terminal.
func TestPanicInAStepFailsTheStep(t *testing.T) {
	c := newFakeCatalog(fakeApply{})
	c.tutorials["hello-world"] = &Tutorial{ID: "hello-world", Title: "Hello World", Steps: []steps.Step{panicStep{Base: steps.Base{Heading: "Break it"}}}}
	c.done["hello-world"] = 0
	app := New(context.Background(), testConfig(c))
	d := newDriver(t, app, 80, 24)
	d.key("enter")
	d.until("the step fails", func() bool { return app.run != nil && app.run.phase == phaseFailed })
	v := d.m.View()
	if !strings.Contains(v, "panicked: boom") || !strings.Contains(v, "r tries again") {
		t.Errorf("no failure shown:\n%s", v)
	}
	assertFits(t, v, 80, 24)
}

// Each screen's help names the keys that act there.
func TestHelpListsTheKeysThatAct(t *testing.T) {
	has := func(t *testing.T, v string, keys ...string) {
		t.Helper()
		last := strings.Split(v, "\n")
		help := last[len(last)-1]
		for _, k := range keys {
			if !strings.Contains(help, k) {
				t.Errorf("help %q lacks %q", help, k)
			}
		}
	}
	home := newDriver(t, New(context.Background(), testConfig(newFakeCatalog(fakeApply{}))), 120, 40)
	has(t, home.m.View(), "enter open", "x reset progress", "q quit")
	d, app := openAt(t, fakeApply{}, 0, 120, 40)
	d.until("the explanation is read", func() bool { return app.run.phase == phaseDone })
	d.settle()
	has(t, d.m.View(), "enter next", "esc back", "q quit")
	// pgup/pgdn is offered only when the text has more than the pane shows.
	if v := d.m.View(); strings.Contains(v, "pgup/pgdn") {
		t.Errorf("a text that fits offers scrolling:\n%s", v)
	}
	d.key("enter")
	d.until("the question", func() bool { return app.run.phase == phaseAsking })
	d.settle()
	has(t, d.m.View(), "enter submit", "esc back", "ctrl+c quit")
	km := newKeyMap()
	if bs := bindings([]key.Binding{km.Quit}); len(bs.ShortHelp()) != 1 || len(bs.FullHelp()[0]) != 1 {
		t.Error("bindings do not list themselves")
	}
}

// With colour, the diagram is painted; with NO_COLOR (the Ascii profile)
// not a single escape is written, and state still reads from the glyphs.
func TestColourFollowsTheProfile(t *testing.T) {
	for _, p := range []termenv.Profile{termenv.Ascii, termenv.ANSI256} {
		r := lipgloss.NewRenderer(io.Discard)
		r.SetColorProfile(p)
		cfg := testConfig(nil)
		cfg.Renderer = r
		app := applyingAppWith(t, cfg, 80, 24)
		v := app.View()
		esc := strings.Contains(v, "\x1b[")
		if esc != (p != termenv.Ascii) {
			t.Errorf("profile %v: escapes written = %v", p, esc)
		}
		for _, g := range []string{"●", "◐", "○"} {
			if !strings.Contains(v, g) {
				t.Errorf("profile %v: no %s glyph:\n%s", p, g, v)
			}
		}
	}
}

// A default is offered, not pre-typed: what a person types replaces it
// (never "httpd" + "nginx"), and an empty answer takes it.
func TestAskFormDefaultsArePlaceholders(t *testing.T) {
	f := []steps.Field{{Key: "image", Prompt: "Image?", Default: "httpd", Validate: steps.RuleImageOrDir},
		{Key: "cloud", Prompt: "Where?", Type: steps.Select, Default: "sandbox", Options: []steps.Option{{Label: "s", Value: "sandbox"}}}}
	a := newAskForm(f, func(f steps.Field) string { return f.Default }, 60)
	if got := a.answers(); got["image"] != "httpd" || got["cloud"] != "sandbox" {
		t.Errorf("untouched answers %v", got)
	}
	if a.text[0] != "" {
		t.Errorf("the input starts with %q typed in it", a.text[0])
	}
	a.text[0] = "nginx"
	if got := a.answers(); got["image"] != "nginx" {
		t.Errorf("typed answer %q", got["image"])
	}
}

// A confirm question breaks only between words, so a price or a path
// reads whole at 80 columns; huh alone broke "$69.56" at its dot.
func TestConfirmQuestionBreaksBetweenWords(t *testing.T) {
	yes := false
	q := "Apply 28 change(s) to hello on the sandbox (/tmp/tmp.BGGZKhtLfB/mvi/sandbox), about $69.56 a month once applied?"
	for _, w := range []int{47, 60, 79} {
		f := newConfirmForm(q, &yes, w)
		sizeForm(f, w, 20)
		f.Init()
		v := ansi.Strip(f.View())
		for _, word := range []string{"$69.56", "(/tmp/tmp.BGGZKhtLfB/mvi/sandbox),"} {
			if !strings.Contains(v, word) {
				t.Errorf("width %d: %q is broken across lines:\n%s", w, word, v)
			}
		}
	}
}

// The plan a person reads before the apply's confirm names what it
// replaces and why, beside the counts.
func TestPlanTextNamesReplacements(t *testing.T) {
	p := &engine.Plan{App: "shop", Steps: []engine.Step{
		{ID: "target-group/web", Service: "Load Balancer", Action: engine.Replace, Reason: "its port changes 80 → 8080, and AWS can't change it in place"},
		{ID: "vpc", Service: "VPC", Action: engine.NoOp},
	}}
	got := planText(p)
	for _, want := range []string{"Plan: 0 to create, 0 to update, 1 to replace, 0 to delete, 1 unchanged.",
		"replace target-group/web: its port changes 80 → 8080"} {
		if !strings.Contains(got, want) {
			t.Errorf("plan text lacks %q:\n%s", want, got)
		}
	}
}
