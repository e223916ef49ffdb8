package tui

import (
	"context"
	"errors"
	"fmt"
	"io"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/minimalinfra/mvi/engine/cloud"
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

// RunInspect opens Inspect alone (`mvi inspect`): on app, or asking which
// when app is "". Read-only marks every call it makes with
// cloud.WithReadOnly, so the clients themselves refuse any change.
// Leaving it leaves the program.
func RunInspect(ctx context.Context, cfg Config, app string, readOnly bool, o RunOptions) error {
	return run(ctx, NewInspect(ctx, cfg, app, readOnly), o)
}

// NewInspect is the root model of RunInspect.
func NewInspect(ctx context.Context, cfg Config, app string, readOnly bool) *App {
	if readOnly {
		ctx = cloud.WithReadOnly(ctx)
	}
	a := New(ctx, cfg)
	a.single = true
	if app != "" {
		a.insp = newInspectorFor(a.env, app, cfg.Engine)
	} else {
		a.insp = newInspector(a.env)
	}
	a.screen = screenInspect
	a.start = a.insp.Init
	return a
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
