package engine

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/smithy-go"
	"github.com/minimalinfra/mvi/engine/resource"
)

// A dependency deleted under a running apply (an emulator restarted
// empty) made its dependent fail "InvalidGroup.NotFound" after a dozen
// tries. Its dependent now looks the dependency up again: a new id is
// used, and one that is gone is named, with the fix.
func TestStaleDependencyIsFoundAgainByTags(t *testing.T) {
	for _, tc := range []struct {
		name     string
		replaced bool // the dependency exists under a new physical id
	}{{"gone", false}, {"new id", true}} {
		t.Run(tc.name, func(t *testing.T) {
			c := newFake()
			a := fullArch(t)
			var old resource.Live
			c.fail = func(op, id string) error {
				if op != "create" || id != "sg/db" {
					return nil
				}
				c.mu.Lock()
				defer c.mu.Unlock()
				if old.PhysicalID == "" { // the vpc vanishes once, under the running apply
					for p, l := range c.res {
						if l.ID == "vpc" {
							old = l
							delete(c.res, p)
							if tc.replaced {
								l.PhysicalID = "p-new"
								c.res[l.PhysicalID] = l
							}
						}
					}
				}
				for _, l := range c.res {
					if l.ID == "vpc" && l.PhysicalID == "p-new" {
						return nil // asked with the new id: it works
					}
				}
				return apiErr("InvalidVpcID.NotFound", smithy.FaultClient)
			}
			cfg := fakeConfig(c, a)
			cfg.Retry.Timeout = 0
			_, err := planApply(t, context.Background(), cfg, a, nil)
			if tc.replaced {
				if err != nil {
					t.Fatalf("with the vpc's new id the apply should go on: %v", err)
				}
				return
			}
			var stale *StaleDependencyError
			if !errors.As(err, &stale) || stale.Dep != "vpc" || stale.Physical != old.PhysicalID {
				t.Fatalf("want the vanished vpc named, got %v", err)
			}
			if !strings.Contains(resource.FixOf(err), "mvi up") {
				t.Errorf("no fix: %v", err)
			}
		})
	}
}
