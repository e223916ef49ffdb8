package engine

import (
	"errors"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/engine/release"
)

// keep+2 releases: the oldest two are outside the window and refused with
// the reason; the oldest kept one is allowed.
func TestRollbackKeptWindow(t *testing.T) {
	const keep = 3
	var rs []release.Release
	for i := 1; i <= keep+2; i++ {
		rs = append(rs, release.Release{Number: i})
	}
	for _, n := range []int{1, 2} {
		err := InKeptWindow(rs, rs[n-1], keep)
		var re *RollbackError
		if !errors.As(err, &re) || !strings.Contains(re.Reason, "older than the 3 releases kept") || !strings.Contains(re.Fix(), "release 3 or later") {
			t.Errorf("rollback to %d: %v", n, err)
		}
	}
	if err := InKeptWindow(rs, rs[2], keep); err != nil {
		t.Errorf("rollback to the oldest kept release: %v", err)
	}
	if err := InKeptWindow(rs, rs[0], 0); err != nil {
		t.Errorf("no window: %v", err)
	}
}
