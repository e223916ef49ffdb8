package arch

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/engine/manifest"
)

func hello(port int) *manifest.Manifest {
	return &manifest.Manifest{Name: "hello", Processes: map[string]*manifest.Process{
		"web": {Image: "httpd", Port: port},
	}}
}

func full() *manifest.Manifest {
	return &manifest.Manifest{
		Name: "shop",
		Processes: map[string]*manifest.Process{
			"web":    {Build: ".", Port: 3000, Count: 2, Health: "/healthz"},
			"worker": {Build: ".", Command: []string{"bin/worker"}},
		},
		Database: &manifest.Database{Engine: "postgres"},
		FS:       &manifest.FS{},
		KV:       &manifest.KV{},
		Blob:     &manifest.Blob{},
		Secrets:  []string{"STRIPE_KEY"},
	}
}

func mustDesign(t *testing.T, m *manifest.Manifest) Architecture {
	t.Helper()
	a, err := Design(m)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func services(a Architecture) map[Service]bool {
	out := map[Service]bool{}
	for _, r := range a.Resources {
		out[r.Service] = true
	}
	return out
}

func TestHelloWithoutPortIsOneVMAndNoLoadBalancer(t *testing.T) {
	a := mustDesign(t, hello(0))
	got := services(a)
	for _, s := range []Service{VPC, VM, Container, Crypto, Log, Metric} {
		if !got[s] {
			t.Errorf("missing %s", s)
		}
	}
	for _, s := range []Service{LoadBalancer, Database, Registry, KV, Blob, SharedFS} {
		if got[s] {
			t.Errorf("unexpected %s", s)
		}
	}
	asg, _ := a.Get("asg")
	if d := asg.Props.(AutoScalingGroupProps).Desired; d != 1 {
		t.Errorf("VMs = %d, want 1", d)
	}
	if len(a.Placement) != 1 || len(a.Placement[0]) != 1 {
		t.Errorf("placement = %v, want one VM with web 1", a.Placement)
	}
}

func TestPortBringsLoadBalancerAndTwoVMsInTwoZones(t *testing.T) {
	a := mustDesign(t, hello(80))
	for _, id := range []string{"lb", "target-group/web", "listener/web", "sg/lb", "service/web"} {
		if _, ok := a.Get(id); !ok {
			t.Errorf("missing %s", id)
		}
	}
	asg, _ := a.Get("asg")
	p := asg.Props.(AutoScalingGroupProps)
	if p.Desired < 2 || p.Min < 2 {
		t.Errorf("asg min/desired = %d/%d, want ≥ 2", p.Min, p.Desired)
	}
	zones := map[int]bool{}
	for _, s := range p.Subnets {
		r, _ := a.Get(s)
		zones[r.Props.(SubnetProps).Zone] = true
	}
	if len(zones) != 2 {
		t.Errorf("asg spans %d zones, want 2", len(zones))
	}
	svc, _ := a.Get("service/web")
	if c := svc.Props.(ServiceProps).Count; c != 2 {
		t.Errorf("web count = %d, want 2", c)
	}
	if len(a.Placement) != 2 || a.Placement[0][0].Label() != "web 1" || a.Placement[1][0].Label() != "web 2" {
		t.Errorf("placement = %v", a.Placement)
	}
}

func TestFullExampleHasAllTwelveServices(t *testing.T) {
	a := mustDesign(t, full())
	got := services(a)
	for _, s := range Services() {
		if !got[s] {
			t.Errorf("missing %s", s)
		}
	}
	if len(a.ByService()) != 12 {
		t.Errorf("ByService has %d groups", len(a.ByService()))
	}
	// The worker sits beside web 1, as in the book's picture.
	if l := a.Placement[0]; len(l) != 2 || l[1].Label() != "worker 1" {
		t.Errorf("VM 1 = %v", l)
	}
}

func TestDatabaseBringsPrivateSubnetsAndItsGroup(t *testing.T) {
	a := mustDesign(t, full())
	for _, id := range []string{"subnet/private-a", "subnet/private-b", "sg/db", "db-subnets", "db-password", "database"} {
		if _, ok := a.Get(id); !ok {
			t.Errorf("missing %s", id)
		}
	}
	db, _ := a.Get("database")
	p := db.Props.(DBInstanceProps)
	if p.Public || p.Key == "" || p.Password == "" {
		t.Errorf("database not private/encrypted/secret: %+v", p)
	}
	for _, s := range []string{"subnet/private-a", "subnet/private-b"} {
		r, _ := a.Get(s)
		if r.Props.(SubnetProps).Public {
			t.Errorf("%s is public", s)
		}
	}
	sg, _ := a.Get("sg/db")
	for _, rule := range sg.Props.(SecurityGroupProps).Ingress {
		if rule.CIDR != "" || rule.SourceGroup != "sg/app" {
			t.Errorf("db reachable from %q%q", rule.CIDR, rule.SourceGroup)
		}
	}
}

func TestOnlyTheLoadBalancerIsOpenToTheInternet(t *testing.T) {
	a := mustDesign(t, full())
	for _, r := range a.Resources {
		sg, ok := r.Props.(SecurityGroupProps)
		if !ok {
			continue
		}
		for _, rule := range sg.Ingress {
			if rule.CIDR == "0.0.0.0/0" && r.ID != "sg/lb" {
				t.Errorf("%s open to the internet", r.ID)
			}
		}
	}
}

func TestRolesHaveNoWildcardActionsOnAppResources(t *testing.T) {
	a := mustDesign(t, full())
	for _, r := range a.Resources {
		role, ok := r.Props.(RoleProps)
		if !ok {
			continue
		}
		for _, st := range role.Statements {
			for _, act := range st.Actions {
				if strings.Contains(act, "*") {
					t.Errorf("%s grants %s", r.ID, act)
				}
			}
			for _, res := range st.Resources {
				if res == "*" && !(len(st.Actions) == 1 && st.Actions[0] == "ecr:GetAuthorizationToken") {
					t.Errorf("%s grants %v on *", r.ID, st.Actions)
				}
			}
		}
	}
}

func TestBuildBringsRegistryKVAndBlob(t *testing.T) {
	m := hello(80)
	m.Processes["web"] = &manifest.Process{Build: ".", Port: 80}
	got := services(mustDesign(t, m))
	for _, s := range []Service{Registry, KV, Blob} {
		if !got[s] {
			t.Errorf("build without %s", s)
		}
	}
}

func TestEveryResourceHasReasonChapterAndEarlierDeps(t *testing.T) {
	a := mustDesign(t, full())
	seen := map[string]bool{}
	for _, r := range a.Resources {
		if len(r.Reason) < 20 || strings.Contains(r.Reason, "\n") {
			t.Errorf("%s: reason %q is not one readable sentence", r.ID, r.Reason)
		}
		if r.Chapter != "services/"+r.Service.Slug()+".md" {
			t.Errorf("%s: chapter %q", r.ID, r.Chapter)
		}
		if !strings.HasPrefix(r.Type, "AWS::") || r.Props == nil {
			t.Errorf("%s: type %q props %v", r.ID, r.Type, r.Props)
		}
		for _, d := range r.DependsOn {
			if !seen[d] {
				t.Errorf("%s depends on %s, not before it", r.ID, d)
			}
		}
		seen[r.ID] = true
	}
}

func TestDesignIsStableAndJSONRoundTrips(t *testing.T) {
	a, b := mustDesign(t, full()), mustDesign(t, full())
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Fatal("Design is not deterministic")
	}
	var back map[string]any
	if err := json.Unmarshal(ja, &back); err != nil {
		t.Fatal(err)
	}
	if !Diff(a, b).Empty() {
		t.Fatalf("diff of equal designs: %+v", Diff(a, b))
	}
}

func TestDiffAddingAPort(t *testing.T) {
	before, after := mustDesign(t, hello(0)), mustDesign(t, hello(80))
	c := Diff(before, after)
	added := strings.Join(c.Added, " ")
	for _, id := range []string{"lb", "sg/lb", "target-group/web", "listener/web"} {
		if !strings.Contains(added, id) {
			t.Errorf("added %q lacks %s", added, id)
		}
	}
	mod := map[string][]string{}
	for _, m := range c.Modified {
		mod[m.ID] = m.Fields
	}
	if f := mod["asg"]; !contains(f, "desired") || !contains(f, "min") {
		t.Errorf("asg modified fields = %v", f)
	}
	if f := mod["service/web"]; !contains(f, "count") || !contains(f, "target_group") {
		t.Errorf("service/web modified fields = %v", f)
	}
	if len(c.Removed) != 0 {
		t.Errorf("removed %v", c.Removed)
	}
	hl := c.Services(after)
	if !hl[LoadBalancer] || !hl[VM] || hl[Crypto] {
		t.Errorf("highlight = %v", hl)
	}
	back := Diff(after, before)
	if len(back.Removed) != len(c.Added) {
		t.Errorf("reverse diff removes %d, forward added %d", len(back.Removed), len(c.Added))
	}
}

func TestHashChangesWithProps(t *testing.T) {
	if Hash(VPCProps{CIDR: "10.0.0.0/16"}) == Hash(VPCProps{CIDR: "10.1.0.0/16"}) {
		t.Fatal("hash ignores props")
	}
	if Hash(VPCProps{CIDR: "10.0.0.0/16"}) != Hash(VPCProps{CIDR: "10.0.0.0/16"}) {
		t.Fatal("hash unstable")
	}
}

func TestCheckRejectsBrokenArchitectures(t *testing.T) {
	cases := map[string]Architecture{
		"duplicate": {Resources: []Resource{{ID: "a", Type: "T"}, {ID: "a", Type: "T"}}},
		"late dep":  {Resources: []Resource{{ID: "a", Type: "T", DependsOn: []string{"b"}}, {ID: "b", Type: "T"}}},
		"no id":     {Resources: []Resource{{Type: "T"}}},
	}
	for name, a := range cases {
		if err := a.Check(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestDesignRefusesEmptyApps(t *testing.T) {
	if _, err := Design(&manifest.Manifest{Name: "x"}); err == nil {
		t.Error("no processes accepted")
	}
	if _, err := Design(nil); err == nil {
		t.Error("nil accepted")
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// The registry keeps what [release] keep needs, per built process only: a
// process running a published image has no images in it to count.
func TestRepositoryKeepsWhatReleasesNeed(t *testing.T) {
	m := full()
	m.Processes["proxy"] = &manifest.Process{Image: "nginx"}
	a := mustDesign(t, m)
	r, ok := a.Get("repository")
	if !ok {
		t.Fatal("no repository")
	}
	p := r.Props.(RepositoryProps)
	if p.Keep != manifest.DefaultReleaseKeep || strings.Join(p.Processes, ",") != "web,worker" {
		t.Errorf("repository keeps %d of %v, want %d of web,worker", p.Keep, p.Processes, manifest.DefaultReleaseKeep)
	}
}
