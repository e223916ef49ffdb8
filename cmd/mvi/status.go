package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/spf13/cobra"
)

func newStatus() *cobra.Command {
	var (
		file, app, output string
		cf                cloudFlags
	)
	c := &cobra.Command{
		Use:   "status",
		Short: "Show every resource the app runs, with its state and gauges",
		Example: `  mvi status -f assets/examples/hello/mvi.toml
  mvi status --app shop --output json`,
		RunE: func(c *cobra.Command, _ []string) error {
			if output != "text" && output != "json" {
				return usagef("--output %q: use text or json", output)
			}
			app, region, m, err := appOf(file, app)
			if err != nil {
				return err
			}
			var design *arch.Architecture
			if m != nil {
				a, err := arch.Design(m)
				if err != nil {
					return err
				}
				design = &a
			}
			s, err := cf.open(c.Context(), app, region)
			if err != nil {
				return err
			}
			defer s.close()
			if design != nil {
				s.cfg.Dir = manifestDir(file)
			}
			snap, err := engine.Status(c.Context(), s.cfg)
			if err != nil {
				return err
			}
			// Drift needs the design to compare with: without mvi.toml
			// (--app) there is nothing to say it drifted from.
			if design != nil && snap.Total > 0 {
				if snap.Drift, err = engine.Drift(c.Context(), s.cfg, *design); err != nil {
					return err
				}
			}
			if output == "json" {
				enc := json.NewEncoder(c.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(snap)
			}
			writeStatus(c.OutOrStdout(), snap, s.where, s.localURL)
			s.writeNotices(c.OutOrStdout(), snap.App)
			return nil
		},
	}
	fileFlag(c, &file)
	c.Flags().StringVar(&app, "app", "", "the app to show (default: the name in mvi.toml)")
	c.Flags().StringVarP(&output, "output", "o", "text", "text or json")
	cf.add(c)
	return c
}

// writeStatus prints a snapshot; local says where a load balancer answers
// on this machine (the sandbox's data plane), if anywhere.
func writeStatus(w io.Writer, s engine.Snapshot, where string, local func(dns string) (string, bool)) {
	defer func() {
		if len(s.Drift) > 0 {
			fmt.Fprintf(w, "\nDrift: changed outside mvi (`mvi up` puts each back as mvi.toml says):\n")
			for _, d := range s.Drift {
				for _, st := range d.Settings {
					fmt.Fprintf(w, "  %-24s %s\n", d.ID, st)
				}
			}
		}
		if len(s.Kept) > 0 {
			fmt.Fprintf(w, "\nKept on purpose, billed for storage until deleted (`mvi down` printed the command):\n")
			for _, arn := range s.Kept {
				fmt.Fprintf(w, "  final snapshot %s\n", arn)
			}
		}
		if len(s.Unhandled) > 0 {
			fmt.Fprintf(w, "\nAlso tagged mvi:app=%s, of kinds this mvi doesn't manage (a newer mvi made them, or they were tagged by hand):\n", s.App)
			for _, arn := range s.Unhandled {
				fmt.Fprintf(w, "  %s\n", arn)
			}
		}
	}()
	if s.Total == 0 {
		fmt.Fprintf(w, "%s has no resources on %s (0 tagged mvi:app=%s).\n", s.App, where, s.App)
		return
	}
	fmt.Fprintf(w, "%s on %s: %d resources in %d services\n", s.App, where, s.Total, len(s.Services))
	for _, g := range s.Services {
		fmt.Fprintf(w, "\n%s\n", g.Service)
		for _, r := range g.Resources {
			fmt.Fprintf(w, "  %-24s %-17s %s%s\n", r.ID, r.Word(), shortID(r.PhysicalID), gauges(r.Gauges))
			if dns := r.Attrs["dns_name"]; dns != "" {
				if u, ok := local(dns); ok {
					fmt.Fprintf(w, "      http://%s  (on this machine: %s)\n", dns, u)
				} else if u != "" {
					fmt.Fprintf(w, "      http://%s  (%s)\n", dns, u)
				} else {
					fmt.Fprintf(w, "      http://%s\n", dns)
				}
			}
		}
	}
}

func gauges(g map[string]string) string {
	if len(g) == 0 {
		return ""
	}
	keys := make([]string, 0, len(g))
	for k := range g {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + " " + g[k]
	}
	return "  (" + strings.Join(parts, ", ") + ")"
}

// shortID keeps an ARN's last part (the name a person recognises); the
// whole ARN is in --output json.
func shortID(id string) string {
	if strings.HasPrefix(id, "arn:") {
		if i := strings.LastIndex(id, "/"); i >= 0 {
			return id[i+1:]
		}
	}
	return id
}
