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
