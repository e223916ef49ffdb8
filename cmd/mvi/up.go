package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/minimalinfra/mvi/engine"
	"github.com/spf13/cobra"
)

func newUp() *cobra.Command {
	var (
		file       string
		yes        bool
		containers bool
		cf         cloudFlags
	)
	c := &cobra.Command{
		Use:   "up",
		Short: "Create or change the cloud resources mvi.toml needs, after showing the plan",
		Long: `Up designs the architecture for mvi.toml, compares it with what already runs
(found by the mvi:app and mvi:id tags, so there is no state file to lose),
shows the plan with a monthly cost estimate, asks, and then applies it.
Interrupting is safe: everything made so far is tagged, and the next up
resumes where this one stopped.`,
		Example: `  mvi up -f assets/examples/hello/mvi.toml            # on the embedded sandbox
  mvi up -f assets/examples/full/mvi.toml --yes --sandbox-speed 0
  AWS_PROFILE=dev mvi up --cloud aws`,
		RunE: func(c *cobra.Command, _ []string) error {
			a, err := load(file)
			if err != nil {
				return err
			}
			ctx := c.Context()
			s, err := cf.open(ctx, a.App, a.Region)
			if err != nil {
				return err
			}
			defer s.close()
			if !containers {
				s.cfg.NoWait = map[string]bool{"AWS::ECS::Service": true}
			}
			out := c.OutOrStdout()
			p, err := engine.MakePlan(ctx, s.cfg, a)
			if err != nil {
				return err
			}
			writeEnginePlan(out, p, s.where)
			if p.Changes() == 0 {
				fmt.Fprintln(out, "\nNothing to change: everything in mvi.toml is up to date.")
				return nil
			}
			if !yes {
				ok, err := confirm(c.InOrStdin(), out, fmt.Sprintf("\nApply these %d changes to %s? [y/N] ", p.Changes(), s.where))
				if err != nil {
					return err
				}
				if !ok {
					fmt.Fprintln(out, "Nothing changed.")
					return nil
				}
			}
			// On the sandbox, this process serves the data plane while it
			// applies (unless another does), so containers pass real health
			// checks and the load balancer answers.
			stopServing := s.host(ctx, out, file)
			defer stopServing()
			start := time.Now()
			events := make(chan engine.Event, 256)
			wait := printEvents(out, events)
			err = engine.Apply(ctx, s.cfg, p, events)
			close(events)
			wait()
			if errors.Is(err, context.Canceled) {
				return fmt.Errorf("interrupted: nothing was rolled back and everything made so far is tagged; run `mvi up` again to resume")
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "\n%s is up: %d created, %d updated, %d replaced, %d deleted in %s.\n", p.App,
				p.Count(engine.Create), p.Count(engine.Update), p.Count(engine.Replace), p.Count(engine.Delete), time.Since(start).Round(time.Millisecond))
			s.writeEndpoints(out)
			return nil
		},
	}
	fileFlag(c, &file)
	c.Flags().BoolVarP(&yes, "yes", "y", false, "apply without asking")
	c.Flags().BoolVar(&containers, "wait-for-containers", true, "wait until every service runs its desired count (false: return once ECS accepted the change; watch with mvi status)")
	cf.add(c)
	return c
}

func writeEnginePlan(w io.Writer, p engine.Plan, where string) {
	fmt.Fprintf(w, "Plan for %s on %s: %d to create, %d to update, %d to replace, %d to delete, %d unchanged.\n",
		p.App, where, p.Count(engine.Create), p.Count(engine.Update), p.Count(engine.Replace), p.Count(engine.Delete), p.Count(engine.NoOp))
	for _, s := range p.Steps {
		if s.Action == engine.NoOp {
			continue
		}
		cost := ""
		if s.MonthlyUSD >= 0.01 && s.Action != engine.Delete {
			cost = fmt.Sprintf("  ~$%.2f/mo", s.MonthlyUSD)
		}
		fmt.Fprintf(w, "  %s %-26s %-44s%s\n      %s\n", s.Action.Symbol(), s.ID, s.Type, cost, s.Reason)
	}
	fmt.Fprintf(w, "Estimated cost once applied: about $%.2f a month on AWS (prices of %s; the sandbox is free).\n", p.MonthlyUSD, p.PricesDated)
}

// confirm asks a yes/no question; with no one to answer, it refuses
// rather than hang a CI job.
func confirm(in io.Reader, out io.Writer, question string) (bool, error) {
	if !isTerminalReader(in) {
		return false, usagef("no terminal to ask on: pass --yes to go ahead without asking")
	}
	fmt.Fprint(out, question)
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && line == "" {
		return false, nil
	}
	answer := strings.ToLower(strings.TrimSpace(line))
	return answer == "y" || answer == "yes", nil
}
