package plain

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/charmbracelet/huh"
	"github.com/minimalinfra/mvi/steps"
)

// Ask asks each field of a as an accessible huh prompt and puts the
// answers in s.Answers. A wrong answer is asked again with the reason;
// input that ends before a question is answered is an error (a default
// is taken instead when there is one).
func (r *Runner) Ask(ctx context.Context, a steps.Ask, s *steps.Session) error {
	for _, f := range a.Fields {
		if err := ctx.Err(); err != nil {
			return err
		}
		v, err := r.askField(ctx, f, s.DefaultFor(f))
		if err != nil {
			return err
		}
		s.Answers[f.Key] = v
	}
	return nil
}

func (r *Runner) askField(ctx context.Context, f steps.Field, def string) (string, error) {
	if f.Help != "" {
		r.printf("%s\n", f.Help)
	}
	for {
		v, err := interruptible(ctx, func() (string, error) { return r.prompt(f, def) })
		if err != nil {
			return "", err
		}
		if r.Echo {
			shown := v
			if f.Kind() == steps.Confirm {
				// Said the way Confirm says it, not as the stored "false".
				shown = map[bool]string{true: "yes", false: "no"}[steps.IsYes(v)]
			}
			r.printf("%s\n", shown)
		}
		cerr := f.Check(v)
		if cerr == nil {
			return v, nil
		}
		if r.in.ended() {
			return "", fmt.Errorf("%s: the input ended without an answer (%v)", f.Key, cerr)
		}
		r.printf("%v\n", cerr)
	}
}

// interruptible runs a prompt, returning early when ctx ends: a read from
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

// prompt asks once through huh's accessible mode. It writes to Out without
// the lock: nothing else runs while a question waits, and a prompt
// abandoned by Ctrl-C must not hold it.
func (r *Runner) prompt(f steps.Field, def string) (string, error) {
	switch f.Kind() {
	case steps.Select:
		v := def
		opts := make([]huh.Option[string], len(f.Options))
		for i, o := range f.Options {
			opts[i] = huh.NewOption(o.Label, o.Value)
		}
		sel := huh.NewSelect[string]().Title(f.Prompt).Options(opts...).Value(&v)
		if err := sel.RunAccessible(r.out, r.in); err != nil {
			return "", fmt.Errorf("%s: %w", f.Key, err)
		}
		return v, nil
	case steps.Confirm:
		b := steps.IsYes(def)
		c := huh.NewConfirm().Title(f.Prompt).Value(&b)
		if err := c.RunAccessible(r.out, r.in); err != nil {
			return "", fmt.Errorf("%s: %w", f.Key, err)
		}
		return strconv.FormatBool(b), nil
	default:
		v := def
		title := f.Prompt
		if def != "" {
			title += " [" + def + "]"
		}
		in := huh.NewInput().Title(title).Value(&v).Validate(func(s string) error {
			if s == "" {
				return nil // the default, or the outer check says why not
			}
			return f.Check(s)
		})
		if err := in.RunAccessible(r.out, r.in); err != nil {
			return "", fmt.Errorf("%s: %w", f.Key, err)
		}
		return v, nil
	}
}

// Confirm asks a yes/no question; the default is no, so an input that
// runs out never agrees to anything.
func (r *Runner) Confirm(ctx context.Context, q string) (bool, error) {
	v, err := interruptible(ctx, func() (string, error) {
		yes := false
		c := huh.NewConfirm().Title(q).Value(&yes)
		if err := c.RunAccessible(r.out, r.in); err != nil {
			return "", err
		}
		return strconv.FormatBool(yes), nil
	})
	if err != nil {
		return false, err
	}
	yes := steps.IsYes(v)
	if r.Echo {
		r.printf("%s\n", map[bool]string{true: "yes", false: "no"}[yes])
	}
	return yes, nil
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
