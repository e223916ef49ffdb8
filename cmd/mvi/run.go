package main

import (
	"fmt"
	"strings"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/spf13/cobra"
)

func newRun() *cobra.Command {
	var (
		file, app string
		detach    bool
		cf        cloudFlags
	)
	c := &cobra.Command{
		Use:   "run PROCESS -- COMMAND [ARG...]",
		Short: "Run a one-off admin command (a migration, a console) from a process's current release",
		Long: strings.TrimSpace(`
Run starts COMMAND as a one-off ECS task of PROCESS: the task definition
its service runs now, so the same image, environment and secrets, with the
container's command replaced — the twelfth factor's admin processes, run in
the same release as the app and never on your own machine.

The task's output is read from its CloudWatch Logs stream as it arrives
and printed as the command wrote it (mvi's own lines go to stderr), and mvi
exits with the command's exit code, so a script can tell a failed
migration from a good one (when mvi itself fails, with 1 or 2, stderr says
so). Ctrl-C stops the task.

--detach prints the task id and returns at once; the task goes on, and its
lines are in mvi logs PROCESS (the stream's name ends with the task id).

The command runs on the app's VMs beside the service's containers, so it
needs room there: if none has room, run says so and starts nothing.`),
		Example: `  mvi run web -- migrate
  mvi run web -- bin/rails db:migrate
  mvi run worker --detach -- bin/reindex --all
  mvi run web --app shop -- ./manage.py shell -c 'print(1)'`,
		Args: func(c *cobra.Command, args []string) error {
			dash := c.ArgsLenAtDash()
			switch {
			case len(args) == 0:
				return usagef("name the process to run a command of, and the command after --, e.g. `mvi run web -- migrate`")
			case dash == 0:
				return usagef("name the process before --, e.g. `mvi run web -- %s`", strings.Join(args, " "))
			case dash > 1:
				return usagef("run takes one process before --, got %q; the command goes after --, e.g. `mvi run %s -- %s`", args[:dash], args[0], strings.Join(args[1:], " "))
			case len(args) == 1:
				return usagef("give the command to run after --, e.g. `mvi run %s -- migrate`", args[0])
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			process, command := args[0], args[1:]
			app, region, m, err := appOf(file, app)
			if err != nil {
				return err
			}
			if m != nil {
				if err := knownProcess(m, process); err != nil {
					return err
				}
			}
			ctx := c.Context()
			s, err := cf.open(ctx, app, region)
			if err != nil {
				return err
			}
			defer s.close()
			errw := c.ErrOrStderr()
			out := c.OutOrStdout()
			req := engine.RunRequest{Process: process, Command: command, Detach: detach,
				Output: func(l string) { fmt.Fprintln(out, l) }}
			// Ctrl-C ends ctx: Run stops the task, mvi ends as interrupted.
			res, err := engine.Run(ctx, s.cfg, req)
			if err != nil {
				if ctx.Err() != nil && res.Task != "" {
					fmt.Fprintf(errw, "mvi: stopped task %s of %s\n", res.Task, process)
				}
				return err
			}
			if detach {
				fmt.Fprintln(out, res.Task)
				fmt.Fprintf(errw, "Started task %s of %s running %q; its lines: mvi logs %s --follow\n", res.Task, process, strings.Join(command, " "), process)
				// The sandbox runs a task's program inside the mvi that
				// started it; it can't outlive this process.
				if s.sb != nil && s.sb.WaitPrograms(ctx) {
					fmt.Fprintln(errw, "mvi: on the sandbox the task ran inside this mvi process, so mvi waited for it to end")
				}
				return nil
			}
			if code := *res.Exit; code != 0 {
				return exitStatus{code: int(code), msg: fmt.Sprintf("%q in task %s of %s exited with status %d", strings.Join(command, " "), res.Task, process, code)}
			}
			return nil
		},
	}
	fileFlag(c, &file)
	c.Flags().StringVar(&app, "app", "", "the app to run in (default: the name in mvi.toml)")
	c.Flags().BoolVarP(&detach, "detach", "d", false, "print the task id and return; the task goes on")
	cf.add(c)
	return c
}

// knownProcess is a usage error for a process mvi.toml doesn't have,
// naming the ones it has.
func knownProcess(m *manifest.Manifest, process string) error {
	if m.Processes[process] != nil {
		return nil
	}
	fix := "name one of: " + strings.Join(m.ProcessNames(), ", ")
	if s := manifest.Nearest(process, m.ProcessNames()); s != "" {
		fix = fmt.Sprintf("did you mean %q? (the processes are %s)", s, strings.Join(m.ProcessNames(), ", "))
	}
	return usagef("%s has no process %q: %s", m.Name, process, fix)
}

// exitStatus ends mvi with a command's own exit code.
type exitStatus struct {
	code int
	msg  string
}

func (e exitStatus) Error() string { return e.msg }
