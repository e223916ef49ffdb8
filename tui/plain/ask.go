package plain

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/minimalinfra/mvi/steps"
)

// Ask asks each field of a as a plain prompt and puts the answers in
// s.Answers. A wrong answer is asked again with the reason; input that
// ends before a question is answered stops the run (*InputEndedError).
func (r *Runner) Ask(ctx context.Context, a steps.Ask, s *steps.Session) error {
	for _, f := range a.Fields {
		if err := ctx.Err(); err != nil {
			return err
		}
		if f.Kind() == steps.Secret {
			if err := r.askSecret(ctx, f, s); err != nil {
				return err
			}
			continue
		}
		def := s.DefaultFor(f)
		if prev, ok := s.Answers[f.Key]; ok {
			// Back at a question already answered: Enter keeps the answer.
			def = prev
		}
		v, err := r.askField(ctx, f, def)
		if err != nil {
			return err
		}
		s.Answers[f.Key] = v
	}
	return nil
}

// Choose asks one choice outside a tutorial (the wizard's menu, what to
// do after a failed check) the way a select question is asked, and
// returns the chosen option's value. notes, when given, say more of each
// option after its label ("Hello World — your first app"), so the label
// stays short enough to type as the answer.
func (r *Runner) Choose(ctx context.Context, prompt string, opts []steps.Option, def string, notes ...string) (string, error) {
	return r.ask(ctx, steps.Field{Key: "choice", Prompt: prompt, Type: steps.Select, Options: opts, Default: def}, def, notes)
}

// askField asks f until the answer passes its check. An empty line takes
// the default; a choice may be named by its number, label or value.
func (r *Runner) askField(ctx context.Context, f steps.Field, def string) (string, error) {
	return r.ask(ctx, f, def, nil)
}

func (r *Runner) ask(ctx context.Context, f steps.Field, def string, notes []string) (string, error) {
	if f.Kind() == steps.Confirm && def == "" {
		def = "false" // as the wizard's form shows it: Enter never agrees
	}
	if f.Help != "" {
		r.printf("%s\n", f.Help)
	}
	if f.Kind() == steps.Select {
		for i, o := range f.Options {
			if i < len(notes) && notes[i] != "" {
				r.printf("  %d. %s — %s\n", i+1, o.Label, notes[i])
				continue
			}
			r.printf("  %d. %s\n", i+1, o.Label)
		}
	}
	for {
		r.printf("%s", promptLine(f, def))
		line, err := interruptible(ctx, r.in.line)
		if errors.Is(err, io.EOF) {
			r.printf("\n")
			return "", &InputEndedError{Question: f.Prompt, Changed: r.changed}
		}
		if err != nil {
			return "", err
		}
		v := strings.TrimSpace(line)
		if v == "" {
			v = def
		}
		cerr := f.Check(v)
		if r.Echo {
			// A transcript of piped answers reads as a dialogue: what was
			// typed when it was wrong, what it means when it was right.
			shown := line
			if cerr == nil {
				shown = said(f, v)
			}
			r.printf("%s\n", shown)
		}
		if cerr != nil {
			r.printf("%v\n", cerr)
			continue
		}
		return f.Normalize(v), nil
	}
}

// said is an accepted answer in the question's own words: a choice's
// label, yes or no, else the text.
func said(f steps.Field, v string) string {
	switch f.Kind() {
	case steps.Select:
		if o, ok := f.Choice(v); ok {
			return o.Label
		}
	case steps.Confirm:
		return map[bool]string{true: "yes", false: "no"}[steps.IsYes(v)]
	}
	return v
}

// promptLine is the question with how to answer it and what Enter takes.
func promptLine(f steps.Field, def string) string {
	switch f.Kind() {
	case steps.Select:
		hint := fmt.Sprintf("a number from 1 to %d, or a name", len(f.Options))
		if o, ok := f.Choice(def); ok && def != "" {
			hint += ", Enter for " + o.Label
		}
		return fmt.Sprintf("%s (%s): ", f.Prompt, hint)
	case steps.Confirm:
		if steps.IsYes(def) {
			return f.Prompt + " [Y/n] "
		}
		return f.Prompt + " [y/N] "
	}
	if def != "" {
		return fmt.Sprintf("%s [%s] ", f.Prompt, def)
	}
	return f.Prompt + " "
}

// interruptible runs a read, returning early when ctx ends: a read from
// a terminal can't be cancelled, and Ctrl-C must not wait for Enter. The
// abandoned read ends with the process.
func interruptible(ctx context.Context, f func() (string, error)) (string, error) {
	type result struct {
		v   string
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := f()
		done <- result{v, err}
	}()
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case r := <-done:
		return r.v, r.err
	}
}

// Confirm asks a yes/no question; the default is no, so nothing is agreed
// to by pressing Enter, and input that ends stops the run.
func (r *Runner) Confirm(ctx context.Context, q string) (bool, error) {
	v, err := r.askField(ctx, steps.Field{Key: "confirm", Prompt: q, Type: steps.Confirm, Default: "false"}, "false")
	if err != nil {
		return false, err
	}
	return steps.IsYes(v), nil
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }

// askSecret reads a secret field's value without echo (Hidden, on a
// terminal) or as a line of piped input, and never writes it back: a
// transcript says only that it was given. Empty keeps a value set before.
func (r *Runner) askSecret(ctx context.Context, f steps.Field, s *steps.Session) error {
	if f.Help != "" {
		r.printf("%s\n", f.Help)
	}
	read := r.in.line
	if r.Hidden != nil {
		read = r.Hidden
	}
	for {
		r.printf("%s (typing is not shown; Enter keeps a value set before): ", f.Prompt)
		v, err := interruptible(ctx, read)
		if r.Hidden != nil || r.Echo {
			r.printf("\n")
		}
		if errors.Is(err, io.EOF) {
			return &InputEndedError{Question: f.Prompt, Changed: r.changed}
		}
		if err != nil {
			return err
		}
		if v == "" {
			return nil
		}
		if cerr := f.Check(v); cerr != nil {
			r.printf("%v\n", cerr)
			continue
		}
		if s.Secrets == nil {
			s.Secrets = map[string]string{}
		}
		s.Secrets[f.Key] = v
		if r.Echo {
			r.printf("(%d characters, not shown)\n", len(v))
		}
		return nil
	}
}

// ConfirmLoss asks for want (the app's name) to be typed before data is
// lost; anything else, or input that ends, keeps everything.
func (r *Runner) ConfirmLoss(ctx context.Context, q, want string) (bool, error) {
	r.printf("%s: ", q)
	line, err := interruptible(ctx, r.in.line)
	if errors.Is(err, io.EOF) {
		r.printf("\n")
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if r.Echo {
		r.printf("%s\n", line)
	}
	if strings.TrimSpace(line) != want {
		r.printf("That is not %s; nothing was deleted.\n", want)
		return false, nil
	}
	return true, nil
}
