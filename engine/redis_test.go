package engine

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/sandbox"
)

const redisApp = "name = \"shop\"\n[processes.web]\nimage = \"httpd\"\nport = 80\n[processes.worker]\nimage = \"busybox\"\n"

// Up with a Redis, up again changes nothing, every process gets
// REDIS_URL as a secret whose value is the TLS URL with the generated
// token, the plan prices the node, and down leaves nothing.
func TestRedisUpUpDown(t *testing.T) {
	_, cfg := openSandbox(t, sandbox.Options{})
	ctx := context.Background()
	a := design(t, redisApp+"[kv]\nengine = \"redis\"\n")
	var events []Event
	ch := make(chan Event, 4096)
	done := make(chan struct{})
	go func() {
		for e := range ch {
			events = append(events, e)
		}
		close(done)
	}()
	p, err := planApply(t, ctx, cfg, a, ch)
	close(ch)
	<-done
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range p.Steps {
		if s.ID == arch.IDCache {
			if want := 0.0128 * 730; math.Abs(s.MonthlyUSD-want) > 0.01 {
				t.Errorf("the Redis costs $%.2f a month in the plan, want $%.2f (one cache.t4g.micro)", s.MonthlyUSD, want)
			}
		}
	}
	n := liveIDs(t, cfg)
	for _, id := range []string{arch.IDCache, arch.IDCacheSubnets, arch.IDCacheToken, arch.IDKVURL, arch.IDCacheGroup} {
		if n[id] != 1 {
			t.Errorf("%s ×%d", id, n[id])
		}
	}
	if n[arch.IDTable] != 0 {
		t.Error("an app whose KV is Redis and builds nothing got a table")
	}

	// The token: generated, in SSM, in the URL, and nowhere else.
	tok := getParam(t, cfg, arch.CacheTokenName("shop"))
	u, err := url.Parse(getParam(t, cfg, arch.KVURLName("shop")))
	if err != nil {
		t.Fatal(err)
	}
	pw, _ := u.User.Password()
	if u.Scheme != "rediss" || pw != tok || u.User.Username() != "" || u.Port() != "6379" || !strings.HasPrefix(u.Hostname(), "master.") {
		t.Errorf("REDIS_URL is %s://…@%s, want rediss://:TOKEN@master…:6379", u.Scheme, u.Host)
	}
	for _, proc := range []string{"web", "worker"} {
		td, err := cfg.Clients.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: sdkaws.String(familyOf(t, cfg, proc))})
		if err != nil {
			t.Fatal(err)
		}
		c := td.TaskDefinition.ContainerDefinitions[0]
		found := false
		for _, s := range c.Secrets {
			found = found || (sdkaws.ToString(s.Name) == "REDIS_URL" && strings.HasSuffix(sdkaws.ToString(s.ValueFrom), arch.KVURLName("shop")))
		}
		if !found {
			t.Errorf("%s: REDIS_URL is not a secret from %s: %+v", proc, arch.KVURLName("shop"), c.Secrets)
		}
		for _, e := range c.Environment {
			if strings.Contains(sdkaws.ToString(e.Value), tok) || sdkaws.ToString(e.Name) == "REDIS_URL" {
				t.Errorf("%s: plain env %s carries the Redis", proc, sdkaws.ToString(e.Name))
			}
		}
	}
	for _, e := range events {
		if strings.Contains(e.Detail, tok) || (e.Err != nil && strings.Contains(e.Err.Error(), tok)) {
			t.Errorf("an event shows the token: %+v", e)
		}
	}

	p, err = MakePlan(ctx, cfg, a)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range p.Steps {
		if s.Action != NoOp {
			t.Errorf("second plan: %s %s: %s", s.Action, s.ID, s.Reason)
		}
	}
	if err := Destroy(ctx, cfg, nil); err != nil {
		t.Fatal(err)
	}
	if n := liveIDs(t, cfg); len(n) != 0 {
		t.Errorf("down left %v", n)
	}
}

// Going back to DynamoDB deletes the Redis and what it holds: the plan
// says so, and nothing changes until the person agrees.
func TestRemovingTheRedisNeedsConsent(t *testing.T) {
	_, cfg := openSandbox(t, sandbox.Options{})
	ctx := context.Background()
	if _, err := planApply(t, ctx, cfg, design(t, redisApp+"[kv]\nengine = \"redis\"\n"), nil); err != nil {
		t.Fatal(err)
	}
	p, err := MakePlan(ctx, cfg, design(t, redisApp+"[kv]\n"))
	if err != nil {
		t.Fatal(err)
	}
	lost := p.DataLoss()
	if len(lost) != 1 || lost[0].ID != arch.IDCache || !strings.Contains(lost[0].Reason, "lost") {
		t.Fatalf("data loss planned: %+v", lost)
	}
	err = Apply(ctx, cfg, p, nil)
	var dl *DataLossError
	if !errors.As(err, &dl) {
		t.Fatalf("apply without consent: %v", err)
	}
	if n := liveIDs(t, cfg); n[arch.IDCache] != 1 {
		t.Fatal("a refused apply deleted the Redis")
	}
	cfg.AllowDataLoss = true
	if err := Apply(ctx, cfg, p, nil); err != nil {
		t.Fatal(err)
	}
	n := liveIDs(t, cfg)
	if n[arch.IDCache] != 0 || n[arch.IDCacheSubnets] != 0 || n[arch.IDKVURL] != 0 || n[arch.IDTable] != 1 {
		t.Errorf("after the switch to DynamoDB: %v", n)
	}
}

func getParam(t *testing.T, cfg Config, name string) string {
	t.Helper()
	out, err := cfg.Clients.SSM.GetParameter(context.Background(), &ssm.GetParameterInput{Name: sdkaws.String(name), WithDecryption: sdkaws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	return sdkaws.ToString(out.Parameter.Value)
}

// familyOf is the task definition family of a process, as the live
// resource names it.
func familyOf(t *testing.T, cfg Config, proc string) string {
	t.Helper()
	live, err := listAll(context.Background(), cfg, []string{arch.TypeTaskDefinition})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range live {
		if l.ID == arch.TaskDefinitionID(proc) {
			return l.PhysicalID
		}
	}
	t.Fatalf("no task definition for %s", proc)
	return ""
}

// Throttling, 5xx and a Redis that isn't visible yet right after its
// create: up still converges to one of each, and down leaves nothing.
func TestRedisConvergesUnderInjectedFaults(t *testing.T) {
	dir := t.TempDir()
	_, faulty := openSandbox(t, sandbox.Options{Dir: dir, Seed: 7, Faults: sandbox.Faults{Rate: 0.1, Throttle: true, Server: true, NotFoundAfterCreate: true}})
	a := design(t, redisApp+"[kv]\nengine = \"redis\"\n")
	if _, err := planApply(t, context.Background(), faulty, a, nil); err != nil {
		t.Fatal(err)
	}
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
	if n := liveIDs(t, cfg); len(n) != 0 {
		t.Errorf("down left %v", n)
	}
}

// A bigger node is a change in place: no data loss, the same Redis, a
// new node type once ElastiCache has scaled it.
func TestRedisNodeTypeChangesInPlace(t *testing.T) {
	_, cfg := openSandbox(t, sandbox.Options{})
	ctx := context.Background()
	if _, err := planApply(t, ctx, cfg, design(t, redisApp+"[kv]\nengine = \"redis\"\n"), nil); err != nil {
		t.Fatal(err)
	}
	before, err := listAll(ctx, cfg, []string{arch.TypeReplicationGroup})
	if err != nil {
		t.Fatal(err)
	}
	p, err := MakePlan(ctx, cfg, design(t, redisApp+"[kv]\nengine = \"redis\"\nsize = \"cache.t4g.small\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range p.Steps {
		if s.Action == NoOp {
			continue
		}
		if s.ID != arch.IDCache || s.Action != Update || s.DataLoss || !strings.Contains(s.Reason, "cache.t4g.micro → cache.t4g.small") {
			t.Errorf("planned %s %s (data loss %v): %s", s.Action, s.ID, s.DataLoss, s.Reason)
		}
	}
	if err := Apply(ctx, cfg, p, nil); err != nil {
		t.Fatal(err)
	}
	after, err := listAll(ctx, cfg, []string{arch.TypeReplicationGroup})
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != 1 || after[0].PhysicalID != before[0].PhysicalID || after[0].Attrs["node_type"] != "cache.t4g.small" {
		t.Errorf("after the change: %+v", after)
	}
}

// An up cut off anywhere, a Redis half made included, resumes to one of
// each; a down cut off anywhere finishes with nothing left.
func TestRedisCancelAtRandomMomentsThenResume(t *testing.T) {
	trials := 10
	if testing.Short() {
		trials = 3
	}
	sb, cfg := openSandbox(t, sandbox.Options{})
	cancelThenResume(t, sb, cfg, design(t, redisApp+"[kv]\nengine = \"redis\"\n"), trials, 250, rand.New(rand.NewPCG(13, 6379)))
}

// A down that finds the Redis still being made waits until ElastiCache
// lets it go (InvalidReplicationGroupState), then leaves nothing.
func TestDownWhileTheRedisIsBeingMade(t *testing.T) {
	sb, cfg := tickingSandbox(t)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for ctx.Err() == nil {
			if sb.Calls()["ElastiCache.CreateReplicationGroup"] > 0 {
				cancel()
				return
			}
			time.Sleep(100 * time.Microsecond)
		}
	}()
	_, err := planApply(t, ctx, cfg, design(t, redisApp+"[kv]\nengine = \"redis\"\n"), nil)
	cancel()
	if err != nil && !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	if err := Destroy(context.Background(), cfg, nil); err != nil {
		t.Fatal(err)
	}
	if n := liveIDs(t, cfg); len(n) != 0 {
		t.Errorf("down left %v", n)
	}
	if n := sb.Calls()["ElastiCache.DeleteReplicationGroup"]; n < 2 {
		t.Errorf("DeleteReplicationGroup called %d time(s): the down never met the Redis being made", n)
	}
}

// tickingSandbox is a sandbox at AWS's pace whose clock runs 20 times
// faster than the wall's: a Redis takes a second to make, and a change
// meets it modifying.
func tickingSandbox(t *testing.T) (*sandbox.Sandbox, Config) {
	t.Helper()
	clk := sandbox.NewManualClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	sb, cfg := openSandbox(t, sandbox.Options{Speed: 1, Clock: clk})
	stop := make(chan struct{})
	ticked := make(chan struct{})
	go func() {
		defer close(ticked)
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
				clk.Advance(20 * time.Millisecond)
			}
		}
	}()
	t.Cleanup(func() { close(stop); <-ticked })
	return sb, cfg
}

// A replica more, or one less, is a change in place: ElastiCache adds
// it and then turns failover on, or turns failover off and then removes
// it, each step once the group is available again.
func TestRedisNodesChangeInPlace(t *testing.T) {
	_, cfg := tickingSandbox(t)
	ctx := context.Background()
	one := design(t, redisApp+"[kv]\nengine = \"redis\"\n")
	two := design(t, redisApp+"[kv]\nengine = \"redis\"\nnodes = 2\n")
	if _, err := planApply(t, ctx, cfg, one, nil); err != nil {
		t.Fatal(err)
	}
	cache := func() map[string]string {
		ls, err := listAll(ctx, cfg, []string{arch.TypeReplicationGroup})
		if err != nil || len(ls) != 1 {
			t.Fatalf("%d groups, %v", len(ls), err)
		}
		return ls[0].Attrs
	}
	name := cache()["name"]
	for _, tc := range []struct {
		a               arch.Architecture
		nodes, failover string
	}{{two, "2", "enabled"}, {one, "1", "disabled"}} {
		p, err := MakePlan(ctx, cfg, tc.a)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range p.Steps {
			if s.ID == arch.IDCache && (s.Action != Update || s.DataLoss || !strings.Contains(s.Reason, "nodes")) {
				t.Errorf("nodes → %s planned as %s (data loss %v): %s", tc.nodes, s.Action, s.DataLoss, s.Reason)
			}
		}
		if err := Apply(ctx, cfg, p, nil); err != nil {
			t.Fatal(err)
		}
		if at := cache(); at["nodes"] != tc.nodes || at["automatic_failover"] != tc.failover || at["name"] != name {
			t.Errorf("after nodes → %s: %v", tc.nodes, at)
		}
	}
}
