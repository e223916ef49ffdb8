package steps

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/cloud"
)

// replacingPlan is a plan that remakes the web target group (its port
// changes), as the engine plans one.
func replacingPlan() *engine.Plan {
	return &engine.Plan{App: "shop", MonthlyUSD: 42, NowMonthlyUSD: 30, Steps: []engine.Step{
		{ID: arch.TargetGroupID("web"), Type: arch.TypeTargetGroup, Action: engine.Replace,
			Reason: "its port changes 80 → 8080, and AWS can't change a target group's port or protocol in place"},
		{ID: arch.ListenerID("web"), Type: arch.TypeListener, Action: engine.Update, Reason: "its settings in mvi.toml changed since the last apply"},
		{ID: arch.IDVPC, Type: arch.TypeVPC, Action: engine.NoOp, Reason: "up to date"},
	}}
}

// The confirm names what will be remade and why before it asks, and a no
// stops the apply before anything changes.
func TestApplyConfirmNamesEveryReplacementFirst(t *testing.T) {
	s := &Session{Engine: engine.Config{Clients: &cloud.Clients{}, App: "shop"}, Arch: arch.Architecture{App: "shop"},
		Plan: replacingPlan(), Where: "the sandbox"}
	var asked string
	s.Confirm = func(_ context.Context, q string) (bool, error) { asked = q; return false, nil }
	if err := (Apply{}).Run(context.Background(), s, nil); !errors.Is(err, ErrDeclined) {
		t.Fatalf("declined apply: %v", err)
	}
	lines := strings.Split(asked, "\n")
	want := []string{
		"replace target-group/web: its port changes 80 → 8080, and AWS can't change a target group's port or protocol in place",
		"Apply 2 change(s) to shop on the sandbox, about $42.00 a month once applied (+$12.00 from now)?",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("asked:\n%s\nwant:\n%s", asked, strings.Join(want, "\n"))
	}
}

func TestReplaceLinesListOnlyReplacements(t *testing.T) {
	got := ReplaceLines(replacingPlan())
	if len(got) != 1 || !strings.HasPrefix(got[0], "replace target-group/web: its port changes 80 → 8080") {
		t.Errorf("ReplaceLines = %q", got)
	}
	if got := ReplaceLines(&engine.Plan{}); len(got) != 0 {
		t.Errorf("an empty plan replaces %q", got)
	}
}

// An apply cut short says that running it again resumes, and is still
// a cancellation to errors.Is.
func TestInterruptedApplySaysItResumes(t *testing.T) {
	err := error(interruptedError{context.Canceled})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "nothing was rolled back") {
		t.Errorf("interrupted: %v", err)
	}
}
