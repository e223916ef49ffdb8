package demo

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The tree a learner gets builds on its own: written out and built by the
// go command with no network (GOPROXY=off) and go.mod read-only, from the
// module cache mvi's own build filled. It fails when demo.mod pins
// versions mvi no longer builds with; then regenerate demo.mod and
// demo.sum (go mod tidy in a written tree, from mvi's go.sum).
func TestSourceBuildsOnItsOwn(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command: ", err)
	}
	files, err := Source()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for p, b := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{"go.mod", "go.sum", "Dockerfile", "engine/sandbox/demo/demo.go", "engine/sandbox/demo/cmd/mvi-demo/main.go"} {
		if files[want] == nil {
			t.Errorf("the tree has no %s", want)
		}
	}
	// The Dockerfile's build line is the one that builds the tree.
	if !strings.Contains(string(files["Dockerfile"]), "go build -o /mvi-demo ./engine/sandbox/demo/cmd/mvi-demo") {
		t.Error("the Dockerfile builds something else than the tree's program")
	}
	cmd := exec.Command(goBin, "build", "-o", filepath.Join(t.TempDir(), "mvi-demo"), "./engine/sandbox/demo/cmd/mvi-demo")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=readonly", "GOWORK=off", "GOTOOLCHAIN=local", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the demo's tree doesn't build on its own: %v\n%s", err, out)
	}
}
