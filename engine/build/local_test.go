package build

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeBin writes a fake program on a temporary PATH that records its argv
// and stdin under dir and behaves as script says.
func fakeBin(t *testing.T, dir, name, script string) {
	t.Helper()
	body := "#!/bin/sh\necho \"$@\" >> " + filepath.Join(dir, name+".argv") + "\n" +
		"if [ \"$1\" = login ]; then /bin/cat >> " + filepath.Join(dir, name+".stdin") + "; fi\n" + script + "\n"
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
}

func runDir(t *testing.T) string {
	t.Helper()
	d := t.TempDir()
	os.WriteFile(filepath.Join(d, "Dockerfile"), []byte("FROM alpine\nRUN apk add curl\n"), 0o644)
	return d
}

const dockerOK = `case "$1" in
info) echo "Server Version: 27.0.0";;
build) echo "#1 [1/2] FROM alpine"; echo "#2 [2/2] RUN apk add curl";;
login) echo "Login Succeeded";;
push) echo "b-1: digest: sha256:` + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" + ` size: 528";;
esac`

func TestLocalDockerBuildsLogsInByStdinAndPushes(t *testing.T) {
	bin := t.TempDir()
	fakeBin(t, bin, "docker", dockerOK)
	t.Setenv("PATH", bin)
	l, ok := FindLocal(context.Background(), nil)
	if !ok || l.Name != "docker" {
		t.Fatalf("FindLocal = %v %v, want docker", l, ok)
	}
	dir := runDir(t)
	var log bytes.Buffer
	res, err := l.Build(context.Background(), LocalOptions{Dir: dir, Target: "127.0.0.1:5000/shop:b-1",
		User: "AWS", Password: "s3cret-token", Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	want := "127.0.0.1:5000/shop@sha256:" + strings.Repeat("a", 64)
	if res.Image != want || res.SourceDigest == "" {
		t.Errorf("result = %+v, want image %s", res, want)
	}
	argv, _ := os.ReadFile(filepath.Join(bin, "docker.argv"))
	wantArgv := "info\n" +
		"build --platform linux/amd64 -f " + filepath.Join(dir, "Dockerfile") + " -t 127.0.0.1:5000/shop:b-1 " + dir + "\n" +
		"login --username AWS --password-stdin 127.0.0.1:5000\n" +
		"push 127.0.0.1:5000/shop:b-1\n"
	if string(argv) != wantArgv {
		t.Errorf("argv:\n%s\nwant:\n%s", argv, wantArgv)
	}
	if strings.Contains(string(argv), "s3cret") || strings.Contains(log.String(), "s3cret") {
		t.Error("the password reached argv or the log")
	}
	if in, _ := os.ReadFile(filepath.Join(bin, "docker.stdin")); string(in) != "s3cret-token\n" {
		t.Errorf("stdin = %q, want the password", in)
	}
	for _, line := range []string{"build with docker", "#2 [2/2] RUN apk add curl", "Login Succeeded", "digest: sha256:"} {
		if !strings.Contains(log.String(), line) {
			t.Errorf("log lacks %q:\n%s", line, log.String())
		}
	}
}

func TestLocalBuildFailureNamesDockerfileAndLastLines(t *testing.T) {
	bin := t.TempDir()
	fakeBin(t, bin, "docker", `case "$1" in
info) exit 0;;
build) echo "#2 [2/2] RUN apk add curl"; echo "ERROR: process \"/bin/sh -c apk add curl\" did not complete successfully: exit code: 1" >&2; exit 1;;
esac`)
	t.Setenv("PATH", bin)
	l, ok := FindLocal(context.Background(), nil)
	if !ok {
		t.Fatal("no builder found")
	}
	_, err := l.Build(context.Background(), LocalOptions{Dir: runDir(t), Target: "127.0.0.1:5000/shop:b-1", User: "AWS", Password: "x"})
	var be *Error
	if !errors.As(err, &be) || be.File != "Dockerfile" {
		t.Fatalf("err = %T %v, want a *build.Error naming the Dockerfile", err, err)
	}
	if !strings.Contains(err.Error(), "did not complete successfully: exit code: 1") || !strings.Contains(err.Error(), "docker could not build") {
		t.Errorf("error lacks the builder's last lines: %v", err)
	}
	if argv, _ := os.ReadFile(filepath.Join(bin, "docker.argv")); strings.Contains(string(argv), "push") || strings.Contains(string(argv), "login") {
		t.Errorf("a failed build went on to log in or push:\n%s", argv)
	}
}

func TestLocalDaemonlessDockerIsNotChosen(t *testing.T) {
	bin := t.TempDir()
	fakeBin(t, bin, "docker", `echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1`)
	t.Setenv("PATH", bin)
	if l, ok := FindLocal(context.Background(), nil); ok {
		t.Fatalf("chose %v, a docker without a daemon", l)
	}
	// buildah needs no daemon: it is chosen after a dead docker, and
	// reports the digest through --digestfile.
	fakeBin(t, bin, "buildah", `case "$1" in
push) f=$3; echo "Writing manifest to image destination"; printf 'sha256:`+strings.Repeat("b", 64)+`' > "$f";;
esac`)
	l, ok := FindLocal(context.Background(), nil)
	if !ok || l.Name != "buildah" {
		t.Fatalf("FindLocal = %v %v, want buildah", l, ok)
	}
	res, err := l.Build(context.Background(), LocalOptions{Dir: runDir(t), Target: "127.0.0.1:5000/shop:b-1", User: "AWS", Password: "x"})
	if err != nil || res.ImageDigest != "sha256:"+strings.Repeat("b", 64) {
		t.Fatalf("buildah build = %+v, %v", res, err)
	}
	argv, _ := os.ReadFile(filepath.Join(bin, "buildah.argv"))
	if !strings.Contains(string(argv), "version\n") || !strings.Contains(string(argv), "push --digestfile ") {
		t.Errorf("buildah argv:\n%s", argv)
	}
}

// A Dockerfile elsewhere in the build directory reaches docker as -f,
// the directory still the context.
func TestLocalBuildOfADockerfileElsewhere(t *testing.T) {
	bin := t.TempDir()
	fakeBin(t, bin, "docker", dockerOK)
	t.Setenv("PATH", bin)
	l, ok := FindLocal(context.Background(), nil)
	if !ok {
		t.Fatal("no docker")
	}
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"docker/Dockerfile.prod": "FROM alpine\nRUN apk add curl\n"})
	if _, err := l.Build(context.Background(), LocalOptions{Dir: dir, Dockerfile: "docker/Dockerfile.prod", Target: "127.0.0.1:5000/shop:b-1",
		User: "AWS", Password: "x"}); err != nil {
		t.Fatal(err)
	}
	argv, _ := os.ReadFile(filepath.Join(bin, "docker.argv"))
	if want := "build --platform linux/amd64 -f " + filepath.Join(dir, "docker", "Dockerfile.prod") + " -t 127.0.0.1:5000/shop:b-1 " + dir + "\n"; !strings.Contains(string(argv), want) {
		t.Errorf("argv:\n%s\nwant a line %q", argv, want)
	}
}
