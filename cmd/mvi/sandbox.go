package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/minimalinfra/mvi/engine/sandbox"
	"github.com/spf13/cobra"
)

// The sandbox's data plane from the command line: `mvi sandbox serve`
// hosts it in the foreground; `mvi up` hosts it while it runs when nobody
// else does (host, below), so the containers it starts pass real health
// checks.

func newSandboxCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "sandbox",
		Short: "Work with the embedded sandbox cloud (serve its load balancers on this machine)",
		Example: `  mvi sandbox serve                 # then, in another terminal: curl http://127.0.0.1:PORT/
  mvi sandbox serve --sandbox-speed 10`,
		// Runnable, so a mistyped subcommand reaches noArgs and is named
		// as one (cobra shows help for a command that can't run, exit 0).
		RunE: func(c *cobra.Command, _ []string) error { return c.Help() },
	}
	c.AddCommand(newSandboxServe())
	return c
}

func newSandboxServe() *cobra.Command {
	var (
		dir, region string
		speed       float64
	)
	c := &cobra.Command{
		Use:   "serve",
		Short: "Serve the sandbox's load balancers and containers on 127.0.0.1 until Ctrl-C",
		Long: `Serve runs the sandbox's data plane in the foreground: every load balancer
listener answers HTTP on 127.0.0.1 and forwards to healthy containers, each
container is a small server that logs to the sandbox's CloudWatch Logs, and
health checks, failures, replacements and rolling deployments happen as on
AWS. It prints each load balancer's DNS name with its local URL; curl that
URL from another terminal. Only one process serves a sandbox at a time;
Ctrl-C stops serving and keeps everything else as it is.`,
		Example: `  mvi sandbox serve
  mvi sandbox serve --sandbox-speed 10
  curl -i http://127.0.0.1:PORT/      # the URL serve prints`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			ctx := c.Context()
			out := c.OutOrStdout()
			sb, err := sandbox.Open(ctx, sandbox.Options{Dir: dir, Region: region, Speed: speed})
			if err != nil {
				return fmt.Errorf("open the sandbox: %w", err)
			}
			defer sb.Close()
			dp, err := sandbox.Serve(ctx, sb, sandbox.ServeOptions{OnListener: func(e sandbox.Endpoint) {
				fmt.Fprintf(out, "  %s:%d  →  %s\n", e.DNSName, e.Port, e.URL())
			}, OnHealth: func(tg, target, state, reason string) {
				if reason != "" {
					state += " (" + reason + ")"
				}
				fmt.Fprintf(out, "    target %s of %s: %s\n", target, tg, state)
			}})
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "Serving the sandbox (%s, %s) on 127.0.0.1; Ctrl-C stops.\n", sb.Dir(), sb.Region())
			fmt.Fprintln(out, "Load balancers appear below as they become active; their targets answer once they pass health checks.")
			<-ctx.Done()
			err = dp.Close()
			fmt.Fprintln(out, "Stopped serving; the sandbox's resources are kept.")
			return err
		},
	}
	c.Flags().StringVar(&dir, "sandbox-dir", "", "where the sandbox keeps its state (default $XDG_STATE_HOME/mvi/sandbox)")
	speedVar(c.Flags(), &speed)
	c.Flags().StringVar(&region, "region", manifest.DefaultRegion, "the sandbox region to serve")
	return c
}

// host serves the sandbox's data plane for the session's lifetime if it is
// on the sandbox and nobody else serves it; the returned func stops it.
func (s *session) host(ctx context.Context, out io.Writer) func() {
	if s.sb == nil {
		return func() {}
	}
	dp, err := sandbox.Serve(ctx, s.sb, sandbox.ServeOptions{})
	if err != nil {
		if !errors.Is(err, context.Canceled) {
			fmt.Fprintf(out, "(%v: its load balancers answer through that process)\n", err)
		}
		return func() {}
	}
	return func() { _ = dp.Close() }
}

// localURL is where a load balancer answers on this machine, if anywhere;
// on the sandbox with nobody serving, it says how to serve instead.
func (s *session) localURL(dns string) (string, bool) {
	if s.sb == nil {
		return "", false
	}
	if u, ok := s.sb.LocalURL(dns); ok {
		return u, true
	}
	return "not served on this machine: run `mvi sandbox serve`", false
}

// writeEndpoints prints each load balancer of the sandbox with its local
// URL, after `mvi up`.
func (s *session) writeEndpoints(out io.Writer) {
	if s.sb == nil {
		return
	}
	eps, _ := s.sb.ServedEndpoints()
	for _, e := range eps {
		fmt.Fprintf(out, "  http://%s  →  on this machine %s (while a process serves the sandbox: `mvi sandbox serve`)\n", e.DNSName, e.URL())
	}
}

// reach lists the local URLs of the app's load balancers on the sandbox
// (none on AWS, where the DNS name is the address): the served endpoints
// are read from the serving process's record, no API call.
func (s *session) reach(app string) []string {
	if s.sb == nil {
		return nil
	}
	eps, served := s.sb.ServedEndpoints()
	if !served {
		return nil
	}
	lb := arch.PhysicalName(app, arch.IDLoadBalancer)
	var out []string
	for _, e := range eps {
		if e.Name == lb || strings.HasPrefix(e.Name, lb+"-") {
			out = append(out, e.URL())
		}
	}
	return out
}
