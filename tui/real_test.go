package tui

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/tutorials"
)

// The real Hello World's first question wraps its help at 80 columns;
// the field must still show under it (huh measures groups once, at the
// width they were built with, unless told the size again).
func TestRealHelloWorldQuestionShowsItsField(t *testing.T) {
	ht, err := tutorials.Load("hello-world")
	if err != nil {
		t.Fatal(err)
	}
	c := newFakeCatalog(fakeApply{})
	c.tutorials["hello-world"] = &Tutorial{ID: ht.ID, Title: ht.Title, Steps: ht.Steps, Start: 1}
	app := New(context.Background(), testConfig(c))
	d := newDriver(t, app, 80, 24)
	d.key("enter")
	d.until("the first question", func() bool { return app.screen == screenRunner && app.run.phase == phaseAsking })
	d.settle()
	v := d.m.View()
	assertFits(t, v, 80, 24)
	if !strings.Contains(v, "> hello") {
		t.Errorf("the name field is cut off:\n%s", v)
	}
}

// A step opens at the top of its text, however long.
func TestRealHelloWorldStepOpensAtTheTop(t *testing.T) {
	ht, err := tutorials.Load("hello-world")
	if err != nil {
		t.Fatal(err)
	}
	c := newFakeCatalog(fakeApply{})
	c.tutorials["hello-world"] = &Tutorial{ID: ht.ID, Title: ht.Title, Steps: ht.Steps}
	app := New(context.Background(), testConfig(c))
	d := newDriver(t, app, 80, 24)
	d.key("enter")
	d.until("the first step is read", func() bool { return app.screen == screenRunner && app.run.phase == phaseDone })
	d.settle()
	if app.run.vp.YOffset != 0 || !strings.Contains(d.m.View(), "Hello World") {
		t.Errorf("step 1 opens scrolled to line %d:\n%s", app.run.vp.YOffset, d.m.View())
	}
	// Issue 10 item 5: tests run without colour (NO_COLOR's profile), and
	// the text is still rendered: no # at a line's start, no **.
	v := d.m.View()
	if strings.Contains(v, "**") || regexp.MustCompile(`(?m)^[│ ]*#`).MatchString(v) {
		t.Errorf("Markdown marks on a NO_COLOR screen:\n%s", v)
	}
}
