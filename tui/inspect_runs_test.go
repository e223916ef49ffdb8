package tui

import (
	"context"
	"strings"
	"testing"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/minimalinfra/mvi/engine"
)

// A one-off task shows in Inspect's list while it lives, with its
// process, task and command, and goes once it has stopped.
func TestInspectShowsOneOffTasksWhileTheyLive(t *testing.T) {
	cfg := helloOnSandbox(t)
	ctx := context.Background()
	res, err := engine.Run(ctx, cfg, engine.RunRequest{Process: "web", Command: []string{"httpd", "-t"}, Detach: true})
	if err != nil {
		t.Fatal(err)
	}
	c := testConfig(nil)
	c.Engine = cfg
	app := New(ctx, c)
	d := newDriver(t, app, 100, 60)
	app.insp = newInspectorFor(app.env, "hello", cfg)
	app.screen = screenInspect
	d.run(app.insp.Init())
	d.send(teaSize(100, 60))
	d.until("the one-off task", func() bool { return len(app.insp.runs) == 1 })
	v := d.m.View()
	assertFits(t, v, 100, 60)
	if !strings.Contains(v, "One-off tasks") || !strings.Contains(v, res.Task[:8]) || !strings.Contains(v, "httpd -t") {
		t.Fatalf("the running one-off task is not in the list:\n%s", v)
	}
	if _, err := cfg.Clients.ECS.StopTask(ctx, &ecs.StopTaskInput{Cluster: sdkaws.String(res.Cluster), Task: sdkaws.String(res.TaskARN)}); err != nil {
		t.Fatal(err)
	}
	d.send(pollMsg{gen: app.insp.gen})
	d.until("the stopped task gone", func() bool { return len(app.insp.runs) == 0 })
	if v := d.m.View(); strings.Contains(v, "One-off tasks") {
		t.Errorf("a stopped task still shows:\n%s", v)
	}
}
