package tutorials

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/minimalinfra/mvi/engine"
	engineaws "github.com/minimalinfra/mvi/engine/aws"
	"github.com/minimalinfra/mvi/engine/resource"
	"github.com/minimalinfra/mvi/engine/sandbox"
	"github.com/minimalinfra/mvi/steps"
)

// recorder keeps what a run reports.
type recorder struct {
	mu     sync.Mutex
	events []engine.Event
	checks []steps.CheckResult
	notes  []string
}

func (r *recorder) Event(e engine.Event) { r.mu.Lock(); r.events = append(r.events, e); r.mu.Unlock() }
func (r *recorder) Check(c steps.CheckResult) {
	r.mu.Lock()
	r.checks = append(r.checks, c)
	r.mu.Unlock()
}
func (r *recorder) Note(s string) { r.mu.Lock(); r.notes = append(r.notes, s); r.mu.Unlock() }

// openSandbox opens an instant sandbox in a temp dir with its data plane
// serving, as `mvi` does when it runs a tutorial.
func openSandbox(t *testing.T) (*sandbox.Sandbox, engine.Config) {
	return openSandboxWith(t, sandbox.Options{})
}

// openSandboxWith is openSandbox with o's clock or latencies.
func openSandboxWith(t *testing.T, o sandbox.Options) (*sandbox.Sandbox, engine.Config) {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	o.Dir, o.Speed = dir, 0
	sb, err := sandbox.Open(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	dp, err := sandbox.Serve(ctx, sb, sandbox.ServeOptions{FlushEvery: 50 * time.Millisecond})
	if err != nil {
		sb.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		dp.Close()
		sb.Close()
	})
	cfg := engine.Config{Clients: sb.Clients(), Handlers: engineaws.Handlers(), Region: "us-east-1", Account: sb.Account(),
		Locker: engine.FileLocker{Dir: filepath.Join(dir, "locks")},
		Retry:  engine.Retry{Base: time.Millisecond, Max: 20 * time.Millisecond, Timeout: 2 * time.Minute}}
	return sb, cfg
}

// RunHeadless completes Hello World on the sandbox: every check of both
// verify steps passes in the end (the second one after a VM was
// terminated), and destroy leaves nothing.
func TestRunHeadlessHelloWorldOnTheSandbox(t *testing.T) {
	tu, err := Load("hello-world")
	if err != nil {
		t.Fatal(err)
	}
	_, cfg := openSandbox(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	rec := &recorder{}
	start := time.Now()
	if err := RunHeadless(ctx, tu, map[string]string{"name": "headless"}, cfg, rec); err != nil {
		t.Fatalf("%v\nlast notes: %q", err, lastN(rec.notes, 5))
	}
	t.Logf("RunHeadless Hello World: %d steps in %s", len(tu.Steps), time.Since(start).Round(time.Millisecond))
	passed := map[string]bool{}
	for _, c := range rec.checks {
		passed[c.Name] = passed[c.Name] || c.OK
	}
	n := 0
	for _, st := range tu.Steps {
		if v, ok := st.(steps.Verify); ok {
			for _, c := range v.Checks {
				n++
				if !passed[c.Title()] {
					t.Errorf("check %q never passed", c.Title())
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("hello-world has no checks")
	}
	var broke bool
	for _, s := range rec.notes {
		broke = broke || strings.HasPrefix(s, "terminated i-")
	}
	if !broke {
		t.Error("no VM was terminated")
	}
	cfg.App = "headless"
	if snap, err := engine.Status(ctx, cfg); err != nil || snap.Total != 0 {
		t.Errorf("after the tutorial %d resources remain (%v)", snap.Total, err)
	}
}

// Watched step by step through Run's hooks: the break really removes a VM
// that the group replaces, and inspect sees the whole app before destroy.
func TestHelloWorldHealsAndInspectSeesIt(t *testing.T) {
	tu, err := Load("hello-world")
	if err != nil {
		t.Fatal(err)
	}
	_, cfg := openSandbox(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	rec := &recorder{}
	start := time.Now()
	// Stop before the destroy step to look at what runs, then finish.
	var destroyAt int
	for i, st := range tu.Steps {
		if st.Kind() == steps.KindDestroy {
			destroyAt = i
		}
	}
	s := &steps.Session{Engine: cfg, Answers: map[string]string{"name": "hi"}}
	var (
		terminated string
		snapBefore *engine.Snapshot // what inspect saw, before destroy
		healed     []string         // the group's VMs in service after the heal verify
	)
	hooks := &Hooks{
		Before: func(_ context.Context, i int, st steps.Step, s *steps.Session) error {
			if i == destroyAt {
				snapBefore = s.Snapshot
			}
			return nil
		},
		After: func(ctx context.Context, next int, s *steps.Session) error {
			switch {
			case tu.Steps[next-1].Kind() == steps.KindBreak:
				rec.mu.Lock()
				terminated = rec.notes[len(rec.notes)-1]
				rec.mu.Unlock()
			case next < len(tu.Steps) && tu.Steps[next].Kind() == steps.KindInspect:
				healed = inService(t, ctx, s)
			}
			return nil
		},
	}
	if err := Run(ctx, tu, s, 0, rec, hooks); err != nil {
		t.Fatalf("%v\nlast notes: %q", err, lastN(rec.notes, 5))
	}
	t.Logf("Hello World: %d steps, %d engine events, %d check attempts, in %s", len(tu.Steps), len(rec.events), len(rec.checks), time.Since(start).Round(time.Millisecond))

	if s.Engine.App != "hi" || !strings.Contains(s.Manifest, `name = "hi"`) || !strings.Contains(s.Manifest, "port = 80") {
		t.Errorf("app %q, manifest:\n%s", s.Engine.App, s.Manifest)
	}
	victim, _, _ := strings.Cut(strings.TrimPrefix(terminated, "terminated "), ",")
	if !strings.HasPrefix(victim, "i-") {
		t.Fatalf("the break step said %q", terminated)
	}
	// Healed means: as many VMs in service as before, and the victim not
	// among them.
	if !slices.Contains(s.Terminated, victim) {
		t.Errorf("the session doesn't remember %s was terminated: %v", victim, s.Terminated)
	}
	if len(healed) != 2 || slices.Contains(healed, victim) {
		t.Errorf("after healing the group has %v in service; %s was terminated", healed, victim)
	}
	if snapBefore == nil || snapBefore.Total == 0 {
		t.Fatal("inspect took no snapshot")
	}
	var lb, vms bool
	for _, svc := range snapBefore.Services {
		for _, r := range svc.Resources {
			lb = lb || r.ID == "lb"
			vms = vms || r.ID == "asg" && r.Gauges["VMs in service"] == "2/2"
		}
	}
	if !lb || !vms {
		t.Errorf("inspect: load balancer %v, 2/2 VMs in service %v", lb, vms)
	}
	// Every check of both verify steps passed in the end, and the HTTP
	// check went through the load balancer's name.
	passed := map[string]bool{}
	for _, c := range rec.checks {
		if c.OK {
			passed[c.Name] = true
		}
	}
	for _, st := range tu.Steps {
		if v, ok := st.(steps.Verify); ok {
			for _, c := range v.Checks {
				if !passed[c.Title()] {
					t.Errorf("check %q never passed", c.Title())
				}
			}
		}
	}
	var sawLB bool
	for _, c := range rec.checks {
		sawLB = sawLB || c.OK && strings.Contains(c.Detail, ".elb.amazonaws.com/: 200")
	}
	if !sawLB {
		t.Errorf("no HTTP 200 through the load balancer's DNS name among %d checks", len(rec.checks))
	}
	if s.Snapshot != nil {
		t.Error("destroy left a snapshot behind")
	}
	snap, err := engine.Status(ctx, s.Engine)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Total != 0 {
		t.Errorf("after destroy %d resources remain: %+v", snap.Total, snap.Services)
	}
}

func lastN(s []string, n int) []string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// inService lists the app's VM group's instances in service.
func inService(t *testing.T, ctx context.Context, s *steps.Session) []string {
	t.Helper()
	ls, err := s.Engine.Handlers["AWS::AutoScaling::AutoScalingGroup"].List(ctx, resource.Env{Clients: s.Engine.Clients, App: s.Engine.App, Region: s.Engine.Region})
	if err != nil || len(ls) != 1 {
		t.Fatalf("VM groups: %v %v", ls, err)
	}
	out, err := s.Engine.Clients.AutoScaling.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{ls[0].PhysicalID}})
	if err != nil || len(out.AutoScalingGroups) != 1 {
		t.Fatalf("describe %s: %v", ls[0].PhysicalID, err)
	}
	var ids []string
	for _, i := range out.AutoScalingGroups[0].Instances {
		if i.LifecycleState == astypes.LifecycleStateInService {
			ids = append(ids, *i.InstanceId)
		}
	}
	return ids
}
