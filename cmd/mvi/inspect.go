package main

import (
	"os"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/minimalinfra/mvi/engine/cloud"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/minimalinfra/mvi/tui"
	"github.com/spf13/cobra"
)

func newInspect() *cobra.Command {
	var (
		readOnly bool
		cf       cloudFlags
	)
	c := &cobra.Command{
		Use:   "inspect [APP]",
		Short: "Open the live view of what an app runs: resources, logs and gauges",
		Long: strings.TrimSpace(`
Inspect is the wizard's live view of one app, opened on its own: every
resource with its state (refreshed every few seconds), a resource's details
and the console link and aws command that find it, a process's logs (l),
and the gauges of the last hour (g): requests, 5xx, p50/p99 latency, CPU
and memory of the load balancer and of each process, read with one
CloudWatch call per refresh.

APP defaults to the app of ./mvi.toml; with neither, Inspect asks which of
the apps the cloud has.

--read-only makes every call refuse to change anything, checked in the
clients themselves (AWS's and the sandbox's), not only by the keys offered:
for looking at production with credentials that could change it.`),
		Example: `  mvi inspect
  mvi inspect shop --read-only
  mvi inspect shop --cloud aws --region eu-west-1`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			cwd, _ := os.Getwd()
			app := inspectDefault(cwd)
			if len(args) == 1 {
				app = args[0]
			}
			ctx := c.Context()
			if readOnly {
				// Opening the cloud reads only too (the sandbox's own
				// setup writes nothing a read needs).
				ctx = cloud.WithReadOnly(ctx)
			}
			s, err := cf.open(ctx, app, manifest.DefaultRegion)
			if err != nil {
				return err
			}
			defer s.close()
			// The sandbox's load balancers answer, and its metrics and logs
			// grow, only while someone serves its data plane: as the wizard
			// does, Inspect serves it while open (unless another mvi does).
			// That is the sandbox acting as AWS would, not the person
			// changing anything, so it runs outside the read-only mark.
			var note strings.Builder
			stop := s.host(c.Context(), &note)
			defer stop()
			where := s.where
			if n := strings.TrimSpace(note.String()); n != "" {
				where += " " + n
			}
			return tui.RunInspect(c.Context(), tui.Config{
				Engine: s.cfg, Where: where, Dir: cwd, Reach: s.reach, InspectApp: app,
				Dark: lipgloss.HasDarkBackground(),
			}, app, readOnly, tui.RunOptions{In: c.InOrStdin(), Out: c.OutOrStdout()})
		},
	}
	c.Flags().BoolVar(&readOnly, "read-only", false, "refuse every call that would change the cloud")
	cf.add(c)
	return c
}
