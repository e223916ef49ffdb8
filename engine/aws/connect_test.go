package aws

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/cloud"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/minimalinfra/mvi/engine/resource"
)

const testNS = "arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-abc"

func connectDesign(t *testing.T) arch.Architecture {
	t.Helper()
	m, err := manifest.Parse("mvi.toml", []byte(`name = "shop"
[processes.web]
image = "nginx"
port = 80
[processes.redis]
image = "redis:7"
port = 6379
[processes.worker]
image = "busybox"
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

func connectEnv(r arch.Resource) resource.Env {
	deps := map[string]resource.Live{
		arch.IDNamespace:       {ID: arch.IDNamespace, Attrs: map[string]string{"arn": testNS, "name": "shop.mvi.internal"}},
		arch.IDLogGroup:        {ID: arch.IDLogGroup, Attrs: map[string]string{"name": "/mvi/shop"}},
		arch.IDClusterCapacity: {ID: arch.IDClusterCapacity, Type: arch.TypeClusterCapacity, Attrs: map[string]string{"cluster": "mvi-shop-cluster", "capacity_provider": "mvi-shop-cp"}},
	}
	for _, d := range r.DependsOn {
		if d == arch.TaskDefinitionID("redis") || d == arch.TaskDefinitionID("worker") || d == arch.TaskDefinitionID("web") {
			deps[d] = resource.Live{ID: d, Attrs: map[string]string{"arn": "arn:aws:ecs:us-east-1:123456789012:task-definition/" + d + ":1"}}
		}
	}
	return resource.Env{App: "shop", Region: "us-east-1", Deps: deps}
}

// A server is served under its own name on its own port by the task
// definition's named port mapping; a worker is a client; both send the
// proxy's lines to the app's log group, and the port mapping carries the
// name the service serves.
func TestConnectConfig(t *testing.T) {
	a := connectDesign(t)
	redis, _ := a.Get(arch.ServiceID("redis"))
	c, err := connectConfig(connectEnv(redis), redis, redis.Props.(arch.ServiceProps))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Enabled || str(c.Namespace) != testNS || len(c.Services) != 1 {
		t.Fatalf("redis: %+v", c)
	}
	s := c.Services[0]
	if str(s.PortName) != "redis" || str(s.DiscoveryName) != "redis" || len(s.ClientAliases) != 1 ||
		str(s.ClientAliases[0].DnsName) != "redis" || i32(s.ClientAliases[0].Port) != 6379 {
		t.Errorf("redis serves %+v", s)
	}
	if lc := c.LogConfiguration; lc == nil || lc.Options["awslogs-group"] != "/mvi/shop" || lc.Options["awslogs-stream-prefix"] != "redis" {
		t.Errorf("proxy logs %+v", lc)
	}
	if got := liveConnectRole(c); got != "serves redis:6379" || got != connectRole(redis.Props.(arch.ServiceProps).Connect) {
		t.Errorf("role %q", got)
	}
	worker, _ := a.Get(arch.ServiceID("worker"))
	w, err := connectConfig(connectEnv(worker), worker, worker.Props.(arch.ServiceProps))
	if err != nil || !w.Enabled || len(w.Services) != 0 || liveConnectRole(w) != "client" {
		t.Errorf("worker: %+v, %v", w, err)
	}

	td, _ := a.Get(arch.TaskDefinitionID("redis"))
	p := td.Props.(arch.TaskDefinitionProps)
	hc := containerHealth(p.HealthCheck)
	if hc == nil || len(hc.Command) != 2 || hc.Command[0] != "CMD-SHELL" || i32(hc.Interval) != 10 || i32(hc.Retries) != 3 {
		t.Errorf("redis container check %+v", hc)
	}
	if p.PortName != str(s.PortName) {
		t.Errorf("task definition names its port %q, the service serves %q", p.PortName, str(s.PortName))
	}
}

// diffECS answers DescribeServices with a service whose primary
// deployment runs have, and keeps the UpdateService request.
type diffECS struct {
	cloud.ECS
	have *ecstypes.ServiceConnectConfiguration
	sent *ecs.UpdateServiceInput
}

func (f *diffECS) DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, _ ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	return &ecs.DescribeServicesOutput{Services: []ecstypes.Service{{ServiceArn: aws.String("arn:svc"), ServiceName: aws.String(in.Services[0]), Status: aws.String("ACTIVE"),
		CapacityProviderStrategy: []ecstypes.CapacityProviderStrategyItem{{CapacityProvider: aws.String("mvi-shop-cp")}},
		Deployments:              []ecstypes.Deployment{{Status: aws.String("PRIMARY"), ServiceConnectConfiguration: f.have}}}}}, nil
}

func (f *diffECS) UpdateService(ctx context.Context, in *ecs.UpdateServiceInput, _ ...func(*ecs.Options)) (*ecs.UpdateServiceOutput, error) {
	f.sent = in
	return &ecs.UpdateServiceOutput{Service: &ecstypes.Service{ServiceArn: aws.String("arn:svc"), Status: aws.String("ACTIVE")}}, nil
}

func (f *diffECS) TagResource(ctx context.Context, in *ecs.TagResourceInput, _ ...func(*ecs.Options)) (*ecs.TagResourceOutput, error) {
	return &ecs.TagResourceOutput{}, nil
}

// Update sends Service Connect only when it changes: each UpdateService
// carrying it starts a deployment.
func TestConnectUpdateDiffs(t *testing.T) {
	a := connectDesign(t)
	r, _ := a.Get(arch.ServiceID("redis"))
	env := connectEnv(r)
	want, err := connectConfig(env, r, r.Props.(arch.ServiceProps))
	if err != nil {
		t.Fatal(err)
	}
	live := resource.Live{ID: r.ID, PhysicalID: "mvi-shop-service-redis", ARN: "arn:svc", Attrs: map[string]string{"cluster": "mvi-shop-cluster"}}
	for _, c := range []struct {
		name string
		have *ecstypes.ServiceConnectConfiguration
		send bool
	}{
		{"unchanged", want, false},
		{"unchanged, named by name", func() *ecstypes.ServiceConnectConfiguration {
			c := *want
			c.Namespace = aws.String("shop.mvi.internal")
			return &c
		}(), false},
		{"not yet on", nil, true},
		{"client only", &ecstypes.ServiceConnectConfiguration{Enabled: true, Namespace: aws.String(testNS)}, true},
	} {
		f := &diffECS{have: c.have}
		env.Clients = &cloud.Clients{ECS: f}
		if _, err := (serviceHandler{}).Update(context.Background(), env, r, live); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := f.sent.ServiceConnectConfiguration != nil; got != c.send {
			t.Errorf("%s: sent Service Connect %v, want %v", c.name, got, c.send)
		}
	}
	// Leaving it (the app is down to one process) turns it off.
	r.Props = func() arch.Props { p := r.Props.(arch.ServiceProps); p.Connect = nil; return p }()
	f := &diffECS{have: want}
	env.Clients = &cloud.Clients{ECS: f}
	if _, err := (serviceHandler{}).Update(context.Background(), env, r, live); err != nil {
		t.Fatal(err)
	}
	if sc := f.sent.ServiceConnectConfiguration; sc == nil || sc.Enabled {
		t.Errorf("leaving Service Connect sent %+v, want enabled=false", sc)
	}
}
