package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
	engineaws "github.com/minimalinfra/mvi/engine/aws"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/minimalinfra/mvi/steps"
)

var sizes = []struct{ w, h int }{{80, 24}, {120, 40}}

func TestHomeScreen(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			d := newDriver(t, New(context.Background(), testConfig(newFakeCatalog(fakeApply{}))), sz.w, sz.h)
			d.settle()
			v := d.m.View()
			for _, want := range []string{"Hello World", "●●●●○○○○○○ 2/5", "Set up my app", "Inspect", "the sandbox"} {
				if !strings.Contains(v, want) {
					t.Errorf("home lacks %q:\n%s", want, v)
				}
			}
			golden(t, fmt.Sprintf("home-%dx%d", sz.w, sz.h), v, sz.w, sz.h)
		})
	}
}

// openAt opens the hello tutorial at step start.
func openAt(t *testing.T, apply fakeApply, start, w, h int) (*driver, *App) {
	c := newFakeCatalog(apply)
	c.tutorials["hello-world"].Start = start
	app := New(context.Background(), testConfig(c))
	d := newDriver(t, app, w, h)
	d.key("enter")
	d.until("the runner opens", func() bool { return app.screen == screenRunner })
	return d, app
}

func TestStepWithForm(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			d, app := openAt(t, fakeApply{}, 1, sz.w, sz.h)
			d.until("the question is up", func() bool { return app.run.phase == phaseAsking })
			d.settle()
			v := d.m.View()
			for _, want := range []string{"What is your app called?", "hello", "step 2 of 5", "Every resource"} {
				if !strings.Contains(v, want) {
					t.Errorf("step lacks %q:\n%s", want, v)
				}
			}
			golden(t, fmt.Sprintf("form-%dx%d", sz.w, sz.h), v, sz.w, sz.h)

			// Type a new name: the answer reaches the session and the manifest.
			for range 5 {
				d.key("backspace")
			}
			d.key("shop")
			d.key("enter")
			d.until("the ask step is done", func() bool { return app.run.phase == phaseDone })
			if got := app.run.sess.Answers["name"]; got != "shop" {
				t.Errorf("answer name = %q, want shop", got)
			}
			if !strings.Contains(app.run.sess.Manifest, `name = "shop"`) {
				t.Errorf("manifest not changed:\n%s", app.run.sess.Manifest)
			}
		})
	}
}

func TestDiagramDuringApply(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			apply := fakeApply{hold: make(chan struct{}), release: make(chan struct{})}
			d, app := openAt(t, apply, 2, sz.w, sz.h)
			d.until("the port question", func() bool { return app.run.phase == phaseAsking })
			d.key("enter")
			d.until("the port is in", func() bool { return app.run.phase == phaseDone })
			d.key("enter")
			d.until("the design is drawn", func() bool { return app.run.phase == phaseDone && app.run.info.kind == steps.KindDesign })
			d.settle()
			if v := d.m.View(); !strings.Contains(v, "┏") || !strings.Contains(v, "What this step adds") {
				t.Errorf("design step lacks the heavy boxes or the reasons:\n%s", v)
			}
			d.key("enter")
			d.until("apply asks first", func() bool { return app.run.phase == phaseConfirming })
			d.settle()
			assertFits(t, d.m.View(), sz.w, sz.h)
			d.key("y")
			d.until("the apply holds", closed(apply.hold))
			d.until("half the resources are ready", func() bool {
				return app.run.out.waiting != nil && app.run.out.waiting.Phase == engine.PhaseWait
			})
			d.settle()
			v := d.m.View()
			for _, want := range []string{"◐", "●", "waiting for 2 instances", "/"} {
				if !strings.Contains(v, want) {
					t.Errorf("apply view lacks %q:\n%s", want, v)
				}
			}
			golden(t, fmt.Sprintf("apply-%dx%d", sz.w, sz.h), v, sz.w, sz.h)
			close(apply.release)
			d.until("apply is done", func() bool { return app.run.phase == phaseDone })
			for id, st := range app.run.states {
				if st.String() != "ready" {
					t.Errorf("%s is %s after apply", id, st)
				}
			}
			d.key("enter")
			d.until("the tutorial is finished", func() bool { return app.run.phase == phaseFinished })
			d.settle()
			assertFits(t, d.m.View(), sz.w, sz.h)
		})
	}
}

// Quitting during an apply cancels it and waits for Run to return.
func TestQuitDuringApplyWaitsForTheStep(t *testing.T) {
	apply := fakeApply{hold: make(chan struct{}), release: make(chan struct{})}
	d, app := openAt(t, apply, 3, 80, 24)
	d.until("the design is drawn", func() bool { return app.run.phase == phaseDone })
	d.key("enter")
	d.until("apply asks first", func() bool { return app.run.phase == phaseConfirming })
	d.key("y")
	d.until("the apply holds", closed(apply.hold))
	d.key("ctrl+c")
	if d.quit {
		t.Fatal("quit before the step returned")
	}
	d.until("the program quits", func() bool { return d.quit })
	if app.run.out.err != nil {
		t.Errorf("the step's error was recorded as a failure: %v", app.run.out.err)
	}
}

// q is a letter while a question is up, and quits elsewhere.
func TestQIsALetterInForms(t *testing.T) {
	d, app := openAt(t, fakeApply{}, 1, 80, 24)
	d.until("the question is up", func() bool { return app.run.phase == phaseAsking })
	d.settle()
	d.key("q")
	if d.quit {
		t.Fatal("q in a text field quit the wizard")
	}
	d.settle()
	if !strings.Contains(d.m.View(), "> q") {
		t.Errorf("q did not reach the field:\n%s", d.m.View())
	}
}

// A resize re-lays the form: huh ignores sizes after the first WithWidth.
func TestResizeKeepsTheFormInside(t *testing.T) {
	d, app := openAt(t, fakeApply{}, 1, 120, 40)
	d.until("the question is up", func() bool { return app.run.phase == phaseAsking })
	d.settle()
	for _, sz := range []struct{ w, h int }{{80, 24}, {61, 18}, {100, 30}, {50, 14}} {
		d.send(teaSize(sz.w, sz.h))
		d.settle()
		assertFits(t, d.m.View(), sz.w, sz.h)
	}
}

func TestTooSmall(t *testing.T) {
	d := newDriver(t, New(context.Background(), testConfig(newFakeCatalog(fakeApply{}))), 30, 10)
	v := d.m.View()
	assertFits(t, v, 30, 10)
	if !strings.Contains(v, "needs at") {
		t.Errorf("no size hint:\n%s", v)
	}
}

// fullSnapshot is what Status would report for the full example, every
// resource present with a state and a few gauges.
func fullSnapshot(t testing.TB) engine.Snapshot {
	a := fullArch(t)
	s := engine.Snapshot{App: a.App, Region: "us-east-1"}
	for _, g := range a.ByService() {
		ss := engine.ServiceStatus{Service: g.Service}
		for i, r := range g.Resources {
			rs := engine.ResourceStatus{ID: r.ID, Type: r.Type, PhysicalID: fmt.Sprintf("%s-%04x", strings.ReplaceAll(r.ID, "/", "-"), i+1),
				State: "available", Attrs: map[string]string{"name": arch.PhysicalName(a.App, r.ID)}}
			switch r.Type {
			case "AWS::AutoScaling::AutoScalingGroup":
				rs.Gauges = map[string]string{"instances": "2/2", "healthy": "2"}
			case "AWS::ECS::Service":
				rs.Gauges, rs.State = map[string]string{"running": "2/2"}, "ACTIVE"
			case "AWS::RDS::DBInstance":
				rs.State = "backing-up"
			case "AWS::ElasticLoadBalancingV2::LoadBalancer":
				rs.ARN = "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/shop-lb/50dc6c495c0c9188"
				rs.Attrs["dns_name"] = "shop-lb-1234.us-east-1.elb.amazonaws.com"
				rs.Attrs["security_groups"] = longAttr
			}
			ss.Resources = append(ss.Resources, rs)
			s.Total++
		}
		s.Services = append(s.Services, ss)
	}
	return s
}

const longAttr = "sg-0123456789abcdef0,sg-0fedcba9876543210,sg-00112233445566778,sg-99887766554433221"

func fullArch(t testing.TB) arch.Architecture {
	t.Helper()
	m, err := manifest.Load("../assets/examples/full/mvi.toml")
	if err != nil {
		t.Fatal(err)
	}
	a, err := arch.Design(m)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestInspect(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			app := New(context.Background(), testConfig(nil))
			d := newDriver(t, app, sz.w, sz.h)
			// The registry says how a person looks at each type themselves.
			app.insp = newInspectorFor(app.env, "shop", engine.Config{Handlers: engineaws.Handlers()})
			app.screen = screenInspect
			d.send(teaSize(sz.w, sz.h))
			d.send(snapMsg{snap: fullSnapshot(t), at: clock})
			v := d.m.View()
			for _, want := range []string{"Inspect · shop", "VPC", "› ● role/instance", "Refreshed every"} {
				if !strings.Contains(v, want) {
					t.Errorf("inspect lacks %q:\n%s", want, v)
				}
			}
			golden(t, fmt.Sprintf("inspect-%dx%d", sz.w, sz.h), v, sz.w, sz.h)

			// Down to the load balancer, then its details.
			for app.insp.cursor < len(app.insp.resources()) {
				if r, _ := app.insp.selected(); r.ID == "lb" {
					break
				}
				d.key("down")
			}
			d.key("enter")
			v = d.m.View()
			for _, want := range []string{"arn:aws:elasticloadbalancing", "See it yourself", "aws elbv2 describe-load-balancers", "console.aws.amazon.com"} {
				if !strings.Contains(v, want) {
					t.Errorf("detail lacks %q:\n%s", want, v)
				}
			}
			// A long key with a long value loses nothing off the edge.
			if flat := strings.Join(strings.Fields(strings.ReplaceAll(v, "│", "")), ""); !strings.Contains(flat, longAttr) {
				t.Errorf("detail cut %q:\n%s", longAttr, v)
			}
			golden(t, fmt.Sprintf("inspect-detail-%dx%d", sz.w, sz.h), v, sz.w, sz.h)
		})
	}
}

// closed is a condition: ch has been closed.
func closed(ch chan struct{}) func() bool {
	return func() bool {
		select {
		case <-ch:
			return true
		default:
			return false
		}
	}
}

// Below 60 columns the diagram has no pane of its own: tab swaps it in.
func TestNarrowTabShowsTheDiagram(t *testing.T) {
	d, app := openAt(t, fakeApply{}, 3, 56, 20)
	d.until("the design is drawn", func() bool { return app.run.phase == phaseDone })
	d.settle()
	if v := d.m.View(); strings.Contains(v, "┏") {
		t.Fatalf("diagram drawn without being asked at 56 columns:\n%s", v)
	}
	d.key("tab")
	v := d.m.View()
	assertFits(t, v, 56, 20)
	if !strings.Contains(v, "┏") || !strings.Contains(v, "VPC") || !strings.Contains(v, "tab text/diagram") {
		t.Errorf("tab did not show the diagram:\n%s", v)
	}
}

// Under a text longer than the pane, a running apply is followed: its
// progress shows without scrolling, until the reader scrolls away.
func TestRunningStepIsFollowedUnderALongText(t *testing.T) {
	long := strings.Repeat("A paragraph about how the pieces are made, one after another.\n\n", 30)
	apply := fakeApply{Base: steps.Base{Intro: long}, hold: make(chan struct{}), release: make(chan struct{})}
	d, app := openAt(t, apply, 3, 80, 24)
	d.until("the design is drawn", func() bool { return app.run.phase == phaseDone })
	d.key("enter")
	d.until("apply asks first", func() bool { return app.run.phase == phaseConfirming })
	d.key("y")
	d.until("the apply holds", closed(apply.hold))
	d.until("the wait is reported", func() bool {
		return app.run.out.waiting != nil && app.run.out.waiting.Phase == engine.PhaseWait
	})
	d.settle()
	if !app.run.vp.AtBottom() || app.run.vp.YOffset == 0 {
		t.Errorf("the pane stayed at offset %d, not following the apply:\n%s", app.run.vp.YOffset, d.m.View())
	}
	d.key("pgup")
	off := app.run.vp.YOffset
	close(apply.release)
	d.until("apply is done", func() bool { return app.run.phase == phaseDone })
	d.settle()
	if app.run.vp.YOffset != off {
		t.Errorf("the reader scrolled to %d, the pane moved to %d", off, app.run.vp.YOffset)
	}
}

// An apply's elapsed time counts from the yes, not from the question.
func TestElapsedStartsAtTheYes(t *testing.T) {
	apply := fakeApply{hold: make(chan struct{}), release: make(chan struct{})}
	d, app := openAt(t, apply, 3, 80, 24)
	d.until("the design is drawn", func() bool { return app.run.phase == phaseDone })
	d.key("enter")
	d.until("apply asks first", func() bool { return app.run.phase == phaseConfirming })
	yesAt := clock.Add(42 * time.Second) // the person took 42 s to decide
	app.run.env.cfg.Now = func() time.Time { return yesAt }
	d.key("y")
	d.until("the apply holds", closed(apply.hold))
	if got := app.run.out.started; !got.Equal(yesAt) {
		t.Errorf("elapsed counts from %v, want the yes at %v", got, yesAt)
	}
	close(apply.release)
	d.until("apply is done", func() bool { return app.run.phase == phaseDone })
}

// The app's name to type before data is lost stays a typed answer when
// the terminal is resized while it is up (a yes/no there could never
// agree), and typing it goes ahead.
func TestDataLossQuestionSurvivesAResize(t *testing.T) {
	apply := fakeApply{loss: "hello"}
	d, app := openAt(t, apply, 3, 80, 24)
	d.until("the design is drawn", func() bool { return app.run.phase == phaseDone })
	d.key("enter")
	d.until("apply asks first", func() bool { return app.run.phase == phaseConfirming })
	d.key("y")
	d.until("the name is asked", func() bool {
		return app.run.phase == phaseConfirming && app.run.confirm != nil && app.run.confirm.want == "hello"
	})
	d.send(teaSize(100, 30))
	d.settle()
	if v := d.m.View(); strings.Contains(v, "Yes, go ahead") || !strings.Contains(v, "to lose it") {
		t.Fatalf("after a resize the question is:\n%s", v)
	}
	d.key("hello")
	d.key("enter")
	d.until("the apply goes ahead", func() bool { return app.run.phase == phaseDone })
	if app.run.out.err != nil {
		t.Errorf("typing the name ended in %v", app.run.out.err)
	}
}
