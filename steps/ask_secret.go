package steps

import (
	"context"
	"fmt"
	"slices"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/manifest"
)

// setSecrets hands each secret field's value to the cloud's secret store
// and forgets it. A runner leaves the typed value in Session.Secrets (a
// script may leave it in Answers); either way it is deleted here, before
// the runner saves progress, so the value lives nowhere but in SSM.
//
// A field left empty keeps the value set earlier (a resumed tutorial, a
// second pass over the step); with none set, the step stops with the
// command that sets one, as `up` would.
func (a Ask) setSecrets(ctx context.Context, s *Session, out Output) error {
	for _, f := range a.Fields {
		if f.Kind() != Secret {
			continue
		}
		v, ok := s.Secrets[f.Key]
		if !ok {
			v, ok = s.Answers[f.Key]
		}
		delete(s.Secrets, f.Key)
		delete(s.Answers, f.Key)
		if err := s.setSecret(ctx, f, v, ok && v != "", out); err != nil {
			return err
		}
	}
	return nil
}

func (s *Session) setSecret(ctx context.Context, f Field, value string, typed bool, out Output) error {
	m, err := manifest.Parse("mvi.toml", []byte(s.Manifest))
	if err != nil {
		return fmt.Errorf("secret %s: %w", f.Key, err)
	}
	if !slices.Contains(m.Secrets, f.Key) {
		return fmt.Errorf("secret %s is not in the manifest's secrets = [...]; the step's change must list it", f.Key)
	}
	if err := s.connect(ctx); err != nil {
		return err
	}
	cfg := s.Engine
	cfg.App = m.Name
	if !typed {
		missing, err := engine.MissingSecrets(ctx, cfg, []string{f.Key})
		if err != nil {
			return err
		}
		if len(missing) > 0 {
			return fmt.Errorf("%s needs a value: type one (it is never shown), or set it with `mvi secrets set %s --app %s`", f.Key, f.Key, cfg.App)
		}
		note(out, fmt.Sprintf("%s keeps the value set before.", f.Key))
		return nil
	}
	if err := f.Check(value); err != nil {
		return err
	}
	if err := engine.SetSecret(ctx, cfg, f.Key, []byte(value)); err != nil {
		return err
	}
	note(out, fmt.Sprintf("%s is set: encrypted in SSM Parameter Store at %s, and shown nowhere.", f.Key, arch.SecretPath(cfg.App, f.Key)))
	return nil
}
