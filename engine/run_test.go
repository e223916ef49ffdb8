package engine

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/minimalinfra/mvi/engine/resource"
	"github.com/minimalinfra/mvi/engine/sandbox"
	"github.com/minimalinfra/mvi/engine/sandbox/demo"
)

// sandboxFor is a fresh sandbox for an example's app, nothing applied.
func sandboxFor(t *testing.T, file string) Config {
	t.Helper()
	_, cfg := sandboxAndConfigFor(t, file)
	return cfg
}

// sandboxAndConfigFor is sandboxFor with the sandbox itself.
func sandboxAndConfigFor(t *testing.T, file string) (*sandbox.Sandbox, Config) {
	t.Helper()
	sb, cfg := openSandbox(t, sandbox.Options{})
	cfg.App, cfg.Dir = designOf(t, file).App, ""
	cfg.Retry.Sleep = func(ctx context.Context, d time.Duration) error { return resource.Sleep(ctx, time.Millisecond) }
	return sb, cfg
}

func designOf(t *testing.T, file string) arch.Architecture {
	t.Helper()
	m, err := manifest.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	a, err := arch.Design(m)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func apply(t *testing.T, cfg Config, file string) {
	t.Helper()
	if _, err := planApply(t, context.Background(), cfg, designOf(t, file), nil); err != nil {
		t.Fatal(err)
	}
}

const demoExample = "../assets/examples/demo/mvi.toml"

// A run is a one-off task of the service's task definition with the
// command in place of the container's: the demo's migrate prints what it
// did and exits 0, fail exits 3; before up there is no release to run.
func TestRunTheDemosAdminCommands(t *testing.T) {
	cfg := sandboxFor(t, demoExample)
	ctx := context.Background()
	_, err := Run(ctx, cfg, RunRequest{Process: "web", Command: []string{"migrate"}})
	var nr *NoReleaseError
	if !errors.As(err, &nr) || !strings.Contains(err.Error(), "mvi up") {
		t.Fatalf("run before up: %v", err)
	}
	apply(t, cfg, demoExample)
	var out []string
	res, err := Run(ctx, cfg, RunRequest{Process: "web", Command: []string{"migrate"}, Every: time.Millisecond, Output: func(l string) { out = append(out, l) }})
	if err != nil || res.Exit == nil || *res.Exit != 0 || len(out) != 1 || !strings.Contains(out[0], "3 orders written") {
		t.Fatalf("migrate: %+v %v\n%q", res, err, out)
	}
	out = nil
	res, err = Run(ctx, cfg, RunRequest{Process: "web", Command: []string{"fail"}, Every: time.Millisecond, Output: func(l string) { out = append(out, l) }})
	if err != nil || res.Exit == nil || *res.Exit != demo.ExitFail || len(out) != 1 {
		t.Fatalf("fail: %+v %v\n%q", res, err, out)
	}
	_, err = Run(ctx, cfg, RunRequest{Process: "worker", Command: []string{"x"}})
	if !errors.As(err, &nr) || !slices.Equal(nr.Running, []string{"web"}) || !strings.Contains(err.Error(), "the processes running are web") {
		t.Errorf("unknown process: %v", err)
	}
}

// Runs lists a one-off task while it lives: httpd's stands in until it is
// stopped, and then it is gone from the list.
func TestRunsListsOneOffTasksWhileTheyLive(t *testing.T) {
	cfg := sandboxFor(t, "../assets/examples/hello/mvi.toml")
	apply(t, cfg, "../assets/examples/hello/mvi.toml")
	ctx := context.Background()
	res, err := Run(ctx, cfg, RunRequest{Process: "web", Command: []string{"httpd", "-t"}, Detach: true})
	if err != nil || res.Task == "" || res.Exit != nil {
		t.Fatalf("detach: %+v %v", res, err)
	}
	runs, err := Runs(ctx, cfg, res.Cluster)
	if err != nil || len(runs) != 1 || runs[0].Task != res.Task || runs[0].Process != "web" || !slices.Equal(runs[0].Command, []string{"httpd", "-t"}) {
		t.Fatalf("runs: %+v %v", runs, err)
	}
	if _, err := cfg.Clients.ECS.StopTask(ctx, &ecs.StopTaskInput{Cluster: sdkaws.String(res.Cluster), Task: sdkaws.String(res.TaskARN)}); err != nil {
		t.Fatal(err)
	}
	if runs, err := Runs(ctx, cfg, res.Cluster); err != nil || len(runs) != 0 {
		t.Errorf("after stop: %+v %v", runs, err)
	}
}

// Stopping mvi while it follows a run stops the task: the person asked
// for the command to end, not for a task left running.
func TestRunStopsItsTaskWhenStopped(t *testing.T) {
	cfg := sandboxFor(t, "../assets/examples/hello/mvi.toml")
	apply(t, cfg, "../assets/examples/hello/mvi.toml")
	ctx, cancel := context.WithCancel(context.Background())
	waits := 0
	cfg.Retry.Sleep = func(ctx context.Context, d time.Duration) error {
		if waits++; waits == 2 {
			cancel() // as Ctrl-C would, while the task runs
		}
		return ctx.Err()
	}
	var out []string
	res, err := Run(ctx, cfg, RunRequest{Process: "web", Command: []string{"httpd", "-X"}, Output: func(l string) { out = append(out, l) }})
	if !errors.Is(err, context.Canceled) || res.TaskARN == "" {
		t.Fatalf("run: %+v %v", res, err)
	}
	// httpd's program is not the sandbox's to run, and it says so.
	if len(out) != 1 || !strings.Contains(out[0], "can't run here, so `httpd -X` does not run") {
		t.Errorf("output %q", out)
	}
	d, err := cfg.Clients.ECS.DescribeTasks(context.Background(), &ecs.DescribeTasksInput{Cluster: sdkaws.String(res.Cluster), Tasks: []string{res.TaskARN}})
	if err != nil || len(d.Tasks) != 1 || sdkaws.ToString(d.Tasks[0].DesiredStatus) != "STOPPED" || !strings.Contains(sdkaws.ToString(d.Tasks[0].StoppedReason), "mvi run was stopped") {
		t.Errorf("the task after the stop: %+v %v", d.Tasks, err)
	}
}

// StopTask is the SIGTERM a program the sandbox runs ends on: the demo's
// `sleep 600` stops at once, prints that it was stopped, and its task
// reports the program's own exit code, as ECS reports a process that
// ended on SIGTERM.
func TestStopTaskEndsARunningProgram(t *testing.T) {
	sb, cfg := sandboxAndConfigFor(t, demoExample)
	apply(t, cfg, demoExample)
	ctx := context.Background()
	res, err := Run(ctx, cfg, RunRequest{Process: "web", Command: []string{"sleep", "600"}, Detach: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cfg.Clients.ECS.StopTask(ctx, &ecs.StopTaskInput{Cluster: sdkaws.String(res.Cluster), Task: sdkaws.String(res.TaskARN)}); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, time.Minute) // a guard, not a measure
	defer cancel()
	sb.WaitPrograms(wctx)
	if wctx.Err() != nil {
		t.Fatal("the program ran on after StopTask")
	}
	d, err := cfg.Clients.ECS.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: sdkaws.String(res.Cluster), Tasks: []string{res.TaskARN}})
	if err != nil || len(d.Tasks) != 1 || len(d.Tasks[0].Containers) == 0 {
		t.Fatalf("describe: %+v %v", d, err)
	}
	if c := d.Tasks[0].Containers[0]; sdkaws.ToString(d.Tasks[0].LastStatus) != "STOPPED" || sdkaws.ToInt32(c.ExitCode) != demo.ExitStopped {
		t.Errorf("task %s, exit %d: want STOPPED, %d", sdkaws.ToString(d.Tasks[0].LastStatus), sdkaws.ToInt32(c.ExitCode), demo.ExitStopped)
	}
	lines, err := Logs(ctx, cfg, LogQuery{Process: "web", Grep: "sleep:"})
	if err != nil || len(lines) != 2 || !strings.Contains(lines[1].Message, "stopped before the end") {
		t.Errorf("the program's lines: %+v %v", lines, err)
	}
}

// A StopTask from another process (a second terminal, mvi down) stops the
// program too: the process running it sees the task asked to stop.
func TestStopTaskFromAnotherProcessEndsTheProgram(t *testing.T) {
	sb, cfg := sandboxAndConfigFor(t, demoExample)
	apply(t, cfg, demoExample)
	ctx := context.Background()
	res, err := Run(ctx, cfg, RunRequest{Process: "web", Command: []string{"sleep", "600"}, Detach: true})
	if err != nil {
		t.Fatal(err)
	}
	other, err := sandbox.Open(ctx, sandbox.Options{Dir: sb.Dir()})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.Clients().ECS.StopTask(ctx, &ecs.StopTaskInput{Cluster: sdkaws.String(res.Cluster), Task: sdkaws.String(res.TaskARN)}); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, time.Minute) // a guard, not a measure
	defer cancel()
	sb.WaitPrograms(wctx)
	if wctx.Err() != nil {
		t.Fatal("the program ran on after another process's StopTask")
	}
	d, err := cfg.Clients.ECS.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: sdkaws.String(res.Cluster), Tasks: []string{res.TaskARN}})
	if err != nil || len(d.Tasks) != 1 || sdkaws.ToInt32(d.Tasks[0].Containers[0].ExitCode) != demo.ExitStopped {
		t.Fatalf("the task after the stop: %+v %v", d.Tasks, err)
	}
}

// helperSandbox names the sandbox TestHelperStartsASleep works in.
const helperSandbox = "MVI_TEST_HELPER_SANDBOX"

// A helper process, not a test of its own: it starts the demo's `sleep
// 600` in the sandbox its parent made and waits to be killed.
func TestHelperStartsASleep(t *testing.T) {
	dir := os.Getenv(helperSandbox)
	if dir == "" {
		t.Skip("the helper process of TestAProgramWhoseMviIsKilledStops")
	}
	_, cfg := openSandbox(t, sandbox.Options{Dir: dir})
	cfg.App, cfg.Dir = designOf(t, demoExample).App, ""
	res, err := Run(context.Background(), cfg, RunRequest{Process: "web", Command: []string{"sleep", "600"}, Detach: true})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("started %s %s\n", res.Cluster, res.TaskARN)
	time.Sleep(10 * time.Minute) // until the parent kills this process
}

// The mvi running a sandbox program is killed (SIGKILL, no cleanup): the
// next call sees its process gone and the task STOPPED, saying why,
// instead of RUNNING forever.
func TestAProgramWhoseMviIsKilledStops(t *testing.T) {
	if os.Getenv(helperSandbox) != "" {
		t.Skip("inside the helper")
	}
	sb, cfg := sandboxAndConfigFor(t, demoExample)
	apply(t, cfg, demoExample)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperStartsASleep$", "-test.v")
	cmd.Env = append(os.Environ(), helperSandbox+"="+sb.Dir())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var cluster, task string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 3 && f[0] == "started" {
			cluster, task = f[1], f[2]
			break
		}
	}
	if task == "" {
		t.Fatalf("the helper started no task: %v", sc.Err())
	}
	ctx := context.Background()
	d, err := cfg.Clients.ECS.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: sdkaws.String(cluster), Tasks: []string{task}})
	if err != nil || len(d.Tasks) != 1 || sdkaws.ToString(d.Tasks[0].DesiredStatus) != "RUNNING" {
		t.Fatalf("while its mvi lives: %+v %v", d.Tasks, err)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	d, err = cfg.Clients.ECS.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: sdkaws.String(cluster), Tasks: []string{task}})
	if err != nil || len(d.Tasks) != 1 {
		t.Fatalf("after the kill: %+v %v", d, err)
	}
	tk := d.Tasks[0]
	if sdkaws.ToString(tk.LastStatus) != "STOPPED" || len(tk.Containers) == 0 ||
		!strings.Contains(sdkaws.ToString(tk.Containers[0].Reason), "ended before it") || sdkaws.ToInt32(tk.Containers[0].ExitCode) != 137 {
		t.Errorf("after its mvi was killed the task is %s: %+v", sdkaws.ToString(tk.LastStatus), tk.Containers)
	}
}
