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
)

// helloOnSandbox builds Hello World (with its port) on a fresh sandbox at
// instant speed, the way the tutorial's apply step does.
func helloOnSandbox(t *testing.T) engine.Config {
	t.Helper()
	ctx := context.Background()
	sb, err := sandbox.Open(ctx, sandbox.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
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
	return cfg
}

// Inspect polls engine.Status in a Cmd, shows the live resources, opens
// a resource's details and a log tail, and esc goes back.
func TestInspectOnTheSandbox(t *testing.T) {
	cfg := helloOnSandbox(t)
	c := testConfig(nil)
	c.Engine = cfg
	c.InspectApp = "hello"
	app := New(context.Background(), c)
	d := newDriver(t, app, 100, 30)
	d.key("up") // the list wraps: up from the first entry is the last, Inspect
	d.key("enter")
	d.until("inspect asks which app", func() bool { return app.screen == screenInspect })
	d.settle()
	d.key("enter") // the offered app, hello
	d.until("the snapshot arrives", func() bool { return app.insp != nil && app.insp.snap != nil })
	v := d.m.View()
	assertFits(t, v, 100, 30)
	for _, want := range []string{"Inspect · hello", "VPC", "Load Balancer", "asg"} {
		if !strings.Contains(v, want) {
			t.Errorf("inspect lacks %q:\n%s", want, v)
		}
	}
	for {
		if r, _ := app.insp.selected(); r.ID == "service/web" || app.insp.cursor >= len(app.insp.resources())-1 {
			break
		}
		d.key("down")
	}
	d.key("enter")
	if v := d.m.View(); !strings.Contains(v, "aws ecs describe-services") {
		t.Errorf("service details lack the aws command:\n%s", v)
	}
	d.key("l")
	d.until("the log tail", func() bool { return app.insp.logs != nil })
	if l := app.insp.logs; l.err != nil {
		t.Errorf("log tail: %v", l.err)
	}
	if v := d.m.View(); !strings.Contains(v, "Logs of web") {
		t.Errorf("no log view:\n%s", v)
	}
	d.key("esc")
	d.key("esc")
	d.until("home again", func() bool { return app.screen == screenHome })
}
