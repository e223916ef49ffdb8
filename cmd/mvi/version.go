package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func newVersion() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print mvi's version and the commit it was built from",
		Example: "  mvi version",
		RunE: func(c *cobra.Command, _ []string) error {
			fmt.Fprintln(c.OutOrStdout(), versionString())
			return nil
		},
	}
}

func versionString() string {
	info, ok := debug.ReadBuildInfo()
	return versionOf(info, ok)
}

// versionOf is the version line of a build: mvi VERSION (commit COMMIT)
// GO, the commit as Go stamped it (vcs.revision, +dirty when built from
// a changed tree), "unknown" when the build has none (go run, a build
// outside a checkout), so the line always says which.
func versionOf(info *debug.BuildInfo, ok bool) string {
	if !ok || info == nil {
		return "mvi (commit unknown; no build information)"
	}
	v := info.Main.Version
	if v == "" || v == "(devel)" {
		v = "dev"
	}
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
			if len(rev) > 12 {
				rev = rev[:12]
			}
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if rev == "" {
		rev, dirty = "unknown", ""
	}
	return "mvi " + v + " (commit " + rev + dirty + ") " + info.GoVersion
}
