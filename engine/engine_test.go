package engine

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/smithy-go"
	"github.com/minimalinfra/mvi/engine/arch"
)

func fakeConfig(c *fakeCloud, a arch.Architecture) Config {
	return Config{Handlers: c.handlers(a), App: a.App, Region: a.Region, Retry: instant(), Parallel: 4, Dir: exampleDir}
}

func planApply(t *testing.T, ctx context.Context, cfg Config, a arch.Architecture, events chan<- Event) (Plan, error) {
	t.Helper()
	p, err := MakePlan(ctx, cfg, a)
	if err != nil {
		return p, err
	}
	return p, Apply(ctx, cfg, p, events)
}

func TestApplyBuildsEverythingOnceInDependencyOrder(t *testing.T) {
	c := newFake()
	c.readyAt = 2
	a := fullArch(t)
	cfg := fakeConfig(c, a)
	p, err := planApply(t, context.Background(), cfg, a, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Count(Create) != len(a.Resources) {
		t.Errorf("planned %d creates for %d resources", p.Count(Create), len(a.Resources))
	}
	n := c.count()
	for _, r := range a.Resources {
		if n[r.ID] != 1 {
			t.Errorf("%s exists %d times", r.ID, n[r.ID])
		}
		for _, d := range append(append([]string(nil), r.DependsOn...), r.After...) {
			if !c.startTime[r.ID].After(c.readyTime[d]) && !c.startTime[r.ID].Equal(c.readyTime[d]) {
				t.Errorf("%s started before %s was ready", r.ID, d)
			}
		}
	}
	if hc, _ := a.Get(arch.IDSmokeCheck); len(hc.After) == 0 {
		t.Error("the smoke check comes after nothing: the order above proves nothing of it")
	}
	if c.maxFlight > cfg.Parallel {
		t.Errorf("%d calls in flight, limit %d", c.maxFlight, cfg.Parallel)
	}
	again, err := MakePlan(context.Background(), cfg, a)
	if err != nil {
		t.Fatal(err)
	}
	if again.Changes() != 0 {
		t.Errorf("second plan has %d changes", again.Changes())
	}
}

func TestPlanUpdatesChangedAndDeletesRemoved(t *testing.T) {
	c := newFake()
	a := fullArch(t)
	cfg := fakeConfig(c, a)
	if _, err := planApply(t, context.Background(), cfg, a, nil); err != nil {
		t.Fatal(err)
	}
	m := fullManifest()
	m.Database = nil
	m.Processes["web"].Count = 4
	b, err := arch.Design(m)
	if err != nil {
		t.Fatal(err)
	}
	p, err := MakePlan(context.Background(), cfg, b)
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]Action{}
	for _, s := range p.Steps {
		actions[s.ID] = s.Action
	}
	for id, want := range map[string]Action{"database": Delete, "sg/db": Delete, "subnet/private-a": Delete,
		"service/web": Update, "task-definition/web": Update, "vpc": NoOp} {
		if actions[id] != want {
			t.Errorf("%s: %s, want %s", id, actions[id], want)
		}
	}
	// Dropping [database] loses its data: the person agreed to it.
	cfg.AllowDataLoss = true
	if err := Apply(context.Background(), cfg, p, nil); err != nil {
		t.Fatal(err)
	}
	if n := c.count(); n["database"] != 0 || n["service/web"] != 1 {
		t.Errorf("after apply: database ×%d, service/web ×%d", n["database"], n["service/web"])
	}
	// Deletes ran dependents first: the database before its subnet group.
	idx := map[string]int{}
	for i, l := range c.log {
		if strings.HasPrefix(l, "delete ") {
			idx[strings.TrimPrefix(l, "delete ")] = i
		}
	}
	if idx["database"] > idx["db-subnets"] || idx["db-subnets"] > idx["subnet/private-a"] {
		t.Errorf("delete order: database %d, db-subnets %d, subnet %d", idx["database"], idx["db-subnets"], idx["subnet/private-a"])
	}
}

func TestDuplicatesFromACrashAreDeleted(t *testing.T) {
	c := newFake()
	a := fullArch(t)
	cfg := fakeConfig(c, a)
	if _, err := planApply(t, context.Background(), cfg, a, nil); err != nil {
		t.Fatal(err)
	}
	c.res["p-9999"] = resource.Live{ID: "vpc", Type: "AWS::EC2::VPC", PhysicalID: "p-9999", Hash: "pending"}
	p, err := planApply(t, context.Background(), cfg, a, nil)
	if err != nil {
		t.Fatal(err)
	}
	var del *Step
	for i := range p.Steps {
		if p.Steps[i].Action == Delete {
			del = &p.Steps[i]
		}
	}
	if p.Count(Delete) != 1 || del.Live.PhysicalID != "p-9999" || !strings.Contains(del.Reason, "duplicate") {
		t.Errorf("plan: %d deletes, %+v", p.Count(Delete), del)
	}
	if c.count()["vpc"] != 1 {
		t.Errorf("vpc ×%d after apply", c.count()["vpc"])
	}
}

func TestTransientErrorsAreRetriedUntilConvergence(t *testing.T) {
	c := newFake()
	a := fullArch(t)
	seen := map[string]int{}
	c.fail = func(op, id string) error {
		c.mu.Lock()
		defer c.mu.Unlock()
		k := op + " " + id
		seen[k]++
		switch seen[k] {
		case 1:
			return apiErr("Throttling", smithy.FaultClient)
		case 2:
			return &smithy.GenericAPIError{Code: "InternalError", Fault: smithy.FaultServer}
		case 3:
			if op == "ready" {
				return apiErr("InvalidVpcID.NotFound", smithy.FaultClient)
			}
		}
		return nil
	}
	cfg := fakeConfig(c, a)
	var retries atomic.Int64
	events := make(chan Event, 64)
	go func() {
		for e := range events {
			if e.Phase == PhaseRetry {
				retries.Add(1)
			}
		}
	}()
	if _, err := planApply(t, context.Background(), cfg, a, events); err != nil {
		t.Fatal(err)
	}
	close(events)
	if p, _ := MakePlan(context.Background(), cfg, a); p.Changes() != 0 {
		t.Errorf("not converged: %d changes", p.Changes())
	}
	if retries.Load() == 0 {
		t.Error("no retry events")
	}
}

func TestPermanentErrorStopsNamingResourceAndCode(t *testing.T) {
	c := newFake()
	a := fullArch(t)
	c.fail = func(op, id string) error {
		if op == "create" && id == "database" {
			return apiErr("InvalidParameterCombination", smithy.FaultClient)
		}
		return nil
	}
	cfg := fakeConfig(c, a)
	_, err := planApply(t, context.Background(), cfg, a, nil)
	if err == nil {
		t.Fatal("apply succeeded")
	}
	for _, want := range []string{"create database", "InvalidParameterCombination", "fix:", "mvi up"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if n := c.count(); n["task-definition/web"] != 0 {
		t.Error("a dependent of the failed database was built")
	}
}

// Crash safety: cancel at seeded random moments; each re-run converges
// with no duplicates, and destroy leaves nothing.
func TestCancelAtRandomMomentsThenResume(t *testing.T) {
	a := fullArch(t)
	rng := rand.New(rand.NewPCG(7, 11))
	for trial := 0; trial < 60; trial++ {
		c := newFake()
		cfg := fakeConfig(c, a)
		ctx, cancel := context.WithCancel(context.Background())
		stopAt := int64(rng.IntN(250))
		var calls atomic.Int64
		c.fail = func(op, id string) error {
			if calls.Add(1) == stopAt {
				cancel()
			}
			return nil
		}
		_, err := planApply(t, ctx, cfg, a, nil)
		cancel()
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Fatalf("trial %d: %v", trial, err)
		}
		c.fail = nil
		if _, err := planApply(t, context.Background(), cfg, a, nil); err != nil {
			t.Fatalf("trial %d resume: %v", trial, err)
		}
		for id, n := range c.count() {
			if n != 1 {
				t.Fatalf("trial %d: %s ×%d", trial, id, n)
			}
		}
		if err := Destroy(context.Background(), cfg, nil); err != nil {
			t.Fatalf("trial %d destroy: %v", trial, err)
		}
		if len(c.res) != 0 {
			t.Fatalf("trial %d: %d left", trial, len(c.res))
		}
	}
}

func TestDestroyProvesNothingIsLeft(t *testing.T) {
	c := newFake()
	a := fullArch(t)
	cfg := fakeConfig(c, a)
	if _, err := planApply(t, context.Background(), cfg, a, nil); err != nil {
		t.Fatal(err)
	}
	c.sticky = map[string]bool{"bucket": true}
	err := Destroy(context.Background(), cfg, nil)
	if err == nil || !strings.Contains(err.Error(), "bucket") || !strings.Contains(err.Error(), "1 resource(s) still exist") {
		t.Fatalf("destroy: %v", err)
	}
	c.sticky = nil
	if err := Destroy(context.Background(), cfg, nil); err != nil {
		t.Fatal(err)
	}
}

func TestEventsCountToTheTotal(t *testing.T) {
	c := newFake()
	a := fullArch(t)
	cfg := fakeConfig(c, a)
	events := make(chan Event, 1024)
	if _, err := planApply(t, context.Background(), cfg, a, events); err != nil {
		t.Fatal(err)
	}
	close(events)
	var last Event
	dones := 0
	for e := range events {
		if e.Phase == PhaseDone {
			dones++
			last = e
		}
	}
	if dones != len(a.Resources) || last.Done != last.Total || last.Total != len(a.Resources) {
		t.Errorf("%d done events, last %d/%d, %d resources", dones, last.Done, last.Total, len(a.Resources))
	}
	if !strings.Contains(last.String(), "done") {
		t.Errorf("event line %q", last.String())
	}
}

func TestFileLockerKeepsTwoAppliesApart(t *testing.T) {
	l := FileLocker{Dir: t.TempDir()}
	unlock, err := l.Lock(context.Background(), "shop")
	if err != nil {
		t.Fatal(err)
	}
	c := newFake()
	a := fullArch(t)
	cfg := fakeConfig(c, a)
	cfg.Locker = l
	p, _ := MakePlan(context.Background(), cfg, a)
	err = Apply(context.Background(), cfg, p, nil)
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "pid") {
		t.Fatalf("second apply: %v", err)
	}
	if len(c.res) != 0 {
		t.Error("locked apply changed something")
	}
	unlock()
	if err := Apply(context.Background(), cfg, p, nil); err != nil {
		t.Fatal(err)
	}
}

func TestPlanEstimatesMonthlyCost(t *testing.T) {
	c := newFake()
	a := fullArch(t)
	p, err := MakePlan(context.Background(), fakeConfig(c, a), a)
	if err != nil {
		t.Fatal(err)
	}
	// 2 t3.small + IPv4 + disks ≈ $40, ALB ≈ $22, RDS ≈ $14: well inside.
	if p.MonthlyUSD < 60 || p.MonthlyUSD > 200 || p.PricesDated == "" {
		t.Errorf("estimate $%.2f (prices %q)", p.MonthlyUSD, p.PricesDated)
	}
}

// exampleDir holds the full example's Dockerfile: the tests' build = "."
// processes are built from it.
const exampleDir = "../assets/examples/full"
