package engine

import "testing"

// Issue 10 item 11: "1 Enabled, 1 present", "4 ACTIVE" — one casing.
func TestStateWord(t *testing.T) {
	for in, want := range map[string]string{"": "present", "ACTIVE": "active", "available": "available", "Enabled": "enabled",
		"InService": "in service", "PendingDeletion": "pending deletion", "IN_PROGRESS": "in progress", "OK": "ok"} {
		if got := StateWord(in); got != want {
			t.Errorf("StateWord(%q) = %q, want %q", in, got, want)
		}
	}
}
