package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/resource"
)

// An admin process (the twelfth factor) is a one-off task of a process's
// current release: the task definition its service runs now — so the
// same image, environment and secrets — with the command replaced, on
// the same cluster and capacity. Its output is the task's awslogs
// stream, read as it grows until the task stops; its result is the
// container's exit code.

// RunStartedBy marks the one-off tasks mvi starts (ECS's startedBy), so
// they can be listed apart from a service's.
const RunStartedBy = "mvi-run"

// RunIDPrefix starts the mvi:id of a one-off task: run/PROCESS.
const RunIDPrefix = "run/"

// RunRequest is one admin command.
type RunRequest struct {
	Process string
	Command []string
	// Every is how often the task and its log are looked at (default 1s).
	Every time.Duration
	// Output gets each line the command writes, as it arrives; nil with
	// Detach.
	Output func(string)
	// Detach returns once the task is started.
	Detach bool
}

// RunResult is what became of it.
type RunResult struct {
	Task    string // the task id
	TaskARN string
	Cluster string
	// Exit is the command's exit code, nil when it never ran (or Detach).
	Exit *int32
	// Stopped is ECS's reason the task stopped.
	Stopped string
}

// Run starts req as a one-off task and, unless it detaches, streams its
// output and waits for it to end. A context that ends stops the task.
func Run(ctx context.Context, cfg Config, req RunRequest) (RunResult, error) {
	if len(req.Command) == 0 {
		return RunResult{}, fmt.Errorf("run %s: no command given", req.Process)
	}
	every := req.Every
	if every <= 0 {
		every = time.Second
	}
	r := cfg.retry()
	svc, err := processService(ctx, cfg, req.Process)
	if err != nil {
		return RunResult{}, err
	}
	var td *ecstypes.TaskDefinition
	err = retrying(ctx, r, func() error {
		out, err := cfg.Clients.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: svc.TaskDefinition})
		if err == nil {
			td = out.TaskDefinition
		}
		return err
	}, nil)
	if err != nil {
		return RunResult{}, fmt.Errorf("read the task definition %s of %s: %w", sdkaws.ToString(svc.TaskDefinition), req.Process, err)
	}
	ct := essential(td)
	if ct == nil {
		return RunResult{}, fmt.Errorf("task definition %s has no essential container to run a command in", sdkaws.ToString(svc.TaskDefinition))
	}
	res := RunResult{Cluster: sdkaws.ToString(svc.ClusterArn)}
	in := &ecs.RunTaskInput{Cluster: svc.ClusterArn, TaskDefinition: svc.TaskDefinition, Count: sdkaws.Int32(1),
		StartedBy: sdkaws.String(RunStartedBy), ClientToken: sdkaws.String(clientToken()),
		CapacityProviderStrategy: svc.CapacityProviderStrategy, NetworkConfiguration: svc.NetworkConfiguration,
		PlacementStrategy: svc.PlacementStrategy, PlacementConstraints: svc.PlacementConstraints,
		Overrides: &ecstypes.TaskOverride{ContainerOverrides: []ecstypes.ContainerOverride{{Name: ct.Name, Command: req.Command}}},
		Tags: []ecstypes.Tag{{Key: sdkaws.String(resource.TagApp), Value: sdkaws.String(cfg.App)},
			{Key: sdkaws.String(resource.TagID), Value: sdkaws.String(RunIDPrefix + req.Process)}}}
	if len(in.CapacityProviderStrategy) == 0 && svc.LaunchType != "" {
		in.LaunchType = svc.LaunchType
	}
	var started *ecs.RunTaskOutput
	err = retrying(ctx, r, func() (err error) { started, err = cfg.Clients.ECS.RunTask(ctx, in); return err }, nil)
	if err != nil {
		return res, fmt.Errorf("start a task of %s on cluster %s: %w", req.Process, resource.LastPart(res.Cluster), err)
	}
	if len(started.Tasks) == 0 {
		return res, &NoRoomError{Process: req.Process, Cluster: resource.LastPart(res.Cluster), Failures: started.Failures}
	}
	res.TaskARN = sdkaws.ToString(started.Tasks[0].TaskArn)
	res.Task = resource.LastPart(res.TaskARN)
	if req.Detach {
		return res, nil
	}
	out := req.Output
	if out == nil {
		out = func(string) {}
	}
	tail := taskLog(cfg, ct, res.Task)
	for {
		var task *ecstypes.Task
		err := retrying(ctx, r, func() error {
			d, err := cfg.Clients.ECS.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: svc.ClusterArn, Tasks: []string{res.TaskARN}})
			if err == nil && len(d.Tasks) > 0 {
				task = &d.Tasks[0]
			}
			return err
		}, nil)
		if err == nil && task == nil {
			err = fmt.Errorf("task %s is gone", res.Task)
		}
		if err != nil {
			if ctx.Err() != nil {
				return res, stopRun(cfg, res, ctx.Err())
			}
			return res, fmt.Errorf("look at task %s: %w", res.Task, err)
		}
		tail.drain(ctx, out)
		if sdkaws.ToString(task.LastStatus) == "STOPPED" {
			tail.drain(ctx, out)
			res.Stopped = sdkaws.ToString(task.StoppedReason)
			for _, c := range task.Containers {
				if sdkaws.ToString(c.Name) == sdkaws.ToString(ct.Name) {
					res.Exit = c.ExitCode
				}
			}
			if res.Exit == nil {
				return res, &RunFailedError{Task: res.Task, Process: req.Process, Reason: res.Stopped}
			}
			return res, nil
		}
		if err := r.Sleep(ctx, every); err != nil {
			return res, stopRun(cfg, res, err)
		}
	}
}

// processService is the ECS service of process, as it runs now.
func processService(ctx context.Context, cfg Config, process string) (ecstypes.Service, error) {
	h, ok := cfg.Handlers[arch.TypeService]
	if !ok {
		return ecstypes.Service{}, fmt.Errorf("no handler for %s; this mvi can't find services", arch.TypeService)
	}
	var ls []resource.Live
	if err := retrying(ctx, cfg.retry(), func() (err error) { ls, err = h.List(ctx, cfg.env(nil)); return err }, nil); err != nil {
		return ecstypes.Service{}, fmt.Errorf("list the services of %s: %w", cfg.App, err)
	}
	var known []string
	var live *resource.Live
	for i, l := range ls {
		if p, ok := arch.ProcessOfService(l.ID); ok {
			known = append(known, p)
			if p == process {
				live = &ls[i]
			}
		}
	}
	if live == nil {
		sort.Strings(known)
		return ecstypes.Service{}, &NoReleaseError{App: cfg.App, Process: process, Running: known}
	}
	var svc ecstypes.Service
	err := retrying(ctx, cfg.retry(), func() error {
		out, err := cfg.Clients.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: sdkaws.String(live.Attrs["cluster"]), Services: []string{live.PhysicalID}})
		if err == nil && len(out.Services) > 0 {
			svc = out.Services[0]
		}
		return err
	}, nil)
	if err != nil {
		return svc, fmt.Errorf("describe the service of %s: %w", process, err)
	}
	if svc.TaskDefinition == nil {
		return svc, &NoReleaseError{App: cfg.App, Process: process, Running: known}
	}
	return svc, nil
}

// essential is the container a command runs in: the first essential one.
func essential(td *ecstypes.TaskDefinition) *ecstypes.ContainerDefinition {
	if td == nil {
		return nil
	}
	for i, c := range td.ContainerDefinitions {
		if c.Essential == nil || *c.Essential {
			return &td.ContainerDefinitions[i]
		}
	}
	return nil
}

// stopRun stops a run's task when mvi is stopped while it waits: the
// person asked for the command to end, not for a task left running.
func stopRun(cfg Config, res RunResult, why error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, _ = cfg.Clients.ECS.StopTask(ctx, &ecs.StopTaskInput{Cluster: sdkaws.String(res.Cluster), Task: sdkaws.String(res.TaskARN),
		Reason: sdkaws.String("mvi run was stopped")})
	return why
}

func clientToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// logTail reads one task's awslogs stream from its start, a page at a
// time, each line once.
type logTail struct {
	cfg           Config
	group, stream string
	token         *string
}

// taskLog is the stream the awslogs driver writes a task's container
// to (PREFIX/CONTAINER/TASK), or a tail that reads nothing when the
// container logs elsewhere.
func taskLog(cfg Config, ct *ecstypes.ContainerDefinition, task string) *logTail {
	t := &logTail{cfg: cfg}
	if lc := ct.LogConfiguration; lc != nil && lc.LogDriver == ecstypes.LogDriverAwslogs {
		t.group, t.stream = lc.Options["awslogs-group"], task
		if p := lc.Options["awslogs-stream-prefix"]; p != "" {
			t.stream = p + "/" + sdkaws.ToString(ct.Name) + "/" + task
		}
	}
	return t
}

func (t *logTail) drain(ctx context.Context, out func(string)) {
	if t.group == "" {
		return
	}
	for {
		page, err := t.cfg.Clients.Logs.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: sdkaws.String(t.group),
			LogStreamName: sdkaws.String(t.stream), StartFromHead: sdkaws.Bool(true), NextToken: t.token})
		if err != nil {
			return // the stream appears when the container starts; next look
		}
		for _, e := range page.Events {
			out(strings.TrimRight(sdkaws.ToString(e.Message), "\n"))
		}
		// The forward token comes back unchanged at the stream's end.
		same := sdkaws.ToString(page.NextForwardToken) == sdkaws.ToString(t.token)
		if page.NextForwardToken != nil {
			t.token = page.NextForwardToken
		}
		if same || len(page.Events) == 0 {
			return
		}
	}
}

// NoReleaseError is a process with no service running a release yet.
type NoReleaseError struct {
	App, Process string
	Running      []string // the processes that do run
}

func (e *NoReleaseError) Error() string {
	return resource.FixLine(fmt.Sprintf("%s has no release of process %q running yet, so there is nothing to run a command from", e.App, e.Process), e.Fix())
}

// Fix says how a release comes to be.
func (e *NoReleaseError) Fix() string {
	if len(e.Running) > 0 {
		return "the processes running are " + strings.Join(e.Running, ", ") + "; run `mvi up` to release " + e.Process
	}
	return "run `mvi up` first: a command runs from the release a process's service runs"
}

// NoRoomError is a RunTask that found no VM to place the task on.
type NoRoomError struct {
	Process, Cluster string
	Failures         []ecstypes.Failure
}

func (e *NoRoomError) Error() string {
	why := "no reason given"
	if len(e.Failures) > 0 {
		why = sdkaws.ToString(e.Failures[0].Reason)
		if d := sdkaws.ToString(e.Failures[0].Detail); d != "" && d != why {
			why += ": " + d
		}
	}
	return resource.FixLine(fmt.Sprintf("no VM of cluster %s has room for a task of %s (%s)", e.Cluster, e.Process, why), e.Fix())
}

// Fix says where room comes from.
func (e *NoRoomError) Fix() string {
	return "wait for a deployment to finish, or give the VMs room: a bigger [vm] type or count in mvi.toml, then `mvi up`"
}

// RunFailedError is a one-off task that stopped before its command ran.
type RunFailedError struct{ Task, Process, Reason string }

func (e *RunFailedError) Error() string {
	return resource.FixLine(fmt.Sprintf("task %s of %s stopped before its command ran: %s", e.Task, e.Process, e.Reason), e.Fix())
}

// Fix points at what ECS said.
func (e *RunFailedError) Fix() string {
	return "the reason above is ECS's; `mvi status` shows the process, `mvi logs " + e.Process + "` its lines"
}
