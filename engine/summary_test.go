package engine

import "testing"

func TestPlanSummaryCountsEveryAction(t *testing.T) {
	p := Plan{Steps: []Step{{Action: Create}, {Action: Create}, {Action: Create}, {Action: Update},
		{Action: Replace}, {Action: NoOp}, {Action: NoOp}}}
	if got, want := p.Summary(), "3 to create, 1 to update, 1 to replace, 0 to delete, 2 unchanged"; got != want {
		t.Errorf("Summary() = %q, want %q", got, want)
	}
	if got, want := (Plan{}).Summary(), "0 to create, 0 to update, 0 to replace, 0 to delete, 0 unchanged"; got != want {
		t.Errorf("empty plan: %q, want %q", got, want)
	}
}
