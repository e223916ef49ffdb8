package main

import (
	"fmt"
	"strings"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/tui/diagram"
	"github.com/spf13/cobra"
)

func newDiagram() *cobra.Command {
	var file, highlight string
	var width int
	c := &cobra.Command{
		Use:   "diagram",
		Short: "Draw the architecture of mvi.toml the way the book draws it",
		Long: `Diagram draws the app's architecture as the book does: the load balancer on top,
VMs with their containers inside the VPC, the database beneath them, and the
standalone services in a row below. Highlighted services are drawn heavy.`,
		Example: `  mvi diagram -f assets/examples/hello/mvi.toml
  mvi diagram -f assets/examples/full/mvi.toml --highlight lb,database --width 80`,
		RunE: func(c *cobra.Command, _ []string) error {
			hl, err := parseHighlight(highlight)
			if err != nil {
				return err
			}
			if width == 0 {
				width = termWidth(c.OutOrStdout())
			}
			if width < 40 {
				return usagef("--width %d: the diagram needs at least 40 columns (80 or more reads best)", width)
			}
			a, err := load(file)
			if err != nil {
				return err
			}
			fmt.Fprintln(c.OutOrStdout(), diagram.Render(a, diagram.Options{
				Width: width, Highlight: hl, Color: useColor(c.OutOrStdout()),
			}))
			return nil
		},
	}
	fileFlag(c, &file)
	c.Flags().StringVar(&highlight, "highlight", "", "services to draw heavy, comma separated (vpc, vm, crypto, container, registry, lb, database, fs, log, metric, kv, blob)")
	c.Flags().IntVarP(&width, "width", "w", 0, "columns to fit in (default: the terminal's width, or 80)")
	return c
}

func parseHighlight(s string) (map[arch.Service]bool, error) {
	out := map[arch.Service]bool{}
	for _, part := range strings.Split(s, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		svc, ok := serviceBySlug(part)
		if !ok {
			return nil, usagef("--highlight %q: not a service; use one of vpc, vm, crypto, container, registry, lb, database, fs, log, metric, kv, blob", part)
		}
		out[svc] = true
	}
	return out, nil
}
