package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/minimalinfra/mvi/engine/sandbox"
	"github.com/minimalinfra/mvi/steps"
	"github.com/minimalinfra/mvi/tui"
	"github.com/minimalinfra/mvi/tui/plain"
	"github.com/minimalinfra/mvi/tutorials"
	"github.com/spf13/cobra"
)

// wizardFlags are the bare `mvi` command's flags.
type wizardFlags struct {
	cf         cloudFlags
	accessible bool
}

func (w *wizardFlags) add(c *cobra.Command) {
	w.cf.add(c)
	c.Flags().BoolVar(&w.accessible, "accessible", false, "plain prompts and progress lines, for screen readers (also used when stdin or stdout is not a terminal)")
}

// runWizard is bare `mvi`: the home screen on a terminal; with
// --accessible, or when stdin or stdout is not a terminal, the same steps
// as plain prompts on the tutorial the person picks. A script can't build
// by accident: the plain runner asks before every apply and stops where
// its input ends.
func (w *wizardFlags) runWizard(c *cobra.Command) error {
	ctx := c.Context()
	in, out := c.InOrStdin(), c.OutOrStdout()
	plainMode := w.accessible || !isTerminalReader(in) || !isTerminal(out)
	s, err := w.cf.open(ctx, "", manifest.DefaultRegion)
	if err != nil {
		return err
	}
	defer s.close()
	// The sandbox's load balancers answer only while someone hosts its data
	// plane; the wizard does while it is open (unless another mvi does).
	var hostNote bytes.Buffer
	stop := s.host(ctx, &hostNote, "")
	defer stop()
	cwd, _ := os.Getwd()
	cl := newClouds(w.cf, s, &hostNote)
	defer cl.close()
	cat := storeCatalog{store: progressStore(), dir: cwd, clouds: cl}
	if plainMode {
		return runPlain(ctx, in, out, cat, s, w.accessible)
	}
	where := s.where
	if n := strings.TrimSpace(hostNote.String()); n != "" {
		where += " " + n
	}
	return tui.Run(ctx, tui.Config{
		Catalog: cat, Engine: s.cfg, Where: where, Dir: cwd, SetupID: tutorials.InitID, Reach: s.reach,
		InspectApp: inspectDefault(cwd), Dark: lipgloss.HasDarkBackground(),
	}, tui.RunOptions{In: in, Out: out})
}

// inspectDefault is the app inspect offers first: the one in ./mvi.toml,
// else the book's hello.
func inspectDefault(dir string) string {
	if m, err := manifest.Load(filepath.Join(dir, "mvi.toml")); err == nil && m.Name != "" {
		return m.Name
	}
	return "hello"
}

// runInitTUI is `mvi init` on a terminal: the init definition in the
// wizard's step runner, without the home screen.
func runInitTUI(ctx context.Context, t tutorials.Tutorial, s *steps.Session) error {
	return tui.RunTutorial(ctx, tui.Config{Dark: lipgloss.HasDarkBackground(), Dir: s.Dir},
		&tui.Tutorial{ID: t.ID, Title: t.Title, Steps: t.Steps, Session: s, Highlight: highlights(t)}, tui.RunOptions{})
}

// runPlain lists the tutorials, reads a choice, and runs it as plain
// prompts and progress lines, resuming saved progress.
func runPlain(ctx context.Context, in io.Reader, out io.Writer, cat storeCatalog, sess *session, accessible bool) error {
	ts, err := tutorials.List()
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "Tutorials:")
	for i, t := range ts {
		fmt.Fprintf(out, "  %d. %s — %s\n", i+1, t.Title, t.Summary)
	}
	fmt.Fprintf(out, "Which one? [1] ")
	line := readLine(in)
	n := 1
	if v := strings.TrimSpace(line); v != "" {
		if n, err = strconv.Atoi(v); err != nil || n < 1 || n > len(ts) {
			return usagef("answer a number from 1 to %d, not %q", len(ts), v)
		}
	}
	tt, err := cat.Open(ts[n-1].ID)
	if err != nil {
		return err
	}
	if tt.Session.Engine.Clients == nil {
		app, region := tt.Session.Engine.App, tt.Session.Engine.Region
		tt.Session.Engine, tt.Session.Where = sess.cfg, sess.where
		if app != "" {
			tt.Session.Engine.App, tt.Session.Engine.Region = app, region
		}
	}
	r := plain.New(in, out)
	r.Echo = !isTerminalReader(in)
	r.Diagram = !accessible
	r.Store = &cat.store
	run := ts[n-1]
	run.Steps = tt.Steps // as offered on this machine (the cloud question)
	return r.Run(ctx, run, tt.Session, tt.Start)
}

// readLine reads one line a byte at a time, leaving the rest of the
// input for the runner's own reader.
func readLine(in io.Reader) string {
	var b strings.Builder
	buf := make([]byte, 1)
	for {
		n, err := in.Read(buf)
		if n == 1 {
			if buf[0] == '\n' {
				break
			}
			b.WriteByte(buf[0])
		}
		if err != nil {
			break
		}
	}
	return b.String()
}

// progressStore keeps tutorial progress beside the sandbox's state, under
// the user's state directory: $XDG_STATE_HOME/mvi/progress, with the same
// per-OS fallbacks as sandbox.DefaultDir (whatever --sandbox-dir says, so a
// class finds its place again).
func progressStore() tutorials.Store {
	return tutorials.Store{Dir: filepath.Join(filepath.Dir(sandbox.DefaultDir()), "progress")}
}

// storeCatalog is the embedded tutorials with progress from a Store.
type storeCatalog struct {
	store  tutorials.Store
	dir    string
	clouds *clouds // nil: only the cloud the wizard was given
}

func (c storeCatalog) List() ([]tui.Entry, error) {
	ts, err := tutorials.List()
	if err != nil {
		return nil, err
	}
	out := make([]tui.Entry, 0, len(ts))
	for _, t := range ts {
		e := tui.Entry{ID: t.ID, Title: t.Title, Summary: t.Summary, Steps: len(t.Steps)}
		if p, err := c.store.Load(t.ID); err == nil {
			e.Done = min(p.Next, len(t.Steps))
		}
		out = append(out, e)
	}
	return out, nil
}

// Open resumes saved progress; a finished tutorial starts over. "Set up
// my app" always starts fresh, in the directory mvi runs in.
func (c storeCatalog) Open(id string) (out *tui.Tutorial, err error) {
	t, err := tutorials.Load(id)
	if err != nil {
		return nil, err
	}
	s := &steps.Session{Answers: map[string]string{}, Dir: c.dir}
	if c.clouds != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		t.Steps = c.clouds.offer(ctx, t.Steps)
		s.UseCloud = c.clouds.use
		defer func() {
			// A class that chose AWS yesterday resumes on AWS, not quietly
			// on the sandbox.
			if name := s.Answers["cloud"]; name != "" && err == nil {
				if uerr := c.clouds.use(ctx, s, name); uerr != nil {
					out, err = nil, fmt.Errorf("resume %s on %s: %w", id, name, uerr)
				}
			}
		}()
	}
	start := 0
	if id == tutorials.InitID {
		s.Defaults = map[string]string{"name": appName(c.dir)}
	} else if p, err := c.store.Load(id); err == nil && !p.Done(t) {
		if start, err = p.Restore(t, s); err != nil {
			return nil, err
		}
	}
	return &tui.Tutorial{ID: t.ID, Title: t.Title, Steps: t.Steps, Start: start, Session: s, Highlight: highlights(t)}, nil
}

func (c storeCatalog) Save(id string, next int, s *steps.Session) error {
	if id == tutorials.InitID {
		return nil
	}
	t, err := tutorials.Load(id)
	if err != nil {
		return err
	}
	return c.store.Save(tutorials.Record(t, next, s))
}

func (c storeCatalog) Reset(id string) error { return c.store.Reset(id) }

func highlights(t tutorials.Tutorial) [][]arch.Service {
	out := make([][]arch.Service, len(t.Meta))
	for i, m := range t.Meta {
		out[i] = m.Highlight
	}
	return out
}
