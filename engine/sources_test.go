package engine

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/engine/arch"
)

// fakeDocker is a docker on PATH whose "info" answers as daemonUp says.
type fakeDocker struct{ daemonUp bool }

func (f fakeDocker) LookPath(file string) (string, error) {
	if file == "docker" {
		return "/usr/local/bin/docker", nil
	}
	return "", errors.New("not found")
}

func (f fakeDocker) Run(ctx context.Context, path string, args []string, stdin io.Reader, out io.Writer) error {
	if f.daemonUp {
		return nil
	}
	io.WriteString(out, "Cannot connect to the Docker daemon\n")
	return errors.New("exit status 1")
}

func runDockerfileDir(t *testing.T) string {
	d := t.TempDir()
	os.WriteFile(filepath.Join(d, "Dockerfile"), []byte("FROM httpd\nRUN echo hi > /usr/local/apache2/htdocs/index.html\n"), 0o644)
	return d
}

func TestPlanAcceptsRunWhenALocalBuilderWorksAndSaysWhich(t *testing.T) {
	c := newFake()
	a := fullArch(t)
	cfg := fakeConfig(c, a)
	cfg.Dir, cfg.Exec = runDockerfileDir(t), fakeDocker{daemonUp: true}
	p, err := MakePlan(context.Background(), cfg, a)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range p.Steps {
		if s.Type == arch.TypeTaskDefinition {
			n++
			if !strings.Contains(s.Reason, "docker (local, /usr/local/bin/docker) builds it") {
				t.Errorf("%s: reason %q does not say which builder builds it", s.ID, s.Reason)
			}
		}
	}
	if n == 0 {
		t.Fatal("no task definition in the plan")
	}
}

// A docker CLI without a daemon is no builder: the plan gives the build
// to a task on the app's own cluster, and makes the task definition wait
// for the cluster's capacity so the task has a VM to run on.
func TestPlanBuildsOnTheClusterWithADaemonlessDocker(t *testing.T) {
	c := newFake()
	a := fullArch(t)
	cfg := fakeConfig(c, a)
	cfg.Dir, cfg.Exec = runDockerfileDir(t), fakeDocker{daemonUp: false}
	got, builders, err := withSources(context.Background(), cfg, a)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range got.Resources {
		if r.Type != arch.TypeTaskDefinition {
			continue
		}
		n++
		if b := builders[r.ID]; !strings.Contains(b, "a BuildKit task on the app's own cluster builds it") || !strings.Contains(b, "Dockerfile:2") {
			t.Errorf("%s: builder %q", r.ID, b)
		}
		for _, id := range []string{arch.IDCluster, arch.IDCapacityProvider, arch.IDClusterCapacity, arch.IDKey} {
			if !slices.Contains(r.DependsOn, id) {
				t.Errorf("%s does not wait for %s: %v", r.ID, id, r.DependsOn)
			}
		}
	}
	if n == 0 {
		t.Fatal("no task definition")
	}
	// The design itself is left as it was: its task definitions don't
	// wait for the VMs when a build doesn't need them.
	for _, r := range a.Resources {
		if r.Type == arch.TypeTaskDefinition && slices.Contains(r.DependsOn, arch.IDClusterCapacity) {
			t.Errorf("withSources changed the design's %s", r.ID)
		}
	}
}

// A static site with no Dockerfile is planned, and the plan says it is
// built on nginx, so nothing about the image is a surprise.
func TestPlanSaysAStaticSiteIsBuiltOnNginx(t *testing.T) {
	c := newFake()
	a := fullArch(t)
	cfg := fakeConfig(c, a)
	cfg.Dir = t.TempDir()
	os.WriteFile(filepath.Join(cfg.Dir, "index.html"), []byte("<h1>hi</h1>"), 0o644)
	p, err := MakePlan(context.Background(), cfg, a)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range p.Steps {
		if s.Type == arch.TypeTaskDefinition {
			n++
			if !strings.Contains(s.Reason, "plain static site, so it is built on nginx (FROM nginx; COPY . /usr/share/nginx/html/)") {
				t.Errorf("%s: reason %q does not say it is built on nginx", s.ID, s.Reason)
			}
		}
	}
	if n == 0 {
		t.Fatal("no task definition in the plan")
	}
}
