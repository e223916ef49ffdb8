package diagram

import (
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/engine/manifest"
)

// A private process's containers are drawn dashed, inside their VMs like
// the rest; the public process keeps solid borders.
func TestPrivateProcessesAreDashed(t *testing.T) {
	a := design(t, &manifest.Manifest{Name: "shop", Processes: map[string]*manifest.Process{
		"web":   {Image: "httpd", Port: 80},
		"redis": {Image: "redis", Port: 6379},
	}})
	out := Render(a, Options{Width: 100})
	lines := strings.Split(out, "\n")
	// The row of labels, and the border above it.
	for i, l := range lines {
		for _, name := range []string{"redis", "web"} {
			at := strings.Index(l, name)
			if at < 0 || i == 0 || strings.Contains(l, "VM") {
				continue
			}
			above := []rune(lines[i-1])
			col := len([]rune(l[:at]))
			dashed := above[col] == '╌'
			if want := name == "redis"; dashed != want {
				t.Errorf("%s's box border above it is %q (dashed %v, want %v):\n%s", name, above[col], dashed, want, out)
			}
		}
	}
	if !strings.Contains(out, "redis") || !strings.Contains(out, "web") {
		t.Fatalf("the containers aren't drawn:\n%s", out)
	}
}

// A load balancer with more than one route lists them in its label, where
// the picture is wide enough; with one it keeps its name alone.
func TestLoadBalancerListsItsRoutes(t *testing.T) {
	a := design(t, &manifest.Manifest{Name: "shop", Processes: map[string]*manifest.Process{
		"web":   {Image: "httpd", Port: 80, Count: 2},
		"api":   {Image: "httpd", Port: 8080, Path: "/api/*", Count: 2},
		"admin": {Image: "httpd", Port: 8081, Host: "admin.example.com", Count: 2},
		"redis": {Image: "redis", Port: 6379},
	}, Database: &manifest.Database{}, KV: &manifest.KV{}, Blob: &manifest.Blob{}})
	out := Render(a, Options{})
	want := "Load Balancer: admin.example.com admin, /api/* api, else web"
	if !strings.Contains(out, want) {
		t.Errorf("the load balancer's label lacks %q:\n%s", want, out)
	}
	if hello := Render(helloApp(t, 80), Options{}); strings.Contains(hello, "else") {
		t.Errorf("one route listed as routes:\n%s", hello)
	}
}

// A Redis is rented inside the VPC, in the private subnets: the KV box sits
// beside the Database within the VPC; DynamoDB's stays in the row below.
func TestRedisIsDrawnInsideTheVPC(t *testing.T) {
	for _, c := range []struct {
		engine string
		inside bool
	}{{"redis", true}, {"", false}} {
		a := design(t, &manifest.Manifest{Name: "shop", Processes: map[string]*manifest.Process{
			"web": {Image: "httpd", Port: 80},
		}, Database: &manifest.Database{}, KV: &manifest.KV{Engine: c.engine}})
		lines := strings.Split(Render(a, Options{}), "\n")
		vpc := -1
		for i, l := range lines {
			if strings.Contains(l, "VPC") {
				vpc = i
			}
		}
		row := -1
		for i, l := range lines {
			if strings.Contains(l, "│KV│") {
				row = i
			}
		}
		if row < 0 || (row < vpc) != c.inside {
			t.Errorf("engine %q: KV on line %d, the VPC's label on %d (inside %v):\n%s", c.engine, row, vpc, c.inside, strings.Join(lines, "\n"))
		}
	}
}
