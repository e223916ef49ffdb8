package engine

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/minimalinfra/mvi/engine/sandbox"
)

func portDesign(t *testing.T, port int) arch.Architecture {
	t.Helper()
	m, err := manifest.Parse("mvi.toml", fmt.Appendf(nil, "name = \"hello\"\n[processes.web]\nimage = \"ghcr.io/acme/web:1\"\nport = %d\n", port))
	if err != nil {
		t.Fatal(err)
	}
	a, err := arch.Design(m)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// AWS can't change a target group's port: the plan must say "replace",
// naming the setting, before anything changes, and the apply must then
// converge to a plan with nothing left to do.
func TestPlanReplacesATargetGroupWhosePortChanged(t *testing.T) {
	_, cfg := openSandbox(t, sandbox.Options{})
	cfg.App = "hello"
	ctx := context.Background()
	if _, err := planApply(t, ctx, cfg, portDesign(t, 80), nil); err != nil {
		t.Fatal(err)
	}
	p, err := MakePlan(ctx, cfg, portDesign(t, 8080))
	if err != nil {
		t.Fatal(err)
	}
	var tg *Step
	for i := range p.Steps {
		if p.Steps[i].ID == arch.TargetGroupID("web") {
			tg = &p.Steps[i]
		}
	}
	if tg == nil || tg.Action != Replace {
		t.Fatalf("target group step %+v, want a replace", tg)
	}
	if !strings.Contains(tg.Reason, "port") || !strings.Contains(tg.Reason, "80 → 8080") {
		t.Errorf("replace reason %q doesn't name the port change", tg.Reason)
	}
	// What forwards to it is remade with it, and says why; nothing else is.
	for _, s := range p.Steps {
		dragged := s.ID == arch.ListenerID("web") || s.ID == arch.ServiceID("web") ||
			s.ID == arch.Alarm5xxID("web") || s.ID == arch.AlarmUnhealthyID("web")
		switch {
		case dragged && (s.Action != Replace || !strings.Contains(s.Reason, "remade with")):
			t.Errorf("%s: %s (%s), want a replace that names why", s.ID, s.Action, s.Reason)
		case !dragged && s.ID != tg.ID && s.Action == Replace:
			t.Errorf("%s is replaced too: %s", s.ID, s.Reason)
		}
	}
	if err := Apply(ctx, cfg, p, nil); err != nil {
		t.Fatalf("apply the replacement: %v", err)
	}
	again, err := MakePlan(ctx, cfg, portDesign(t, 8080))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range again.Steps {
		if s.Action != NoOp {
			t.Errorf("after the replacement: %s %s: %s", s.Action, s.ID, s.Reason)
		}
	}
}
