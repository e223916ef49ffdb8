package steps

import (
	"context"
	"fmt"
	"strings"
	"text/template"

	"github.com/minimalinfra/mvi/engine/manifest"
)

// Ask asks questions; the answers go into Session.Answers and, through
// Change, into the manifest.
//
// The runner collects the answers first (a form, a script, saved progress)
// and puts them in Session.Answers by field key; Run then checks every
// answer again, fills a missing one with its default, and applies Change.
type Ask struct {
	Base
	Fields []Field
	// Change is a TOML fragment, a text/template over the answers
	// ({{.name}}), merged into the manifest: tables are merged key by key, a
	// key given again takes the new value. Functions: quote (a TOML string),
	// words (a command line as a TOML array of strings), isDir (an
	// image-or-dir answer names a directory), yes (a confirm answer is yes).
	// Empty means the answers only go into Session.Answers.
	Change string
}

// Kind is KindAsk.
func (Ask) Kind() Kind { return KindAsk }

// Title defaults to the first question.
func (a Ask) Title() string {
	if a.Heading == "" && len(a.Fields) > 0 {
		return a.Fields[0].Prompt
	}
	return a.Heading
}

// Run checks the answers and merges the change into the manifest, which
// must still parse: an answer can't leave a manifest mvi would refuse.
func (a Ask) Run(ctx context.Context, s *Session, out Output) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.Answers == nil {
		s.Answers = map[string]string{}
	}
	for _, f := range a.Fields {
		if f.Kind() == Secret {
			continue // set after the change, which lists it (setSecrets)
		}
		v, ok := s.Answers[f.Key]
		if !ok {
			v = s.DefaultFor(f)
		}
		if err := f.Check(v); err != nil {
			return fmt.Errorf("%s: %w", f.Key, err)
		}
		s.Answers[f.Key] = f.Normalize(v)
		if f.Cloud {
			if err := useCloud(ctx, s, s.Answers[f.Key]); err != nil {
				return err
			}
		}
	}
	if strings.TrimSpace(a.Change) != "" {
		frag, err := a.Fragment(s.Answers)
		if err != nil {
			return err
		}
		merged, err := MergeTOML(s.Manifest, frag)
		if err != nil {
			return fmt.Errorf("apply the answers to the manifest: %w", err)
		}
		if _, err := manifest.Parse("mvi.toml", []byte(merged)); err != nil {
			return fmt.Errorf("the answers make a manifest mvi refuses:\n%w", err)
		}
		s.Manifest = merged
		if out != nil {
			out.Note("mvi.toml now reads:\n" + merged)
		}
	}
	return a.setSecrets(ctx, s, out)
}

// Fragment renders Change with the answers.
func (a Ask) Fragment(answers map[string]string) (string, error) {
	t, err := template.New("change").Option("missingkey=zero").Funcs(changeFuncs).Parse(a.Change)
	if err != nil {
		return "", fmt.Errorf("manifest change template: %w", err)
	}
	var b strings.Builder
	if err := t.Execute(&b, answers); err != nil {
		return "", fmt.Errorf("manifest change template: %w", err)
	}
	return b.String(), nil
}

var changeFuncs = template.FuncMap{
	"quote": tomlString,
	"words": func(s string) string {
		ws := strings.Fields(s)
		q := make([]string, len(ws))
		for i, w := range ws {
			q[i] = tomlString(w)
		}
		return "[" + strings.Join(q, ", ") + "]"
	},
	"isDir": IsDir,
	"yes":   IsYes,
}

// useCloud moves the session to the cloud a Cloud field named.
func useCloud(ctx context.Context, s *Session, name string) error {
	if s.UseCloud != nil {
		if err := s.UseCloud(ctx, s, name); err != nil {
			return fmt.Errorf("use %s: %w", name, err)
		}
		return nil
	}
	if name != CloudSandbox && name != "" {
		return fmt.Errorf("this run can only use the cloud it was started on; start mvi with --cloud %s to work on %s", name, name)
	}
	return nil
}

// LastAskBefore is the index of the last ask step before step i: the
// answers a failing step most likely rests on (a rollout of an image that
// can't run fails its checks, not its question). Runners offer to go
// back there, so a wrong answer is never a dead end. ok is false when no
// question comes before step i.
func LastAskBefore(st []Step, i int) (int, bool) {
	for j := min(i, len(st)) - 1; j >= 0; j-- {
		if a, ok := st[j].(Ask); ok && len(a.Fields) > 0 {
			return j, true
		}
	}
	return 0, false
}
