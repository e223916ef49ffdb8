package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startMoto runs moto_server on a free loopback port for one test and
// points the AWS SDK at it through AWS_ENDPOINT_URL, as a person would.
func startMoto(t *testing.T) {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		t.Skip("moto_server not installed (it ships with this project's machine image): ", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	cmd.Env = append(os.Environ(), "MOTO_IAM_LOAD_MANAGED_POLICIES=true")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	})
	endpoint := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(endpoint + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto_server did not answer on %s: %v", endpoint, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	home := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
		"AWS_REGION": "us-east-1", "AWS_PROFILE": "", "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_CONFIG_FILE": filepath.Join(home, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(home, "credentials"),
	} {
		t.Setenv(k, v)
	}
}

// The cycle on the AWS path: up, up again (nothing to change),
// down, and status shows nothing left — real handlers, real SDK, moto.
func TestUpUpDownAgainstMoto(t *testing.T) {
	startMoto(t)
	// moto's ECR has no registry API and Docker Hub is not reachable from
	// a test, so the processes run a public image here; the build's push
	// to ECR is tested against moto plus a loopback registry in engine/aws.
	fullFile := prebuilt(t, fullFile, "python:3.12-slim")
	// moto never starts ECS tasks, so don't wait for containers to run.
	out, errs, code := mvi(t, "up", "-f", fullFile, "--cloud", "aws", "--yes", "--wait-for-containers=false")
	if code != 0 {
		t.Fatalf("up: exit %d\n%s\n%s", code, tail(out), errs)
	}
	if !strings.Contains(out, "shop is up") {
		t.Fatalf("up output:\n%s", tail(out))
	}
	out, errs, code = mvi(t, "up", "-f", fullFile, "--cloud", "aws", "--yes", "--wait-for-containers=false")
	if code != 0 || !strings.Contains(out, "Nothing to change") {
		t.Fatalf("second up: exit %d\n%s\n%s", code, tail(out), errs)
	}
	out, errs, code = mvi(t, "status", "-f", fullFile, "--cloud", "aws", "--output", "json")
	if code != 0 || !strings.Contains(out, `"service": "Blob"`) {
		t.Fatalf("status: exit %d\n%s\n%s", code, tail(out), errs)
	}
	out, errs, code = mvi(t, "down", "-f", fullFile, "--cloud", "aws", "--yes")
	if code != 0 || !strings.Contains(out, "shop is down") {
		t.Fatalf("down: exit %d\n%s\n%s", code, tail(out), errs)
	}
	out, _, code = mvi(t, "status", "-f", fullFile, "--cloud", "aws")
	if code != 0 || !strings.Contains(out, "has no resources") {
		t.Fatalf("status after down: exit %d\n%s", code, out)
	}
}

func tail(s string) string {
	lines := strings.Split(s, "\n")
	if len(lines) > 40 {
		lines = lines[len(lines)-40:]
	}
	return strings.Join(lines, "\n")
}
