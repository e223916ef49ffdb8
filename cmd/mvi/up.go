package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/steps"
	"github.com/spf13/cobra"
)

func newUp() *cobra.Command {
	var (
		file       string
		yes        bool
		containers bool
		allowLoss  bool
		noSnap     bool
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
				s.cfg.NoWait = steps.ContainersNoWait()
			}
			s.cfg.Dir = manifestDir(file)
			s.cfg.AllowDataLoss = allowLoss
			s.cfg.SkipFinalSnapshot = noSnap
			out := c.OutOrStdout()
			// The same plan and apply steps a tutorial runs: they ask, apply,
			// stream the events and sum up; this command prints the plan in
			// full and says where the app answers.
			sess := &steps.Session{Engine: s.cfg, Arch: a, Where: s.where}
			if err := (steps.Plan{}).Run(ctx, sess, nil); err != nil {
				return err
			}
			writeEnginePlan(out, *sess.Plan, s.where, termWidth(out))
			changes := sess.Plan.Changes() > 0
			if !yes {
				in := c.InOrStdin()
				sess.Confirm = func(_ context.Context, q string) (bool, error) { return confirm(in, out, "\n"+q+" [y/N] ") }
				sess.ConfirmLoss = func(_ context.Context, q, want string) (bool, error) { return typed(in, out, "\n"+q+": ", want) }
			}
			if changes {
				// On the sandbox, this process serves the data plane while it
				// applies (unless another does), so containers pass real
				// health checks and the load balancer answers.
				stopServing := s.host(ctx, out)
				defer stopServing()
			}
			err = (steps.Apply{}).Run(ctx, sess, &lines{w: out})
			if errors.Is(err, steps.ErrDeclined) {
				fmt.Fprintln(out, "Nothing changed.")
				return nil
			}
			if err != nil {
				return err
			}
			if changes {
				s.writeEndpoints(out)
			}
			return nil
		},
	}
	fileFlag(c, &file)
	c.Flags().BoolVarP(&yes, "yes", "y", false, "apply without asking")
	c.Flags().BoolVar(&allowLoss, "allow-data-loss", false, "let this apply delete or replace what holds data (a database, file system, table or bucket) without typing the app's name")
	c.Flags().BoolVar(&noSnap, "no-final-snapshot", false, "when this apply deletes or replaces the database, keep no final snapshot of it")
	c.Flags().BoolVar(&containers, "wait-for-containers", true, "wait until every service runs its desired count (false: return once ECS accepted the change; watch with mvi status)")
	cf.add(c)
	return c
}

// writeEnginePlan prints a plan to fit width columns, breaking prose
// between words: a terminal left to wrap it breaks words at its edge.
func writeEnginePlan(w io.Writer, p engine.Plan, where string, width int) {
	para(w, fmt.Sprintf("Plan for %s on %s: %s.", p.App, where, p.Summary()), "", width)
	for _, s := range p.Steps {
		if s.Action == engine.NoOp {
			continue
		}
		cost := ""
		if s.MonthlyUSD >= 0.01 && s.Action != engine.Delete {
			cost = fmt.Sprintf("  ~$%.2f/mo", s.MonthlyUSD)
		}
		// Columns when they fit; else the type goes under the id.
		head := strings.TrimRight(fmt.Sprintf("  %s %-26s %-44s%s", s.Action.Symbol(), s.ID, s.Type, cost), " ")
		if len([]rune(head)) > width {
			head = fmt.Sprintf("  %s %s%s\n      %s", s.Action.Symbol(), s.ID, cost, s.Type)
		}
		fmt.Fprintln(w, head)
		para(w, s.Reason, "      ", width)
	}
	para(w, fmt.Sprintf("Estimated cost once applied: about $%.2f a month on AWS, %s (prices of %s; the sandbox is free).", p.MonthlyUSD, p.CostChange(), p.PricesDated), "", width)
}

// para writes prose wrapped to width, each line after indent.
func para(w io.Writer, s, indent string, width int) {
	for _, line := range wrap(s, width-len(indent)) {
		fmt.Fprintf(w, "%s%s\n", indent, line)
	}
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

// typed asks for an exact word, as before anything that loses data: a
// reflexive "y" is not enough.
func typed(in io.Reader, out io.Writer, question, want string) (bool, error) {
	if !isTerminalReader(in) {
		return false, usagef("no terminal to ask on: this plan loses data; pass --allow-data-loss to go ahead")
	}
	fmt.Fprint(out, question)
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && line == "" {
		return false, nil
	}
	if strings.TrimSpace(line) != want {
		fmt.Fprintln(out, "That is not "+want+"; nothing was deleted.")
		return false, nil
	}
	return true, nil
}
