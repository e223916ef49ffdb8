package engine

import (
	"context"
	"errors"
	"strings"
	"testing"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/minimalinfra/mvi/engine/resource"
	"github.com/minimalinfra/mvi/engine/sandbox"
)

func helloDesign(t *testing.T, image string) arch.Architecture {
	t.Helper()
	m, err := manifest.Parse("mvi.toml", []byte("name = \"hello\"\n[processes.web]\nimage = \""+image+"\"\nport = 80\n"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := arch.Design(m)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// A release that never starts is rolled back by the circuit breaker; up
// must say so (not "is up"), and the next plan must not trust the tag
// written for a release that isn't running.
func TestRolledBackReleaseFailsTheApplyAndPlansAgain(t *testing.T) {
	_, cfg := openSandbox(t, sandbox.Options{})
	cfg.App = "hello"
	ctx := context.Background()
	if _, err := planApply(t, ctx, cfg, helloDesign(t, "nginx"), nil); err != nil {
		t.Fatal(err)
	}
	_, err := planApply(t, ctx, cfg, helloDesign(t, "nginx:lastest"), nil)
	var rb *resource.RolledBackError
	if !errors.As(err, &rb) {
		t.Fatalf("apply of an unpullable image: %v, want a RolledBackError", err)
	}
	if !strings.HasSuffix(rb.Wanted, ":2") || !strings.HasSuffix(rb.Running, ":1") || !strings.Contains(err.Error(), "fix:") {
		t.Errorf("rolled back %q → %q: %v", rb.Wanted, rb.Running, err)
	}
	// The person reads ECS's own reason, not just "failed to start".
	if !strings.Contains(rb.Stopped, "CannotPullContainerError") || !strings.Contains(err.Error(), "a task stopped: ") {
		t.Errorf("the stopped task's reason is missing: %q", rb.Stopped)
	}
	p, err := MakePlan(ctx, cfg, helloDesign(t, "nginx:lastest"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range p.Steps {
		if s.ID == "service/web" && s.Action == NoOp {
			t.Error("after a rollback the plan says the service is up to date")
		}
	}
}

// A new image is a new release: the plan must update the service, not just
// register a task definition revision nobody runs.
func TestNewImageRollsTheServiceToTheNewRevision(t *testing.T) {
	_, cfg := openSandbox(t, sandbox.Options{})
	cfg.App = "hello"
	ctx := context.Background()
	if _, err := planApply(t, ctx, cfg, helloDesign(t, "httpd"), nil); err != nil {
		t.Fatal(err)
	}
	p, err := MakePlan(ctx, cfg, helloDesign(t, "nginx"))
	if err != nil {
		t.Fatal(err)
	}
	acts := map[string]Action{}
	for _, s := range p.Steps {
		acts[s.ID] = s.Action
	}
	for _, s := range p.Steps {
		if s.ID == "task-definition/web" && s.Reason != "image httpd → nginx" {
			t.Errorf("the plan says %q, not what changes", s.Reason)
		}
	}
	if acts["task-definition/web"] == NoOp || acts["service/web"] == NoOp {
		t.Fatalf("image change plans task definition %s and service %s; both must change", acts["task-definition/web"], acts["service/web"])
	}
	if err := Apply(ctx, cfg, p, nil); err != nil {
		t.Fatal(err)
	}
	out, err := cfg.Clients.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{
		Cluster: sdkaws.String(arch.PhysicalName("hello", "cluster")), Services: []string{arch.PhysicalName("hello", "service/web")}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Services) != 1 {
		t.Fatalf("%d services", len(out.Services))
	}
	td := sdkaws.ToString(out.Services[0].TaskDefinition)
	if !strings.HasSuffix(td, ":2") {
		t.Errorf("service runs %s, want revision 2", td)
	}
}
