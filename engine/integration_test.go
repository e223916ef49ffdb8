package engine

import (
	"context"
	"errors"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/aws"
	"github.com/minimalinfra/mvi/engine/sandbox"
)

// These tests run the real handlers against the embedded sandbox at
// instant speed: the same path `mvi up` takes, minus the terminal.

func openSandbox(t testing.TB, o sandbox.Options) (*sandbox.Sandbox, Config) {
	t.Helper()
	if o.Dir == "" {
		o.Dir = t.TempDir()
	}
	sb, err := sandbox.Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	cfg := Config{Clients: sb.Clients(), Handlers: aws.Handlers(), App: "shop", Region: "us-east-1",
		Account: sb.Account(), Retry: Retry{Base: time.Millisecond, Max: 20 * time.Millisecond, Timeout: time.Minute},
		Locker: FileLocker{Dir: t.TempDir()}, Dir: exampleDir}
	return sb, cfg
}

func liveIDs(t *testing.T, cfg Config) map[string]int {
	t.Helper()
	live, err := listAll(context.Background(), cfg, cfg.Handlers.Types())
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, l := range live {
		n[l.ID]++
	}
	return n
}

func TestSandboxUpUpDown(t *testing.T) {
	sb, cfg := openSandbox(t, sandbox.Options{})
	a := fullArch(t)
	if _, err := planApply(t, context.Background(), cfg, a, nil); err != nil {
		t.Fatal(err)
	}
	n := liveIDs(t, cfg)
	for _, r := range a.Resources {
		if n[r.ID] != 1 {
			t.Errorf("%s (%s) exists %d times", r.ID, r.Type, n[r.ID])
		}
	}
	if len(n) != len(a.Resources) {
		t.Errorf("%d live ids for %d designed", len(n), len(a.Resources))
	}
	p, err := MakePlan(context.Background(), cfg, a)
	if err != nil {
		t.Fatal(err)
	}
	if p.Changes() != 0 {
		for _, s := range p.Steps {
			if s.Action != NoOp {
				t.Errorf("second plan: %s %s: %s", s.Action, s.ID, s.Reason)
			}
		}
	}
	sb.ResetCalls()
	snap, err := Status(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("status of the full example: %d API calls for %d resources", sb.TotalCalls(), snap.Total)
	if snap.Total != len(a.Resources) {
		t.Errorf("status shows %d resources, want %d", snap.Total, len(a.Resources))
	}
	if len(snap.Services) != 12 {
		t.Errorf("status shows %d services", len(snap.Services))
	}
	if err := Destroy(context.Background(), cfg, nil); err != nil {
		t.Fatal(err)
	}
	if snap, err := Status(context.Background(), cfg); err != nil || snap.Total != 0 {
		t.Fatalf("after destroy: %d resources, %v", snap.Total, err)
	}
}

func TestSandboxConvergesUnderInjectedFaults(t *testing.T) {
	dir := t.TempDir()
	_, faulty := openSandbox(t, sandbox.Options{Dir: dir, Seed: 42, Faults: sandbox.Faults{Rate: 0.1, Throttle: true, Server: true, NotFoundAfterCreate: true}})
	a := fullArch(t)
	// A fault can also hit the plan's own listing; the engine retries it.
	if _, err := planApply(t, context.Background(), faulty, a, nil); err != nil {
		t.Fatal(err)
	}
	// Judge the result through a fault-free view of the same cloud: a list
	// made a moment after a create may still miss it, which is the fault
	// being injected, not a failure to converge.
	_, cfg := openSandbox(t, sandbox.Options{Dir: dir})
	p, err := MakePlan(context.Background(), cfg, a)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range p.Steps {
		if s.Action != NoOp {
			t.Errorf("not converged: %s %s: %s", s.Action, s.ID, s.Reason)
		}
	}
	for id, n := range liveIDs(t, cfg) {
		if n != 1 {
			t.Errorf("%s ×%d", id, n)
		}
	}
	if err := Destroy(context.Background(), cfg, nil); err != nil {
		t.Fatal(err)
	}
}

// Crash safety on the real handlers: cancel apply (and destroy) after a
// seeded random number of API calls, then run again.
func TestSandboxCancelAtRandomMomentsThenResume(t *testing.T) {
	trials := 50
	if testing.Short() {
		trials = 5
	}
	sb, cfg := openSandbox(t, sandbox.Options{})
	cancelThenResume(t, sb, cfg, fullArch(t), trials, 450, rand.New(rand.NewPCG(2026, 11)))
}

// cancelThenResume cancels an apply of a after up to maxCalls API calls,
// applies again and checks one of each, then downs (half the time after
// an interrupted down) and checks nothing is left, trials times.
func cancelThenResume(t *testing.T, sb *sandbox.Sandbox, cfg Config, a arch.Architecture, trials, maxCalls int, rng *rand.Rand) {
	t.Helper()
	for trial := 0; trial < trials; trial++ {
		stopAt := 1 + rng.IntN(maxCalls)
		sb.ResetCalls()
		ctx, cancel := context.WithCancel(context.Background())
		watch := make(chan struct{})
		go func() {
			defer close(watch)
			for ctx.Err() == nil {
				if sb.TotalCalls() >= stopAt {
					cancel()
					return
				}
				time.Sleep(50 * time.Microsecond)
			}
		}()
		_, err := planApply(t, ctx, cfg, a, nil)
		cancel()
		<-watch
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Fatalf("trial %d (stop at call %d): %v", trial, stopAt, err)
		}
		if _, err := planApply(t, context.Background(), cfg, a, nil); err != nil {
			t.Fatalf("trial %d resume: %v", trial, err)
		}
		var dup []string
		for id, n := range liveIDs(t, cfg) {
			if n != 1 {
				dup = append(dup, id)
			}
		}
		sort.Strings(dup)
		if len(dup) > 0 {
			t.Fatalf("trial %d (stop at call %d): duplicates %v", trial, stopAt, dup)
		}
		// Interrupt the teardown too, half the time.
		if trial%2 == 1 {
			ctx, cancel := context.WithCancel(context.Background())
			go func() { time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond); cancel() }()
			_ = Destroy(ctx, cfg, nil)
			cancel()
		}
		if err := Destroy(context.Background(), cfg, nil); err != nil {
			t.Fatalf("trial %d destroy: %v", trial, err)
		}
		if n := liveIDs(t, cfg); len(n) != 0 {
			t.Fatalf("trial %d: left %v", trial, n)
		}
	}
}
