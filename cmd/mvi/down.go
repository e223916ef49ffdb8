package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/spf13/cobra"
)

func newDown() *cobra.Command {
	var (
		file, app string
		yes       bool
		cf        cloudFlags
	)
	c := &cobra.Command{
		Use:   "down",
		Short: "Delete everything mvi created for the app, and prove nothing is left",
		Long: `Down deletes every resource tagged with the app (mvi:app), whatever mvi.toml
says now, dependents first, then lists again to prove nothing is left. The
database is deleted without a final snapshot: its data is gone for good.`,
		Example: `  mvi down -f assets/examples/hello/mvi.toml
  mvi down --app shop --yes`,
		RunE: func(c *cobra.Command, _ []string) error {
			region := ""
			if app == "" {
				m, err := manifest.Load(file)
				if err != nil {
					return err
				}
				app, region = m.Name, m.Region
			}
			if region == "" {
				region = manifest.DefaultRegion
			}
			ctx := c.Context()
			s, err := cf.open(ctx, app, region)
			if err != nil {
				return err
			}
			defer s.close()
			out := c.OutOrStdout()
			if err := engine.CheckLock(ctx, s.cfg); err != nil {
				return err
			}
			if !yes {
				if !isTerminalReader(c.InOrStdin()) {
					return usagef("no terminal to ask on: pass --yes to delete %s without asking", app)
				}
				fmt.Fprintf(out, "This deletes every resource of %s on %s, data included.\nType the app name to go ahead: ", app, s.where)
				line, _ := bufio.NewReader(c.InOrStdin()).ReadString('\n')
				if strings.TrimSpace(line) != app {
					fmt.Fprintln(out, "That is not the app name; nothing was deleted.")
					return nil
				}
			}
			start := time.Now()
			events := make(chan engine.Event, 256)
			wait := printEvents(out, events)
			err = engine.Destroy(ctx, s.cfg, events)
			close(events)
			wait()
			if errors.Is(err, context.Canceled) {
				return fmt.Errorf("interrupted: some resources remain; run `mvi down` again to finish")
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "\n%s is down: nothing tagged mvi:app=%s is left on %s (%s).\n", app, app, s.where, time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
	fileFlag(c, &file)
	c.Flags().StringVar(&app, "app", "", "the app to delete (default: the name in mvi.toml)")
	c.Flags().BoolVarP(&yes, "yes", "y", false, "delete without asking")
	cf.add(c)
	return c
}
