package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

func newRoot(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var wiz wizardFlags
	root := &cobra.Command{
		Use:   "mvi",
		Short: "Run a web app in the cloud on the smallest set of services that can do it",
		Long: strings.TrimSpace(`
mvi reads mvi.toml, the one file where you declare what your app needs, designs
the smallest cloud architecture that runs it (VM, VPC, Crypto, Container,
Registry, Load Balancer, Database, Shared FS, Log, Metric, KV, Blob) and tells
you why each piece is there.

Start with the book's Hello World, three lines in mvi.toml:

  [processes.web]
  image = "httpd"
  port = 80

then: mvi validate, mvi plan, mvi diagram.

Run mvi with no command for the wizard: the book's tutorials step by step,
"set up my app", and a live view of what an app runs.`),
		SilenceUsage:  true,
		SilenceErrors: true,
		// Bare mvi is the wizard: the tutorials, "set up my app" and inspect.
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error { return wiz.runWizard(c) },
	}
	wiz.add(root)
	// Cobra's default, said here because `mvi bogus` reaches our own
	// argument check (bare mvi runs the wizard), which asks for it.
	root.SuggestionsMinimumDistance = 2
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usagef("%v\nsee `%s --help`", err, c.CommandPath())
	})
	root.AddCommand(newValidate(), newPlan(), newDiagram(), newExplain(), newUp(), newDown(), newStatus(), newVersion())
	root.AddCommand(newInit(initOptions{RunTUI: runInitTUI}))
	root.AddCommand(newSandboxCmd())
	root.AddCommand(newUnlock())
	root.AddCommand(newSecrets(), newLogs(), newRun(), newBuilds(), newReleases(), newRollback(), newInspect())
	for _, c := range root.Commands() {
		// Wrong positional arguments are usage mistakes too.
		if c.Args == nil {
			c.Args = noArgs
		}
	}
	return root
}

// noArgs refuses positional arguments. On a command with subcommands
// (bare mvi, mvi sandbox) a word is a mistyped command, so it says that,
// with cobra's did-you-mean.
func noArgs(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if c.HasAvailableSubCommands() {
		msg := fmt.Sprintf("unknown command %q for %s", args[0], c.CommandPath())
		if c.SuggestionsMinimumDistance <= 0 {
			c.SuggestionsMinimumDistance = c.Root().SuggestionsMinimumDistance
		}
		if near := c.SuggestionsFor(args[0]); len(near) > 0 {
			msg += fmt.Sprintf("; did you mean %s?", quotedOr(near))
		}
		return usagef("%s (`%s --help` lists the commands)", msg, c.CommandPath())
	}
	return usagef("%s takes no arguments, got %q; the manifest is chosen with -f PATH", c.CommandPath(), args[0])
}

// quotedOr is `"a"`, `"a" or "b"`, `"a", "b" or "c"`.
func quotedOr(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = strconv.Quote(x)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// fileFlag adds -f/--file, the manifest to read.
func fileFlag(c *cobra.Command, path *string) {
	c.Flags().StringVarP(path, "file", "f", "mvi.toml", "the app manifest to read")
}
