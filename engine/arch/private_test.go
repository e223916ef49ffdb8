package arch

import (
	"slices"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/engine/manifest"
)

func multiProc(t *testing.T, extra string) *manifest.Manifest {
	t.Helper()
	m, err := manifest.Parse("mvi.toml", []byte(`name = "shop"
[processes.web]
image = "nginx"
port = 80
env = { REDIS_URL = "${processes.redis.url}", API = "${processes.api.host}:${processes.api.port}" }
[processes.api]
image = "nginx"
port = 8000
[processes.redis]
image = "redis:7"
port = 6379
`+extra))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A private process gets no target group, no listener and no opening on
// the load balancer: before, api and redis each got a listener on their
// own port, open to 0.0.0.0/0.
func TestPrivateProcessesStayInside(t *testing.T) {
	a := mustDesign(t, multiProc(t, ""))
	var listeners, groups []string
	for _, r := range a.Resources {
		switch r.Type {
		case TypeListener:
			listeners = append(listeners, r.ID)
			if p := r.Props.(ListenerProps); p.Port != 80 {
				t.Errorf("%s on port %d", r.ID, p.Port)
			}
		case TypeTargetGroup:
			groups = append(groups, r.ID)
		case TypeService:
			if p := r.Props.(ServiceProps); p.Process != "web" && p.TargetGroup != "" {
				t.Errorf("private %s is behind the load balancer (%s)", p.Process, p.TargetGroup)
			}
		}
	}
	if len(listeners) != 1 || len(groups) != 1 || groups[0] != TargetGroupID("web") {
		t.Errorf("listeners %v, target groups %v; want one of each, for web", listeners, groups)
	}
	lb := get(t, a, IDLBGroup)
	sg := lb.Props.(SecurityGroupProps)
	if len(sg.Ingress) != 1 || sg.Ingress[0].FromPort != 80 || sg.Ingress[0].ToPort != 80 {
		t.Errorf("sg/lb opens %+v, want only 80", sg.Ingress)
	}
	app := get(t, a, IDAppGroup).Props.(SecurityGroupProps)
	self := false
	for _, r := range app.Ingress {
		self = self || r.SourceGroup == IDAppGroup
		if r.CIDR != "" {
			t.Errorf("sg/app open to %s", r.CIDR)
		}
	}
	if !self {
		t.Errorf("sg/app has no rule for the app's own VMs: %+v", app.Ingress)
	}
	if !strings.Contains(lb.Reason, "port 80 only") {
		t.Errorf("sg/lb's reason doesn't name its one port: %q", lb.Reason)
	}
}

// ${processes.NAME.…} is the name and port other containers use.
func TestProcessRefsResolve(t *testing.T) {
	a := mustDesign(t, multiProc(t, ""))
	td := get(t, a, TaskDefinitionID("web")).Props.(TaskDefinitionProps)
	if got := td.Env["REDIS_URL"]; got != "redis://redis:6379" {
		t.Errorf("REDIS_URL = %q", got)
	}
	if got := td.Env["API"]; got != "api:8000" {
		t.Errorf("API = %q", got)
	}
}

// A routed process gets a rule on the one listener on 80, forwarding to
// its own target group; the default process keeps the listener's default
// action, and sg/lb still opens only 80.
func TestRoutesBecomeListenerRules(t *testing.T) {
	m := multiProc(t, "[processes.admin]\nimage = \"nginx\"\nport = 8080\nhost = \"admin.example.com\"\n")
	m.Processes["api"].Path = "/api/*"
	a := mustDesign(t, m)
	var listeners, rules []Resource
	for _, r := range a.Resources {
		switch r.Type {
		case TypeListener:
			listeners = append(listeners, r)
		case TypeListenerRule:
			rules = append(rules, r)
		}
	}
	if len(listeners) != 1 || listeners[0].ID != ListenerID("web") {
		t.Fatalf("listeners %v, want only %s", listeners, ListenerID("web"))
	}
	if lp := listeners[0].Props.(ListenerProps); lp.Port != 80 || lp.TargetGroup != TargetGroupID("web") {
		t.Errorf("listener %+v: want 80, default action to web", lp)
	}
	want := map[string]ListenerRuleProps{
		ListenerRuleID("admin"): {Listener: ListenerID("web"), TargetGroup: TargetGroupID("admin"), Priority: 1, Host: "admin.example.com"},
		ListenerRuleID("api"):   {Listener: ListenerID("web"), TargetGroup: TargetGroupID("api"), Priority: 2, Path: "/api/*"},
	}
	if len(rules) != len(want) {
		t.Fatalf("rules %v, want %d", rules, len(want))
	}
	for _, r := range rules {
		if got := r.Props.(ListenerRuleProps); got != want[r.ID] {
			t.Errorf("%s = %+v, want %+v", r.ID, got, want[r.ID])
		}
		proc := strings.TrimPrefix(r.ID, "listener-rule/")
		route := want[r.ID].Path + want[r.ID].Host
		if !strings.Contains(r.Reason, route) || !strings.Contains(r.Reason, proc) {
			t.Errorf("%s's reason doesn't name its route %s and %s: %q", r.ID, route, proc, r.Reason)
		}
		svc := get(t, a, ServiceID(proc))
		if !slices.Contains(svc.DependsOn, r.ID) || svc.Props.(ServiceProps).TargetGroup != TargetGroupID(proc) {
			t.Errorf("%s isn't behind its rule: %+v, deps %v", svc.ID, svc.Props, svc.DependsOn)
		}
	}
	// Rules change one at a time (engine/aws moves a rule aside when
	// another takes its number).
	if r := get(t, a, ListenerRuleID("api")); !slices.Contains(r.DependsOn, ListenerRuleID("admin")) {
		t.Errorf("%s doesn't follow %s: %v", r.ID, ListenerRuleID("admin"), r.DependsOn)
	}
	sg := get(t, a, IDLBGroup)
	if in := sg.Props.(SecurityGroupProps).Ingress; len(in) != 1 || in[0].FromPort != 80 || in[0].ToPort != 80 {
		t.Errorf("sg/lb opens %+v, want only 80", in)
	}
	if !strings.Contains(sg.Reason, "port 80 only") {
		t.Errorf("sg/lb's reason doesn't name its one port: %q", sg.Reason)
	}
	lb := get(t, a, IDLoadBalancer)
	for _, s := range []string{"/api/* to api", "admin.example.com to admin", "everything else to web"} {
		if !strings.Contains(lb.Reason, s) {
			t.Errorf("the load balancer's reason lacks %q: %q", s, lb.Reason)
		}
	}
	if _, ok := a.Get(TargetGroupID("redis")); ok {
		t.Errorf("private redis got a target group")
	}
}

// The default process needn't sort first: a routed api before a default
// front still finds the listener made before its rule.
func TestRuleBeforeDefaultByName(t *testing.T) {
	m, err := manifest.Parse("mvi.toml", []byte(`name = "shop"
[processes.api]
image = "nginx"
port = 8000
path = "/api/*"
[processes.front]
image = "nginx"
port = 80
`))
	if err != nil {
		t.Fatal(err)
	}
	a := mustDesign(t, m)
	r := get(t, a, ListenerRuleID("api"))
	if p := r.Props.(ListenerRuleProps); p.Listener != ListenerID("front") || p.Priority != 1 {
		t.Errorf("rule %+v, want on %s with priority 1", p, ListenerID("front"))
	}
	if !strings.Contains(get(t, a, IDLoadBalancer).Reason, "everything else to front") {
		t.Errorf("lb reason %q", get(t, a, IDLoadBalancer).Reason)
	}
}

// Routes need a default process to take the rest: a manifest built in
// code (no validation) is refused, not designed without a listener.
func TestRoutesWithoutDefaultRefused(t *testing.T) {
	m := &manifest.Manifest{Name: "shop", Processes: map[string]*manifest.Process{"api": {Image: "nginx", Port: 8000, Path: "/api/*"}}}
	if _, err := Design(m); err == nil || !strings.Contains(err.Error(), "every public process has a route (api)") {
		t.Fatalf("want a refusal naming api, got %v", err)
	}
}

// One public process: no rules, and the reasons read as before.
func TestOneProcessNoRules(t *testing.T) {
	a := mustDesign(t, multiProc(t, ""))
	for _, r := range a.Resources {
		if r.Type == TypeListenerRule {
			t.Errorf("rule %s with no routes", r.ID)
		}
	}
	if got := get(t, a, ListenerID("web")).Reason; got != "accepts HTTP on port 80 and forwards it to web" {
		t.Errorf("listener reason %q", got)
	}
	if got := get(t, a, IDLoadBalancer).Reason; strings.Contains(got, "everything else") {
		t.Errorf("lb reason lists routes it doesn't have: %q", got)
	}
}

func get(t *testing.T, a Architecture, id string) Resource {
	t.Helper()
	r, ok := a.Get(id)
	if !ok {
		t.Fatalf("no %s", id)
	}
	return r
}
