package tutorials

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/minimalinfra/mvi/steps"
)

// Validate walks the tutorial without a cloud, as a student answering with
// answers (defaults where missing) would: every manifest change must give a
// manifest mvi accepts, every design must design, and every step that acts
// on the cloud must come after what it needs — a verify after an apply of a
// design that can pass it (an HTTP check needs a port by then), a break
// after an apply that made what it breaks. Steps guarded by When are
// walked as if they ran. Mistakes come back as Errors at the step's (or the
// check's) line.
func Validate(t Tutorial, answers map[string]string) error {
	c := &errs{pos: t.pos}
	if c.pos.at == nil {
		c.pos = positions{file: t.File, at: map[string]Pos{}}
	}
	s := &steps.Session{Answers: maps.Clone(answers), Dir: "."}
	if s.Answers == nil {
		s.Answers = map[string]string{}
	}
	var (
		designed, applied bool
		live              arch.Architecture // what the last apply made
		// watched: a step since the last apply watched the page (an apply
		// with watch, a bad release); badRelease: a bad release was shipped.
		watched, badRelease bool
		asked               = map[string]steps.Field{}
	)
	ctx := context.Background()
	for i, st := range t.Steps {
		p := fmt.Sprintf("step[%d]", i)
		if sk, ok := st.(interface{ WhenKey() string }); ok && sk.WhenKey() != "" {
			if f, ok := asked[sk.WhenKey()]; !ok || f.Kind() != steps.Confirm {
				c.at(p+".when", "when = %q: no confirm field with that key is asked before this step", sk.WhenKey())
			}
		}
		switch x := st.(type) {
		case steps.Ask:
			for j, f := range x.Fields {
				if _, dup := asked[f.Key]; dup && f.Kind() != steps.Secret { // a secret may be given again: a rotation
					c.at(fmt.Sprintf("%s.field[%d].key", p, j), "key %q is asked twice", f.Key)
				}
				asked[f.Key] = f
				if f.Kind() == steps.Secret {
					continue // typed by the learner; checked against the manifest below
				}
				if _, ok := s.Answers[f.Key]; !ok && f.Default == "" && !f.Optional {
					c.at(fmt.Sprintf("%s.field[%d]", p, j), "field %q has no default, so the tutorial can't be checked (or run headless) without an answer", f.Key)
					s.Answers[f.Key] = placeholder(f)
				}
			}
			// Secrets go to a cloud, which validation has none of: walk the
			// change without them, then check it lists each one.
			plain := x
			plain.Fields = slices.DeleteFunc(slices.Clone(x.Fields), func(f steps.Field) bool { return f.Kind() == steps.Secret })
			if err := plain.Run(ctx, s, nil); err != nil {
				c.at(p+".change", "%v", err)
			}
			for j, f := range x.Fields {
				if f.Kind() == steps.Secret && !listsSecret(s.Manifest, f.Key) {
					c.at(fmt.Sprintf("%s.field[%d].key", p, j), "secret %q is not in the manifest's secrets once this step's change is made: add secrets = [%q] to the change", f.Key, f.Key)
				}
			}
		case steps.Design:
			if err := x.Run(ctx, s, nil); err != nil {
				c.at(p, "%v", err)
				continue
			}
			designed = true
		case steps.Write:
			if x.Tree != "" {
				break // a tree of mvi's own, checked where it is kept
			}
			if x.Content != "" {
				if _, err := (steps.Ask{Change: x.Content}).Fragment(s.Answers); err != nil {
					c.at(p+".content", "%v", err)
				}
			} else if _, err := steps.DesignManifest(s.Manifest); err != nil {
				c.at(p, "nothing valid to write yet: %v", err)
			}
		case steps.Plan, steps.Inspect:
			if !designed {
				c.at(p, "a %s step needs a design step before it", st.Kind())
			}
		case steps.Apply:
			if !designed {
				c.at(p, "an apply step needs a design step before it")
				continue
			}
			if x.Watch != "" {
				if _, ok := live.Get(arch.ListenerID(steps.DefaultProcess)); !applied || !ok {
					c.at(p+".watch", "nothing answers on web's port before this apply, so there is nothing to watch")
				}
			}
			applied, live = true, s.Arch
			watched, badRelease = x.Watch != "", false
		case steps.Destroy:
			if !designed {
				c.at(p, "a destroy step needs a design step before it")
			}
			applied, watched, badRelease = false, false, false
		case steps.Verify:
			if !applied {
				c.at(p, "a verify step needs an apply before it: there is nothing running to check")
				continue
			}
			for j, ch := range x.Checks {
				at := fmt.Sprintf("%s.check[%d]", p, j)
				if err := ch.Satisfiable(live); err != nil {
					c.at(at, "this check can't pass: %v", err)
				}
				if ch.Kind == steps.CheckUptime && !watched {
					c.at(at, "an uptime check needs a watched step since the last apply (an apply with watch, or a bad-release break)")
				}
				if ch.Kind == steps.CheckRelease && ch.Revision == steps.RevisionPrevious && !badRelease {
					c.at(at, "revision = \"previous\" needs a bad-release break since the last apply: nothing was rolled back")
				}
			}
		case steps.Rollback:
			if !applied {
				c.at(p, "a rollback step needs an apply before it: there is no release to go back from")
				continue
			}
			if x.Watch != "" {
				if _, ok := live.Get(arch.ListenerID(steps.DefaultProcess)); !ok {
					c.at(p+".watch", "nothing answers on web's port, so there is nothing to watch")
				}
			}
			watched, badRelease = x.Watch != "", false
		case steps.Admin:
			if !applied {
				c.at(p, "an admin step needs an apply before it: a command runs in a release of a process")
				continue
			}
			proc := x.Process
			if proc == "" {
				proc = steps.DefaultProcess
			}
			if _, ok := live.Get(arch.ServiceID(proc)); !ok {
				c.at(p+".process", "the running design has no process %q to run a command in", proc)
			}
		case steps.RecordsStep:
			if !applied {
				c.at(p, "a records step needs an apply before it: nothing has been built or released")
			}
		case steps.Break:
			if !applied {
				c.at(p, "a break step needs an apply before it: there is nothing running to break")
				continue
			}
			switch x.Action {
			case steps.BreakTerminateVM:
				if _, ok := live.Get(arch.IDAutoScalingGroup); !ok {
					c.at(p, "there is no VM group to terminate a VM of")
				}
			case steps.BreakDelete:
				if _, ok := live.Get(x.Target); !ok {
					c.at(p+".target", "the running design has no %q", x.Target)
				}
			case steps.BreakBadRelease:
				if err := validateBadRelease(x, s, live); err != nil {
					c.at(p+".change", "%v", err)
				}
				watched, badRelease = true, true
			}
		}
	}
	return c.list.orNil()
}

// placeholder is an answer that passes f's check, so validation can go on
// after reporting the missing default.
func placeholder(f steps.Field) string {
	switch {
	case f.Kind() == steps.Select && len(f.Options) > 0:
		return f.Options[0].Value
	case f.Kind() == steps.Confirm:
		return "true"
	case f.Kind() == steps.Number && f.Min > 0:
		return fmt.Sprint(f.Min)
	}
	for _, v := range []string{"app", "80", "1", "httpd", "bin/run"} {
		if f.Check(v) == nil {
			return v
		}
	}
	return "x"
}

// ValidateFS loads and validates every definition in fsys with default
// answers, returning every mistake of every file.
func ValidateFS(fsys fs.FS) error {
	ids, err := IDs(fsys)
	if err != nil {
		return err
	}
	var all Errors
	for _, id := range ids {
		t, err := LoadFS(fsys, id)
		if err == nil {
			err = Validate(t, nil)
		}
		if err == nil {
			continue
		}
		if es, ok := err.(Errors); ok {
			all = append(all, es...)
			continue
		}
		return err
	}
	return all.orNil()
}

// validateBadRelease checks that a bad release's change makes a manifest
// mvi accepts and really ships a new release of a running process. The
// session's manifest is left alone: the rollback puts it back.
func validateBadRelease(b steps.Break, s *steps.Session, live arch.Architecture) error {
	frag, err := steps.Ask{Change: b.Change}.Fragment(s.Answers)
	if err != nil {
		return err
	}
	merged, err := steps.MergeTOML(s.Manifest, frag)
	if err != nil {
		return err
	}
	a, err := steps.DesignManifest(merged)
	if err != nil {
		return fmt.Errorf("the bad release makes a manifest mvi refuses: %w", err)
	}
	procs := steps.Released(live, a)
	if len(procs) == 0 {
		return errors.New("the change ships no new release of any process")
	}
	if _, ok := live.Get(arch.ServiceID(procs[0])); !ok {
		return fmt.Errorf("%s isn't running yet, so there is nothing to roll back to", procs[0])
	}
	return nil
}

// listsSecret reports whether the manifest text lists the secret name.
func listsSecret(text, name string) bool {
	m, err := manifest.Parse("mvi.toml", []byte(text))
	return err == nil && slices.Contains(m.Secrets, name)
}
