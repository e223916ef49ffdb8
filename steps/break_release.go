package steps

import (
	"context"
	"errors"
	"fmt"
	"strings"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/resource"
)

// badRelease ships Change as a new release the way `mvi up` would (design,
// plan, apply) while a watcher calls the page, and ends once the engine's
// apply does: the service's deployment has either finished or failed and
// been rolled back by the circuit breaker. It leaves Session.Release (what
// happened) and Session.Traffic (what callers saw), and, after a rollback,
// the session's manifest back on the release that runs.
func (b Break) badRelease(ctx context.Context, s *Session, out Output) error {
	s.Traffic, s.Release = nil, nil
	frag, err := Ask{Change: b.Change}.Fragment(s.Answers)
	if err != nil {
		return fmt.Errorf("break: %w", err)
	}
	bad, err := MergeTOML(s.Manifest, frag)
	if err != nil {
		return fmt.Errorf("break: the bad release: %w", err)
	}
	a, err := DesignManifest(bad)
	if err != nil {
		return fmt.Errorf("break: the bad release: %w", err)
	}
	procs := Released(s.Arch, a)
	if len(procs) == 0 {
		return fmt.Errorf("break: the change %q ships no new release of any process", strings.Join(strings.Fields(frag), " "))
	}
	p := procs[0]
	svc, err := service(ctx, s, p)
	if err != nil {
		return fmt.Errorf("break: %w", err)
	}
	rel := &Release{Process: p, Good: sdkaws.ToString(svc.TaskDefinition)}
	rel.GoodImage = imageOf(ctx, s, rel.Good)

	pl, err := engine.MakePlan(ctx, s.Engine, a)
	if err != nil {
		return fmt.Errorf("break: plan the bad release: %w", err)
	}
	stop := func() Traffic { return Traffic{} }
	if _, ok := s.Arch.Get(arch.ListenerID(p)); ok {
		if stop, err = watch(ctx, s, p, b.watchPath()); err != nil {
			return fmt.Errorf("break: %w", err)
		}
	}
	note(out, fmt.Sprintf("shipping a new release of %s: %s (%s)", p, strings.Join(strings.Fields(frag), " "), PlanSummary(&pl)))
	good, goodArch := s.Manifest, s.Arch
	s.Manifest, s.Prev, s.Arch = bad, s.Arch, a
	err = applyPlan(ctx, s, s.Engine, pl, out)
	traffic := stop()
	s.Plan = nil
	if traffic.URL != "" {
		s.Traffic = &traffic
		note(out, "while it rolled: "+traffic.Summary())
	}
	var rolled *resource.RolledBackError
	if errors.As(err, &rolled) {
		// The lesson itself: the engine saw the breaker roll the release
		// back. judge reads the details from the cloud.
		err = nil
	}
	if err != nil {
		// Back on the release that ran, so running the step again ships the
		// bad release again (the plan starts from whatever the cloud holds).
		s.Manifest, s.Prev, s.Arch = good, goodArch, goodArch
		s.Change = arch.Diff(s.Prev, s.Arch)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("break: the bad release %s: %w", p, err)
	}
	return b.judge(ctx, s, out, rel, good, goodArch)
}

// judge reads how the release ended. A rollback is the lesson; a release
// that went out healthy was not bad, and the tutorial's claim fails.
func (b Break) judge(ctx context.Context, s *Session, out Output, rel *Release, good string, goodArch arch.Architecture) error {
	svc, err := service(ctx, s, rel.Process)
	if err != nil {
		return fmt.Errorf("break: after the release: %w", err)
	}
	if rel.Bad, err = latestRevision(ctx, s, rel.Process); err != nil {
		return fmt.Errorf("break: after the release: %w", err)
	}
	if rel.Bad == rel.Good {
		return fmt.Errorf("break: the release registered no new revision of %s (still %s)", rel.Process, Revision(rel.Good))
	}
	rel.BadImage = imageOf(ctx, s, rel.Bad)
	if rel.Failed, rel.Reason, err = failedTasks(ctx, s, svc, rel.Bad); err != nil {
		return fmt.Errorf("break: %w", err)
	}
	s.Release = rel
	switch runs := sdkaws.ToString(svc.TaskDefinition); runs {
	case rel.Bad:
		return fmt.Errorf("break: the release %s (%s) went out healthy: it was not a bad release, so nothing was rolled back", Revision(rel.Bad), rel.BadImage)
	case rel.Good:
	default:
		return fmt.Errorf("break: after the release %s runs %s: neither the release (%s) nor the one before it (%s)",
			rel.Process, Revision(runs), Revision(rel.Bad), Revision(rel.Good))
	}
	rel.RolledBack = true
	why := rel.Reason
	if why == "" {
		why = "no reason recorded"
	}
	note(out, fmt.Sprintf("the release %s (%s) FAILED: %d task(s) stopped before serving a request (%s); the circuit breaker rolled %s back to %s (%s), whose containers served throughout",
		Revision(rel.Bad), rel.BadImage, rel.Failed, why, rel.Process, Revision(rel.Good), rel.GoodImage))
	// The session follows what runs, so a later plan starts from the good
	// release rather than quietly wanting the bad one again.
	s.Manifest, s.Prev, s.Arch = good, goodArch, goodArch
	s.Change = arch.Diff(s.Prev, s.Arch)
	note(out, "mvi.toml is back on the release that runs; fix the bad one before shipping it again")
	return nil
}

func (b Break) watchPath() string {
	if b.Watch == "" {
		return "/"
	}
	return b.Watch
}
