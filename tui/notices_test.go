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

// Inspect shows the smoke check, who hears the alarms (pending until they
// confirm) and the latest alarm mail kept in place of sending it.
func TestInspectShowsSmokeCheckAndNotices(t *testing.T) {
	ctx := context.Background()
	sb, err := sandbox.Open(ctx, sandbox.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	cfg := engine.Config{Clients: sb.Clients(), Handlers: engineaws.Handlers(), App: "hello", Region: "us-east-1",
		Account: sb.Account(), Retry: engine.Retry{Base: time.Millisecond, Max: 20 * time.Millisecond, Timeout: time.Minute},
		NoWait: steps.ContainersNoWait()}
	a, err := steps.DesignManifest(helloManifest + "port = 80\n[metric]\nnotify = [\"ops@example.com\"]\n")
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
	c := testConfig(nil)
	c.Engine = cfg
	c.Notices = func(app string) []string {
		return []string{`12:00:00 ALARM: "mvi-hello-alarm-smoke" in us-east-1 → ops@example.com (not delivered: pending confirmation)`}
	}
	app := New(ctx, c)
	d := newDriver(t, app, 160, 60)
	app.insp = newInspectorFor(app.env, "hello", cfg)
	app.screen = screenInspect
	d.run(app.insp.Init())
	d.send(teaSize(160, 60))
	d.until("the snapshot", func() bool { return app.insp.snap != nil })
	v := d.m.View()
	for _, want := range []string{"smoke-check", "alarm/smoke", "ops@example.com (pending confirmation", `sent: 12:00:00 ALARM: "mvi-hello-alarm-smoke"`} {
		if !strings.Contains(v, want) {
			t.Errorf("inspect lacks %q:\n%s", want, v)
		}
	}
}
