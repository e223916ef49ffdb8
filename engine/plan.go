package engine

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/minimalinfra/mvi/engine/arch"
)

// Step is the plan for one resource.
type Step struct {
	ID        string       `json:"id"`
	Type      string       `json:"type"`
	Service   arch.Service `json:"service"`
	Action    Action       `json:"action"`
	Reason    string       `json:"reason"`
	DependsOn []string     `json:"depends_on,omitempty"`
	// After: what this waits for when it changes, without referring to it
	// (arch.Resource.After).
	After    []string       `json:"after,omitempty"`
	Resource *arch.Resource `json:"-"` // the design; nil for deletes
	Live     *resource.Live `json:"live,omitempty"`
	// DataLoss: this step deletes or replaces something holding the app's
	// data. Apply refuses it unless the Config allows data loss.
	DataLoss bool `json:"data_loss,omitempty"`
	// Drift lists the settings changed outside mvi that this update puts
	// back (its Reason starts with DriftReason).
	Drift []resource.Drift `json:"drift,omitempty"`
	// duplicate: a second copy an interrupted create left, never used.
	duplicate  bool
	MonthlyUSD float64 `json:"monthly_usd"`
}

// Plan is what Apply will do, in the design's order then deletes.
type Plan struct {
	App        string  `json:"app"`
	Region     string  `json:"region"`
	Steps      []Step  `json:"steps"`
	MonthlyUSD float64 `json:"monthly_usd"` // the whole app once applied
	// NowMonthlyUSD is what the app's live resources cost now.
	NowMonthlyUSD float64 `json:"now_monthly_usd"`
	PricesDated   string  `json:"prices_dated"`
}

// Changes counts the steps that change something.
func (p Plan) Changes() int {
	n := 0
	for _, s := range p.Steps {
		if s.Action != NoOp {
			n++
		}
	}
	return n
}

// Count counts the steps with one action.
func (p Plan) Count(a Action) int {
	n := 0
	for _, s := range p.Steps {
		if s.Action == a {
			n++
		}
	}
	return n
}

// MakePlan compares the design with what the cloud holds for the app.
func MakePlan(ctx context.Context, cfg Config, a arch.Architecture) (Plan, error) {
	live, err := listAll(ctx, cfg, cfg.Handlers.Types())
	if err != nil {
		return Plan{}, err
	}
	if a, err = withSecretVersions(ctx, cfg, a); err != nil {
		return Plan{}, err
	}
	a, builders, err := withSources(ctx, cfg, a)
	if err != nil {
		return Plan{}, err
	}
	prices := cfg.Prices
	if prices == nil {
		if prices, err = LoadPrices(a.Region); err != nil {
			return Plan{}, err
		}
	}
	p := Plan{App: a.App, Region: a.Region, PricesDated: prices.Dated}
	byKey := map[string][]resource.Live{}
	for _, l := range live {
		byKey[l.Type+" "+l.ID] = append(byKey[l.Type+" "+l.ID], l)
	}
	used := map[string]bool{}
	for i := range a.Resources {
		r := &a.Resources[i]
		if _, ok := cfg.Handlers[r.Type]; !ok {
			return Plan{}, fmt.Errorf("plan %s: no handler for %s; this mvi can't build it", r.ID, r.Type)
		}
		key := r.Type + " " + r.ID
		used[key] = true
		s := Step{ID: r.ID, Type: r.Type, Service: r.Service, DependsOn: r.DependsOn, After: r.After, Resource: r,
			MonthlyUSD: prices.Monthly(*r, a)}
		p.MonthlyUSD += s.MonthlyUSD
		found := byKey[key]
		if len(found) == 0 {
			s.Action, s.Reason = Create, "new: "+r.Reason
			p.Steps = append(p.Steps, s)
			continue
		}
		keep, dups := pick(found, arch.Hash(r.Props))
		s.Live = &keep
		switch {
		case keep.Hash == arch.Hash(r.Props):
			s.Action, s.Reason = NoOp, "up to date"
		case replaces(cfg.Handlers[r.Type], *r, keep) != "":
			s.Action, s.Reason = Replace, replaces(cfg.Handlers[r.Type], *r, keep)
		case strings.HasPrefix(keep.Hash, RolledBackHash):
			s.Action = Update
			s.Reason = "runs release " + strings.TrimPrefix(keep.Hash, RolledBackHash) + " again since mvi rollback; this releases what mvi.toml says"
		case keep.Hash == "" || keep.Hash == "pending":
			s.Action, s.Reason = Update, "a previous run stopped before finishing it"
		default:
			s.Action, s.Reason = Update, genericUpdate
			if d, ok := resource.As[resource.Differ](cfg.Handlers[r.Type]); ok {
				if cs := d.Changes(*r, keep); len(cs) > 0 {
					s.Reason = strings.Join(cs, ", ")
				}
			}
		}
		p.Steps = append(p.Steps, s)
		for _, d := range dups {
			d := d
			p.Steps = append(p.Steps, Step{ID: d.ID, Type: d.Type, Service: r.Service, Action: Delete, Live: &d, duplicate: true,
				Reason: "a duplicate of " + r.ID + " left by an interrupted run (" + d.PhysicalID + ")"})
		}
	}
	releaseReasons(&p)
	sayBuilders(&p, builders)
	if err := checkDrift(ctx, cfg, &p); err != nil {
		return Plan{}, err
	}
	cascade(&p)
	var orphans []resource.Live
	for key, ls := range byKey {
		if !used[key] {
			orphans = append(orphans, ls...)
		}
	}
	sort.Slice(orphans, func(i, j int) bool {
		if orphans[i].ID != orphans[j].ID {
			return orphans[i].ID < orphans[j].ID
		}
		return orphans[i].PhysicalID < orphans[j].PhysicalID
	})
	for _, o := range orphans {
		o := o
		p.Steps = append(p.Steps, Step{ID: o.ID, Type: o.Type, Service: serviceOf(cfg, o), Action: Delete, Live: &o,
			Reason: "no longer in mvi.toml"})
	}
	markDataLoss(&p, cfg.Handlers)
	keepFinalSnapshots(p.Steps, cfg, prices)
	for _, s := range p.Steps {
		p.NowMonthlyUSD += prices.nowMonthly(s, a)
	}
	return p, nil
}

// pick keeps the live copy that matches the design (else the first by
// physical id, for determinism); the rest are duplicates.
func pick(ls []resource.Live, hash string) (resource.Live, []resource.Live) {
	sort.Slice(ls, func(i, j int) bool {
		if (ls[i].Hash == hash) != (ls[j].Hash == hash) {
			return ls[i].Hash == hash
		}
		return ls[i].PhysicalID < ls[j].PhysicalID
	})
	return ls[0], ls[1:]
}

// replaces says why r can't be changed in place ("" when it can): the
// handler names the setting, so the plan and the confirm can.
func replaces(h resource.Handler, r arch.Resource, l resource.Live) string {
	rp, ok := resource.As[resource.Replacer](h)
	if !ok || l.Hash == "" || l.Hash == "pending" {
		return ""
	}
	return rp.Replaces(r, l)
}

// listAll lists every type, a few at a time, retrying what's transient.
func listAll(ctx context.Context, cfg Config, types []string) ([]resource.Live, error) {
	var (
		mu   sync.Mutex
		out  []resource.Live
		errs []error
		wg   sync.WaitGroup
		sem  = make(chan struct{}, cfg.parallel())
	)
	r := cfg.retry()
	for _, t := range types {
		h := cfg.Handlers[t]
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			var ls []resource.Live
			err := retrying(ctx, r, func() (err error) {
				ls, err = h.List(ctx, cfg.env(nil))
				return err
			}, nil)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("list %s: %w", t, err))
				return
			}
			for i := range ls {
				if ls[i].Type == "" {
					ls[i].Type = t
				}
			}
			out = append(out, ls...)
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(errs) > 0 {
		sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
		return nil, showFix(errs[0])
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Type != out[j].Type {
			return out[i].Type < out[j].Type
		}
		return out[i].PhysicalID < out[j].PhysicalID
	})
	return out, nil
}

// cascade replaces what refers to a replaced resource too: AWS refuses to
// delete a target group a listener forwards to, or a subnet with a mount
// target in it, so the whole chain is remade, dependents deleted first.
// Each says which replacement drags it along.
func cascade(p *Plan) {
	users := map[string][]int{}
	for i, s := range p.Steps {
		for _, d := range s.DependsOn {
			users[d] = append(users[d], i)
		}
	}
	var queue []string
	for _, s := range p.Steps {
		if s.Action == Replace {
			queue = append(queue, s.ID)
		}
	}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, i := range users[id] {
			s := &p.Steps[i]
			if s.Live == nil || s.Action == Replace || s.Action == Create || s.Action == Delete {
				continue
			}
			s.Action, s.Reason = Replace, "remade with "+id+", which it refers to"
			queue = append(queue, s.ID)
		}
	}
}

// markDataLoss flags the deletes and replacements of what holds data, and
// says so in their reason, so no screen can show one without it.
func markDataLoss(p *Plan, reg resource.Registry) {
	for i := range p.Steps {
		s := &p.Steps[i]
		if (s.Action == Delete || s.Action == Replace) && !s.duplicate && reg.Describe(s.Type).HoldsData {
			s.DataLoss = true
			s.Reason += lostSuffix
		}
	}
}

// lostSuffix ends the reason of a step that loses data.
const lostSuffix = "; everything stored in it is lost"

// DataLoss lists the steps that lose data.
func (p Plan) DataLoss() []Step {
	var out []Step
	for _, s := range p.Steps {
		if s.DataLoss {
			out = append(out, s)
		}
	}
	return out
}
