package plain

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/steps"
	"github.com/minimalinfra/mvi/tutorials"
)

// The init tutorial's database question, as a person meets it.
var databaseField = steps.Field{Key: "database", Prompt: "Does it need a database?", Type: steps.Select, Default: "none",
	Options: []steps.Option{{Label: "no", Value: "none"}, {Label: "PostgreSQL", Value: "postgres"}, {Label: "MySQL", Value: "mysql"}}}

// A choice is answered by its number, its label or its value, in any
// case (issue 10: "no" was refused and only a number worked).
func TestChoiceTakesNumberLabelOrValue(t *testing.T) {
	for answer, want := range map[string]string{
		"no\n": "none", "No\n": "none", "none\n": "none", "1\n": "none", "\n": "none",
		"PostgreSQL\n": "postgres", "postgresql\n": "postgres", "postgres\n": "postgres", " 2 \n": "postgres",
		"MYSQL\n": "mysql", "3": "mysql",
	} {
		var out bytes.Buffer
		s := &steps.Session{Answers: map[string]string{}}
		if err := New(strings.NewReader(answer), &out).Ask(context.Background(), steps.Ask{Fields: []steps.Field{databaseField}}, s); err != nil {
			t.Errorf("%q: %v\n%s", answer, err, out.String())
			continue
		}
		if got := s.Answers["database"]; got != want {
			t.Errorf("%q chose %q, want %q", answer, got, want)
		}
	}
}

// Anything else is asked again with the reason, not taken and not fatal.
func TestWrongChoiceIsAskedAgain(t *testing.T) {
	var out bytes.Buffer
	s := &steps.Session{Answers: map[string]string{}}
	r := New(strings.NewReader("maybe\n4\n0\nmysql\n"), &out)
	if err := r.Ask(context.Background(), steps.Ask{Fields: []steps.Field{databaseField}}, s); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if s.Answers["database"] != "mysql" {
		t.Errorf("chose %q", s.Answers["database"])
	}
	if n := strings.Count(out.String(), "is not one of the choices"); n != 3 {
		t.Errorf("%d reasons for 3 wrong answers:\n%s", n, out.String())
	}
}

// Input that ends before a question is answered (a pipe run dry, Ctrl-D)
// stops with one line saying nothing changed: never a panic, whatever
// the kind of question, and never a guessed answer.
func TestInputEndingStopsWithOneLine(t *testing.T) {
	for _, f := range []steps.Field{
		databaseField,
		{Key: "name", Prompt: "What is the app called?", Default: "app", Validate: steps.RuleAppName},
		{Key: "port", Prompt: "Which port?", Type: steps.Number, Optional: true},
		{Key: "create", Prompt: "Create it now?", Type: steps.Confirm, Default: "false"},
	} {
		for _, in := range []string{"", "wrong answer!\n"} {
			var out bytes.Buffer
			s := &steps.Session{Answers: map[string]string{}}
			var err error
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Fatalf("%s with input %q panicked: %v", f.Key, in, p)
					}
				}()
				err = New(strings.NewReader(in), &out).Ask(context.Background(), steps.Ask{Fields: []steps.Field{f}}, s)
			}()
			var ended *InputEndedError
			if !errors.As(err, &ended) || ended.Question != f.Prompt {
				t.Errorf("%s with input %q: err = %v", f.Key, in, err)
				continue
			}
			if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, "stopped here") || !strings.Contains(msg, "nothing was changed") {
				t.Errorf("%s: the stop says %q", f.Key, msg)
			}
			if _, ok := s.Answers[f.Key]; ok {
				t.Errorf("%s: an answer was guessed: %q", f.Key, s.Answers[f.Key])
			}
		}
	}
}

// fakeVerify stands in for a verify step whose checks pass only once the
// answer it rests on is right, as a rollout of "Not An Image!" never can.
type fakeVerify struct {
	steps.Base
	runs *int
}

func (fakeVerify) Kind() steps.Kind { return steps.KindVerify }

func (v fakeVerify) Run(_ context.Context, s *steps.Session, _ steps.Output) error {
	*v.runs++
	if s.Answers["image"] != "nginx" {
		return fmt.Errorf("the page never showed nginx's welcome (image %s)", s.Answers["image"])
	}
	return nil
}

func verifyTutorial(runs *int) tutorials.Tutorial {
	return tutorials.Tutorial{ID: "t", Steps: []steps.Step{
		steps.Ask{Base: steps.Base{Heading: "A new image"}, Fields: []steps.Field{{Key: "image", Prompt: "Which image?", Default: "nginx"}}},
		steps.Explain{Base: steps.Base{Heading: "Roll it out"}},
		fakeVerify{Base: steps.Base{Heading: "Nobody was turned away"}, runs: runs},
	}}
}

// A failed verify is no dead end (issue 10: "step 10 then fails
// forever"): the person can go back to the question behind it, change
// the answer and go on, or try the checks again, or stop.
func TestFailedVerifyOffersGoingBack(t *testing.T) {
	var runs int
	var out bytes.Buffer
	// httpd (wrong), then 2 = go back, then the right image.
	r := New(strings.NewReader("httpd\n2\nnginx\n"), &out)
	s := &steps.Session{Engine: engine.Config{}}
	if err := r.Run(context.Background(), verifyTutorial(&runs), s, 0); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{"Step 3 (Nobody was turned away) failed", "1. try the checks again",
		"2. go back to the step that caused this: step 1, A new image", "3. stop here"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if runs != 2 || s.Answers["image"] != "nginx" {
		t.Errorf("verify ran %d times, image %q", runs, s.Answers["image"])
	}

	// Trying again reruns only the checks; stopping says where to resume.
	runs, out = 0, bytes.Buffer{}
	r = New(strings.NewReader("httpd\nretry\nstop\n"), &out)
	err := r.Run(context.Background(), verifyTutorial(&runs), &steps.Session{}, 0)
	if err == nil || !strings.Contains(err.Error(), "stopped at step 3 of 3") || runs != 2 {
		t.Errorf("err %v after %d runs\n%s", err, runs, out.String())
	}
}

// Every question whose answer becomes an image in mvi.toml checks it as
// an image reference, so no tutorial can ship "Not An Image!" (issue 10).
func TestEveryImageQuestionChecksTheReference(t *testing.T) {
	uses := regexp.MustCompile(`image = \{\{quote \.(\w+)\}\}`)
	all, err := tutorials.LoadAll(tutorials.FS())
	if err != nil {
		t.Fatal(err)
	}
	for _, tu := range all {
		for i, st := range tu.Steps {
			a, ok := st.(steps.Ask)
			if !ok {
				continue
			}
			for _, m := range uses.FindAllStringSubmatch(a.Change, -1) {
				for _, f := range a.Fields {
					if f.Key == m[1] && f.Validate != steps.RuleImage && f.Validate != steps.RuleImageOrDir {
						t.Errorf("%s step %d: %q becomes an image but is checked as %q", tu.ID, i+1, f.Key, f.Validate)
					}
				}
			}
		}
	}
}
