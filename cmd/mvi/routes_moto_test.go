package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Two public processes on one load balancer and a private one, through the
// command line on the AWS path: up makes api's listener rule, a second up
// changes nothing, down leaves nothing (engine's routes tests look at the
// listener and sg/lb themselves).
func TestRoutesUpUpDownAgainstMoto(t *testing.T) {
	startMoto(t)
	file := filepath.Join(t.TempDir(), "mvi.toml")
	if err := os.WriteFile(file, []byte(`name = "routes"
[processes.web]
image = "example/web"
port = 8080
[processes.api]
image = "example/api"
port = 8000
path = "/api/*"
[processes.redis]
image = "redis"
port = 6379
`), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code := mvi(t, "up", "-f", file, "--cloud", "aws", "--yes", "--wait-for-containers=false")
	if code != 0 || !strings.Contains(out, "routes is up") || !strings.Contains(out, "listener-rule/api") {
		t.Fatalf("up: exit %d\n%s\n%s", code, tail(out), errs)
	}
	out, errs, code = mvi(t, "up", "-f", file, "--cloud", "aws", "--yes", "--wait-for-containers=false")
	if code != 0 || !strings.Contains(out, "Nothing to change") {
		t.Fatalf("second up: exit %d\n%s\n%s", code, tail(out), errs)
	}
	out, errs, code = mvi(t, "down", "-f", file, "--cloud", "aws", "--yes")
	if code != 0 || !strings.Contains(out, "routes is down") {
		t.Fatalf("down: exit %d\n%s\n%s", code, tail(out), errs)
	}
	out, _, code = mvi(t, "status", "-f", file, "--cloud", "aws")
	if code != 0 || !strings.Contains(out, "has no resources") {
		t.Fatalf("status after down: exit %d\n%s", code, out)
	}
}
