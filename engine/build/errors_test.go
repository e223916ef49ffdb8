package build

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// buildErr builds a Dockerfile that must fail, and checks the registry
// was not asked anything when the failure is one Parse can see.
func buildErr(t *testing.T, files map[string]string, noNetwork bool) (error, string) {
	t.Helper()
	reg := newTestRegistry(t)
	reg.pushBase(t)
	before := reg.requests.Load()
	dir := t.TempDir()
	writeTree(t, dir, files)
	_, err := Build(t.Context(), reg.opts(dir, "x"))
	if err == nil {
		t.Fatal("Build succeeded; want an error")
	}
	if n := reg.requests.Load() - before; noNetwork && n != 0 {
		t.Errorf("%d registry requests before refusing; want none", n)
	}
	var f Fixer
	if !errors.As(err, &f) || f.Fix() == "" {
		t.Errorf("error %T has no Fix(): %v", err, err)
	}
	return err, filepath.Join(dir, DockerfileName)
}

func TestRunRefusedBeforePull(t *testing.T) {
	err, df := buildErr(t, map[string]string{
		"Dockerfile": "FROM httpd\nCOPY . /app\nRUN apt-get update && \\\n    apt-get install -y curl\nCMD [\"x\"]\n",
	}, true)
	var nb *NeedsBuilderError
	if !errors.As(err, &nb) {
		t.Fatalf("err = %T %v, want *NeedsBuilderError", err, err)
	}
	if !errors.Is(err, ErrUnsupported) {
		t.Error("a RUN is not errors.Is(err, ErrUnsupported)")
	}
	if nb.Line() != 3 || len(nb.Lines) != 1 || !strings.HasPrefix(nb.Lines[0].Text, "RUN apt-get") {
		t.Errorf("lines = %+v, want the RUN at line 3", nb.Lines)
	}
	t.Logf("%v", err)
	if !strings.Contains(err.Error(), df+":3: RUN") || !strings.Contains(nb.Fix(), "docker, podman or buildah") {
		t.Errorf("message = %q", err)
	}
}

func TestMultiStageRefused(t *testing.T) {
	err, _ := buildErr(t, map[string]string{
		"Dockerfile": "FROM httpd AS build\nFROM httpd\nCOPY --from=build /x /x\n",
	}, true)
	var nb *NeedsBuilderError
	if !errors.As(err, &nb) || len(nb.Lines) != 2 || nb.Lines[0].Line != 2 || nb.Lines[1].Line != 3 {
		t.Fatalf("err = %v", err)
	}
}

func TestCopyOutsideContextRefused(t *testing.T) {
	err, df := buildErr(t, map[string]string{
		"Dockerfile": "FROM httpd\nCOPY ../secret.txt /x\n",
	}, true)
	assertKind(t, err, ErrEscape, df+":2:")
}

func TestCopySymlinkOutsideContextRefused(t *testing.T) {
	dir := t.TempDir()
	reg := newTestRegistry(t)
	reg.pushBase(t)
	writeTree(t, dir, map[string]string{"Dockerfile": "FROM httpd\nCOPY link /x\n"})
	if err := os.Symlink("../outside", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	_, err := Build(t.Context(), reg.opts(dir, "x"))
	assertKind(t, err, ErrEscape, filepath.Join(dir, DockerfileName)+":2:")
}

func TestBadDockerfiles(t *testing.T) {
	for _, tc := range []struct {
		name, dockerfile string
		kind             *Error
		at               string
		noNetwork        bool
	}{
		{"unknown instruction", "FROM httpd\nCOPPY a /a\n", ErrUnknown, ":2:", true},
		{"missing source", "FROM httpd\n\nCOPY ./public-html/ /htdocs/\n", ErrMissing, ":3:", true},
		{"ignored source", "FROM httpd\nCOPY secret.txt /x\n", ErrMissing, ":2:", true},
		{"no FROM", "COPY a /a\n", ErrSyntax, ":1:", true},
		{"unreachable base", "FROM nothere:1.0\nCOPY a /a\n", ErrUnreachable, ":1:", false},
		{"ADD of a URL", "FROM httpd\nADD https://example.com/x.tgz /x\n", ErrUnsupported, ":2:", true},
		{"user by name", "FROM httpd\nCOPY --chown=www-data a /a\n", ErrUnsupported, ":2:", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err, df := buildErr(t, map[string]string{
				"Dockerfile": tc.dockerfile, "a": "a\n", "secret.txt": "s\n", ".dockerignore": "secret.txt\n",
			}, tc.noNetwork)
			assertKind(t, err, tc.kind, df+tc.at)
		})
	}
}

func TestContextTooLarge(t *testing.T) {
	reg := newTestRegistry(t)
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"Dockerfile": "FROM httpd\nCOPY . /\n", "big.bin": strings.Repeat("x", 4096)})
	o := reg.opts(dir, "x")
	o.MaxContextBytes = 1024
	_, err := Build(t.Context(), o)
	assertKind(t, err, ErrTooLarge, "")
	if !strings.Contains(err.Error(), ".dockerignore") || reg.requests.Load() != 0 {
		t.Errorf("err = %v, %d requests", err, reg.requests.Load())
	}
}

func TestBadTarget(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"Dockerfile": "FROM httpd\n"})
	_, err := Build(t.Context(), Options{Dir: dir, Target: "Not A Reference"})
	assertKind(t, err, ErrTarget, "")
}

func assertKind(t *testing.T, err error, kind *Error, contains string) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("err = %v (%T), want kind %d", err, err, kind.Kind)
	}
	t.Logf("%v", err)
	var e *Error
	errors.As(err, &e)
	if !strings.Contains(err.Error(), contains) || e.Fix() == "" {
		t.Errorf("err = %q, want it to name %q and carry a fix", err, contains)
	}
}
