package tui

import (
	"context"
	"errors"
	"fmt"
	"io"

	tea "github.com/charmbracelet/bubbletea"
)

// RunOptions say where the program draws; the zero value is the
// process's terminal.
type RunOptions struct {
	In  io.Reader
	Out io.Writer
}

// Run opens the home screen and returns when the person leaves.
func Run(ctx context.Context, cfg Config, o RunOptions) error {
	return run(ctx, New(ctx, cfg), o)
}

// RunTutorial runs one tutorial (`mvi init`'s "set up my app") without
// the home screen: leaving it leaves the program.
func RunTutorial(ctx context.Context, cfg Config, t *Tutorial, o RunOptions) error {
	a := New(ctx, cfg)
	a.single = true
	a.run = newRunner(a.env, t)
	a.run.single = true
	a.screen = screenRunner
	a.start = a.run.Init
	return run(ctx, a, o)
}

func run(ctx context.Context, a *App, o RunOptions) error {
	// The alt screen keeps the person's scrollback; no mouse mode, so the
	// terminal's own selection still copies commands out of the panes.
	opts := []tea.ProgramOption{tea.WithAltScreen(), tea.WithContext(ctx)}
	if o.In != nil {
		opts = append(opts, tea.WithInput(o.In))
	}
	if o.Out != nil {
		opts = append(opts, tea.WithOutput(o.Out))
	}
	_, err := tea.NewProgram(a, opts...).Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		return fmt.Errorf("wizard: %w", err)
	}
	return a.stopped()
}
