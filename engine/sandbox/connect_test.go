package sandbox

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	sd "github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	sdtypes "github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/manifest"
)

const connectManifest = "testdata/connect/mvi.toml"

// tasksOf are the running tasks of one process's service.
func tasksOf(t *testing.T, h *hello, process string) []string {
	t.Helper()
	c := h.sb.Clients()
	ls := must(c.ECS.ListTasks(context.Background(), &ecs.ListTasksInput{Cluster: aws.String(h.cluster),
		ServiceName: aws.String(arch.PhysicalName("connect", arch.ServiceID(process))), DesiredStatus: ecstypes.DesiredStatusRunning}))
	return ls.TaskArns
}

// get speaks HTTP over one dialed connection.
func getOver(t *testing.T, d interface {
	DialContext(ctx context.Context, network, addr string) (net.Conn, error)
}, addr string) (*http.Response, error) {
	t.Helper()
	conn, err := d.DialContext(context.Background(), "tcp", addr)
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", addr)
	return http.ReadResponse(bufio.NewReader(conn), nil)
}

// A web container reaches the private api as api:8000 and redis as
// redis:6379, round robin over api's tasks; from here (the Dial verify
// steps use) the names don't resolve; a wrong port is refused; and the
// whole app comes up, changes nothing on a second up, and down leaves no
// namespace or Cloud Map service.
func TestServiceConnectReachesPrivateProcesses(t *testing.T) {
	h := upExample(t, connectManifest, 0, ServeOptions{})
	ctx := context.Background()
	web := tasksOf(t, h, "web")
	api := tasksOf(t, h, "api")
	if len(web) != 1 || len(api) != 2 {
		t.Fatalf("web tasks %v, api tasks %v", web, api)
	}
	from := h.dp.TaskDialer(web[0])
	var served []string
	eventually(t, "api answers a web container at api:8000", func() bool {
		res, err := getOver(t, from, "api:8000")
		if err != nil || res.StatusCode != 200 {
			return false
		}
		served = append(served, res.Header.Get(TaskHeader))
		return true
	})
	res, err := getOver(t, from, "api:8000")
	if err != nil {
		t.Fatal(err)
	}
	served = append(served, res.Header.Get(TaskHeader))
	if served[0] == served[1] || served[0] == "" {
		t.Errorf("two connections to api:8000 reached tasks %v: want both api tasks in turn", served)
	}
	for _, id := range served {
		if !strings.Contains(strings.Join(api, " "), id) {
			t.Errorf("api:8000 answered by task %s, not one of api's %v", id, api)
		}
	}
	c, err := from.DialContext(ctx, "tcp", "redis:6379")
	if err != nil {
		t.Fatalf("redis:6379 from web: %v", err)
	}
	c.Close()
	// redis's check is a command the sandbox can't run: it says so.
	eventually(t, "redis to say its health check isn't run", func() bool {
		out, err := h.sb.Clients().Logs.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("/mvi/connect"),
			LogStreamNamePrefix: aws.String("redis/redis/")})
		if err != nil {
			return false
		}
		for _, e := range out.Events {
			if m := aws.ToString(e.Message); strings.Contains(m, "redis-cli ping") && strings.Contains(m, "can't run") {
				return true
			}
		}
		return false
	})

	var dns *net.DNSError
	if _, err := h.sb.Clients().Dial.DialContext(ctx, "tcp", "redis:6379"); !errors.As(err, &dns) || !dns.IsNotFound || !strings.Contains(err.Error(), "Service Connect") {
		t.Errorf("redis:6379 from outside: %v, want a name that doesn't resolve, saying why", err)
	}
	if _, err := h.sb.Clients().Dial.DialContext(ctx, "tcp", "api:8000"); !errors.As(err, &dns) {
		t.Errorf("api:8000 from outside: %v", err)
	}
	if _, err := from.DialContext(ctx, "tcp", "api:9000"); err == nil || !strings.Contains(err.Error(), "answers on port 8000") {
		t.Errorf("api:9000 from web: %v, want refused naming the port", err)
	}
	if _, err := from.DialContext(ctx, "tcp", "nosuch:80"); !errors.As(err, &dns) {
		t.Errorf("nosuch:80 from web: %v, want no such host", err)
	}

	// Status shows the namespace, with how many names it holds.
	snap, err := engine.Status(ctx, h.cfg)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, g := range snap.Services {
		for _, r := range g.Resources {
			if r.ID == arch.IDNamespace {
				found = g.Service == arch.Container && r.Type == arch.TypeNamespace && r.Gauges["names"] == "3"
				if !found {
					t.Errorf("namespace in status (%s): %+v", g.Service, r)
				}
			}
		}
	}
	if !found || len(snap.Unhandled) != 0 {
		t.Errorf("status lists the namespace: %v; unhandled ARNs %v", found, snap.Unhandled)
	}

	// A second up changes nothing.
	m, err := manifest.Load(connectManifest)
	if err != nil {
		t.Fatal(err)
	}
	a, err := arch.Design(m)
	if err != nil {
		t.Fatal(err)
	}
	p, err := engine.MakePlan(ctx, h.cfg, a)
	if err != nil {
		t.Fatal(err)
	}
	if ch := p.Changes(); ch != 0 {
		t.Errorf("a second up would change %d resources: %s", ch, p.Summary())
	}
	// Down leaves no namespace and no name in Cloud Map.
	if err := engine.Destroy(ctx, h.cfg, nil); err != nil {
		t.Fatal(err)
	}
	sdc := h.sb.Clients().ServiceDiscovery
	if ns := must(sdc.ListNamespaces(ctx, &sd.ListNamespacesInput{})); len(ns.Namespaces) != 0 {
		t.Errorf("after down: %d namespaces", len(ns.Namespaces))
	}
	if sv := must(sdc.ListServices(ctx, &sd.ListServicesInput{})); len(sv.Services) != 0 {
		t.Errorf("after down: %d Cloud Map services", len(sv.Services))
	}
}

// Cloud Map's control plane as the handler meets it: a create is an
// operation, listed only once it succeeded; a second namespace of the
// name is NamespaceAlreadyExists; an unknown id NamespaceNotFound.
func TestNamespaceOperations(t *testing.T) {
	clk := NewManualClock(time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC))
	s := openSB(t, Options{Speed: 1, Clock: clk})
	c := s.Clients().ServiceDiscovery
	op := must(c.CreateHttpNamespace(bg, &sd.CreateHttpNamespaceInput{Name: aws.String("shop.mvi.internal"), CreatorRequestId: aws.String("t1"),
		Tags: []sdtypes.Tag{{Key: aws.String("mvi:app"), Value: aws.String("shop")}}}))
	got := must(c.GetOperation(bg, &sd.GetOperationInput{OperationId: op.OperationId}))
	if got.Operation.Status != sdtypes.OperationStatusSubmitted {
		t.Errorf("a new create is %s", got.Operation.Status)
	}
	if ns := must(c.ListNamespaces(bg, &sd.ListNamespacesInput{})); len(ns.Namespaces) != 0 {
		t.Errorf("listed before its create succeeded: %+v", ns.Namespaces)
	}
	clk.Advance(5 * time.Second)
	got = must(c.GetOperation(bg, &sd.GetOperationInput{OperationId: op.OperationId}))
	id := got.Operation.Targets["NAMESPACE"]
	if got.Operation.Status != sdtypes.OperationStatusSuccess || id == "" {
		t.Fatalf("after 5 s: %+v", got.Operation)
	}
	ns := must(c.GetNamespace(bg, &sd.GetNamespaceInput{Id: aws.String(id)}))
	tags := must(c.ListTagsForResource(bg, &sd.ListTagsForResourceInput{ResourceARN: ns.Namespace.Arn}))
	if len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Value) != "shop" {
		t.Errorf("tags %+v", tags.Tags)
	}
	_, err := c.CreateHttpNamespace(bg, &sd.CreateHttpNamespaceInput{Name: aws.String("shop.mvi.internal"), CreatorRequestId: aws.String("t2")})
	wantCode(t, err, "NamespaceAlreadyExists")
	_, err = c.GetNamespace(bg, &sd.GetNamespaceInput{Id: aws.String("ns-nosuch")})
	wantCode(t, err, "NamespaceNotFound")
	_, err = c.GetOperation(bg, &sd.GetOperationInput{OperationId: aws.String("nosuch")})
	wantCode(t, err, "OperationNotFound")
	del := must(c.DeleteNamespace(bg, &sd.DeleteNamespaceInput{Id: aws.String(id)}))
	clk.Advance(5 * time.Second)
	if st := must(c.GetOperation(bg, &sd.GetOperationInput{OperationId: del.OperationId})).Operation.Status; st != sdtypes.OperationStatusSuccess {
		t.Errorf("delete is %s", st)
	}
	_, err = c.DeleteNamespace(bg, &sd.DeleteNamespaceInput{Id: aws.String(id)})
	wantCode(t, err, "NamespaceNotFound")
}

// ECS refuses what AWS refuses of Service Connect: a namespace Cloud Map
// doesn't have, a portName the task definition doesn't name; Cloud Map
// refuses to delete a namespace while a service is registered in it, or
// a service while its tasks run.
func TestServiceConnectRefusals(t *testing.T) {
	h := upExample(t, connectManifest, 0, ServeOptions{})
	c := h.sb.Clients()
	svcs := must(c.ECS.DescribeServices(bg, &ecs.DescribeServicesInput{Cluster: aws.String(h.cluster),
		Services: []string{arch.PhysicalName("connect", arch.ServiceID("api"))}}))
	api := svcs.Services[0]
	sc := api.Deployments[0].ServiceConnectConfiguration
	if sc == nil || !sc.Enabled || len(sc.Services) != 1 || aws.ToString(sc.Services[0].DiscoveryName) != "api" {
		t.Fatalf("api's deployment carries %+v", sc)
	}
	mk := func(ns, port string) *ecs.CreateServiceInput {
		return &ecs.CreateServiceInput{Cluster: aws.String(h.cluster), ServiceName: aws.String("extra"), TaskDefinition: api.TaskDefinition,
			DesiredCount: aws.Int32(1), ServiceConnectConfiguration: &ecstypes.ServiceConnectConfiguration{Enabled: true, Namespace: aws.String(ns),
				Services: []ecstypes.ServiceConnectService{{PortName: aws.String(port), DiscoveryName: aws.String("extra"),
					ClientAliases: []ecstypes.ServiceConnectClientAlias{{Port: aws.Int32(1)}}}}}}
	}
	_, err := c.ECS.CreateService(bg, mk("nosuch.internal", "api"))
	wantCode(t, err, "InvalidParameterException")
	_, err = c.ECS.CreateService(bg, mk(aws.ToString(sc.Namespace), "nosuchport"))
	wantCode(t, err, "InvalidParameterException")
	in := mk(aws.ToString(sc.Namespace), "api")
	in.ServiceConnectConfiguration.Services[0].DiscoveryName = aws.String("redis")
	_, err = c.ECS.CreateService(bg, in)
	wantCode(t, err, "InvalidParameterException")

	nsID := lastName(aws.ToString(sc.Namespace))
	_, err = c.ServiceDiscovery.DeleteNamespace(bg, &sd.DeleteNamespaceInput{Id: aws.String(nsID)})
	wantCode(t, err, "ResourceInUse")
	names := must(c.ServiceDiscovery.ListServices(bg, &sd.ListServicesInput{}))
	if len(names.Services) != 3 {
		t.Fatalf("Cloud Map services %d, want web, api and redis", len(names.Services))
	}
	for _, s := range names.Services {
		if aws.ToString(s.Name) == "api" {
			_, err = c.ServiceDiscovery.DeleteService(bg, &sd.DeleteServiceInput{Id: s.Id})
			wantCode(t, err, "ResourceInUse")
		}
	}
}

// A name made after a task started is unknown to it (ECS writes the
// names in at start), and without sg/app's rule for the app's own VMs
// the connection to a private process is refused, naming the rule.
func TestServiceConnectLateNameAndSecurityGroups(t *testing.T) {
	h := upExample(t, connectManifest, 0, ServeOptions{})
	c := h.sb.Clients()
	from := h.dp.TaskDialer(tasksOf(t, h, "web")[0])
	api := must(c.ECS.DescribeServices(bg, &ecs.DescribeServicesInput{Cluster: aws.String(h.cluster),
		Services: []string{arch.PhysicalName("connect", arch.ServiceID("api"))}})).Services[0]
	ns := api.Deployments[0].ServiceConnectConfiguration.Namespace
	must(c.ECS.CreateService(bg, &ecs.CreateServiceInput{Cluster: aws.String(h.cluster), ServiceName: aws.String("late"), TaskDefinition: api.TaskDefinition,
		DesiredCount: aws.Int32(1), ServiceConnectConfiguration: &ecstypes.ServiceConnectConfiguration{Enabled: true, Namespace: ns,
			Services: []ecstypes.ServiceConnectService{{PortName: aws.String("api"), DiscoveryName: aws.String("late"),
				ClientAliases: []ecstypes.ServiceConnectClientAlias{{Port: aws.Int32(8000), DnsName: aws.String("late")}}}}}}))
	var dns *net.DNSError
	eventually(t, "late's task to run", func() bool {
		_, err := from.DialContext(bg, "tcp", "late:8000")
		return errors.As(err, &dns) && strings.Contains(err.Error(), "started before")
	})

	if _, err := getOver(t, from, "api:8000"); err != nil {
		t.Fatalf("api:8000 before the rule goes: %v", err)
	}
	groups := must(c.EC2.DescribeSecurityGroups(bg, &ec2.DescribeSecurityGroupsInput{}))
	revoked := false
	for _, g := range groups.SecurityGroups {
		for _, p := range g.IpPermissions {
			for _, pair := range p.UserIdGroupPairs {
				if aws.ToString(pair.GroupId) == aws.ToString(g.GroupId) {
					must(c.EC2.RevokeSecurityGroupIngress(bg, &ec2.RevokeSecurityGroupIngressInput{GroupId: g.GroupId, IpPermissions: []ec2types.IpPermission{p}}))
					revoked = true
				}
			}
		}
	}
	if !revoked {
		t.Fatal("no security group admits its own members: sg/app's rule for the app's VMs is missing")
	}
	// One api task may share web's VM, which the groups don't judge; the
	// other's connection crosses between VMs.
	refusals := 0
	for i := 0; i < 2; i++ {
		_, err := from.DialContext(bg, "tcp", "api:8000")
		if err != nil && (!errors.Is(err, syscall.ECONNREFUSED) || !strings.Contains(err.Error(), "no ingress rule")) {
			t.Errorf("api:8000 without sg/app's own rule: %v, want refused naming the missing rule", err)
		}
		if err != nil {
			refusals++
		}
	}
	if refusals == 0 {
		t.Error("api:8000 without sg/app's own rule: both connections got through")
	}
}

// Adding a private process later: the process that references it rolls
// (its environment changed) only after the new one is served, so its new
// tasks know the name.
func TestServiceConnectNameAddedLater(t *testing.T) {
	dir := t.TempDir()
	first := filepath.Join(dir, "mvi.toml")
	base := "name = \"connect\"\n[processes.web]\nimage = \"nginx\"\nport = 80\ncount = 1\nenv = { API_URL = \"${processes.api.url}\" }\n[processes.api]\nimage = \"example/api\"\nport = 8000\ncount = 1\n"
	if err := os.WriteFile(first, []byte(base), 0o644); err != nil {
		t.Fatal(err)
	}
	h := upExample(t, first, 0, ServeOptions{})
	if _, err := h.dp.TaskDialer(tasksOf(t, h, "web")[0]).DialContext(bg, "tcp", "redis:6379"); err == nil {
		t.Fatal("redis:6379 answered before there is a redis")
	}
	more := strings.Replace(base, `env = { API_URL = "${processes.api.url}" }`, `env = { API_URL = "${processes.api.url}", REDIS_URL = "${processes.redis.url}" }`, 1) +
		"[processes.redis]\nimage = \"redis:7\"\nport = 6379\ncount = 1\n"
	if err := os.WriteFile(first, []byte(more), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := manifest.Load(first)
	if err != nil {
		t.Fatal(err)
	}
	a, err := arch.Design(m)
	if err != nil {
		t.Fatal(err)
	}
	p, err := engine.MakePlan(bg, h.cfg, a)
	if err != nil {
		t.Fatal(err)
	}
	if err := engine.Apply(bg, h.cfg, p, nil); err != nil {
		t.Fatal(err)
	}
	eventually(t, "web's new task to reach redis:6379", func() bool {
		for _, task := range tasksOf(t, h, "web") {
			c, err := h.dp.TaskDialer(task).DialContext(bg, "tcp", "redis:6379")
			if err == nil {
				c.Close()
				return true
			}
		}
		return false
	})
}
