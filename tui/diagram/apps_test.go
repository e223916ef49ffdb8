package diagram

import (
	"fmt"
	"testing"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/manifest"
)

// Manifests are built in Go, not parsed, so these tests don't wait on the
// parser; arch.Design applies the defaults as it would after parsing.

func design(t testing.TB, m *manifest.Manifest) arch.Architecture {
	t.Helper()
	a, err := arch.Design(m)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// helloApp is the book's Hello World: web on httpd, with or without a port.
func helloApp(t testing.TB, port int) arch.Architecture {
	return design(t, &manifest.Manifest{Name: "hello", Processes: map[string]*manifest.Process{
		"web": {Image: "httpd", Port: port},
	}})
}

// fullApp uses all 12 services: the book's introduction picture plus a
// shared file system.
func fullApp(t testing.TB) arch.Architecture {
	return design(t, &manifest.Manifest{
		Name: "shop",
		Processes: map[string]*manifest.Process{
			"web":    {Build: ".", Port: 3000, Count: 2},
			"worker": {Build: ".", Command: []string{"bin/worker"}},
		},
		Database: &manifest.Database{}, FS: &manifest.FS{}, KV: &manifest.KV{}, Blob: &manifest.Blob{},
	})
}

// manyApp has n processes: web behind the load balancer and n-1 jobs, one
// container each, spread over the two VMs: dozens of boxes to fit.
func manyApp(t testing.TB, n int) arch.Architecture {
	ps := map[string]*manifest.Process{"web": {Image: "httpd", Port: 80}}
	for i := 1; i < n; i++ {
		ps[fmt.Sprintf("job%02d", i)] = &manifest.Process{Image: "busybox"}
	}
	return design(t, &manifest.Manifest{Name: "many", Processes: ps, Database: &manifest.Database{}})
}
