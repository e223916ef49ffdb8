package tui

import (
	"fmt"
	"strconv"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/x/ansi"
	"github.com/minimalinfra/mvi/steps"
)

// askForm holds one ask step's form and the answers it binds to. It lives
// on the heap (the runner keeps a pointer), so huh's Value pointers stay
// valid however the runner is copied.
type askForm struct {
	form   *huh.Form
	fields []steps.Field
	text   []string
	yes    []bool
	def    []string
}

// newAskForm builds one group per question, so a person reads one
// question at a time even at 80×24, and a field whose options depend on
// an earlier answer is never in the same group as it (huh's dynamic
// fields race within a group). Each field checks with steps' own Check,
// the rule the headless and plain runners apply too.
func newAskForm(fields []steps.Field, defaults func(steps.Field) string, width int) *askForm {
	a := &askForm{fields: fields, text: make([]string, len(fields)), yes: make([]bool, len(fields)), def: make([]string, len(fields))}
	groups := make([]*huh.Group, 0, len(fields))
	for i, f := range fields {
		a.def[i] = defaults(f)
		a.yes[i] = steps.IsYes(a.def[i])
		if k := f.Kind(); k == steps.Select || k == steps.Confirm {
			a.text[i] = a.def[i]
		}
		groups = append(groups, huh.NewGroup(a.field(i, f)))
	}
	a.form = huh.NewForm(groups...).
		WithTheme(huhTheme()).
		WithShowHelp(false).
		WithWidth(width)
	return a
}

func (a *askForm) field(i int, f steps.Field) huh.Field {
	check := func(v string) error { return f.Check(a.orDefault(i, v)) }
	switch f.Kind() {
	case steps.Select:
		opts := make([]huh.Option[string], len(f.Options))
		for j, o := range f.Options {
			opts[j] = huh.NewOption(o.Label, o.Value)
		}
		return huh.NewSelect[string]().Key(f.Key).Title(f.Prompt).Description(f.Help).
			Options(opts...).Value(&a.text[i]).Validate(check)
	case steps.Confirm:
		return huh.NewConfirm().Key(f.Key).Title(f.Prompt).Description(f.Help).
			Affirmative("Yes").Negative("No").Value(&a.yes[i])
	case steps.Secret:
		// Masked as typed, and never a placeholder: a secret has no
		// default to show. Empty keeps a value set before (Ask.Run says
		// whether there is one).
		return huh.NewInput().Key(f.Key).Title(f.Prompt).Description(f.Help).
			EchoMode(huh.EchoModePassword).Value(&a.text[i]).
			Validate(func(v string) error {
				if v == "" {
					return nil
				}
				return f.Check(v)
			})
	}
	// The default is a placeholder, not a value: typed text replaces it
	// instead of being appended to it ("httpd" + "nginx"), and Enter on
	// an empty field takes it.
	return huh.NewInput().Key(f.Key).Title(f.Prompt).Description(f.Help).
		Placeholder(a.def[i]).Value(&a.text[i]).Validate(check)
}

// orDefault is what an answer means: an empty one takes the default.
func (a *askForm) orDefault(i int, v string) string {
	if v == "" {
		return a.def[i]
	}
	return v
}

// answers are the values as steps.Session.Answers keeps them.
func (a *askForm) answers() map[string]string {
	out := make(map[string]string, len(a.fields))
	for i, f := range a.fields {
		switch f.Kind() {
		case steps.Confirm:
			out[f.Key] = strconv.FormatBool(a.yes[i])
			continue
		case steps.Secret:
			continue // secrets(): never an answer, never saved
		}
		out[f.Key] = a.orDefault(i, a.text[i])
	}
	return out
}

// newConfirmForm asks a step's "go ahead?" question.
//
// The question is wrapped here at spaces only: huh's own wrap breaks
// inside a word at a dot, which cut "$69.56" and the sandbox's path in two.
func newConfirmForm(question string, answer *bool, width int) *huh.Form {
	return huh.NewForm(huh.NewGroup(
		huh.NewConfirm().Title(ansi.Wordwrap(question, max(width-2, 10), "")).Affirmative("Yes, go ahead").Negative("Not now").Value(answer),
	)).WithTheme(huhTheme()).WithShowHelp(false).WithWidth(width)
}

// newTypedForm asks for want to be typed before something that can't be
// undone; anything else typed is refused under the field, and Esc keeps
// everything as it is.
func newTypedForm(question, want string, typed *string, width int) *huh.Form {
	return huh.NewForm(huh.NewGroup(
		huh.NewInput().Title(ansi.Wordwrap(question, max(width-2, 10), "")).
			Description("Esc keeps everything as it is.").Value(typed).
			Validate(func(v string) error {
				if v != want {
					return fmt.Errorf("type %s exactly to go ahead, or Esc to keep it", want)
				}
				return nil
			}),
	)).WithTheme(huhTheme()).WithShowHelp(false).WithWidth(width)
}

// sizeForm fits a form to a pane. WithWidth alone is not enough: huh
// measures each group's height once, at the width it had when built, so
// a description that wraps at the pane's width would cut off the field
// under it. A size message (huh heeds its height while none was set)
// makes it measure again at the new width.
func sizeForm(f *huh.Form, w, h int) {
	f.WithWidth(w)
	f.Update(tea.WindowSizeMsg{Width: w, Height: max(h, 3)})
}

// secrets are the values typed into secret fields, by secret name; an
// empty one is left out (it keeps the value set before).
func (a *askForm) secrets() map[string]string {
	out := map[string]string{}
	for i, f := range a.fields {
		if f.Kind() == steps.Secret && a.text[i] != "" {
			out[f.Key] = a.text[i]
		}
	}
	return out
}
