package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/minimalinfra/mvi/engine/resource"
)

// Destroy deletes everything tagged with the app, whatever mvi.toml says
// now, in safe order, then lists again to prove nothing is left.
func Destroy(ctx context.Context, cfg Config, events chan<- Event) error {
	unlock, err := lock(ctx, cfg)
	if err != nil {
		return err
	}
	defer unlock()
	live, err := listAll(ctx, cfg, cfg.Handlers.Types())
	if err != nil {
		return fmt.Errorf("destroy %s: %w", cfg.App, err)
	}
	var left []resource.Live
	// A create cut off mid-flight can finish after the first list (Cloud
	// Map makes a namespace by an operation that runs on after its call
	// returned): what shows up meanwhile is deleted by another pass rather
	// than reported as left behind.
	for pass := 1; ; pass++ {
		if err := destroyPass(ctx, cfg, events, live); err != nil {
			return fmt.Errorf("destroy %s: %w", cfg.App, err)
		}
		left, err = listAll(ctx, cfg, cfg.Handlers.Types())
		if err != nil {
			return fmt.Errorf("destroy %s: checking nothing is left: %w", cfg.App, err)
		}
		if len(left) == 0 || pass == destroyPasses {
			break
		}
		live = left
	}
	if len(left) > 0 {
		names := make([]string, 0, len(left))
		for _, l := range left {
			names = append(names, l.ID+" ("+l.Type+" "+l.PhysicalID+")")
		}
		return &LeftError{App: cfg.App, Left: names}
	}
	return nil
}

// destroyPasses is how many times a destroy deletes what it finds before it
// reports what is left.
const destroyPasses = 3

// destroyPass deletes live in safe order.
func destroyPass(ctx context.Context, cfg Config, events chan<- Event, live []resource.Live) error {
	steps := make([]Step, 0, len(live))
	for _, l := range live {
		l := l
		steps = append(steps, Step{ID: l.ID, Type: l.Type, Service: serviceOf(cfg, l), Action: Delete, Live: &l, Reason: "mvi down"})
	}
	keepFinalSnapshots(steps, cfg, nil)
	x := newExecutor(cfg, events, nil)
	x.addDeletes(steps, nil)
	return x.run(ctx)
}

// LeftError is a destroy that finished with resources still there.
type LeftError struct {
	App  string
	Left []string // "id (type physical-id)"
}

func (e *LeftError) Error() string {
	return resource.FixLine(fmt.Sprintf("destroy %s: %d resource(s) still exist: %s", e.App, len(e.Left), strings.Join(e.Left, ", ")), e.Fix())
}

// Fix says how to finish the job.
func (e *LeftError) Fix() string {
	return "run `mvi down` again; if they stay, delete them in the AWS console (they carry the tag " + resource.TagApp + "=" + e.App + ")"
}
