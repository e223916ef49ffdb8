package engine

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/minimalinfra/mvi/engine/aws"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/smithy-go"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/manifest"
)

// fakeCloud is an in-memory cloud for engine tests: resources by physical
// id, with hooks to fail calls, delay readiness and record order.
type fakeCloud struct {
	mu        sync.Mutex
	res       map[string]resource.Live // physical id → live
	seq       int
	polls     map[string]int // physical id → Ready calls so far
	readyAt   int            // Ready calls before a resource is ready
	latency   map[string]time.Duration
	fail      func(op string, id string) error
	log       []string // "op id" in call order
	readyTime map[string]time.Time
	startTime map[string]time.Time
	sticky    map[string]bool // ids whose deletes silently do nothing
	inflight  int
	maxFlight int
}

func newFake() *fakeCloud {
	return &fakeCloud{res: map[string]resource.Live{}, polls: map[string]int{}, readyTime: map[string]time.Time{},
		startTime: map[string]time.Time{}, latency: map[string]time.Duration{}}
}

func (c *fakeCloud) handlers(a arch.Architecture) resource.Registry {
	out := resource.Registry{}
	for _, r := range a.Resources {
		out[r.Type] = fakeHandler{c: c, typ: r.Type}
	}
	return out
}

func (c *fakeCloud) enter(op, typ, id string) error {
	c.mu.Lock()
	c.inflight++
	c.maxFlight = max(c.maxFlight, c.inflight)
	c.log = append(c.log, op+" "+id)
	if op == "create" {
		if _, ok := c.startTime[id]; !ok {
			c.startTime[id] = time.Now()
		}
	}
	fail, lat := c.fail, c.latency[typ]
	c.mu.Unlock()
	if lat > 0 && op == "create" {
		time.Sleep(lat)
	}
	if fail != nil {
		return fail(op, id)
	}
	return nil
}

func (c *fakeCloud) leave() {
	c.mu.Lock()
	c.inflight--
	c.mu.Unlock()
}

func (c *fakeCloud) count() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := map[string]int{}
	for _, l := range c.res {
		n[l.ID]++
	}
	return n
}

type fakeHandler struct {
	c   *fakeCloud
	typ string
}

// Describe borrows the real type's facts, so deletes order as on AWS.
func (h fakeHandler) Describe() resource.Descriptor { return aws.Handlers().Describe(h.typ) }

func (h fakeHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	if err := h.c.enter("list", h.typ, h.typ); err != nil {
		return nil, err
	}
	defer h.c.leave()
	h.c.mu.Lock()
	defer h.c.mu.Unlock()
	var out []resource.Live
	for _, l := range h.c.res {
		if l.Type == h.typ {
			out = append(out, l)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PhysicalID < out[j].PhysicalID })
	return out, nil
}

func (h fakeHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	if err := h.c.enter("create", h.typ, r.ID); err != nil {
		return resource.Live{}, err
	}
	defer h.c.leave()
	for _, d := range r.DependsOn {
		if _, ok := env.Deps[d]; !ok {
			return resource.Live{}, fmt.Errorf("create %s: dependency %s not handed over", r.ID, d)
		}
	}
	h.c.mu.Lock()
	defer h.c.mu.Unlock()
	for _, d := range r.DependsOn {
		if _, ok := h.c.readyTime[d]; !ok {
			return resource.Live{}, fmt.Errorf("create %s before %s was ready", r.ID, d)
		}
	}
	h.c.seq++
	l := resource.Live{ID: r.ID, Type: h.typ, PhysicalID: fmt.Sprintf("p-%04d", h.c.seq), Hash: arch.Hash(r.Props)}
	h.c.res[l.PhysicalID] = l
	return l, nil
}

func (h fakeHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	if err := h.c.enter("update", h.typ, r.ID); err != nil {
		return resource.Live{}, err
	}
	defer h.c.leave()
	h.c.mu.Lock()
	defer h.c.mu.Unlock()
	live.Hash = arch.Hash(r.Props)
	h.c.res[live.PhysicalID] = live
	return live, nil
}

func (h fakeHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	if err := h.c.enter("delete", h.typ, live.ID); err != nil {
		return err
	}
	defer h.c.leave()
	h.c.mu.Lock()
	defer h.c.mu.Unlock()
	if !h.c.sticky[live.ID] {
		delete(h.c.res, live.PhysicalID)
	}
	return nil
}

func (h fakeHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	if err := h.c.enter("ready", h.typ, live.ID); err != nil {
		return false, "", err
	}
	defer h.c.leave()
	h.c.mu.Lock()
	defer h.c.mu.Unlock()
	h.c.polls[live.PhysicalID]++
	if h.c.polls[live.PhysicalID] <= h.c.readyAt {
		return false, "waiting for " + live.ID, nil
	}
	if _, ok := h.c.readyTime[live.ID]; !ok {
		h.c.readyTime[live.ID] = time.Now()
	}
	return true, "", nil
}

func apiErr(code string, fault smithy.ErrorFault) error {
	return &smithy.GenericAPIError{Code: code, Message: code + " (injected)", Fault: fault}
}

func fullManifest() *manifest.Manifest {
	return &manifest.Manifest{
		Name: "shop",
		Processes: map[string]*manifest.Process{
			"web":    {Build: ".", Port: 3000, Count: 2, Health: "/healthz"},
			"worker": {Build: ".", Command: []string{"bin/worker"}},
		},
		Database: &manifest.Database{Engine: "postgres"},
		FS:       &manifest.FS{}, KV: &manifest.KV{}, Blob: &manifest.Blob{},
	}
}

func fullArch(t interface{ Fatal(...any) }) arch.Architecture {
	a, err := arch.Design(fullManifest())
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func instant() Retry {
	return Retry{Base: time.Microsecond, Max: time.Millisecond, Timeout: time.Minute}
}
