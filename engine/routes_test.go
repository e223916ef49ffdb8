package engine

import (
	"context"
	"errors"
	"maps"
	"strings"
	"testing"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/aws"
	"github.com/minimalinfra/mvi/engine/sandbox"
)

// web (the default), api at /api/* and a private redis.
const routesManifest = `name = "routes"
[processes.web]
image = "example/web"
port = 8080
[processes.api]
image = "example/api"
port = 8000
path = "/api/*"
[processes.redis]
image = "redis"
port = 6379
`

func TestRoutesUpUpDownOnSandbox(t *testing.T) {
	_, cfg := openSandbox(t, sandbox.Options{})
	testRoutesUpUpDown(t, cfg)
}

// The same through moto_server: AWS's API as the SDK speaks it.
func TestRoutesUpUpDownOnMoto(t *testing.T) { testRoutesUpUpDown(t, motoConfig(t)) }

// motoConfig is the engine on a moto_server of the test's own.
func motoConfig(t *testing.T) Config {
	return Config{Clients: motoLockClients(t), Handlers: aws.Handlers(), App: "routes", Region: "us-east-1", Account: "123456789012",
		Retry: instant(), Locker: FileLocker{Dir: t.TempDir()}, Dir: exampleDir,
		NoWait: map[string]bool{arch.TypeService: true}} // moto starts no containers
}

// testRoutesUpUpDown: the app comes up with one listener on 80 and one
// rule, sg/lb opens only 80, a second plan changes nothing, and down
// leaves nothing.
func testRoutesUpUpDown(t *testing.T, cfg Config) {
	ctx := context.Background()
	cfg.App = "routes"
	a := design(t, routesManifest)
	if _, err := planApply(t, ctx, cfg, a, nil); err != nil {
		t.Fatal(err)
	}
	n := liveIDs(t, cfg)
	for _, r := range a.Resources {
		if n[r.ID] != 1 {
			t.Errorf("%s (%s) exists %d times", r.ID, r.Type, n[r.ID])
		}
	}
	var own int
	for _, r := range listenerRules(t, cfg) {
		if sdkaws.ToBool(r.IsDefault) {
			continue
		}
		own++
		if sdkaws.ToString(r.Priority) != "1" || len(r.Conditions) != 1 {
			t.Fatalf("rule %s: priority %s, conditions %+v", sdkaws.ToString(r.RuleArn), sdkaws.ToString(r.Priority), r.Conditions)
		}
		if sdkaws.ToString(r.Conditions[0].Field) != "path-pattern" || pathOf(r) != "/api/*" {
			t.Errorf("rule's condition %+v, want path-pattern /api/*", r.Conditions[0])
		}
	}
	if own != 1 {
		t.Errorf("%d rules on the listener, want 1 (api's)", own)
	}
	sgs, err := cfg.Clients.EC2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range sgs.SecurityGroups {
		for _, tag := range g.Tags {
			if sdkaws.ToString(tag.Key) != "mvi:id" || sdkaws.ToString(tag.Value) != arch.IDLBGroup {
				continue
			}
			if len(g.IpPermissions) != 1 || sdkaws.ToInt32(g.IpPermissions[0].FromPort) != 80 || sdkaws.ToInt32(g.IpPermissions[0].ToPort) != 80 {
				t.Errorf("sg/lb opens %+v, want only 80", g.IpPermissions)
			}
		}
	}
	p, err := MakePlan(ctx, cfg, a)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range p.Steps {
		if s.Action != NoOp {
			t.Errorf("second plan: %s %s: %s", s.Action, s.ID, s.Reason)
		}
	}
	snap, err := Status(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Total != len(a.Resources) {
		t.Errorf("status shows %d resources, want %d", snap.Total, len(a.Resources))
	}
	if err := Destroy(ctx, cfg, nil); err != nil {
		t.Fatal(err)
	}
	if n := liveIDs(t, cfg); len(n) != 0 {
		t.Errorf("after down: %v", n)
	}
}

func TestRoutesRenumberOnSandbox(t *testing.T) {
	_, cfg := openSandbox(t, sandbox.Options{})
	testRoutesRenumber(t, cfg)
}

func TestRoutesRenumberOnMoto(t *testing.T) { testRoutesRenumber(t, motoConfig(t)) }

// A process added before api in name order takes priority 1, which api
// holds: the apply moves api aside and renumbers it 2; removing admin
// again gives api back 1. Each apply converges (a second plan is empty).
func testRoutesRenumber(t *testing.T, cfg Config) {
	ctx := context.Background()
	cfg.App = "routes"
	withAdmin := routesManifest + "[processes.admin]\nimage = \"example/admin\"\nport = 9000\npath = \"/admin/*\"\n"
	for _, step := range []struct {
		file string
		want map[string]string // path pattern → priority
	}{
		{routesManifest, map[string]string{"/api/*": "1"}},
		{withAdmin, map[string]string{"/admin/*": "1", "/api/*": "2"}},
		{routesManifest, map[string]string{"/api/*": "1"}},
	} {
		a := design(t, step.file)
		if _, err := planApply(t, ctx, cfg, a, nil); err != nil {
			t.Fatal(err)
		}
		if got := livePriorities(t, cfg); !maps.Equal(got, step.want) {
			t.Errorf("rules %v, want %v", got, step.want)
		}
		p, err := MakePlan(ctx, cfg, a)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range p.Steps {
			if s.Action != NoOp {
				t.Errorf("plan after apply: %s %s: %s", s.Action, s.ID, s.Reason)
			}
		}
	}
	if err := Destroy(ctx, cfg, nil); err != nil {
		t.Fatal(err)
	}
}

// livePriorities reads the one listener's rules: path pattern → priority.
func livePriorities(t *testing.T, cfg Config) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, r := range listenerRules(t, cfg) {
		if p := pathOf(r); !sdkaws.ToBool(r.IsDefault) && p != "" {
			out[p] = sdkaws.ToString(r.Priority)
		}
	}
	return out
}

// listenerRules are the rules of the app's one load balancer's one
// listener, on port 80.
func listenerRules(t *testing.T, cfg Config) []elbtypes.Rule {
	t.Helper()
	ctx := context.Background()
	c := cfg.Clients
	lbs, err := c.ELB.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{})
	if err != nil || len(lbs.LoadBalancers) != 1 {
		t.Fatalf("load balancers: %v, %v", lbs, err)
	}
	ls, err := c.ELB.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: lbs.LoadBalancers[0].LoadBalancerArn})
	if err != nil || len(ls.Listeners) != 1 || sdkaws.ToInt32(ls.Listeners[0].Port) != 80 {
		t.Fatalf("listeners: %+v, %v", ls, err)
	}
	rules, err := c.ELB.DescribeRules(ctx, &elb.DescribeRulesInput{ListenerArn: ls.Listeners[0].ListenerArn})
	if err != nil {
		t.Fatal(err)
	}
	return rules.Rules
}

// pathOf is a rule's first path pattern, in either form AWS answers with.
func pathOf(r elbtypes.Rule) string {
	for _, c := range r.Conditions {
		if sdkaws.ToString(c.Field) != "path-pattern" {
			continue
		}
		if c.PathPatternConfig != nil && len(c.PathPatternConfig.Values) > 0 {
			return c.PathPatternConfig.Values[0]
		}
		if len(c.Values) > 0 {
			return c.Values[0]
		}
	}
	return ""
}

// Under throttling, 5xx and lists that miss what was just made, the rules
// still converge: a retried create finds its rule by its tags. An apply
// cut short by a fault elsewhere (other handlers still give up on some
// faults) is run again, as its error tells a person to; so is one whose
// plan's list missed a copy an earlier cut-short try left (the next plan
// deletes it), until a plan on a sound sandbox has nothing to do.
func TestRoutesConvergeUnderInjectedFaults(t *testing.T) {
	dir := t.TempDir()
	_, faulty := openSandbox(t, sandbox.Options{Dir: dir, Seed: 7, Faults: sandbox.Faults{Rate: 0.15, Throttle: true, Server: true, NotFoundAfterCreate: true}})
	faulty.App = "routes"
	_, cfg := openSandbox(t, sandbox.Options{Dir: dir})
	cfg.App = "routes"
	withAdmin := design(t, routesManifest+"[processes.admin]\nimage = \"example/admin\"\nport = 9000\npath = \"/admin/*\"\n")
	var err error
	for try := 0; try < 5; try++ {
		if _, err = planApply(t, context.Background(), faulty, withAdmin, nil); err == nil {
			if p, perr := MakePlan(context.Background(), cfg, withAdmin); perr == nil && p.Changes() == 0 {
				break
			}
			err = errors.New("an apply succeeded and left something to do")
			continue
		}
		if strings.Contains(err.Error(), "listener-rule/") {
			t.Fatalf("a rule gave up under faults: %v", err)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	if got := livePriorities(t, cfg); !maps.Equal(got, map[string]string{"/admin/*": "1", "/api/*": "2"}) {
		t.Errorf("rules %v", got)
	}
	p, err := MakePlan(context.Background(), cfg, withAdmin)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range p.Steps {
		if s.Action != NoOp {
			t.Errorf("not converged: %s %s: %s", s.Action, s.ID, s.Reason)
		}
	}
	if err := Destroy(context.Background(), cfg, nil); err != nil {
		t.Fatal(err)
	}
}
