package engine

import (
	"context"
	"fmt"

	"github.com/minimalinfra/mvi/engine/resource"
)

// Apply carries out a plan: creates and updates in dependency order, then
// deletes, dependents first. Cancelling ctx stops new work and returns once
// calls in flight have returned; since everything is tagged when created,
// the next plan sees what exists and Apply resumes from there.
func Apply(ctx context.Context, cfg Config, p Plan, events chan<- Event) error {
	if lost := p.DataLoss(); len(lost) > 0 && !cfg.AllowDataLoss {
		return &DataLossError{App: p.App, Steps: lost}
	}
	unlock, err := lock(ctx, cfg)
	if err != nil {
		return err
	}
	defer unlock()

	lives := map[string]resource.Live{}
	for _, s := range p.Steps {
		if s.Live != nil && s.Action != Delete {
			lives[s.ID] = *s.Live
		}
	}
	x := newExecutor(cfg, events, lives)
	index := map[string]int{}
	needed := map[string]bool{} // no-ops something changing depends on
	for _, s := range p.Steps {
		if s.Action != NoOp && s.Action != Delete {
			for _, d := range s.DependsOn {
				needed[d] = true
			}
		}
	}
	var forward []int
	for _, s := range p.Steps {
		switch {
		case s.Action == Delete:
			continue
		case s.Action == NoOp && !needed[s.ID]:
			continue
		}
		if _, ok := cfg.Handlers[s.Type]; !ok {
			return fmt.Errorf("apply %s: no handler for %s", s.ID, s.Type)
		}
		i := x.add(s, s.Action == NoOp)
		index[s.ID] = i
		forward = append(forward, i)
	}
	for _, i := range forward {
		n := x.nodes[i]
		for _, d := range n.step.DependsOn {
			if j, ok := index[d]; ok {
				n.deps = append(n.deps, j)
			}
		}
		// After: waits only for what this apply runs.
		for _, d := range n.step.After {
			if j, ok := index[d]; ok {
				n.deps = append(n.deps, j)
			}
		}
	}
	x.addTeardowns(p.Steps, index)
	var deletes []Step
	for _, s := range p.Steps {
		if s.Action == Delete {
			deletes = append(deletes, s)
		}
	}
	// Deletes wait for the new design to stand: a security group that loses
	// a rule must be updated before the group it pointed at can go.
	x.addDeletes(deletes, forward)
	if err := x.run(ctx); err != nil {
		return fmt.Errorf("apply %s: %w", p.App, err)
	}
	if _, err := recordRelease(ctx, cfg, p, x.lives); err != nil {
		return fmt.Errorf("apply %s: everything runs, but %w", p.App, err)
	}
	return nil
}

func lock(ctx context.Context, cfg Config) (func(), error) {
	if cfg.Locker == nil {
		return func() {}, nil
	}
	return cfg.Locker.Lock(ctx, cfg.App)
}
