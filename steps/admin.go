package steps

import (
	"context"
	"fmt"
	"strings"

	"github.com/minimalinfra/mvi/engine"
)

// Admin runs an admin command as a one-off task of a process's current
// release (`mvi run PROCESS -- COMMAND`), its output shown as it comes, and
// expects its exit code: how a tutorial fixes data, runs a migration, or
// shows what a failing command looks like.
type Admin struct {
	Base
	Process string // default DefaultProcess
	Command []string
	// Exit is the exit code the command should end with.
	Exit int
}

// Kind is KindAdmin.
func (Admin) Kind() Kind { return KindAdmin }

func (a Admin) process() string {
	if a.Process == "" {
		return DefaultProcess
	}
	return a.Process
}

// CommandLine is the command as a person types it.
func (a Admin) CommandLine() string {
	return "mvi run " + a.process() + " -- " + strings.Join(a.Command, " ")
}

// Run starts the task, streams its lines and checks how it ended.
func (a Admin) Run(ctx context.Context, s *Session, out Output) error {
	if err := s.connect(ctx); err != nil {
		return err
	}
	note(out, "$ "+a.CommandLine())
	res, err := engine.Run(ctx, s.Engine, engine.RunRequest{Process: a.process(), Command: a.Command,
		Output: func(line string) { note(out, "  "+line) }})
	if err != nil {
		return fmt.Errorf("%s: %w", a.CommandLine(), err)
	}
	if res.Exit == nil {
		return fmt.Errorf("%s: the task stopped without an exit code (%s)", a.CommandLine(), res.Stopped)
	}
	if int(*res.Exit) != a.Exit {
		return fmt.Errorf("%s exited with %d, want %d", a.CommandLine(), *res.Exit, a.Exit)
	}
	note(out, fmt.Sprintf("task %s exited with %d", res.Task, *res.Exit))
	return nil
}
