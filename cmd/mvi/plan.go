package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/spf13/cobra"
)

func newPlan() *cobra.Command {
	var (
		file, output string
		cf           cloudFlags
	)
	c := &cobra.Command{
		Use:   "plan",
		Short: "Show the architecture mvi.toml needs: every resource, grouped by service, with why",
		Long: `Plan designs the architecture for mvi.toml with the book's rules and lists every
cloud resource it needs, grouped by the service it belongs to, each with the
reason it exists. Nothing is created: by default this reads only the file.
With --cloud it also reads what runs there (nothing is changed) and says
what the design costs against what runs now ("+$14.60 from now").`,
		Example: `  mvi plan
  mvi plan -f assets/examples/hello/mvi.toml
  mvi plan --cloud sandbox                      # and the cost against what runs now
  mvi plan -f assets/examples/full/mvi.toml --output json | jq '.services[].service'`,
		RunE: func(c *cobra.Command, _ []string) error {
			if output != "text" && output != "json" {
				return usagef("--output %q: use text or json", output)
			}
			a, err := load(file)
			if err != nil {
				return err
			}
			prices, err := engine.LoadPrices(a.Region)
			if err != nil {
				return err
			}
			var now *engine.Plan
			if c.Flags().Changed("cloud") {
				if now, err = planAgainst(c.Context(), &cf, a, manifestDir(file)); err != nil {
					return err
				}
			}
			if output == "json" {
				return writePlanJSON(c.OutOrStdout(), a, prices, now)
			}
			writePlanText(c.OutOrStdout(), a, prices, termWidth(c.OutOrStdout()))
			if now != nil {
				fmt.Fprintf(c.OutOrStdout(), "\nAgainst what runs now (about $%.2f a month): $%.2f a month, %s; %d change(s), which `mvi up` lists.\n",
					now.NowMonthlyUSD, now.MonthlyUSD, now.CostChange(), now.Changes())
			}
			return nil
		},
	}
	fileFlag(c, &file)
	c.Flags().StringVarP(&output, "output", "o", "text", "text or json")
	cf.add(c)
	return c
}

// planAgainst compares the design with what runs on the chosen cloud,
// reading only: the engine's plan, as up would make it.
func planAgainst(ctx context.Context, cf *cloudFlags, a arch.Architecture, dir string) (*engine.Plan, error) {
	s, err := cf.open(ctx, a.App, a.Region)
	if err != nil {
		return nil, err
	}
	defer s.close()
	s.cfg.Dir = dir
	p, err := engine.MakePlan(ctx, s.cfg, a)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// manifestDir is the directory holding the manifest file names (build
// directories are relative to it).
func manifestDir(file string) string {
	if fi, err := os.Stat(file); err == nil && fi.IsDir() {
		file = filepath.Join(file, "mvi.toml")
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return filepath.Dir(file)
	}
	return filepath.Dir(abs)
}

// load reads and designs a manifest: the first half of every command.
func load(file string) (arch.Architecture, error) {
	m, err := manifest.Load(file)
	if err != nil {
		return arch.Architecture{}, err
	}
	a, err := arch.Design(m)
	if err != nil {
		return arch.Architecture{}, fmt.Errorf("%s: %w", file, err)
	}
	return a, nil
}

type planJSON struct {
	App         string  `json:"app"`
	Region      string  `json:"region"`
	Resources   int     `json:"resource_count"`
	MonthlyUSD  float64 `json:"monthly_usd"`
	PricesDated string  `json:"prices_dated"`
	// Now is what runs now, with --cloud only.
	Now      *planNowJSON        `json:"now,omitempty"`
	Services []arch.ServiceGroup `json:"services"`
}

func monthly(a arch.Architecture, prices *engine.Prices) float64 {
	sum := 0.0
	for _, r := range a.Resources {
		sum += prices.Monthly(r, a)
	}
	return sum
}

type planNowJSON struct {
	MonthlyUSD float64 `json:"monthly_usd"`
	ChangeUSD  float64 `json:"change_usd"`
	Changes    int     `json:"changes"`
}

func writePlanJSON(w io.Writer, a arch.Architecture, prices *engine.Prices, now *engine.Plan) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	doc := planJSON{App: a.App, Region: a.Region, Resources: len(a.Resources),
		MonthlyUSD: monthly(a, prices), PricesDated: prices.Dated, Services: a.ByService()}
	if now != nil {
		doc.Now = &planNowJSON{MonthlyUSD: now.NowMonthlyUSD, ChangeUSD: now.MonthlyUSD - now.NowMonthlyUSD, Changes: now.Changes()}
	}
	return enc.Encode(doc)
}

func writePlanText(w io.Writer, a arch.Architecture, prices *engine.Prices, width int) {
	groups := a.ByService()
	fmt.Fprintf(w, "%s in %s: %d resources in %d services, about $%.2f a month on AWS (prices of %s)\n",
		a.App, a.Region, len(a.Resources), len(groups), monthly(a, prices), prices.Dated)
	for _, g := range groups {
		fmt.Fprintf(w, "\n%s  (%d) — read more: mvi explain %s\n", g.Service, len(g.Resources), g.Service.Slug())
		for _, r := range g.Resources {
			cost := ""
			if m := prices.Monthly(r, a); m >= 0.01 {
				cost = fmt.Sprintf("  ~$%.2f/mo", m)
			}
			fmt.Fprintf(w, "  %-24s %s%s\n", r.ID, r.Type, cost)
			for _, line := range wrap(r.Reason, width-6) {
				fmt.Fprintf(w, "      %s\n", line)
			}
		}
	}
}

// wrap breaks prose at spaces so no line passes width cells.
func wrap(s string, width int) []string {
	if width < 20 {
		width = 20
	}
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		if line != "" && len([]rune(line))+1+len([]rune(word)) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
