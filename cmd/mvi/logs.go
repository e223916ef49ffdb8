package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/minimalinfra/mvi/engine"
	"github.com/spf13/cobra"
)

func newLogs() *cobra.Command {
	var (
		file, app, since, grep, output, buildID string
		follow, poll                            bool
		every                                   time.Duration
		cf                                      cloudFlags
	)
	c := &cobra.Command{
		Use:   "logs [PROCESS]",
		Short: "Read what the app's containers wrote, merged in time order",
		Long: strings.TrimSpace(`
Logs reads the app's CloudWatch Logs group (/mvi/APP), where every container
writes one stream named PROCESS/CONTAINER/TASK. The lines of all containers
(of one process, when named) come merged in time order, each with its
process and task, so a request that went through two containers reads as
one story.

--since takes a duration back from now (15m, 2h, 7d) or a time (RFC 3339).
--grep keeps lines holding the text. --follow keeps reading new lines as
they arrive, until Ctrl-C: by CloudWatch Logs Live Tail, which brings each
line about a second after it is written, or, with --poll (or where Live
Tail can't be had: no logs:StartLiveTail permission, an emulator), by
asking every --every (a line written late is still shown, once). Live Tail
is billed by the minute a session is open (AWS lists $0.01 a minute, the
first 1,800 minutes of a month free); polling costs nothing.
--output json prints one JSON object per line.

--build ID prints the log of one build instead (mvi builds lists them),
as it was kept in the app's Blob bucket.`),
		Example: `  mvi logs
  mvi logs web --since 15m --grep error
  mvi logs worker --follow
  mvi logs --build web-3f2a9c1b0d4e
  mvi logs --app shop --output json | jq -r .message`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usagef("logs takes at most one process, e.g. `mvi logs web`")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			if output != "text" && output != "json" {
				return usagef("--output %q: use text or json", output)
			}
			if buildID != "" {
				if len(args) > 0 || follow || poll {
					return usagef("--build prints one build's log: give no process and no --follow")
				}
				f := recordsFlags{file: file, app: app, output: "text", cf: cf}
				s, st, err := f.open(c)
				if err != nil {
					return err
				}
				defer s.close()
				log, err := st.Log(c.Context(), buildID)
				if err != nil {
					return &fixedError{err: err, fix: "mvi builds lists the builds of this app and their ids"}
				}
				_, err = c.OutOrStdout().Write(log)
				return err
			}
			if poll && !follow {
				return usagef("--poll is how --follow reads: give --follow too, e.g. `mvi logs web --follow --poll`")
			}
			if every <= 0 {
				return usagef("--every %s: give a positive duration, e.g. --every 2s", every)
			}
			q := engine.LogQuery{Grep: grep}
			if len(args) == 1 {
				q.Process = args[0]
			}
			from, err := parseSince(since, time.Now())
			if err != nil {
				return usageError{err}
			}
			q.Since = from
			app, region, m, err := appOf(file, app)
			if err != nil {
				return err
			}
			if m != nil && q.Process != "" {
				if err := knownProcess(m, q.Process); err != nil {
					return err
				}
			}
			ctx := c.Context()
			s, err := cf.open(ctx, app, region)
			if err != nil {
				return err
			}
			defer s.close()
			out := c.OutOrStdout()
			print := func(l engine.LogLine) { writeLogLine(out, l, output) }
			if follow {
				// Ctrl-C ends a follow as its normal end, not as a failure.
				fctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
				defer stop()
				f := engine.Follow{Every: every, Overlap: 30 * time.Second, Poll: poll,
					Notice: func(m string) { fmt.Fprintln(c.ErrOrStderr(), m) }}
				return engine.FollowLogs(fctx, s.cfg, q, f, print)
			}
			lines, err := engine.Logs(ctx, s.cfg, q)
			if err != nil {
				return err
			}
			for _, l := range lines {
				print(l)
			}
			if len(lines) == 0 && output == "text" {
				fmt.Fprintf(c.ErrOrStderr(), "No lines since %s%s.\n", from.Format(time.RFC3339), grepNote(grep))
			}
			return nil
		},
	}
	fileFlag(c, &file)
	c.Flags().StringVar(&app, "app", "", "the app whose logs to read (default: the name in mvi.toml)")
	c.Flags().StringVar(&since, "since", "1h", "how far back: a duration (15m, 2h, 7d) or an RFC 3339 time")
	c.Flags().StringVar(&grep, "grep", "", "only lines holding this text")
	c.Flags().BoolVarP(&follow, "follow", "F", false, "keep reading new lines until Ctrl-C")
	c.Flags().BoolVar(&poll, "poll", false, "with --follow, ask every --every instead of opening a Live Tail session (free)")
	c.Flags().DurationVar(&every, "every", 2*time.Second, "with --follow --poll, how often to look for new lines")
	c.Flags().StringVarP(&output, "output", "o", "text", "text or json (one object per line)")
	c.Flags().StringVar(&buildID, "build", "", "print the log of this build (an id from mvi builds) instead")
	cf.add(c)
	return c
}

func grepNote(grep string) string {
	if grep == "" {
		return ""
	}
	return fmt.Sprintf(" holding %q", grep)
}

func writeLogLine(w io.Writer, l engine.LogLine, output string) {
	if output == "json" {
		b, _ := json.Marshal(l)
		fmt.Fprintf(w, "%s\n", b)
		return
	}
	task := l.Task
	if len(task) > 8 {
		task = task[:8]
	}
	fmt.Fprintf(w, "%s %s/%s  %s\n", l.Time.Format("2006-01-02 15:04:05.000"), l.Process, task, l.Message)
}

// parseSince reads 15m, 2h, 7d (days, which time.ParseDuration lacks) or
// an RFC 3339 time.
func parseSince(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		if _, err := fmt.Sscanf(d, "%d", &n); err == nil && n >= 0 && fmt.Sprint(n) == d {
			return now.Add(-time.Duration(n) * 24 * time.Hour), nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return time.Time{}, fmt.Errorf("--since %q: give a duration back from now (15m, 2h, 7d) or a time such as 2026-12-03T09:00:00Z", s)
	}
	return now.Add(-d), nil
}
