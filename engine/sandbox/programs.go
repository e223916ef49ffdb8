package sandbox

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// A program is a container the sandbox really runs to its end, because
// it is a program the sandbox has its own implementation of: today only
// mvi's cluster builder (BuildKit's image, run with mvi's builder). Any
// other image's program can't run here, and the sandbox never makes up
// what it would print. A program's lines go to its awslogs stream and its
// exit code ends the task, as an essential container's exit does on ECS.

// programRun is what a program gets: the container as ECS would start
// it (environment with overrides, secrets resolved by the execution
// role), a log, and the sandbox to reach S3 and the registry through.
type programRun struct {
	Image   string
	Command []string
	Env     map[string]string
	Log     func(string)
}

type program func(ctx context.Context, s *Sandbox, r programRun) int32

// programs by the name programOf gives.
var programs = map[string]program{
	"buildkit":  runBuildkit,
	demoProgram: runDemo,
}

// programOf names the program of a task definition's essential
// container, "" when the sandbox has none for its image.
func programOf(td *taskDef) string {
	for _, c := range td.Containers {
		if c.Essential != nil && !*c.Essential {
			continue
		}
		repo := aws.ToString(c.Image)
		if i := strings.IndexAny(repo, ":@"); i >= 0 {
			repo = repo[:i]
		}
		repo = strings.TrimPrefix(strings.TrimPrefix(repo, "docker.io/"), "index.docker.io/")
		if repo == "moby/buildkit" {
			return "buildkit"
		}
		if isDemo(aws.ToString(c.Image)) {
			return demoProgram
		}
	}
	return ""
}

// runProgram runs a placed task's program in the background, so RunTask
// answers at once as on ECS; DescribeTasks shows it RUNNING until it
// ends, then STOPPED with its exit code.
func (s *Sandbox) runProgram(arn string) {
	var run programRun
	var prog program
	var group, stream, container string
	err := s.internal(context.Background(), func(t *tx) error {
		tk := t.r.ECS.Tasks[arn]
		if tk == nil {
			return nil
		}
		td := t.taskDefByKey(tk.TaskDef)
		if td == nil {
			return nil
		}
		prog = programs[tk.Program]
		for _, c := range td.Containers {
			if c.Essential != nil && !*c.Essential {
				continue
			}
			container = aws.ToString(c.Name)
			run = programRun{Image: aws.ToString(c.Image), Command: append([]string(nil), c.Command...), Env: map[string]string{}}
			for _, e := range c.Environment {
				run.Env[aws.ToString(e.Name)] = aws.ToString(e.Value)
			}
			for _, sec := range c.Secrets {
				if p := t.r.SSM.Params[t.paramName(aws.ToString(sec.ValueFrom))]; p != nil {
					run.Env[aws.ToString(sec.Name)] = aws.ToString(t.paramOut(p, true).Value)
				}
			}
			applyOverride(&run, tk.Overrides, container)
			group, stream = awslogsStream(c.LogConfiguration, container, tk.ID)
			break
		}
		return nil
	})
	if err != nil || prog == nil {
		return
	}
	run.Log = func(line string) {
		if group == "" {
			return
		}
		_ = s.internal(context.Background(), func(t *tx) error {
			g := t.r.Logs.Groups[group]
			if g == nil {
				return nil // the group is gone: the driver's lines are lost, as on AWS
			}
			if g.Streams == nil {
				g.Streams = map[string]*logStream{}
			}
			st := g.Streams[stream]
			if st == nil {
				st = &logStream{Name: stream, Created: t.now}
				g.Streams[stream] = st
			}
			t.appendLogEvents(st, []cwltypes.InputLogEvent{{Timestamp: aws.Int64(t.now.UnixMilli()), Message: aws.String(line)}}, t.now)
			t.touch()
			return nil
		})
	}
	ctx, stop := context.WithCancel(s.progCtx)
	s.stops.add(arn, stop)
	s.progs.Add(1)
	s.progsN.Add(1)
	go s.watchStop(ctx, arn)
	go func() {
		defer s.progs.Done()
		defer s.progsN.Add(-1)
		defer stop()
		code := prog(ctx, s, run)
		stopped := s.stops.remove(arn)
		_ = s.internal(context.Background(), func(t *tx) error {
			tk := t.r.ECS.Tasks[arn]
			if tk == nil {
				return nil
			}
			if tk.Desired == "STOPPED" {
				// Stopped from outside: a program that ended on the stop
				// (ECS's SIGTERM; watchStop brings another process's)
				// exits with its own code; one that ended on its own just
				// as the stop came keeps ECS's 137.
				if stopped {
					for i := range tk.Containers {
						if tk.Containers[i].Name == container {
							tk.Containers[i].Exit = aws.Int32(code)
						}
					}
					tk.Version++
					t.touch()
				}
				return nil
			}
			for i := range tk.Containers {
				if tk.Containers[i].Name == container {
					tk.Containers[i].Exit = aws.Int32(code)
				}
			}
			// It can't stop before it was seen running.
			at := latest(t.now, tk.RunningAt)
			tk.Desired, tk.StopAsked, tk.StopCode, tk.StopReason = "STOPPED", at, "EssentialContainerExited", "Essential container in task exited"
			tk.StoppedAt = at.Add(t.dur(paceTaskStopping))
			tk.Version++
			t.touch()
			return nil
		})
	}()
}

// programStops are the running programs' cancels, by task ARN: StopTask
// is the SIGTERM a program of this process ends on.
type programStops struct {
	mu      sync.Mutex
	cancel  map[string]context.CancelFunc
	stopped map[string]bool
}

func (p *programStops) add(arn string, cancel context.CancelFunc) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cancel == nil {
		p.cancel, p.stopped = map[string]context.CancelFunc{}, map[string]bool{}
	}
	p.cancel[arn] = cancel
}

// stop cancels arn's program, if it runs here.
func (p *programStops) stop(arn string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c := p.cancel[arn]; c != nil {
		p.stopped[arn] = true
		c()
	}
}

// remove forgets arn's program, reporting whether stop ended it.
func (p *programStops) remove(arn string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	stopped := p.stopped[arn]
	delete(p.cancel, arn)
	delete(p.stopped, arn)
	return stopped
}

// orphanPrograms stops the tasks whose program's mvi process has ended
// before the program did (killed, or crashed): nothing runs them any more,
// and the sandbox says so rather than show them running forever.
func orphanPrograms(t *tx) {
	for _, arn := range sortedKeys(t.r.ECS.Tasks) {
		tk := t.r.ECS.Tasks[arn]
		if tk.Program == "" || tk.Owner == 0 || tk.Desired == "STOPPED" || tk.Owner == os.Getpid() || processAlive(tk.Owner) {
			continue
		}
		for i := range tk.Containers {
			if tk.Containers[i].Exit == nil {
				tk.Containers[i].Reason = fmt.Sprintf("mvi sandbox: the mvi process (pid %d) that ran this task's program ended before it, and the program with it", tk.Owner)
			}
		}
		at := latest(t.now, tk.RunningAt)
		tk.Desired, tk.StopAsked, tk.StopCode, tk.StopReason = "STOPPED", at, "EssentialContainerExited", "Essential container in task exited"
		tk.StoppedAt = at.Add(t.dur(paceTaskStopping))
		tk.Version++
		t.touch()
	}
}

// programWatch is how often, in wall time, a running program's process
// looks for a StopTask made by another process.
const programWatch = 200 * time.Millisecond

// watchStop stops arn's program when its task is asked to stop from
// another process (mvi down, or a second terminal), which can't reach the
// cancel this process holds; it ends with the program.
func (s *Sandbox) watchStop(ctx context.Context, arn string) {
	tick := time.NewTicker(programWatch)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		stopping := false
		if err := s.internal(ctx, func(t *tx) error {
			tk := t.r.ECS.Tasks[arn]
			stopping = tk == nil || tk.Desired == "STOPPED"
			return nil
		}); err != nil {
			continue
		}
		if stopping {
			s.stops.stop(arn)
			return
		}
	}
}

// applyOverride puts RunTask's container override over the definition.
func applyOverride(r *programRun, o *ecstypes.TaskOverride, container string) {
	if o == nil {
		return
	}
	for _, co := range o.ContainerOverrides {
		if aws.ToString(co.Name) != container {
			continue
		}
		if len(co.Command) > 0 {
			r.Command = append([]string(nil), co.Command...)
		}
		for _, e := range co.Environment {
			r.Env[aws.ToString(e.Name)] = aws.ToString(e.Value)
		}
	}
}

// programGrace bounds how long Close waits for running programs after
// cancelling them.
const programGrace = 10 * time.Second

// WaitPrograms waits until the programs this Sandbox started have ended,
// or ctx ends, and reports whether any was running. A program runs
// inside the process that started its task (RunTask), so a caller that
// means it to finish waits before Close.
func (s *Sandbox) WaitPrograms(ctx context.Context) bool {
	if s.progsN.Load() == 0 {
		return false
	}
	done := make(chan struct{})
	go func() { s.progs.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
	return true
}

// waitPrograms waits for running programs, at most grace.
func (s *Sandbox) waitPrograms(grace time.Duration) {
	done := make(chan struct{})
	go func() { s.progs.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(grace):
	}
}
