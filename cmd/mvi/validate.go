package main

import (
	"fmt"

	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/spf13/cobra"
)

func newValidate() *cobra.Command {
	var file string
	c := &cobra.Command{
		Use:   "validate",
		Short: "Check mvi.toml and report every mistake with its line and a fix",
		Example: `  mvi validate
  mvi validate -f assets/examples/full/mvi.toml`,
		RunE: func(c *cobra.Command, _ []string) error {
			m, err := manifest.Load(file)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.OutOrStdout(), "%s: ok — app %q, %d process(es), region %s\n", file, m.Name, len(m.Processes), m.Region)
			return nil
		},
	}
	fileFlag(c, &file)
	return c
}
