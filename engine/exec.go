package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/minimalinfra/mvi/engine/resource"
)

// node is one unit of work in the graph.
type node struct {
	step  Step
	check bool // a no-op that only makes sure the resource is ready
	// teardown deletes what a Replace step replaces; the step's own node
	// then only builds the new one.
	teardown bool
	deps     []int // nodes that must finish first
	done     chan struct{}
	ok       bool
}

// executor walks the graph: a node starts the moment its dependencies
// finish, and at most Parallel API calls run at once. Waiting for the
// cloud holds no slot, so one slow database never starves the rest.
type executor struct {
	cfg    Config
	retry  Retry
	events chan<- Event
	slots  chan struct{}
	nodes  []*node
	total  int
	done   atomic.Int64

	mu    sync.Mutex
	lives map[string]resource.Live
	errs  []error
	stop  atomic.Bool // a failure: start nothing new
}

func newExecutor(cfg Config, events chan<- Event, lives map[string]resource.Live) *executor {
	return &executor{cfg: cfg, retry: cfg.retry(), events: events, slots: make(chan struct{}, cfg.parallel()), lives: lives}
}

func (x *executor) add(s Step, check bool) int {
	x.nodes = append(x.nodes, &node{step: s, check: check, done: make(chan struct{})})
	if !check {
		x.total++
	}
	return len(x.nodes) - 1
}

// run executes every node and returns the failures joined, or ctx's error.
func (x *executor) run(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, n := range x.nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(n.done)
			for _, d := range n.deps {
				select {
				case <-x.nodes[d].done:
				case <-ctx.Done():
					return
				}
				if !x.nodes[d].ok {
					return // a dependency failed or was skipped
				}
			}
			if x.stop.Load() || ctx.Err() != nil {
				return
			}
			if err := x.do(ctx, n); err != nil {
				if ctx.Err() == nil {
					x.fail(err)
				}
				return
			}
			n.ok = true
		}()
	}
	wg.Wait()
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := ctx.Err(); err != nil {
		// A failure before the interrupt is what the person needs to
		// read: the stop only ended the waiting that followed it.
		if len(x.errs) > 0 {
			return errors.Join(err, x.errs[0])
		}
		return err
	}
	return errors.Join(x.errs...)
}

func (x *executor) fail(err error) {
	x.stop.Store(true)
	x.mu.Lock()
	x.errs = append(x.errs, err)
	x.mu.Unlock()
}

// call runs one API call in a slot.
func (x *executor) call(ctx context.Context, f func() error) error {
	select {
	case x.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-x.slots }()
	return f()
}

// retried is call under the retry policy, reporting each retry.
func (x *executor) retried(ctx context.Context, s Step, start time.Time, f func() error) error {
	return retrying(ctx, x.retry, func() error { return x.call(ctx, f) }, func(code string, wait time.Duration) {
		x.emit(ctx, s, PhaseRetry, fmt.Sprintf("%s; trying again in %s", code, wait.Round(time.Millisecond)), start, nil)
	})
}

func (x *executor) do(ctx context.Context, n *node) error {
	s := n.step
	h := x.cfg.Handlers[s.Type]
	start := time.Now()
	if n.teardown {
		x.emit(ctx, s, PhaseWait, "deleting the old one first", start, nil)
		if err := x.remove(ctx, s, h, *s.Live, start); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			err = explain(s, err)
			x.emit(ctx, s, PhaseFailed, "", start, err)
			return err
		}
		return nil
	}
	if !n.check {
		x.emit(ctx, s, PhaseStart, "", start, nil)
	}
	var err error
	if s.Action == Delete {
		err = x.remove(ctx, s, h, *s.Live, start)
	} else {
		err = x.build(ctx, s, h, n.check, start)
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		err = explain(s, err)
		x.emit(ctx, s, PhaseFailed, "", start, err)
		return err
	}
	if !n.check {
		x.done.Add(1)
		x.emit(ctx, s, PhaseDone, "", start, nil)
	}
	return nil
}

// build creates, updates or replaces a resource, then waits until it is
// ready, so dependents never start on something half made.
func (x *executor) build(ctx context.Context, s Step, h resource.Handler, check bool, start time.Time) error {
	err := x.buildOnce(ctx, s, h, start)
	if err == nil || !notFound(err) || ctx.Err() != nil {
		return err
	}
	changed, rerr := x.reresolve(ctx, s, err, start)
	if rerr != nil {
		return rerr
	}
	if !changed {
		return err
	}
	return x.buildOnce(ctx, s, h, start)
}

func (x *executor) buildOnce(ctx context.Context, s Step, h resource.Handler, start time.Time) error {
	env := x.cfg.env(x.depsOf(s))
	var mu sync.Mutex
	using := ""
	env.Use = func(id string) { mu.Lock(); using = id; mu.Unlock() }
	env.Say = func(line string) {
		mu.Lock()
		u := using
		mu.Unlock()
		x.send(ctx, x.event(s, PhaseWait, line, start, nil), func(e *Event) { e.Log, e.Uses = true, u })
	}
	var live resource.Live
	switch s.Action {
	case NoOp:
		live = *s.Live
	case Create:
		if err := x.create(ctx, s, h, env, start, &live); err != nil {
			return err
		}
	case Update:
		err := x.retried(ctx, s, start, func() (err error) { live, err = h.Update(ctx, env, *s.Resource, *s.Live); return err })
		if errors.Is(err, resource.ErrReplace) {
			x.emit(ctx, s, PhaseWait, "this change can't be made in place: replacing", start, nil)
			return x.replace(ctx, s, h, env, start)
		}
		if err != nil {
			return err
		}
	case Replace:
		// Its teardown node deleted the old one already.
		if err := x.create(ctx, s, h, env, start, &live); err != nil {
			return err
		}
	}
	x.setLive(live)
	if err := x.await(ctx, s, h, env, live, start); err != nil {
		return err
	}
	if s.Action == Create || s.Action == Replace {
		return x.finish(ctx, s, h, env, live, start)
	}
	return nil
}

// finish runs a create's last step, which needs the resource ready.
func (x *executor) finish(ctx context.Context, s Step, h resource.Handler, env resource.Env, live resource.Live, start time.Time) error {
	if f, ok := resource.As[resource.Finisher](h); ok {
		err := x.retried(ctx, s, start, func() (err error) { live, err = f.Finish(ctx, env, *s.Resource, live); return err })
		if err != nil {
			return err
		}
		x.setLive(live)
	}
	return x.reread(ctx, s, h, env, live, start)
}

// reread reads a new resource's outputs again once it is ready: what
// Create returned was a resource still being made (a database has no
// endpoint until it is available), and dependents must see what it is now.
func (x *executor) reread(ctx context.Context, s Step, h resource.Handler, env resource.Env, live resource.Live, start time.Time) error {
	if !h.Describe().LateOutputs {
		return nil
	}
	var now *resource.Live
	err := x.retried(ctx, s, start, func() error {
		ls, err := h.List(ctx, env)
		if err != nil {
			return err
		}
		for _, l := range ls {
			if l.ID == live.ID && l.PhysicalID == live.PhysicalID {
				now = &l
				return nil
			}
		}
		// A listing can lag a describe by a few seconds (eventual
		// consistency): without this look again, dependents would get
		// the outputs of a resource still being made.
		return errNotListedYet
	})
	if errors.Is(err, errNotListedYet) {
		return nil // still not listed: what Create returned is all there is
	}
	if err != nil {
		return err
	}
	// What the cloud says now wins; what only Create knew stays.
	attrs := make(map[string]string, len(live.Attrs)+len(now.Attrs))
	maps.Copy(attrs, live.Attrs)
	maps.Copy(attrs, now.Attrs)
	now.Attrs, now.Type = attrs, live.Type
	x.setLive(*now)
	return nil
}

// errNotListedYet is a ready resource its type's listing doesn't show
// yet; classify retries it as eventual consistency.
var errNotListedYet = errors.New("ready, and not listed yet")

// replace deletes the old resource and builds a new one, when an update
// found out mid-apply that it can't be made in place.
func (x *executor) replace(ctx context.Context, s Step, h resource.Handler, env resource.Env, start time.Time) error {
	if err := x.remove(ctx, s, h, *s.Live, start); err != nil {
		return err
	}
	var live resource.Live
	if err := x.create(ctx, s, h, env, start, &live); err != nil {
		return err
	}
	x.setLive(live)
	if err := x.await(ctx, s, h, env, live, start); err != nil {
		return err
	}
	return x.finish(ctx, s, h, env, live, start)
}

// create makes the resource. A create can fail after its first call
// succeeded (a throttled follow-up call, a lost response), so each retry
// first looks for what the last attempt left, by its tags, and finishes
// that with Update instead of making a second one.
func (x *executor) create(ctx context.Context, s Step, h resource.Handler, env resource.Env, start time.Time, live *resource.Live) error {
	tried := false
	return x.retried(ctx, s, start, func() error {
		if tried {
			ls, err := h.List(ctx, env)
			if err != nil {
				return err
			}
			for _, l := range ls {
				if l.ID == s.ID {
					u, err := h.Update(ctx, env, *s.Resource, l)
					if err == nil {
						*live = u
					}
					return err
				}
			}
		}
		tried = true
		l, err := h.Create(ctx, env, *s.Resource)
		if err == nil {
			*live = l
		}
		return err
	})
}

func (x *executor) remove(ctx context.Context, s Step, h resource.Handler, live resource.Live, start time.Time) error {
	return x.retried(ctx, s, start, func() error { return h.Delete(ctx, x.cfg.env(nil), live) })
}

// await polls Ready with backoff, saying what it waits for when that
// changes, until ready or the timeout.
func (x *executor) await(ctx context.Context, s Step, h resource.Handler, env resource.Env, live resource.Live, start time.Time) error {
	if x.cfg.NoWait[s.Type] {
		return nil
	}
	deadline := time.Now().Add(x.retry.Timeout)
	last := ""
	var said, quiet time.Duration // quiet: backoff slept since the last line
	for attempt := 0; ; attempt++ {
		var ready bool
		var waiting string
		err := x.retried(ctx, s, start, func() (err error) { ready, waiting, err = h.Ready(ctx, env, live); return err })
		if err != nil {
			return err
		}
		if ready {
			return nil
		}
		// A long wait says what it waits for at least every progressEvery,
		// so a person never stares at a silent screen.
		if waiting != last || quiet >= progressEvery {
			detail := waiting
			if waiting == last {
				said += quiet
				detail = fmt.Sprintf("%s (still, %s)", waiting, (said).Round(time.Second))
			} else {
				said = 0
			}
			x.emit(ctx, s, PhaseWait, detail, start, nil)
			last, quiet = waiting, 0
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("still %s after %s", waiting, x.retry.Timeout)
		}
		// Poll fast first (the sandbox and quick resources), slower later.
		wait := min(x.retry.Base<<min(attempt, 6), x.retry.Max)
		if err := x.retry.Sleep(ctx, wait); err != nil {
			return err
		}
		quiet += wait
	}
}

// progressEvery is the longest a wait goes without a line.
const progressEvery = 10 * time.Second

func (x *executor) depsOf(s Step) map[string]resource.Live {
	x.mu.Lock()
	defer x.mu.Unlock()
	out := make(map[string]resource.Live, len(s.DependsOn))
	for _, d := range s.DependsOn {
		if l, ok := x.lives[d]; ok {
			out[d] = l
		}
	}
	return out
}

func (x *executor) setLive(l resource.Live) {
	x.mu.Lock()
	x.lives[l.ID] = l
	x.mu.Unlock()
}

func (x *executor) emit(ctx context.Context, s Step, ph Phase, detail string, start time.Time, err error) {
	x.send(ctx, x.event(s, ph, detail, start, err), nil)
}

func (x *executor) event(s Step, ph Phase, detail string, start time.Time, err error) Event {
	now := time.Now()
	return Event{ID: s.ID, Service: s.Service, Type: s.Type, Action: s.Action, Phase: ph, Detail: detail,
		Time: now, Elapsed: now.Sub(start), Err: err, Done: int(x.done.Load()), Total: x.total}
}

// send hands e, changed by with, to the events channel unless ctx ends.
func (x *executor) send(ctx context.Context, e Event, with func(*Event)) {
	if x.events == nil {
		return
	}
	if with != nil {
		with(&e)
	}
	select {
	case x.events <- e:
	case <-ctx.Done():
	}
}

// addDeletes adds delete nodes after the given nodes, each rank waiting
// for the ranks before it.
func (x *executor) addDeletes(steps []Step, after []int) {
	sort.SliceStable(steps, func(i, j int) bool { return x.rank(steps[i].Type) < x.rank(steps[j].Type) })
	var prev, cur []int
	rank := -1
	for _, s := range steps {
		if r := x.rank(s.Type); r != rank {
			if len(cur) > 0 {
				prev = cur
			}
			cur, rank = nil, r
		}
		i := x.add(s, false)
		x.nodes[i].deps = append(append([]int(nil), after...), prev...)
		cur = append(cur, i)
	}
}

// rank orders deletes the design can't: the type's descriptor says where
// it goes (dependents first, the network last, the key after all of it).
func (x *executor) rank(typ string) int { return x.cfg.Handlers.Describe(typ).DeleteRank }

// addTeardowns gives every Replace step a node that deletes the old
// resource before the step's node builds the new one. Teardowns run
// dependents first: a replaced listener goes before the target group it
// forwards to, as AWS insists.
func (x *executor) addTeardowns(steps []Step, built map[string]int) {
	down := map[string]int{}
	for _, s := range steps {
		if s.Action == Replace && s.Live != nil {
			i := len(x.nodes)
			x.nodes = append(x.nodes, &node{step: s, teardown: true, done: make(chan struct{})})
			down[s.ID] = i
			if b, ok := built[s.ID]; ok {
				x.nodes[b].deps = append(x.nodes[b].deps, i)
			}
		}
	}
	for _, s := range steps {
		i, ok := down[s.ID]
		if !ok {
			continue
		}
		for _, d := range s.DependsOn {
			if j, ok := down[d]; ok {
				x.nodes[j].deps = append(x.nodes[j].deps, i)
			}
		}
	}
}
