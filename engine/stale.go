package engine

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/minimalinfra/mvi/engine/resource"
)

// A create or update that keeps hearing "not found" may be naming a
// dependency by an id that no longer exists: the dependency was deleted
// by hand, or the endpoint was reset under a running apply. Before the
// step gives up, each dependency is found again by its tags: a new
// physical id is used, and a dependency that is gone is said plainly,
// instead of "InvalidGroup.NotFound" after a dozen tries.

// StaleDependencyError is a dependency that vanished while the apply ran.
type StaleDependencyError struct {
	ID, Dep, DepType, Physical string
	Err                        error
}

func (e *StaleDependencyError) Error() string {
	return fmt.Sprintf("%s needs %s (%s), and %s is gone from the cloud: it was deleted outside this run, or the endpoint lost its state (%v)",
		e.ID, e.Dep, e.DepType, e.Physical, e.Err)
}

func (e *StaleDependencyError) Unwrap() error { return e.Err }

// Fix says what brings it back.
func (e *StaleDependencyError) Fix() string {
	return "run `mvi up` again: its plan finds " + e.Dep + " missing and makes it, then " + e.ID
}

// notFound is the settling kind of error that names a missing thing.
func notFound(err error) bool {
	kind, code := classify(err)
	return kind == settling && (strings.Contains(code, "NotFound") || strings.HasPrefix(code, "NoSuch"))
}

// reresolve looks up each dependency of s by its mvi:id. changed is true
// when one has a new physical id (then the step is worth one more try);
// a dependency that is gone is a StaleDependencyError.
func (x *executor) reresolve(ctx context.Context, s Step, cause error, start time.Time) (changed bool, err error) {
	for id, old := range x.depsOf(s) {
		h, ok := x.cfg.Handlers[old.Type]
		if !ok {
			continue
		}
		var ls []resource.Live
		if err := x.retried(ctx, s, start, func() (err error) { ls, err = h.List(ctx, x.cfg.env(nil)); return err }); err != nil {
			return false, err
		}
		found := false
		for _, l := range ls {
			if l.ID != id {
				continue
			}
			found = true
			if l.PhysicalID != old.PhysicalID {
				x.emit(ctx, s, PhaseWait, fmt.Sprintf("%s is now %s (was %s): trying with it", id, l.PhysicalID, old.PhysicalID), start, nil)
				x.setLive(l)
				changed = true
			}
		}
		if !found {
			return false, &StaleDependencyError{ID: s.ID, Dep: id, DepType: old.Type, Physical: old.PhysicalID, Err: cause}
		}
	}
	return changed, nil
}
