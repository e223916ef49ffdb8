package engine

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/resource"
)

// DriftReason begins the reason of an update that puts back what was
// changed outside mvi; the TUI and status read Step.Drift, people read
// this.
const DriftReason = "drift: changed outside mvi: "

// checkDrift reads back the security-relevant settings of every resource
// the plan would leave alone, and plans an update for each one that was
// changed by hand. The hash only proves what mvi last applied; a person
// with the console can still open a database to the internet.
func checkDrift(ctx context.Context, cfg Config, p *Plan) error {
	lives := map[string]resource.Live{}
	for _, s := range p.Steps {
		if s.Live != nil && !s.duplicate {
			lives[s.ID] = *s.Live
		}
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		sem  = make(chan struct{}, cfg.parallel())
	)
	for i := range p.Steps {
		s := &p.Steps[i]
		d, ok := resource.As[resource.Drifter](cfg.Handlers[s.Type])
		if !ok || s.Action != NoOp || s.Resource == nil || s.Live == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			deps := map[string]resource.Live{}
			for _, id := range s.DependsOn {
				if l, ok := lives[id]; ok {
					deps[id] = l
				}
			}
			var ds []resource.Drift
			err := retrying(ctx, cfg.retry(), func() (err error) {
				ds, err = d.Drift(ctx, cfg.env(deps), *s.Resource, *s.Live)
				return err
			}, nil)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("check %s for drift: %w", s.ID, err))
				return
			}
			if len(ds) > 0 {
				s.Action, s.Drift = Update, ds
				s.Reason = DriftReason + driftText(ds)
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}

func driftText(ds []resource.Drift) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = d.String()
	}
	return strings.Join(parts, "; ")
}

// ResourceDrift is one resource changed outside mvi.
type ResourceDrift struct {
	ID       string           `json:"id"`
	Type     string           `json:"type"`
	Settings []resource.Drift `json:"settings"`
}

// Drift reports what was changed outside mvi, without changing anything:
// `mvi status` shows it, `mvi up` repairs it.
func Drift(ctx context.Context, cfg Config, a arch.Architecture) ([]ResourceDrift, error) {
	p, err := MakePlan(ctx, cfg, a)
	if err != nil {
		return nil, err
	}
	out := []ResourceDrift{}
	for _, s := range p.Steps {
		if len(s.Drift) > 0 {
			out = append(out, ResourceDrift{ID: s.ID, Type: s.Type, Settings: s.Drift})
		}
	}
	return out, nil
}
