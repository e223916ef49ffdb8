package arch

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/engine/manifest"
)

// Issue 10 item 11: a reason describes the architecture it belongs to.
// The picture of a worker without a port spoke of a load balancer, a
// table and a bucket it doesn't have.
func TestReasonsNameOnlyWhatTheDesignHas(t *testing.T) {
	needs := map[string]string{"load balancer": "lb", "table": "table", "bucket": "bucket", "database": "database", "files": "fs"}
	for name, src := range map[string]string{
		"worker":    "name = \"w\"\n[processes.worker]\nimage = \"busybox\"\n",
		"hello":     "name = \"h\"\n[processes.web]\nimage = \"httpd\"\nport = 80\n",
		"db-worker": "name = \"d\"\n[processes.worker]\nimage = \"busybox\"\n[database]\n",
		"fs-web":    "name = \"f\"\n[processes.web]\nimage = \"httpd\"\nport = 80\n[fs]\n",
		"build":     "name = \"b\"\n[processes.web]\nbuild = \".\"\nport = 80\n",
	} {
		m, err := manifest.Parse("mvi.toml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		a, err := Design(m)
		if err != nil {
			t.Fatal(err)
		}
		has := map[string]bool{}
		for _, r := range a.Resources {
			has[r.ID] = true
		}
		for _, r := range a.Resources {
			for word, id := range needs {
				said := regexp.MustCompile(`\b` + word + `\b`).MatchString(strings.ToLower(r.Reason))
				if said && !has[id] && !strings.Contains(r.Reason, "no table, bucket or shared files") {
					t.Errorf("%s: %s's reason speaks of the %s (%s), which this design lacks: %q", name, r.ID, word, id, r.Reason)
				}
			}
		}
	}
}

// The fixed ids whose type spans services say the service the design
// gives them.
func TestServiceOfIDMatchesTheDesign(t *testing.T) {
	m, err := manifest.Parse("mvi.toml", []byte("name = \"h\"\n[processes.web]\nimage = \"httpd\"\nport = 80\n"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := Design(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range a.Resources {
		if s, ok := ServiceOfID(r.ID); ok && s != r.Service {
			t.Errorf("%s: ServiceOfID says %s, the design %s", r.ID, s, r.Service)
		}
	}
	if s, _ := ServiceOfID(IDInstanceRole); s != VM {
		t.Errorf("role/instance is %s", s)
	}
}

// Issue 11 item 6: ECS spreads a process over zones and then VMs, so 3
// containers on 2 VMs can't all be on different VMs; the reason must not
// say they are.
func TestServiceReasonSaysWhenContainersShareAVM(t *testing.T) {
	for _, tc := range []struct {
		count, vms int
		want, not  string
	}{
		{2, 2, "on different VMs", "share"},
		{3, 2, "the 2 VMs, so some share a VM", "different VMs"},
		{1, 2, "down until ECS has started its replacement", "different VMs"},
	} {
		src := "name = \"s\"\n[vm]\ncount = " + itoa(tc.vms) + "\n[processes.web]\nimage = \"httpd\"\nport = 80\ncount = " + itoa(tc.count) + "\n"
		m, err := manifest.Parse("mvi.toml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		a, err := Design(m)
		if err != nil {
			t.Fatal(err)
		}
		r, _ := a.Get(ServiceID("web"))
		if !strings.Contains(r.Reason, tc.want) || strings.Contains(r.Reason, tc.not) {
			t.Errorf("count %d on %d VMs: %q, want %q and not %q", tc.count, tc.vms, r.Reason, tc.want, tc.not)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
