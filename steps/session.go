package steps

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/resource"
)

// ErrDeclined is returned by a step whose Confirm was answered no. Nothing
// was changed; a runner usually stops the tutorial there, quietly.
var ErrDeclined = errors.New("declined")

// Base holds what every kind shares. Kinds embed it, so a tutorial file
// spells these keys the same way for every step.
type Base struct {
	// Heading is the step's one-line title.
	Heading string
	// Intro is markdown the runner shows with the step (an explain step's
	// text is its Markdown instead).
	Intro string
	// When, if set, names a confirm field answered earlier: the step runs
	// only if that answer was yes ("!key" runs it only if it was no). This is
	// how `mvi init` writes the file and stops when asked not to create
	// anything.
	When string
	// Hint helps a learner stuck on the step: the runner shows it on a
	// key, and by itself once the step's checks have failed twice.
	Hint string
	// Predict, if set, asks the learner what will happen before the step
	// runs, and shows what did happen next to the answer after.
	Predict *Predict
}

// Predict is a predict-then-observe question: the learner commits to an
// outcome before a break, so what they then watch answers a question
// they asked themselves.
type Predict struct {
	Question string
	Options  []Option
	// Answer is the value of the option that matches what happens.
	Answer string
	// Explain says what happened and why, shown after the step.
	Explain string
}

// Verdict is what the runner says after the step about the learner's
// prediction (the value of the option they chose).
func (p Predict) Verdict(chose string) string {
	label := chose
	for _, o := range p.Options {
		if o.Value == chose {
			label = o.Label
		}
	}
	if chose == p.Answer {
		return "You predicted: " + label + ". That is what happened. " + p.Explain
	}
	return "You predicted: " + label + ". What happened instead: " + p.Explain
}

// HintOf is st's hint, "" when it has none.
func HintOf(st Step) string {
	if h, ok := st.(interface{ HintText() string }); ok {
		return h.HintText()
	}
	return ""
}

// PredictOf is st's prediction question, nil when it has none.
func PredictOf(st Step) *Predict {
	if p, ok := st.(interface{ Prediction() *Predict }); ok {
		return p.Prediction()
	}
	return nil
}

// HintText is the step's hint.
func (b Base) HintText() string { return b.Hint }

// Prediction is the step's predict-then-observe question.
func (b Base) Prediction() *Predict { return b.Predict }

// Title is the heading.
func (b Base) Title() string { return b.Heading }

// IntroText is the markdown shown with the step.
func (b Base) IntroText() string { return b.Intro }

// Text is the markdown a runner shows for st: an explain step's Markdown,
// any other step's Intro.
func Text(st Step) string {
	if e, ok := st.(Explain); ok {
		return e.Markdown
	}
	if b, ok := st.(interface{ IntroText() string }); ok {
		return b.IntroText()
	}
	return ""
}

// ManifestToken in a step's text stands for the manifest the tutorial has
// built so far, so a summary shows what the learner chose (port = 8080),
// not what the text's author assumed.
const ManifestToken = "{{manifest}}"

// Fill puts the session's manifest where text holds ManifestToken.
func (s *Session) Fill(text string) string {
	if !strings.Contains(text, ManifestToken) {
		return text
	}
	m := strings.TrimSpace(s.Manifest)
	if m == "" {
		m = "# (no manifest yet)"
	}
	return strings.ReplaceAll(text, ManifestToken, m)
}

// WhenKey is the answer key When depends on, "" when none.
func (b Base) WhenKey() string { return strings.TrimPrefix(b.When, "!") }

// Skip reports whether the step's When condition says not to run it.
func (b Base) Skip(s *Session) bool {
	if b.When == "" {
		return false
	}
	key, want := strings.CutPrefix(b.When, "!")
	yes := IsYes(s.Answers[key])
	return yes == want
}

// Skipper is implemented by steps that may be skipped; every kind in this
// package is one (through Base).
type Skipper interface {
	Skip(s *Session) bool
}

// ShouldRun reports whether a runner should run st now. Runners call it
// before Run, and move on silently when it says no.
func ShouldRun(st Step, s *Session) bool {
	sk, ok := st.(Skipper)
	return !ok || !sk.Skip(s)
}

// IsYes reads a confirm answer ("true", "yes", "y", case-insensitive).
func IsYes(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "yes", "y":
		return true
	}
	return false
}

// DefaultFor is the default a runner should offer for f: the session's
// override if any, else the field's own.
func (s *Session) DefaultFor(f Field) string {
	if v, ok := s.Defaults[f.Key]; ok {
		return v
	}
	return f.Default
}

// Added lists the resources the last design step added, in the design's
// order, each with its Reason: the "why each piece exists" pane.
func (s *Session) Added() []arch.Resource {
	out := make([]arch.Resource, 0, len(s.Change.Added))
	for _, id := range s.Change.Added {
		if r, ok := s.Arch.Get(id); ok {
			out = append(out, r)
		}
	}
	return out
}

// AddedServices lists the services the last design step added or changed,
// in the book's order: what the diagram draws heavy.
func (s *Session) AddedServices() []arch.Service {
	touched := s.Change.Services(s.Arch)
	var out []arch.Service
	for _, svc := range arch.Services() {
		if touched[svc] {
			out = append(out, svc)
		}
	}
	return out
}

// connect makes sure the session has a cloud, calling Connect the first
// time one is needed.
func (s *Session) connect(ctx context.Context) error {
	if s.Engine.Clients != nil {
		return nil
	}
	if s.Connect == nil {
		return errors.New("no cloud to work on: the runner gave the session no clients")
	}
	if err := s.Connect(ctx, s); err != nil {
		return fmt.Errorf("connect to the cloud: %w", err)
	}
	if s.Engine.Clients == nil {
		return errors.New("connect to the cloud: still no clients")
	}
	return nil
}

// live finds the app's live resource with a logical id, through the
// engine, so it works on every cloud.
func (s *Session) live(ctx context.Context, typ, id string) (resource.Live, error) {
	return engine.Find(ctx, s.Engine, typ, id)
}
