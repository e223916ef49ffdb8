package steps

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
)

// Apply runs the plan (making one first if no plan step did), after
// Session.Confirm agrees. Engine events stream to Output.Event as they
// happen.
type Apply struct {
	Base
	// Watch, when set, is a path of the web process that a watcher calls
	// through the load balancer for as long as the apply runs (a new
	// release rolling out); what it saw goes to Session.Traffic.
	Watch string
}

// Kind is KindApply.
func (Apply) Kind() Kind { return KindApply }

// Run applies. Cancelling ctx stops new work; what was made is tagged, so
// running the step again finishes the job.
func (a Apply) Run(ctx context.Context, s *Session, out Output) error {
	if err := s.connect(ctx); err != nil {
		return err
	}
	if a.Watch != "" {
		s.Traffic = nil // what an earlier step saw says nothing about this one
	}
	pl := s.Plan
	if pl == nil || pl.App != s.Arch.App || len(pl.Steps) == 0 {
		var err error
		if pl, err = makePlan(ctx, s); err != nil {
			return err
		}
	}
	if pl.Changes() == 0 {
		note(out, "Nothing to change: everything in mvi.toml is up to date.")
		return nil
	}
	cfg, err := consentToLoss(ctx, s, pl)
	if err != nil {
		return err
	}
	if err := confirm(ctx, s, applyQuestion(pl, s.on())); err != nil {
		return err
	}
	stop := func() Traffic { return Traffic{} }
	if a.Watch != "" {
		var err error
		if stop, err = watch(ctx, s, DefaultProcess, a.Watch); err != nil {
			return fmt.Errorf("apply: %w", err)
		}
	}
	start := time.Now()
	err = applyPlan(ctx, s, cfg, *pl, out)
	s.Plan = nil // spent: the next apply plans again from what now exists
	if t := stop(); t.URL != "" {
		s.Traffic = &t
		note(out, "while it applied: "+t.Summary())
	}
	if err != nil {
		return err
	}
	if err := rekeySecrets(ctx, cfg, out); err != nil {
		return err
	}
	note(out, fmt.Sprintf("%s is up: %d created, %d updated, %d replaced, %d deleted in %s.", pl.App,
		pl.Count(engine.Create), pl.Count(engine.Update), pl.Count(engine.Replace), pl.Count(engine.Delete),
		time.Since(start).Round(time.Millisecond)))
	return nil
}

// rekeySecrets moves the values set before the app's key existed (under
// the account's default SSM key, as `up` needs them before it can make
// the key) under the app's own key, now that it does. The values are the
// same, so nothing restarts (engine.TagSameValue).
func rekeySecrets(ctx context.Context, cfg engine.Config, out Output) error {
	moved, err := engine.RekeySecrets(ctx, cfg, true)
	if err != nil {
		return fmt.Errorf("%s is up, but the secrets set before its key existed are still under %s: %w", cfg.App, engine.DefaultSecretKey, err)
	}
	if len(moved) > 0 {
		note(out, fmt.Sprintf("Moved %d secret(s) set before the app's key existed under %s: %s (the same values, so nothing restarts).",
			len(moved), engine.SecretKeyAlias(cfg.App), strings.Join(moved, ", ")))
	}
	return nil
}

// ContainersNoWait is what an apply a person starts from the command line
// doesn't wait for (engine.Config.NoWait): the services' containers, which
// `mvi status` shows settling. A tutorial waits, since its next step
// checks them.
func ContainersNoWait() map[string]bool { return map[string]bool{arch.TypeService: true} }

// applyQuestion is the confirm before an apply: what will be remade and
// why first, since replacing a piece can mean a short outage of it, then
// the question with where and what it costs.
func applyQuestion(pl *engine.Plan, on string) string {
	var b strings.Builder
	for _, l := range ReplaceLines(pl) {
		b.WriteString(l + "\n")
	}
	fmt.Fprintf(&b, "Apply %d change(s) to %s%s, about $%.2f a month once applied (%s)?", pl.Changes(), pl.App, on, pl.MonthlyUSD, pl.CostChange())
	return b.String()
}

// consentToLoss is the apply's config once the person has agreed to lose
// what the plan deletes of their data: by typing the app's name where a
// runner can ask for it, else only with AllowDataLoss already set
// (`--allow-data-loss`). Nothing changes before the answer.
func consentToLoss(ctx context.Context, s *Session, pl *engine.Plan) (engine.Config, error) {
	cfg := s.Engine
	lost := pl.DataLoss()
	if len(lost) == 0 || cfg.AllowDataLoss {
		return cfg, nil
	}
	if s.ConfirmLoss == nil {
		return cfg, &engine.DataLossError{App: pl.App, Steps: lost}
	}
	lines := make([]string, len(lost))
	for i, st := range lost {
		lines[i] = fmt.Sprintf("  %s %s: %s", st.Action, st.ID, st.Reason)
	}
	return askLoss(ctx, s, cfg, "This plan deletes data that can't be brought back:", lines, pl.App)
}

// askLoss has the person type the app's name to agree to lose what lines
// list; only then does the config allow it.
func askLoss(ctx context.Context, s *Session, cfg engine.Config, head string, lines []string, app string) (engine.Config, error) {
	q := head + "\n" + strings.Join(lines, "\n") + fmt.Sprintf("\nType the app's name (%s) to lose it", app)
	ok, err := s.ConfirmLoss(ctx, q, app)
	if err != nil {
		return cfg, err
	}
	if !ok {
		return cfg, ErrDeclined
	}
	cfg.AllowDataLoss = true
	return cfg, nil
}

// ReplaceLines names each resource the plan replaces and the setting that
// forces it, in the plan's order: "replace target-group/web: its port
// changes 80 → 8080, and …".
func ReplaceLines(pl *engine.Plan) []string {
	var out []string
	for _, st := range pl.Steps {
		if st.Action == engine.Replace {
			out = append(out, "replace "+st.ID+": "+st.Reason)
		}
	}
	return out
}

// applyPlan runs pl with its events going to out. A cancelled apply says
// what it left, so the person knows running it again is safe.
func applyPlan(ctx context.Context, s *Session, cfg engine.Config, pl engine.Plan, out Output) error {
	err := withEvents(out, func(ev chan<- engine.Event) error { return engine.Apply(ctx, cfg, pl, ev) })
	if errors.Is(err, context.Canceled) {
		return interruptedError{err}
	}
	return err
}

// interruptedError is an apply stopped part way. Nothing is undone, and
// everything it made carries the mvi tags, so the next plan finds it.
type interruptedError struct{ err error }

func (e interruptedError) Error() string {
	return "interrupted: nothing was rolled back and everything made so far is tagged; run `mvi up` again to resume"
}

func (e interruptedError) Unwrap() error { return e.err }

// Destroy deletes everything tagged with the app, after Session.Confirm
// agrees, and proves nothing is left.
type Destroy struct {
	Base
}

// Kind is KindDestroy.
func (Destroy) Kind() Kind { return KindDestroy }

// Run destroys.
func (d Destroy) Run(ctx context.Context, s *Session, out Output) error {
	if err := s.connect(ctx); err != nil {
		return err
	}
	app := s.Engine.App
	if app == "" {
		return fmt.Errorf("destroy: no app named yet; a design step comes first")
	}
	if err := engine.CheckLock(ctx, s.Engine); err != nil {
		return err
	}
	if err := confirm(ctx, s, fmt.Sprintf("Delete everything tagged mvi:app=%s%s?", app, s.on())); err != nil {
		return err
	}
	cfg, err := consentToDestroy(ctx, s)
	if err != nil {
		return err
	}
	if err := withEvents(out, func(ev chan<- engine.Event) error { return engine.Destroy(ctx, cfg, ev) }); err != nil {
		return err
	}
	s.Plan, s.Snapshot = nil, nil
	// As `mvi down`: a secret's value goes with the app, so a later app
	// of the same name never starts with a stale one.
	gone, err := engine.DeleteSecrets(ctx, s.Engine)
	if err != nil {
		return err
	}
	if len(gone) > 0 {
		note(out, fmt.Sprintf("Deleted the values of %d secret(s): %s.", len(gone), strings.Join(gone, ", ")))
	}
	kept, err := engine.KeptSnapshots(ctx, s.Engine)
	if err != nil {
		return err
	}
	for _, k := range kept {
		note(out, fmt.Sprintf("Kept on purpose: final snapshot %s of the database (%d GiB); delete it with `%s`.", k.ID, k.GiB, k.Delete))
	}
	note(out, "nothing tagged mvi:app="+app+" is left"+map[bool]string{true: " but the final snapshot", false: ""}[len(kept) > 0])
	return nil
}

// consentToDestroy asks, as an apply would, before deleting what holds
// the app's data: the person types the app's name; a runner that can't
// ask is refused unless AllowDataLoss was given.
func consentToDestroy(ctx context.Context, s *Session) (engine.Config, error) {
	cfg := s.Engine
	if cfg.AllowDataLoss {
		return cfg, nil
	}
	snap, err := engine.Status(ctx, cfg)
	if err != nil {
		return cfg, err
	}
	var held []string
	for _, svc := range snap.Services {
		for _, r := range svc.Resources {
			if s.Engine.Handlers.Describe(r.Type).HoldsData {
				held = append(held, fmt.Sprintf("  delete %s (%s)", r.ID, r.PhysicalID))
			}
		}
	}
	if len(held) == 0 {
		return cfg, nil
	}
	if s.ConfirmLoss == nil {
		return cfg, fmt.Errorf("%s holds data (%d resources); nothing was deleted: run `mvi down --app %s`, which asks for the app's name", s.Engine.App, len(held), s.Engine.App)
	}
	return askLoss(ctx, s, cfg, "This deletes data that can't be brought back (a database keeps a final snapshot):", held, s.Engine.App)
}

// Inspect takes one snapshot of what runs (engine.Status) into
// Session.Snapshot.
type Inspect struct {
	Base
}

// Kind is KindInspect.
func (Inspect) Kind() Kind { return KindInspect }

// Run inspects.
func (i Inspect) Run(ctx context.Context, s *Session, out Output) error {
	if err := s.connect(ctx); err != nil {
		return err
	}
	snap, err := engine.Status(ctx, s.Engine)
	if err != nil {
		return fmt.Errorf("inspect: %w", err)
	}
	s.Snapshot = &snap
	note(out, fmt.Sprintf("%s runs %d resources in %d services", snap.App, snap.Total, len(snap.Services)))
	return nil
}

func confirm(ctx context.Context, s *Session, q string) error {
	if s.Confirm == nil {
		return nil
	}
	ok, err := s.Confirm(ctx, q)
	if err != nil {
		return err
	}
	if !ok {
		return ErrDeclined
	}
	return nil
}

// withEvents runs f with an event channel drained to out until f returns
// and every event it sent has been delivered.
func withEvents(out Output, f func(chan<- engine.Event) error) error {
	ev := make(chan engine.Event, 64)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for e := range ev {
			if out != nil {
				out.Event(e)
			}
		}
	}()
	err := f(ev)
	close(ev)
	<-done
	return err
}

func note(out Output, s string) {
	if out != nil {
		out.Note(s)
	}
}

// on names where a change lands, for a confirm question: a person about
// to say yes must see whether that is the sandbox or a paid account.
func (s *Session) on() string {
	if s.Where == "" {
		return ""
	}
	return " on " + s.Where
}
