package arch

import (
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

// Routes parse, but no cloud can make listener rules yet: the design says
// so rather than sending /api/* to web.
func TestRoutesRefusedUntilBuilt(t *testing.T) {
	m := multiProc(t, "")
	m.Processes["api"].Path = "/api/*"
	_, err := Design(m)
	if err == nil || !strings.Contains(err.Error(), "listener rules") {
		t.Fatalf("want a refusal naming listener rules, got %v", err)
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
