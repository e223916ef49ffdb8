package arch

import (
	"slices"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/engine/manifest"
)

// Every service of a multi-process app joins the app's one namespace;
// each process with a port is served under its own name on its own port,
// the name its port mapping has; a worker is a client only.
func TestServiceConnectJoinsEveryProcess(t *testing.T) {
	a := mustDesign(t, multiProc(t, "[processes.worker]\nimage = \"busybox\"\n"))
	var ns []Resource
	for _, r := range a.Resources {
		if r.Type == TypeNamespace {
			ns = append(ns, r)
		}
	}
	if len(ns) != 1 || ns[0].ID != IDNamespace || ns[0].Props.(NamespaceProps).Name != "shop.mvi.internal" {
		t.Fatalf("namespaces %+v, want one, shop.mvi.internal", ns)
	}
	for _, name := range []string{"web", "api", "redis", "worker"} {
		svc := get(t, a, ServiceID(name))
		c := svc.Props.(ServiceProps).Connect
		if c == nil || c.Namespace != IDNamespace || c.LogGroup != IDLogGroup {
			t.Fatalf("%s: connect %+v", name, c)
		}
		if !slices.Contains(svc.DependsOn, IDNamespace) {
			t.Errorf("%s doesn't wait for the namespace: %v", name, svc.DependsOn)
		}
		td := get(t, a, TaskDefinitionID(name)).Props.(TaskDefinitionProps)
		if name == "worker" {
			if c.PortName != "" || c.Alias != "" || td.PortName != "" {
				t.Errorf("worker serves: %+v, port name %q", c, td.PortName)
			}
			continue
		}
		if c.Alias != name || c.Port != td.Port || c.PortName == "" || c.PortName != td.PortName {
			t.Errorf("%s: served as %s:%d by port %q, task definition names %q", name, c.Alias, c.Port, c.PortName, td.PortName)
		}
	}
}

// The book's Hello World stays as small as it was: one process has no
// one to find.
func TestOneProcessNoNamespace(t *testing.T) {
	m, err := manifest.Parse("mvi.toml", []byte("name = \"hello\"\n[processes.web]\nimage = \"httpd\"\nport = 80\n"))
	if err != nil {
		t.Fatal(err)
	}
	a := mustDesign(t, m)
	if _, ok := a.Get(IDNamespace); ok {
		t.Error("a one-process app got a namespace")
	}
	if s := get(t, a, ServiceID("web")).Props.(ServiceProps); s.Connect != nil {
		t.Errorf("web joins Service Connect: %+v", s.Connect)
	}
	if td := get(t, a, TaskDefinitionID("web")).Props.(TaskDefinitionProps); td.PortName != "" || td.HealthCheck != nil {
		t.Errorf("web's task definition changed: port %q, check %+v", td.PortName, td.HealthCheck)
	}
}

// A private process is checked the way ECS can: a command in its
// container, the image's own ping or the manifest's; its reason says
// how, and says so when nothing but stopping is seen.
func TestPrivateHealth(t *testing.T) {
	a := mustDesign(t, multiProc(t, ""))
	redis := get(t, a, TaskDefinitionID("redis")).Props.(TaskDefinitionProps)
	if redis.HealthCheck == nil || !strings.Contains(redis.HealthCheck.Command, "redis-cli ping") {
		t.Fatalf("redis check %+v", redis.HealthCheck)
	}
	if r := get(t, a, ServiceID("redis")).Reason; !strings.Contains(r, "redis-cli ping") || !strings.Contains(r, "redis:6379") {
		t.Errorf("redis reason %q", r)
	}
	api := get(t, a, ServiceID("api"))
	if td := get(t, a, TaskDefinitionID("api")).Props.(TaskDefinitionProps); td.HealthCheck != nil {
		t.Errorf("api (nginx) got check %+v", td.HealthCheck)
	}
	if !strings.Contains(api.Reason, "health_command") || !strings.Contains(api.Reason, "api:8000") {
		t.Errorf("api reason doesn't say it is unchecked: %q", api.Reason)
	}
	if _, ok := a.Get(TargetGroupID("api")); ok {
		t.Error("api got a target group: an HTTP check on a port the internet doesn't reach")
	}
	web := get(t, a, TaskDefinitionID("web")).Props.(TaskDefinitionProps)
	if web.HealthCheck != nil {
		t.Errorf("public web got a container check without asking: %+v", web.HealthCheck)
	}

	m := multiProc(t, "")
	m.Processes["api"].HealthCommand = "wget -q -O /dev/null http://127.0.0.1:8000/up"
	a = mustDesign(t, m)
	hc := get(t, a, TaskDefinitionID("api")).Props.(TaskDefinitionProps).HealthCheck
	if hc == nil || hc.Command != m.Processes["api"].HealthCommand || hc.Interval != 10 || hc.Retries != 3 {
		t.Errorf("api check %+v", hc)
	}
	if r := get(t, a, ServiceID("api")).Reason; !strings.Contains(r, "wget") {
		t.Errorf("api reason %q", r)
	}
}

func TestHealthCommandParses(t *testing.T) {
	m, err := manifest.Parse("mvi.toml", []byte("name = \"a\"\n[processes.web]\nimage = \"nginx\"\nport = 80\n[processes.q]\nimage = \"example/q\"\nport = 9000\nhealth_command = \"\"\n"))
	es, ok := manifest.AsErrors(err)
	if !ok || len(es) != 1 || es[0].Line != 8 {
		t.Fatalf("want one error on line 8, got %v (%v)", err, m)
	}
}

// A task learns the app's names when it starts, so web's service waits
// for the services of what it references; a cycle of references is cut
// rather than refused.
func TestReferencingWaitsForTheReferenced(t *testing.T) {
	a := mustDesign(t, multiProc(t, ""))
	web := get(t, a, ServiceID("web"))
	pos := map[string]int{}
	for i, r := range a.Resources {
		pos[r.ID] = i
	}
	for _, q := range []string{"api", "redis"} {
		if !slices.Contains(web.DependsOn, ServiceID(q)) || pos[ServiceID(q)] > pos[ServiceID("web")] {
			t.Errorf("web doesn't wait for %s: %v", q, web.DependsOn)
		}
	}
	if api := get(t, a, ServiceID("api")); slices.Contains(api.DependsOn, ServiceID("web")) {
		t.Errorf("api waits for web without referencing it: %v", api.DependsOn)
	}
	m := multiProc(t, "")
	m.Processes["api"].Env = map[string]string{"BACK": "${processes.web.url}"}
	a = mustDesign(t, m)
	api := get(t, a, ServiceID("api"))
	web = get(t, a, ServiceID("web"))
	if slices.Contains(api.DependsOn, ServiceID("web")) == slices.Contains(web.DependsOn, ServiceID("api")) {
		t.Errorf("a mutual reference: web waits %v, api waits %v; want exactly one edge", web.DependsOn, api.DependsOn)
	}
}

// A health path on a private process would check nothing: refused where
// it is written, with the way that does check it.
func TestPrivateHealthPathRefused(t *testing.T) {
	_, err := manifest.Parse("mvi.toml", []byte("name = \"a\"\n[processes.web]\nimage = \"nginx\"\nport = 80\n[processes.api]\nimage = \"example/api\"\nport = 8000\nhealth = \"/up\"\n"))
	es, ok := manifest.AsErrors(err)
	if !ok || len(es) != 1 || es[0].Line != 8 || !strings.Contains(es[0].Error(), "health_command") {
		t.Fatalf("want one error on line 8 naming health_command, got %v", err)
	}
}
