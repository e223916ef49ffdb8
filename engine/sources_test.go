package engine

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/build"
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

func TestPlanRefusesRunWithADaemonlessDocker(t *testing.T) {
	c := newFake()
	a := fullArch(t)
	cfg := fakeConfig(c, a)
	cfg.Dir, cfg.Exec = runDockerfileDir(t), fakeDocker{daemonUp: false}
	_, err := MakePlan(context.Background(), cfg, a)
	var se *SourceError
	var nb *build.NeedsBuilderError
	if !errors.As(err, &se) || !errors.As(err, &nb) || nb.Line() != 2 {
		t.Fatalf("err = %v, want a SourceError of a NeedsBuilderError at line 2", err)
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
