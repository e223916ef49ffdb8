package main

import (
	"testing"
	"time"

	"github.com/minimalinfra/mvi/engine/sandbox"
	"github.com/minimalinfra/mvi/tutorials"
)

// Each tutorial on the home screen says how long it takes; the number
// comes from its definition and the sandbox's pace, and is sane.
func TestTutorialEstimates(t *testing.T) {
	ts, err := tutorials.List()
	if err != nil {
		t.Fatal(err)
	}
	for _, tu := range ts {
		d := estimate(tu)
		if m := minutes(d); m < 3 || m > 90 {
			t.Errorf("%s: %d min (%s) is not believable", tu.ID, m, d)
		}
		if d <= sandbox.TypicalWait("apply") {
			t.Errorf("%s: %s is no more than one apply's wait", tu.ID, d)
		}
		t.Logf("%s: about %d min (%s)", tu.ID, minutes(d), d.Round(time.Second))
	}
	if minutes(0) != 1 || minutes(61*time.Second) != 2 {
		t.Error("minutes rounds up, at least one")
	}
}
