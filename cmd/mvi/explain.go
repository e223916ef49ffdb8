package main

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/glamour/styles"
	"github.com/minimalinfra/mvi/assets"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/tui/prose"
	"github.com/muesli/termenv"
	"github.com/spf13/cobra"
)

func newExplain() *cobra.Command {
	return &cobra.Command{
		Use:   "explain SERVICE",
		Short: "Read a service's chapter: what it is, why we need it, how it works on AWS",
		Example: `  mvi explain load-balancer
  mvi explain vpc`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("explain needs one service: %s", strings.Join(assets.ServiceSlugs(), ", "))
			}
			return nil
		},
		ValidArgs: assets.ServiceSlugs(),
		RunE: func(c *cobra.Command, args []string) error {
			slug := serviceAlias(args[0])
			md, err := assets.ServiceChapter(slug)
			if err != nil {
				return usageError{err}
			}
			out := c.OutOrStdout()
			// Rendered everywhere: in colour on a terminal that has it,
			// as plain prose otherwise (NO_COLOR, a pipe, a file).
			width := 100
			if isTerminal(out) {
				width = min(termWidth(out), 100)
			}
			if isTerminal(out) && useColor(out) {
				md = prose.Render(md, width, styles.DarkStyleConfig, termenv.ANSI256)
			} else {
				md = prose.Plain(md, width)
			}
			md += "\n"
			fmt.Fprint(out, md)
			return nil
		},
	}
}

// serviceAlias accepts the short names people type (lb, db, fs) and any
// service's display name as well as its slug.
func serviceAlias(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "lb", "alb", "elb":
		return arch.LoadBalancer.Slug()
	case "db", "rds":
		return arch.Database.Slug()
	case "fs", "efs":
		return arch.SharedFS.Slug()
	case "ec2", "vms":
		return arch.VM.Slug()
	case "ecs", "containers":
		return arch.Container.Slug()
	case "ecr", "image":
		return arch.Registry.Slug()
	case "kms":
		return arch.Crypto.Slug()
	case "s3":
		return arch.Blob.Slug()
	case "dynamodb":
		return arch.KV.Slug()
	case "logs", "cloudwatch-logs":
		return arch.Log.Slug()
	case "metrics", "cloudwatch":
		return arch.Metric.Slug()
	}
	return strings.ReplaceAll(s, " ", "-")
}

// serviceBySlug maps what a person typed to a service.
func serviceBySlug(s string) (arch.Service, bool) {
	slug := serviceAlias(s)
	for _, svc := range arch.Services() {
		if svc.Slug() == slug {
			return svc, true
		}
	}
	return "", false
}
