package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/minimalinfra/mvi/engine"
	engineaws "github.com/minimalinfra/mvi/engine/aws"
	"github.com/minimalinfra/mvi/engine/sandbox"
	"github.com/minimalinfra/mvi/steps"
	"github.com/minimalinfra/mvi/tui/diagram"
)

// helloAtPace builds Hello World on a sandbox at instant speed, then opens
// the same sandbox again at the pace a person watches (speed 1) on a clock
// the test moves: what happens next takes as long as the test says.
func helloAtPace(t *testing.T) (engine.Config, *sandbox.ManualClock) {
	t.Helper()
	clock := sandbox.NewManualClock(time.Now().Add(time.Minute))
	return helloAt(t, sandbox.Options{Speed: 1, Clock: clock}), clock
}

// helloAt builds Hello World at instant speed, then opens the sandbox
// again with o (its pace, its clock) and serves its data plane.
func helloAt(t *testing.T, o sandbox.Options) engine.Config {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	sb, err := sandbox.Open(ctx, sandbox.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	cfg := engine.Config{Clients: sb.Clients(), Handlers: engineaws.Handlers(), App: "hello", Region: "us-east-1",
		Account: sb.Account(), Retry: engine.Retry{Base: time.Millisecond, Max: 20 * time.Millisecond, Timeout: time.Minute},
		NoWait: steps.ContainersNoWait()}
	a, err := steps.DesignManifest(helloManifest + "port = 80\n")
	if err != nil {
		t.Fatal(err)
	}
	p, err := engine.MakePlan(ctx, cfg, a)
	if err != nil {
		t.Fatal(err)
	}
	if err := engine.Apply(ctx, cfg, p, nil); err != nil {
		t.Fatal(err)
	}
	sb.Close()
	o.Dir = dir
	sb, err = sandbox.Open(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	// Load balancers answer while someone serves the data plane: the
	// wizard does, so the watcher of a release sees the page.
	dp, err := sandbox.Serve(ctx, sb, sandbox.ServeOptions{FlushEvery: 50 * time.Millisecond})
	if err != nil {
		sb.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { dp.Close(); sb.Close() })
	// A tutorial waits for the containers, as its next step checks them.
	cfg.Clients, cfg.Account, cfg.NoWait = sb.Clients(), sb.Account(), nil
	return cfg
}

// resumedAt is Hello World (the real tutorial's steps from the design on)
// resumed at step start on cfg's cloud, as a class opens it the next day.
func resumedAt(t *testing.T, cfg engine.Config, start int, ss []steps.Step) (*driver, *App) {
	t.Helper()
	m := helloManifest + "port = 80\n"
	a, err := steps.DesignManifest(m)
	if err != nil {
		t.Fatal(err)
	}
	sess := &steps.Session{Manifest: m, Arch: a, Prev: a, Engine: cfg, Answers: map[string]string{"name": "hello", "port": "80"}}
	c := newFakeCatalog(fakeApply{})
	c.tutorials["hello-world"] = &Tutorial{ID: "hello-world", Title: "Hello World", Steps: ss, Start: start, Session: sess}
	c.done["hello-world"] = start
	conf := testConfig(c)
	conf.Engine = cfg
	conf.Live = 5 * time.Millisecond
	app := New(context.Background(), conf)
	d := newDriver(t, app, 80, 24)
	d.key("enter")
	d.until("the runner opens", func() bool { return app.screen == screenRunner })
	return d, app
}

// The diagram follows the cloud on every step (issue 10, item 3): after
// "Pull the plug" is done, the lost VM is drawn failed, and as the group
// replaces it the picture heals while nobody presses a key.
func TestDiagramFollowsTheHealWithoutEnter(t *testing.T) {
	cfg, clock := helloAtPace(t)
	brk := steps.Break{Base: steps.Base{Heading: "Pull the plug on a VM"}, Action: steps.BreakTerminateVM}
	d, app := resumedAt(t, cfg, 0, []steps.Step{brk, steps.Explain{Base: steps.Base{Heading: "Next"}}})
	d.until("the break is done", func() bool { return app.run.phase == phaseDone })
	lost := func() string {
		for _, k := range []string{diagram.VMKey(1), diagram.VMKey(2)} {
			if app.run.states[k] == diagram.Failed {
				return k
			}
		}
		return ""
	}
	d.until("the lost VM is drawn failed", func() bool { return lost() != "" })
	box := "✗ VM " + strings.TrimPrefix(lost(), "vm/")
	if v := d.m.View(); !strings.Contains(v, box) {
		t.Errorf("the screen does not show %q:\n%s", box, v)
	}
	healed := func() bool {
		return app.run.states[diagram.VMKey(1)] == diagram.Ready && app.run.states[diagram.VMKey(2)] == diagram.Ready
	}
	var seen []diagram.State
	for i := 0; i < 600 && !healed(); i++ {
		clock.Advance(time.Second)
		d.lookedAfter(app)
		if s := app.run.states["vm/"+strings.TrimPrefix(box, "✗ VM ")]; len(seen) == 0 || seen[len(seen)-1] != s {
			seen = append(seen, s)
		}
	}
	d.until("the VMs are whole again", healed)
	if v := d.m.View(); !strings.Contains(v, "● VM 1") || !strings.Contains(v, "● VM 2") {
		t.Errorf("the healed picture is not on screen:\n%s", v)
	}
	t.Logf("the lost VM's box went %v", seen)
	if app.run.idx != 0 || app.run.phase != phaseDone {
		t.Errorf("the runner moved on by itself: step %d, phase %d", app.run.idx, app.run.phase)
	}
}

// After a resume the picture shows what runs (issue 10): every box of
// the app that is up is drawn ready before any step has run.
func TestResumedTutorialDrawsWhatRuns(t *testing.T) {
	cfg := helloOnSandbox(t)
	ask := steps.Ask{Base: steps.Base{Heading: "A question"}, Fields: []steps.Field{{Key: "x", Prompt: "Anything?", Default: "y"}}}
	d, app := resumedAt(t, cfg, 0, []steps.Step{ask})
	d.until("the question is up", func() bool { return app.run.phase == phaseAsking })
	d.until("the picture shows the live app", func() bool {
		s := app.run.states
		return s["lb"] == diagram.Ready && s["service/web"] == diagram.Ready && s[diagram.VMKey(1)] == diagram.Ready && s[diagram.VMKey(2)] == diagram.Ready
	})
	d.settleFor(50 * time.Millisecond)
	v := d.m.View()
	for _, want := range []string{"● VPC", "● VM 1", "● VM 2", "● Load Balancer", "● web 1", "● web 2"} {
		if !strings.Contains(v, want) {
			t.Errorf("the resumed picture lacks %q:\n%s", want, v)
		}
	}
}

// During a bad release the containers that fail show ✗ while it happens,
// beside the ones that keep serving, and AWS's reason
// (CannotPullContainerError) is on screen before the step ends (issue 10).
func TestBadReleaseShowsFailingContainersWhileItHappens(t *testing.T) {
	// Real time, twenty times AWS's pace: the release takes seconds, and
	// the screen looks far more often than containers fail.
	cfg := helloServed(t, sandbox.Options{Speed: 20})
	brk := steps.Break{Base: steps.Base{Heading: "Ship a release that can't start"}, Action: steps.BreakBadRelease,
		Change: "[processes.web]\nimage = \"nginx:lastest\"\n"}
	d, app := resumedAt(t, cfg, 0, []steps.Step{brk, steps.Explain{Base: steps.Base{Heading: "Next"}}})
	failing := func() bool {
		for k, s := range app.run.states {
			if diagram.IsTaskKey(k) && s == diagram.Failed {
				return true
			}
		}
		return false
	}
	var sawFail, sawReason bool
	var during string
	d.until("the release has ended", func() bool {
		if app.run.phase == phaseRunning {
			if failing() && !sawFail {
				sawFail, during = true, d.m.View()
			}
			for _, f := range app.run.out.failures {
				sawReason = sawReason || strings.Contains(f.line(), "CannotPullContainerError")
			}
		}
		return app.run.phase == phaseDone || app.run.phase == phaseFailed
	})
	if app.run.phase != phaseDone {
		t.Fatalf("the bad release did not end as the lesson says (phase %d): %v\n%s", app.run.phase, app.run.out.err, d.m.View())
	}
	if !sawFail {
		t.Errorf("no container was drawn failed while the release went out:\n%s", d.m.View())
	}
	if !sawReason {
		t.Errorf("CannotPullContainerError was not explained while it happened:\n%s", d.m.View())
	}
	if during != "" && (!strings.Contains(during, "✗ web") || !strings.Contains(during, "● web")) {
		t.Errorf("while failing, the picture should show the failed and the serving containers:\n%s", during)
	}
	t.Logf("during the release:\n%s", during)
}

// helloServed opens a sandbox with o, serves its data plane (load
// balancers answer, containers run, health checks happen, as under the
// wizard) and builds Hello World on it at its pace.
func helloServed(t *testing.T, o sandbox.Options) engine.Config {
	t.Helper()
	ctx := context.Background()
	o.Dir = t.TempDir()
	sb, err := sandbox.Open(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	dp, err := sandbox.Serve(ctx, sb, sandbox.ServeOptions{FlushEvery: 50 * time.Millisecond})
	if err != nil {
		sb.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { dp.Close(); sb.Close() })
	cfg := engine.Config{Clients: sb.Clients(), Handlers: engineaws.Handlers(), App: "hello", Region: "us-east-1",
		Account: sb.Account(), Retry: engine.Retry{Base: time.Millisecond, Max: 20 * time.Millisecond, Timeout: time.Minute}}
	a, err := steps.DesignManifest(helloManifest + "port = 80\n")
	if err != nil {
		t.Fatal(err)
	}
	p, err := engine.MakePlan(ctx, cfg, a)
	if err != nil {
		t.Fatal(err)
	}
	if err := engine.Apply(ctx, cfg, p, nil); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// lookedAfter waits until the runner has folded in a look started after
// now (the one in flight may predate the last clock move), or the step
// has ended.
func (d *driver) lookedAfter(app *App) {
	d.t.Helper()
	r := app.run
	want := r.looks + 2
	if !r.looking {
		want = r.looks + 1
	}
	d.until("a look at the cloud", func() bool { return app.run != r || r.looks >= want || (!r.running() && r.out.err != nil) })
}
