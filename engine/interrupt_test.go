package engine

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/smithy-go"
	"github.com/minimalinfra/mvi/engine/arch"
)

// After a failure, the resources already in flight keep waiting; a Ctrl-C
// then ended the run with only "interrupted", hiding what failed. The
// apply's error is the interrupt joined with the first failure.
func TestInterruptAfterAFailureKeepsTheFailure(t *testing.T) {
	c := newFake()
	a := fullArch(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c.latency[arch.TypeFileSystem] = 2 * time.Second // still creating when the database fails
	c.fail = func(op, id string) error {
		if op == "create" && id == "database" {
			// Fail only once the file system is on its way, so something is
			// in flight to wait for however loaded the machine is.
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
				c.mu.Lock()
				_, started := c.startTime["fs"]
				c.mu.Unlock()
				if started {
					break
				}
			}
			time.AfterFunc(100*time.Millisecond, cancel) // the person presses Ctrl-C while the rest waits
			return apiErr("InvalidParameterCombination", smithy.FaultClient)
		}
		return nil
	}
	_, err := planApply(t, ctx, fakeConfig(c, a), a, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("not an interrupt: %v", err)
	}
	var failed *Error
	if !errors.As(err, &failed) || failed.ID != "database" || failed.Code != "InvalidParameterCombination" {
		t.Fatalf("the failure before the stop is lost: %v", err)
	}
}
