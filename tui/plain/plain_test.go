package plain

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/minimalinfra/mvi/engine"
	engineaws "github.com/minimalinfra/mvi/engine/aws"
	"github.com/minimalinfra/mvi/engine/sandbox"
	"github.com/minimalinfra/mvi/steps"
	"github.com/minimalinfra/mvi/tutorials"
)

// A class runs Hello World in accessible mode from piped answers, stops at
// the apply confirm (the bell), and finishes the next day from the saved
// progress: the same app, built, verified through the load balancer,
// broken, healed and removed.
func TestHelloWorldPlainStopsAndResumes(t *testing.T) {
	tu, err := tutorials.Load("hello-world")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	sb, err := sandbox.Open(ctx, sandbox.Options{Dir: dir, Speed: 0})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	dp, err := sandbox.Serve(ctx, sb, sandbox.ServeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer dp.Close()
	cfg := engine.Config{Clients: sb.Clients(), Handlers: engineaws.Handlers(), Region: "us-east-1", Account: sb.Account(),
		Locker: engine.FileLocker{Dir: filepath.Join(dir, "locks")},
		Retry:  engine.Retry{Base: time.Millisecond, Max: 20 * time.Millisecond, Timeout: 2 * time.Minute}}
	store := &tutorials.Store{Dir: t.TempDir()}

	// Day one: name "class", cloud 1 (sandbox), port 80 by default, then no
	// to the apply.
	var out bytes.Buffer
	r := New(strings.NewReader("class\n1\n\nn\n"), &out)
	r.Store, r.Echo = store, true
	s := &steps.Session{Engine: cfg}
	if err := r.Run(ctx, tu, s, 0); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{"What is the app called?", "a number from 1 to 2, or a name", "added: Load Balancer (lb, ", "    lb: ", "change(s) to class, about $", "nothing was changed"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("day one lacks %q", want)
		}
	}
	// Issue 10 item 5: the text is rendered for a screen reader: no
	// Markdown marks, no boxes (not asked for), no talk of heavy boxes.
	for _, noise := range []string{"```", "`", "**", "┃", "┌", "heavy"} {
		if strings.Contains(out.String(), noise) {
			t.Errorf("day one's transcript has %q:\n%s", noise, out.String())
		}
	}
	if regexp.MustCompile(`(?m)^\s*#`).MatchString(out.String()) {
		t.Errorf("a line starts with #:\n%s", out.String())
	}
	if snap, err := engine.Status(ctx, s.Engine); err != nil || snap.Total != 0 {
		t.Fatalf("declining the apply still made %d resources (%v)", snap.Total, err)
	}
	p, err := store.Load(tu.ID)
	if err != nil {
		t.Fatal(err)
	}
	if tu.Steps[p.Next].Kind() != steps.KindApply || p.Answers["name"] != "class" || p.Answers["port"] != "80" {
		t.Fatalf("saved progress: next %d (%s), answers %v", p.Next, tu.Steps[p.Next].Kind(), p.Answers)
	}

	// Day two: a new process (new runner, new session) picks up there.
	out.Reset()
	r = New(strings.NewReader("y\ny\n"), &out)
	r.Store = store
	s = &steps.Session{Engine: cfg}
	next, err := p.Restore(tu, s)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Run(ctx, tu, s, next); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{"class is up", "ok: GET / through the load balancer answers 200", "terminated i-",
		"ok: the VM group is whole again", "ok: two web containers are healthy again", "Load Balancer\n", "nothing tagged mvi:app=class is left"} {
		if !strings.Contains(text, want) {
			t.Errorf("day two lacks %q", want)
		}
	}
	if strings.Contains(text, "What is the app called?") {
		t.Error("day two asked the questions again")
	}
	if p, _ := store.Load(tu.ID); !p.Done(tu) {
		t.Errorf("progress after the last step: next %d of %d", p.Next, len(tu.Steps))
	}
	if snap, err := engine.Status(ctx, s.Engine); err != nil || snap.Total != 0 {
		t.Errorf("after the tutorial %d resources remain (%v)", snap.Total, err)
	}
}

// Each question gets its own line of piped input, however many are
// buffered: huh's prompts would otherwise read ahead.
func TestLineReaderKeepsAnswersForTheirQuestions(t *testing.T) {
	var out bytes.Buffer
	r := New(strings.NewReader("one\ntwo\n3\n"), &out)
	s := &steps.Session{Answers: map[string]string{}}
	a := steps.Ask{Fields: []steps.Field{
		{Key: "a", Prompt: "A?"}, {Key: "b", Prompt: "B?"},
		{Key: "c", Prompt: "C?", Type: steps.Select, Options: []steps.Option{{Label: "x", Value: "x"}, {Label: "y", Value: "y"}, {Label: "z", Value: "z"}}},
	}}
	if err := r.Ask(context.Background(), a, s); err != nil {
		t.Fatal(err)
	}
	if s.Answers["a"] != "one" || s.Answers["b"] != "two" || s.Answers["c"] != "z" {
		t.Errorf("answers %v\n%s", s.Answers, out.String())
	}
}

// Ctrl-C while a question waits for a line ends the run at once.
func TestCancelWhileAskingReturnsAtOnce(t *testing.T) {
	pr, pw := io.Pipe() // a reader that never delivers a line
	defer pw.Close()
	r := New(pr, io.Discard)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- r.Ask(ctx, steps.Ask{Fields: []steps.Field{{Key: "a", Prompt: "A?"}}}, &steps.Session{Answers: map[string]string{}})
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
}

// Plain output draws each design as the book does unless the reader
// asked for accessible text, where box drawing is noise.
func TestDesignsAreDrawnUnlessAccessible(t *testing.T) {
	tu, err := tutorials.Load("hello-world")
	if err != nil {
		t.Fatal(err)
	}
	sb, err := sandbox.Open(context.Background(), sandbox.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	cfg := engine.Config{Clients: sb.Clients(), Handlers: engineaws.Handlers(), Region: "us-east-1", Account: sb.Account()}
	for _, draw := range []bool{true, false} {
		var out bytes.Buffer
		r := New(strings.NewReader("hello\n1\n\nn\n"), &out)
		r.Diagram = draw
		if err := r.Run(context.Background(), tu, &steps.Session{Engine: cfg}, 0); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		got := out.String()
		// The first design is one heavy web box; the second adds the LB.
		if drew := strings.Contains(got, "┃web┃") && strings.Contains(got, "LB"); drew != draw {
			t.Errorf("Diagram=%v, but drawn=%v:\n%s", draw, drew, got)
		}
	}
}

// A transcript echoes a yes/no question's answer as yes or no, the way
// the apply confirm does, not as the stored "true" or "false".
func TestConfirmFieldEchoesYesOrNo(t *testing.T) {
	var out bytes.Buffer
	r := New(strings.NewReader("\ny\n"), &out)
	r.Echo = true
	s := &steps.Session{Answers: map[string]string{}}
	a := steps.Ask{Fields: []steps.Field{
		{Key: "a", Prompt: "Build it?", Type: steps.Confirm},
		{Key: "b", Prompt: "Really?", Type: steps.Confirm},
	}}
	if err := r.Ask(context.Background(), a, s); err != nil {
		t.Fatal(err)
	}
	if o := out.String(); strings.Contains(o, "false") || strings.Contains(o, "true") || !strings.Contains(o, "no\n") || !strings.Contains(o, "yes\n") {
		t.Errorf("the transcript says:\n%s", o)
	}
}
