package engine

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/minimalinfra/mvi/engine/sandbox"
)

func rotateArch(t *testing.T) arch.Architecture {
	t.Helper()
	m, err := manifest.Parse("mvi.toml", []byte(`name = "shop"
secrets = ["API_KEY", "DB_PASS"]
[processes.web]
image = "httpd"
port = 80
env = { DSN = "mysql://u:${secrets.DB_PASS}@h/x" }
[processes.worker]
image = "httpd"
`))
	if err != nil {
		t.Fatal(err)
	}
	a, err := arch.Design(m)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func stepsByID(p Plan) map[string]Step {
	out := map[string]Step{}
	for _, s := range p.Steps {
		out[s.ID] = s
	}
	return out
}

func wantNoChange(t *testing.T, ctx context.Context, cfg Config, a arch.Architecture, when string) {
	t.Helper()
	p, err := MakePlan(ctx, cfg, a)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range p.Steps {
		if s.Action != NoOp {
			t.Errorf("%s: %s %s: %s", when, s.Action, s.ID, s.Reason)
		}
	}
}

// serviceRevision is the revision a service runs and the revisions its
// running tasks run.
func serviceRevision(t *testing.T, ctx context.Context, cfg Config, process string) (string, []string) {
	t.Helper()
	cluster := sdkaws.String(arch.PhysicalName(cfg.App, "cluster"))
	out, err := cfg.Clients.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: cluster, Services: []string{arch.PhysicalName(cfg.App, arch.ServiceID(process))}})
	if err != nil || len(out.Services) != 1 {
		t.Fatalf("describe service %s: %v", process, err)
	}
	tasks, err := cfg.Clients.ECS.ListTasks(ctx, &ecs.ListTasksInput{Cluster: cluster, ServiceName: out.Services[0].ServiceName})
	if err != nil {
		t.Fatal(err)
	}
	var revs []string
	if len(tasks.TaskArns) > 0 {
		d, err := cfg.Clients.ECS.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: cluster, Tasks: tasks.TaskArns})
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range d.Tasks {
			if sdkaws.ToString(k.LastStatus) == "RUNNING" {
				revs = append(revs, sdkaws.ToString(k.TaskDefinitionArn))
			}
		}
	}
	return sdkaws.ToString(out.Services[0].TaskDefinition), revs
}

// Issue 11: a new value of a secret rolls the processes that read it.
// ECS reads secrets only when a container starts, so the plan pins each
// task definition to the versions of its secrets: a new value is a new
// revision, which the services roll out. Moving a value under another key
// is no new value and restarts nothing. No value shows in any plan.
func TestChangedSecretRollsItsProcesses(t *testing.T) {
	_, cfg := openSandbox(t, sandbox.Options{})
	ctx := context.Background()
	a := rotateArch(t)
	for _, n := range []string{"API_KEY", "DB_PASS"} {
		if err := SetSecret(ctx, cfg, n, []byte("canary-first-"+n)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := planApply(t, ctx, cfg, a, nil); err != nil {
		t.Fatal(err)
	}
	wantNoChange(t, ctx, cfg, a, "a second plan")
	first, _ := serviceRevision(t, ctx, cfg, "web")

	if err := SetSecret(ctx, cfg, "DB_PASS", []byte("canary-second")); err != nil {
		t.Fatal(err)
	}
	p, err := MakePlan(ctx, cfg, a)
	if err != nil {
		t.Fatal(err)
	}
	by := stepsByID(p)
	changed := "secret DB_PASS changed (version 1 → 2)"
	for _, id := range []string{"task-definition/web", "task-definition/worker", arch.EnvParameterID("web", "DSN")} {
		if s := by[id]; s.Action != Update || s.Reason != changed {
			t.Errorf("%s: %s %q, want update %q", id, s.Action, s.Reason, changed)
		}
	}
	for _, p := range []string{"web", "worker"} {
		s := by[arch.ServiceID(p)]
		if s.Action != Update || !strings.Contains(s.Reason, "a rolling deployment of the new task-definition/"+p+" ("+changed+")") {
			t.Errorf("service/%s: %s %q", p, s.Action, s.Reason)
		}
	}
	if n := p.Changes(); n != 5 {
		t.Errorf("%d changes, want 2 task definitions, 2 services and the DSN", n)
	}
	js, _ := json.Marshal(p)
	if strings.Contains(string(js), "canary") {
		t.Error("the plan shows a secret's value")
	}
	if err := Apply(ctx, cfg, p, nil); err != nil {
		t.Fatal(err)
	}
	now, running := serviceRevision(t, ctx, cfg, "web")
	if now == first || !strings.HasSuffix(now, ":2") {
		t.Errorf("web runs %s after the change, %s before: want a new revision", now, first)
	}
	if len(running) == 0 {
		t.Error("no web task runs after the rollout")
	}
	for _, r := range running {
		if r != now {
			t.Errorf("a web task still runs %s, not %s", r, now)
		}
	}
	wantNoChange(t, ctx, cfg, a, "after the rollout")

	// The values set before the first up are under the account's default
	// key; moving them under the app's is the same value: nothing rolls.
	moved, err := RekeySecrets(ctx, cfg, true)
	if err != nil || len(moved) != 1 || moved[0] != "API_KEY" {
		t.Fatalf("rekey moved %v, %v", moved, err)
	}
	wantNoChange(t, ctx, cfg, a, "after the rekey")
	if err := SetSecret(ctx, cfg, "API_KEY", []byte("canary-third")); err != nil {
		t.Fatal(err)
	}
	p, err = MakePlan(ctx, cfg, a)
	if err != nil {
		t.Fatal(err)
	}
	by = stepsByID(p)
	if s := by["task-definition/worker"]; s.Action != Update || s.Reason != "secret API_KEY changed (version 1 → 3)" {
		t.Errorf("after a new value of a moved secret: %s %q", s.Action, s.Reason)
	}
	if s := by[arch.EnvParameterID("web", "DSN")]; s.Action != NoOp {
		t.Errorf("the DSN doesn't read API_KEY, yet: %s %q", s.Action, s.Reason)
	}
}
