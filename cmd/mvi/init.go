package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/minimalinfra/mvi/steps"
	"github.com/minimalinfra/mvi/tui/plain"
	"github.com/minimalinfra/mvi/tutorials"
	"github.com/spf13/cobra"
)

// initOptions are what `mvi init` needs from outside cmd/mvi.
type initOptions struct {
	// RunTUI runs the init definition in the full-screen wizard. The tui
	// package provides it; while it is nil, a terminal gets the plain
	// prompts too.
	RunTUI func(ctx context.Context, t tutorials.Tutorial, s *steps.Session) error
}

func newInit(o initOptions) *cobra.Command {
	var (
		accessible bool
		cf         cloudFlags
	)
	c := &cobra.Command{
		Use:   "init [dir]",
		Short: "Answer a few questions about your app and get its mvi.toml (and, if you like, the app on the sandbox)",
		Long: `Init asks what your app is called, which image runs it (or which directory
builds it), the port it listens on, whether a worker runs beside it and
whether it needs a database; then it writes mvi.toml in dir (default: here),
shows the architecture those answers ask for, and offers to build it on the
sandbox.

With --accessible, or when stdin is not a terminal, the questions are plain
prompts, one per line, so a screen reader or a script can answer them.`,
		Example: `  mvi init
  mvi init shop --accessible
  printf 'shop\nhttpd\n80\n\n1\nn\n' | mvi init shop`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if cf.cloud != "sandbox" {
				return usagef("mvi init builds on the sandbox; after it has written mvi.toml, `mvi up --cloud %s` builds it there", cf.cloud)
			}
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			abs, err := filepath.Abs(dir)
			if err != nil {
				return fmt.Errorf("init: %w", err)
			}
			if _, err := os.Stat(filepath.Join(abs, "mvi.toml")); err == nil {
				return usagef("%s already exists; edit it, or run mvi init in another directory", filepath.Join(dir, "mvi.toml"))
			} else if !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("init: %w", err)
			}
			if err := os.MkdirAll(abs, 0o755); err != nil {
				return fmt.Errorf("init: %w", err)
			}
			t, err := tutorials.Load(tutorials.InitID)
			if err != nil {
				return err
			}
			ctx := c.Context()
			var closers []func()
			defer func() {
				for _, f := range closers {
					f()
				}
			}()
			s := &steps.Session{
				Dir:      abs,
				Answers:  map[string]string{},
				Defaults: map[string]string{"name": appName(abs)},
				// The cloud is opened only if the person asks to build.
				Connect: func(ctx context.Context, s *steps.Session) error {
					sess, err := cf.open(ctx, s.Engine.App, s.Engine.Region)
					if err != nil {
						return err
					}
					closers = append(closers, sess.close)
					// Apply needn't wait for containers to settle, as with `mvi up`.
					sess.cfg.NoWait = steps.ContainersNoWait()
					s.Engine, s.Where = sess.cfg, sess.where
					return nil
				},
			}
			in := c.InOrStdin()
			if o.RunTUI != nil && !accessible && isTerminalReader(in) {
				return o.RunTUI(ctx, t, s)
			}
			r := plain.New(in, c.OutOrStdout())
			// "Create it now?" is the person's consent; apply asks no more.
			r.Yes = true
			r.Echo = !isTerminalReader(in)
			return r.Run(ctx, t, s, 0)
		},
	}
	c.Flags().BoolVar(&accessible, "accessible", false, "plain prompts and progress lines, for screen readers (also used when stdin is not a terminal)")
	cf.add(c)
	return c
}

var notName = regexp.MustCompile(`[^a-z0-9]+`)

// appName makes an app name from a directory's name: "My Shop" → "my-shop".
func appName(dir string) string {
	n := strings.Trim(notName.ReplaceAllString(strings.ToLower(filepath.Base(dir)), "-"), "-")
	n = strings.TrimLeft(n, "0123456789-")
	if len(n) > 32 {
		n = strings.TrimRight(n[:32], "-")
	}
	if n == "" {
		return "app"
	}
	return n
}
