package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/manifest"
)

// Issue 15, "What it must show": SIGKILL during `up` at seeded points, as
// a crash or a power cut would; the next `up` must converge with no hand
// step (the sandbox's file lock dies with its holder; on AWS the lease is
// taken over from a dead pid), leave no duplicate, and `down` must leave
// nothing. A kill point is "the k-th resource start line, then a seeded
// few milliseconds", so the points walk through the whole apply.

// killRun is one cloud to crash on.
type killRun struct {
	file  string   // the manifest
	args  []string // cloud flags for up, status and down
	up    []string // flags for up only
	env   func() []string
	reset func() // back to an empty cloud between points
	want  int    // resources the full example makes
}

func TestSigkillDuringUpThenResumeOnTheSandbox(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the kill-point soak")
	}
	bin := buildMVI(t)
	var state string
	run := killRun{
		file: fullFile,
		args: []string{"--sandbox-speed", "0"},
		env:  func() []string { return append(os.Environ(), "XDG_STATE_HOME="+state) },
		reset: func() {
			state = t.TempDir()
		},
		want: designed(t, fullFile),
	}
	killPoints(t, bin, run, 30, 1)
}

func TestSigkillDuringUpThenResumeAgainstMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the kill-point soak")
	}
	startMoto(t)
	bin := buildMVI(t)
	endpoint := os.Getenv("AWS_ENDPOINT_URL")
	run := killRun{
		// moto's ECR holds no images (it has no registry API to push to),
		// so the processes run a public image; builds on the AWS path are
		// TestMotoLifecycle's, through an in-process registry.
		file: prebuilt(t, fullFile, "python:3.12-slim"),
		// moto never starts ECS tasks: don't wait for containers.
		args: []string{"--cloud", "aws"},
		up:   []string{"--wait-for-containers=false"},
		env:  os.Environ,
		reset: func() {
			resp, err := http.Post(endpoint+"/moto-api/reset", "", nil)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		},
		want: designed(t, fullFile) - 1, // no build, so no Registry
	}
	// 12 points: each costs moto ~7 s, and CI must stay well under 30 minutes.
	killPoints(t, bin, run, 12, 2)
}

// killPoints crashes `up` at n seeded points; each point starts from an
// empty cloud, kills, resumes, counts and tears down.
func killPoints(t *testing.T, bin string, run killRun, n int, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 15))
	converged, kills := 0, 0
	for i := range n {
		run.reset()
		k := 1 + rng.IntN(run.want)
		delay := time.Duration(rng.IntN(20)) * time.Millisecond
		killed := killAfter(t, bin, run, k, delay)
		if killed {
			kills++
		}
		out, code := runMVI(bin, run, "up", "--yes")
		if code != 0 {
			t.Errorf("point %d (start line %d + %v, killed=%v): resume exit %d\n%s", i, k, delay, killed, code, tail(out))
			continue
		}
		out, code = runMVI(bin, run, "status", "--output", "json")
		var snap struct {
			Total    int
			Services []struct {
				Resources []struct{ ID string }
			}
		}
		if err := json.Unmarshal([]byte(out), &snap); code != 0 || err != nil {
			t.Fatalf("point %d: status exit %d: %v\n%s", i, code, err, tail(out))
		}
		seen := map[string]int{}
		for _, s := range snap.Services {
			for _, r := range s.Resources {
				seen[r.ID]++
			}
		}
		for id, c := range seen {
			if c > 1 {
				t.Errorf("point %d: %s exists %d times", i, id, c)
			}
		}
		if snap.Total != run.want || len(seen) != run.want {
			t.Errorf("point %d: %d resources (%d ids) after resume, want %d", i, snap.Total, len(seen), run.want)
		}
		out, code = runMVI(bin, run, "down", "--yes")
		if code != 0 || !strings.Contains(out, "nothing tagged mvi:app=shop is left") {
			t.Errorf("point %d: down exit %d\n%s", i, code, tail(out))
			continue
		}
		converged++
	}
	t.Logf("%d kill points (%d killed mid-up), %d converged with no hand step and down left nothing", n, kills, converged)
	if kills < n*9/10 {
		t.Errorf("only %d of %d points killed up mid-way: the soak proves little", kills, n)
	}
}

// killAfter starts up and SIGKILLs it delay after its k-th "start" line;
// killed is false when up finished first.
func killAfter(t *testing.T, bin string, run killRun, k int, delay time.Duration) (killed bool) {
	t.Helper()
	cmd := exec.Command(bin, append(append([]string{"up", "-f", run.file, "--yes"}, run.args...), run.up...)...)
	cmd.Env = run.env()
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait(); pw.Close() }()
	starts := 0
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		if strings.HasSuffix(strings.TrimSpace(sc.Text()), "start") {
			if starts++; starts == k {
				time.Sleep(delay)
				killed = cmd.Process.Signal(syscall.SIGKILL) == nil
				break
			}
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if err := <-done; err != nil {
		var ee *exec.ExitError
		if !asExit(err, &ee) {
			t.Fatal(err)
		}
	}
	return killed
}

func asExit(err error, ee **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError)
	*ee = e
	return ok
}

// runMVI runs the binary on the run's cloud and returns its combined output.
func runMVI(bin string, run killRun, args ...string) (string, int) {
	full := append([]string{args[0], "-f", run.file}, args[1:]...)
	full = append(full, run.args...)
	if args[0] == "up" {
		full = append(full, run.up...)
	}
	cmd := exec.Command(bin, full...)
	cmd.Env = run.env()
	out, err := cmd.Output()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
		out = append(out, ee.Stderr...)
	} else if err != nil {
		return fmt.Sprint(err), -1
	}
	return string(out), code
}

// prebuilt is a copy of a manifest whose built processes run image instead.
func prebuilt(t *testing.T, file, image string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	s := regexp.MustCompile(`(?m)^build = "\."`).ReplaceAllString(string(b), `image = "`+image+`"`)
	if s == string(b) {
		t.Fatalf("%s builds nothing", file)
	}
	out := filepath.Join(t.TempDir(), "mvi.toml")
	if err := os.WriteFile(out, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// designed is how many resources the manifest's design has.
func designed(t *testing.T, file string) int {
	t.Helper()
	m, err := manifest.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	a, err := arch.Design(m)
	if err != nil {
		t.Fatal(err)
	}
	return len(a.Resources)
}
