package sandbox

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/engine/resource"
)

// Issue 10 item 6: httpd listens on 80. Mapped on 8080 nothing answers,
// so the load balancer's checks fail with ELB's reason, and no request
// is served: the sandbox no longer forgives what AWS wouldn't.
func TestHTTPDOnTheWrongPortFailsItsHealthChecks(t *testing.T) {
	file := filepath.Join(t.TempDir(), "mvi.toml")
	if err := os.WriteFile(file, []byte("name = \"hello\"\n[processes.web]\nimage = \"httpd\"\nport = 8080\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	h, err := upExampleErr(t, file, 0, ServeOptions{})
	// The circuit breaker stops the release, as on AWS, and the error
	// carries ECS's reason and what to change.
	if err == nil || !strings.Contains(err.Error(), "failed ELB health checks") || !strings.Contains(resource.FixOf(err), "listen on 80") {
		t.Fatalf("apply: %v (fix: %s)", err, resource.FixOf(err))
	}
	if n := h.targetStates(t)["healthy"]; n != 0 {
		t.Errorf("%d targets healthy with nothing listening on 8080", n)
	}
	if code, _, _, err := h.get(); err == nil && code == 200 {
		t.Errorf("a request was served by httpd on a port it doesn't listen on")
	}
}
