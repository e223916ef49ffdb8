package tutorials

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/resource"
	"github.com/minimalinfra/mvi/steps"
)

// "Ship a release" on the sandbox with its data plane serving: the new
// image rolls out with every watched request answered and nginx's page
// appearing; the release whose tag can't be pulled fails, is rolled back
// to the good revision, and the site answers every request meanwhile;
// every check passes; destroy leaves nothing.
func TestShipAReleaseOnTheSandbox(t *testing.T) {
	tu, err := Load("release")
	if err != nil {
		t.Fatal(err)
	}
	_, cfg := openSandbox(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	rec := &recorder{}
	s := &steps.Session{Engine: cfg, Answers: map[string]string{"name": "rel"}}
	var (
		rollout, badRelease *steps.Traffic
		release             *steps.Release
		goodRunning         string // the revision the service ran before the bad release
		afterRollback       string // and after it
	)
	hooks := &Hooks{
		Before: func(ctx context.Context, i int, st steps.Step, s *steps.Session) error {
			if b, ok := st.(steps.Break); ok && b.Action == steps.BreakBadRelease {
				goodRunning = runningRevision(t, ctx, s)
			}
			return nil
		},
		After: func(ctx context.Context, next int, s *steps.Session) error {
			switch st := tu.Steps[next-1].(type) {
			case steps.Apply:
				if st.Watch != "" {
					rollout = s.Traffic
				}
			case steps.Break:
				badRelease, release = s.Traffic, s.Release
				afterRollback = runningRevision(t, ctx, s)
			}
			return nil
		},
	}
	start := time.Now()
	if err := Run(ctx, tu, s, 0, rec, hooks); err != nil {
		t.Fatalf("%v\nlast notes: %q", err, lastN(rec.notes, 5))
	}
	t.Logf("Ship a release: %d steps in %s", len(tu.Steps), time.Since(start).Round(time.Millisecond))

	if rollout == nil || badRelease == nil || release == nil {
		t.Fatalf("traffic of the rollout %v, of the bad release %v, release %v", rollout, badRelease, release)
	}
	t.Logf("rollout: %s", rollout.Summary())
	t.Logf("bad release: %s", badRelease.Summary())
	if rollout.Requests == 0 || rollout.Failed != 0 || !rollout.Served("Welcome to nginx!") {
		t.Errorf("the rollout: %s; want requests, none failed, nginx's page among them", rollout.Summary())
	}
	if badRelease.Requests == 0 || badRelease.Failed != 0 {
		t.Errorf("the bad release: %s; want requests and none failed", badRelease.Summary())
	}
	for _, p := range badRelease.Pages {
		if p.Title != "Welcome to nginx!" {
			t.Errorf("during the bad release %d requests got %q, not the good release's page", p.Count, p.Title)
		}
	}
	if !release.RolledBack || release.Good == release.Bad || release.BadImage != "nginx:lastest" || release.GoodImage != "nginx" {
		t.Errorf("release: %+v", *release)
	}
	if release.Failed < 3 || !strings.HasPrefix(release.Reason, "CannotPullContainerError:") {
		t.Errorf("the bad release had %d failed tasks, reason %q; want at least 3 that could not pull", release.Failed, release.Reason)
	}
	if goodRunning == "" || afterRollback != goodRunning || steps.Revision(release.Good) != goodRunning {
		t.Errorf("before the bad release web ran %q, after it %q; the release record says good %s", goodRunning, afterRollback, steps.Revision(release.Good))
	}
	if !strings.HasSuffix(goodRunning, ":2") || !strings.HasSuffix(release.Bad, ":3") {
		t.Errorf("good %s, bad %s: want revisions 2 (nginx) and 3 (the typo)", goodRunning, release.Bad)
	}
	if !strings.Contains(s.Manifest, `image = "nginx"`) {
		t.Errorf("after the rollback the session's manifest is\n%s", s.Manifest)
	}
	var rolled bool
	for _, n := range rec.notes {
		rolled = rolled || strings.Contains(n, "FAILED") && strings.Contains(n, "rolled web back to")
	}
	if !rolled {
		t.Errorf("no note says the release failed and rolled back: %q", lastN(rec.notes, 8))
	}

	passed := map[string]bool{}
	for _, c := range rec.checks {
		passed[c.Name] = passed[c.Name] || c.OK
	}
	for _, st := range tu.Steps {
		if v, ok := st.(steps.Verify); ok {
			for _, c := range v.Checks {
				if !passed[c.Title()] {
					t.Errorf("check %q never passed", c.Title())
				}
			}
		}
	}
	snap, err := engine.Status(ctx, s.Engine)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Total != 0 {
		t.Errorf("after destroy %d resources remain: %+v", snap.Total, snap.Services)
	}
}

// runningRevision is the family:N the app's web service runs.
func runningRevision(t *testing.T, ctx context.Context, s *steps.Session) string {
	t.Helper()
	ls, err := s.Engine.Handlers["AWS::ECS::Service"].List(ctx, resource.Env{Clients: s.Engine.Clients, App: s.Engine.App, Region: s.Engine.Region})
	if err != nil || len(ls) != 1 {
		t.Fatalf("services: %v %v", ls, err)
	}
	return steps.Revision(ls[0].Attrs["task_definition"])
}
