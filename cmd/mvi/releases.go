package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/release"
	"github.com/spf13/cobra"
)

// The Build and Release APIs from the command line: the records `mvi up`
// keeps in the app's table (and logs in its bucket), and rollback.

// recordsFlags are what every records command reads: which app, where.
type recordsFlags struct {
	file, app, output string
	cf                cloudFlags
}

func (f *recordsFlags) add(c *cobra.Command) {
	fileFlag(c, &f.file)
	c.Flags().StringVar(&f.app, "app", "", "the app (default: the name in mvi.toml)")
	c.Flags().StringVarP(&f.output, "output", "o", "text", "text or json")
	f.cf.add(c)
}

// open finds the app and its records.
func (f *recordsFlags) open(c *cobra.Command) (*session, release.Store, error) {
	if f.output != "text" && f.output != "json" {
		return nil, release.Store{}, usagef("--output %q: use text or json", f.output)
	}
	app, region, m, err := appOf(f.file, f.app)
	if err != nil {
		return nil, release.Store{}, err
	}
	keep := 0
	if m != nil && m.Release != nil {
		keep = m.Release.Keep
	}
	s, err := f.cf.open(c.Context(), app, region)
	if err != nil {
		return nil, release.Store{}, err
	}
	s.cfg.ReleaseKeep = keep // a rollback further back is refused
	st, err := engine.Records(c.Context(), s.cfg)
	if err != nil {
		s.close()
		return nil, release.Store{}, err
	}
	return s, st, nil
}

func newBuilds() *cobra.Command {
	var f recordsFlags
	c := &cobra.Command{
		Use:   "builds",
		Short: "List the app's builds: id, process, source and image digests, status, log",
		Long: strings.TrimSpace(`
Builds lists the build records mvi up keeps in the app's KV table. A build's
id is its image's tag in the Registry: the process and the first 12 hex of
its source digest, so the same source is never built twice. Each build's
log is kept in the app's Blob bucket; mvi logs --build ID prints it.`),
		Example: `  mvi builds
  mvi builds --output json | jq -r '.[].image'
  mvi logs --build web-3f2a9c1b0d4e`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			s, st, err := f.open(c)
			if err != nil {
				return err
			}
			defer s.close()
			bs, err := st.Builds(c.Context())
			if err != nil {
				return err
			}
			return writeBuilds(c.OutOrStdout(), bs, f.output)
		},
	}
	f.add(c)
	return c
}

func writeBuilds(w io.Writer, bs []release.Build, output string) error {
	if output == "json" {
		if bs == nil {
			bs = []release.Build{}
		}
		return writeJSON(w, bs)
	}
	if len(bs) == 0 {
		fmt.Fprintln(w, "No builds yet: mvi up builds every process with build = in mvi.toml.")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "BUILD\tPROCESS\tSTATUS\tSTARTED\tTOOK\tIMAGE DIGEST\tLOG")
	for _, b := range bs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", b.ID, b.Process, b.Status, b.Started.Format(time.DateTime),
			b.Finished.Sub(b.Started).Round(time.Millisecond), short(b.ImageDigest, 19), b.Log)
	}
	return tw.Flush()
}

func newReleases() *cobra.Command {
	var f recordsFlags
	c := &cobra.Command{
		Use:   "releases",
		Short: "List the app's releases: number, time, each process's image, config version",
		Long: strings.TrimSpace(`
Releases lists the release records in the app's KV table. Every mvi up that
changes what a process runs is a release: the image of every process, its
task definition (settings, secrets by version, size) and a config version
(a digest of the settings alone: two releases with the same one differ only
in code). mvi rollback starts an earlier one again, as a new release.`),
		Example: `  mvi releases
  mvi releases --output json | jq '.[-1]'
  mvi rollback          # back to the release before the current one`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			s, st, err := f.open(c)
			if err != nil {
				return err
			}
			defer s.close()
			rs, err := st.Releases(c.Context())
			if err != nil {
				return err
			}
			return writeReleases(c.OutOrStdout(), rs, f.output)
		},
	}
	f.add(c)
	return c
}

func writeReleases(w io.Writer, rs []release.Release, output string) error {
	if output == "json" {
		if rs == nil {
			rs = []release.Release{}
		}
		return writeJSON(w, rs)
	}
	if len(rs) == 0 {
		fmt.Fprintln(w, "No releases yet: the first mvi up that starts containers is release 1.")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RELEASE\tTIME\tCONFIG\tPROCESSES\tNOTE")
	for i, r := range rs {
		var ps []string
		for p, pr := range r.Processes {
			img := pr.Build
			if img == "" {
				img = pr.Image
			}
			ps = append(ps, p+"="+img)
		}
		sort.Strings(ps)
		note := ""
		if r.RollbackOf != 0 {
			note = fmt.Sprintf("rollback to %d", r.RollbackOf)
		}
		if i == len(rs)-1 {
			note = strings.TrimPrefix(note+", current", ", ")
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", r.Number, r.Time.Format(time.DateTime), r.Config, strings.Join(ps, " "), note)
	}
	return tw.Flush()
}

func newRollback() *cobra.Command {
	var (
		f   recordsFlags
		yes bool
	)
	c := &cobra.Command{
		Use:   "rollback [RELEASE]",
		Short: "Start an earlier release again (its images and settings, nothing rebuilt), as a rolling deploy",
		Long: strings.TrimSpace(`
Rollback starts an earlier release's task definitions again — the same
images and settings, nothing rebuilt — as the same rolling deployment every
release is, so no request fails, and records it as a new release. Without
RELEASE it goes back to the release before the current one.

Everything is checked before the first change: a release whose image the
Registry's lifecycle rule has expired ([release] keep sets how many stay),
or whose process no longer runs, is refused with the reason. The next
mvi up releases what mvi.toml says again, and its plan says so.`),
		Example: `  mvi releases
  mvi rollback          # to the one before the current release
  mvi rollback 3 --yes`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usagef("rollback takes at most one release number, e.g. `mvi rollback 3`")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			n := 0
			if len(args) == 1 {
				if _, err := fmt.Sscanf(args[0], "%d", &n); err != nil || n <= 0 || fmt.Sprint(n) != args[0] {
					return usagef("release %q: give a release number from mvi releases, e.g. `mvi rollback 3`", args[0])
				}
			}
			s, st, err := f.open(c)
			if err != nil {
				return err
			}
			defer s.close()
			ctx, out := c.Context(), c.OutOrStdout()
			rs, err := st.Releases(ctx)
			if err != nil {
				return err
			}
			to, err := engine.RollbackTarget(rs, n)
			if err != nil {
				return err
			}
			if err := engine.InKeptWindow(rs, to, s.cfg.ReleaseKeep); err != nil {
				return err
			}
			fmt.Fprintf(out, "Roll %s back to release %d (%s, config %s), as a rolling deploy.\n", s.cfg.App, to.Number, to.Time.Format(time.DateTime), to.Config)
			if !yes {
				ok, err := confirm(c.InOrStdin(), out, "Roll back? [y/N] ")
				if err != nil {
					return err
				}
				if !ok {
					fmt.Fprintln(out, "Nothing changed.")
					return nil
				}
			}
			stop := s.host(ctx, out)
			defer stop()
			events := make(chan engine.Event)
			done := make(chan struct{})
			go func() {
				defer close(done)
				for e := range events {
					fmt.Fprintln(out, "  "+e.String())
				}
			}()
			num, err := engine.Rollback(ctx, s.cfg, to.Number, events)
			close(events)
			<-done
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "Release %d runs release %d's images and settings. mvi up releases mvi.toml's again.\n", num, to.Number)
			return nil
		},
	}
	f.add(c)
	c.Flags().BoolVarP(&yes, "yes", "y", false, "don't ask before rolling back")
	return c
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func short(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
