package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/spf13/cobra"
)

func newDown() *cobra.Command {
	var (
		file, app string
		yes, keep bool
		noSnap    bool
		cf        cloudFlags
	)
	c := &cobra.Command{
		Use:   "down",
		Short: "Delete everything mvi created for the app, and prove nothing is left",
		Long: `Down deletes every resource tagged with the app (mvi:app), whatever mvi.toml
says now, dependents first, then lists again to prove nothing is left. The
database's deletion protection is turned off and it is deleted with a final
snapshot (<app>-final-<time>), the one thing down leaves on purpose: it
costs about $0.095 per GB a month until you delete it (down prints the
command). --no-final-snapshot keeps none: the data is then gone for good.
The values of its secrets (SSM /mvi/APP/secrets/*) are deleted last, unless
--keep-secrets: kept values move to the account's default SSM key first,
since down schedules the app's own key for deletion.`,
		Example: `  mvi down -f assets/examples/hello/mvi.toml
  mvi down --app shop --yes`,
		RunE: func(c *cobra.Command, _ []string) error {
			app, region, _, err := appOf(file, app)
			if err != nil {
				return err
			}
			ctx := c.Context()
			s, err := cf.open(ctx, app, region)
			if err != nil {
				return err
			}
			defer s.close()
			s.cfg.SkipFinalSnapshot = noSnap
			out := c.OutOrStdout()
			if err := engine.CheckLock(ctx, s.cfg); err != nil {
				return err
			}
			if !yes {
				if !isTerminalReader(c.InOrStdin()) {
					return usagef("no terminal to ask on: pass --yes to delete %s without asking", app)
				}
				secrets := "and the values of its secrets"
				if keep {
					secrets = "but keeps the values of its secrets (--keep-secrets)"
				}
				data := "data included (a database is kept only as a final snapshot)"
				if noSnap {
					data = "data included, with no final snapshot of a database (--no-final-snapshot)"
				}
				fmt.Fprintf(out, "This deletes every resource of %s on %s, %s, %s.\nType the app name to go ahead: ", app, s.where, data, secrets)
				line, _ := bufio.NewReader(c.InOrStdin()).ReadString('\n')
				if strings.TrimSpace(line) != app {
					fmt.Fprintln(out, "That is not the app name; nothing was deleted.")
					return nil
				}
			}
			start := time.Now()
			var kept []string
			if keep {
				// Before the key they are under is scheduled for deletion.
				if _, err := engine.RekeySecrets(ctx, s.cfg, false); err != nil {
					return err
				}
				if kept, err = secretNames(ctx, s.cfg); err != nil {
					return err
				}
			}
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
			if !keep {
				gone, err := engine.DeleteSecrets(ctx, s.cfg)
				if err != nil {
					return err
				}
				if len(gone) > 0 {
					fmt.Fprintf(out, "Deleted the values of %d secret(s): %s.\n", len(gone), strings.Join(gone, ", "))
				}
			}
			snaps, err := engine.KeptSnapshots(ctx, s.cfg)
			if err != nil {
				return err
			}
			if len(snaps) == 0 {
				fmt.Fprintf(out, "\n%s is down: nothing tagged mvi:app=%s is left on %s (%s).\n", app, app, s.where, time.Since(start).Round(time.Millisecond))
			} else {
				fmt.Fprintf(out, "\n%s is down: nothing tagged mvi:app=%s is left on %s but what is kept on purpose (%s):\n", app, app, s.where, time.Since(start).Round(time.Millisecond))
				per := 0.0
				if pr, err := engine.LoadPrices(region); err == nil {
					per = pr.Other.RDSSnapshotGBMonth
				}
				for _, k := range snaps {
					fmt.Fprintf(out, "  kept: final snapshot %s of the database (%d GiB, at most $%.2f a month at $%.3f/GB-month); delete with `%s`\n",
						k.ID, k.GiB, per*float64(k.GiB), per, k.Delete)
				}
			}
			if len(kept) > 0 {
				fmt.Fprintf(out, "Kept, as asked: the values of %d secret(s) at %s, still tagged mvi:app=%s: %s (mvi secrets list shows them; mvi secrets unset NAME deletes one).\n",
					len(kept), arch.SecretsPath(app), app, strings.Join(kept, ", "))
			}
			return nil
		},
	}
	fileFlag(c, &file)
	c.Flags().StringVar(&app, "app", "", "the app to delete (default: the name in mvi.toml)")
	c.Flags().BoolVarP(&yes, "yes", "y", false, "delete without asking")
	c.Flags().BoolVar(&keep, "keep-secrets", false, "keep the values of the app's secrets, for a later up")
	c.Flags().BoolVar(&noSnap, "no-final-snapshot", false, "delete the database without keeping a final snapshot: its data is gone for good")
	cf.add(c)
	return c
}
