package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/spf13/cobra"
)

func newUnlock() *cobra.Command {
	var (
		file string
		yes  bool
		cf   cloudFlags
	)
	c := &cobra.Command{
		Use:   "unlock APP",
		Short: "Delete the lock a dead run left on an app, after you confirm",
		Long: strings.TrimSpace(`
mvi up and mvi down lock the app while they change it, so two runs never
change one app at once. On AWS the lock is the SSM parameter /mvi/APP/lock,
naming the run that holds it (pid, host, start) and a lease that run renews
every 30 s. A run that dies without releasing it (killed, crashed, a power
cut) leaves the lock behind, and the next up or down takes it over by
itself, saying so, when the holder ran on this machine and its process is
gone, or when its lease ran out (2 minutes without renewal).

Unlock is for the rest: a run on another machine you know is dead, when you
can't wait for its lease; or a lock written by an mvi from before leases.
It shows who holds the lock and asks you to type the app name (--yes skips
that, for scripts). Delete only a dead run's lock: if that run is still
going, two runs would change the app at once.

In the sandbox (--cloud sandbox) the lock is a file lock the system frees
the moment its holder ends, so it never outlives a dead run: unlock says
which run holds it, and deletes nothing.

The lock lives in the app's region: --region, else mvi.toml's when that
file names this app, else us-east-1.`),
		Example: `  mvi unlock shop --cloud aws
  mvi unlock shop --cloud aws --region eu-west-1 --yes
  mvi unlock shop                # sandbox: says who holds the lock, if anyone`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("%s takes the app's name, e.g. `mvi unlock shop`", c.CommandPath())
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			app, region := args[0], manifest.DefaultRegion
			m, err := manifest.Load(file)
			switch {
			case err == nil && m.Name == app:
				region = m.Region
			case err != nil && c.Flags().Changed("file"):
				return err
			}
			ctx := c.Context()
			s, err := cf.open(ctx, app, region)
			if err != nil {
				return err
			}
			defer s.close()
			b, ok := s.cfg.Locker.(engine.Breaker)
			if !ok {
				return fmt.Errorf("unlock %s: the lock on %s can't be inspected", app, s.where)
			}
			h, err := b.Holder(ctx, app)
			if err != nil {
				return err
			}
			out := c.OutOrStdout()
			if h == nil {
				fmt.Fprintf(out, "%s has no lock on %s: nothing to unlock.\n", app, s.where)
				if cf.cloud == "sandbox" {
					fmt.Fprintln(out, "(The sandbox's lock frees itself when the run holding it ends.)")
				} else {
					fmt.Fprintln(out, "(If the app lives in another region, pass --region.)")
				}
				return nil
			}
			if cf.cloud == "sandbox" {
				// A held flock has a live holder: say who, delete nothing.
				return b.Break(ctx, app)
			}
			fmt.Fprintf(out, "The lock of %s on %s is held by %s.\n%s", app, s.where, h, leaseText(*h, time.Now()))
			if !yes {
				if !isTerminalReader(c.InOrStdin()) {
					return usagef("no terminal to ask on: pass --yes to delete the lock of %s without asking", app)
				}
				if !confirmApp(c.InOrStdin(), out, app) {
					fmt.Fprintln(out, "That is not the app name; the lock stays.")
					return nil
				}
			}
			if err := b.Break(ctx, app); err != nil {
				return err
			}
			fmt.Fprintf(out, "Deleted the lock of %s: the next mvi up or mvi down goes ahead.\n", app)
			return nil
		},
	}
	fileFlag(c, &file)
	c.Flags().BoolVarP(&yes, "yes", "y", false, "delete the lock without asking")
	cf.add(c)
	return c
}

// leaseText tells what is known of the holder, so the person can judge
// whether it is dead.
func leaseText(h engine.Holder, now time.Time) string {
	var b strings.Builder
	switch {
	case h.Expires.IsZero():
		b.WriteString("It has no lease (an mvi from before leases wrote it), so only a dead process on this machine is taken over by itself.\n")
	case now.After(h.Expires):
		fmt.Fprintf(&b, "Its lease ran out %s ago: the next mvi up or down takes it over by itself.\n", now.Sub(h.Expires).Round(time.Second))
	default:
		fmt.Fprintf(&b, "Its lease was renewed %s ago and runs %s more: that run looks alive.\n",
			now.Sub(h.Renewed).Round(time.Second), h.Expires.Sub(now).Round(time.Second))
	}
	switch {
	case h.Dead():
		fmt.Fprintf(&b, "Process %d is not running on this machine: the next mvi up or down takes the lock over by itself.\n", h.PID)
	case h.Local():
		fmt.Fprintf(&b, "Process %d is running on this machine: if it is that mvi, let it finish or stop it instead.\n", h.PID)
	}
	return b.String()
}

// confirmApp asks for the app's name and says whether it was typed.
func confirmApp(in io.Reader, out io.Writer, app string) bool {
	fmt.Fprint(out, "Delete it only if you are sure that run is dead. Type the app name to delete the lock: ")
	line, _ := bufio.NewReader(in).ReadString('\n')
	return strings.TrimSpace(line) == app
}
