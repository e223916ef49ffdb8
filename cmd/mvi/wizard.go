package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	tagtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"
	"github.com/charmbracelet/lipgloss"
	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/minimalinfra/mvi/engine/resource"
	"github.com/minimalinfra/mvi/engine/sandbox"
	"github.com/minimalinfra/mvi/steps"
	"github.com/minimalinfra/mvi/tui"
	"github.com/minimalinfra/mvi/tui/plain"
	"github.com/minimalinfra/mvi/tutorials"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// wizardFlags are the bare `mvi` command's flags.
type wizardFlags struct {
	cf         cloudFlags
	accessible bool
	diagram    bool
}

func (w *wizardFlags) add(c *cobra.Command) {
	w.cf.add(c)
	c.Flags().BoolVar(&w.accessible, "accessible", false, "plain prompts and progress lines, for screen readers (also used when stdin or stdout is not a terminal)")
	c.Flags().BoolVar(&w.diagram, "diagram", false, "in plain mode, also draw each design as boxes (the design is always listed in words)")
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
	stop := s.host(ctx, &hostNote)
	defer stop()
	cwd, _ := os.Getwd()
	cl := newClouds(w.cf, s, &hostNote)
	defer cl.close()
	cat := storeCatalog{store: progressStore(), dir: cwd, clouds: cl}
	if plainMode {
		return runPlain(ctx, in, out, cat, s, w.diagram)
	}
	where := s.where
	if n := strings.TrimSpace(hostNote.String()); n != "" {
		where += " " + n
	}
	return tui.Run(ctx, tui.Config{
		Catalog: cat, Engine: s.cfg, Where: where, Dir: cwd, SetupID: tutorials.InitID, Reach: s.reach, Notices: s.notices,
		InspectApp: inspectDefault(cwd), Dark: lipgloss.HasDarkBackground(), Local: cl.local,
	}, tui.RunOptions{In: in, Out: out})
}

// inspectDefault is the app of ./mvi.toml, which inspect offers first
// ("" when there is none: inspect then offers the apps the cloud has).
func inspectDefault(dir string) string {
	if m, err := manifest.Load(filepath.Join(dir, "mvi.toml")); err == nil && m.Name != "" {
		return m.Name
	}
	return ""
}

// runInitTUI is `mvi init` on a terminal: the init definition in the
// wizard's step runner, without the home screen.
func runInitTUI(ctx context.Context, t tutorials.Tutorial, s *steps.Session) error {
	return tui.RunTutorial(ctx, tui.Config{Dark: lipgloss.HasDarkBackground(), Dir: s.Dir},
		&tui.Tutorial{ID: t.ID, Title: t.Title, Steps: t.Steps, Session: s, Highlight: highlights(t)}, tui.RunOptions{})
}

// What the plain menu offers besides the tutorials, as on the home screen.
const (
	menuSetup   = "setup"
	menuInspect = "inspect"
)

// runPlain offers what the home screen offers (the tutorials, "Set up my
// app", Inspect), reads a choice (its number or name; anything else is
// asked again), and runs it as plain prompts and progress lines, resuming
// saved progress.
func runPlain(ctx context.Context, in io.Reader, out io.Writer, cat storeCatalog, sess *session, diagram bool) error {
	ts, err := tutorials.List()
	if err != nil {
		return err
	}
	r := plain.New(in, out)
	r.Echo = !isTerminalReader(in)
	if f, ok := in.(*os.File); ok && !r.Echo {
		r.Hidden = func() (string, error) {
			v, err := term.ReadPassword(int(f.Fd()))
			return string(v), err
		}
	}
	r.Diagram = diagram
	r.Store = &cat.store
	var (
		opts  []steps.Option
		notes []string
	)
	for _, t := range ts {
		opts = append(opts, steps.Option{Label: t.Title, Value: t.ID})
		notes = append(notes, t.Summary)
	}
	opts = append(opts, steps.Option{Label: "Set up my app", Value: menuSetup}, steps.Option{Label: "Inspect", Value: menuInspect})
	notes = append(notes, "questions about your app, then its mvi.toml here", "what an app runs, resource by resource")
	fmt.Fprintln(out, "Tutorials:")
	choice, err := r.Choose(ctx, "Which one?", opts, ts[0].ID, notes...)
	if err != nil {
		return err
	}
	id := choice
	switch choice {
	case menuInspect:
		return inspectPlain(ctx, r, out, cat.dir, sess)
	case menuSetup:
		if p := filepath.Join(cat.dir, "mvi.toml"); fileExists(p) {
			fmt.Fprintf(out, "%s already exists: mvi plan shows what it asks for, mvi up builds it.\n", p)
			return nil
		}
		id = tutorials.InitID
	}
	t, err := tutorials.Load(id)
	if err != nil {
		return err
	}
	tt, err := cat.Open(id)
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
	if id == tutorials.InitID {
		r.Store = nil // "Set up my app" always starts fresh
	}
	t.Steps = tt.Steps // as offered on this machine (the cloud question)
	return r.Run(ctx, t, tt.Session, tt.Start)
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// inspectPlain asks which app (those the cloud has, the one of ./mvi.toml
// first) and prints what it runs, as mvi status does.
func inspectPlain(ctx context.Context, r *plain.Runner, out io.Writer, dir string, sess *session) error {
	apps, err := findApps(ctx, sess.cfg)
	if err != nil {
		return err
	}
	def := inspectDefault(dir)
	if def != "" && !slices.Contains(apps, def) {
		apps = append([]string{def}, apps...)
	}
	var app string
	switch {
	case len(apps) == 0:
		fmt.Fprintf(out, "No app has resources on %s yet: a tutorial, or Set up my app, makes one.\n", sess.where)
		return nil
	default:
		if def == "" {
			def = apps[0]
		}
		opts := make([]steps.Option, len(apps))
		for i, a := range apps {
			opts[i] = steps.Option{Label: a, Value: a}
		}
		if app, err = r.Choose(ctx, "Which app?", opts, def); err != nil {
			return err
		}
	}
	cfg := sess.cfg
	cfg.App = app
	snap, err := engine.Status(ctx, cfg)
	if err != nil {
		return err
	}
	writeStatus(out, snap, sess.where, sess.localURL)
	return nil
}

// findApps lists the apps with resources on the cloud: the values of the
// mvi:app tag, as Status finds an app's own.
func findApps(ctx context.Context, c engine.Config) ([]string, error) {
	if c.Clients == nil || c.Clients.Tagging == nil {
		return nil, nil
	}
	p := resourcegroupstaggingapi.NewGetResourcesPaginator(c.Clients.Tagging, &resourcegroupstaggingapi.GetResourcesInput{
		TagFilters: []tagtypes.TagFilter{{Key: sdkaws.String(resource.TagApp)}},
	})
	var apps []string
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("find the apps: %w", err)
		}
		for _, m := range page.ResourceTagMappingList {
			for _, t := range m.Tags {
				if v := sdkaws.ToString(t.Value); sdkaws.ToString(t.Key) == resource.TagApp && v != "" && !slices.Contains(apps, v) {
					apps = append(apps, v)
				}
			}
		}
	}
	slices.Sort(apps)
	return apps, nil
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
		e := tui.Entry{ID: t.ID, Title: t.Title, Summary: t.Summary, Steps: len(t.Steps), Minutes: minutes(estimate(t))}
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

// Review opens a finished tutorial at its first step with its saved
// session, so it can be gone through again and stay done.
func (c storeCatalog) Review(id string) (*tui.Tutorial, error) {
	tt, err := c.Open(id)
	if err != nil {
		return nil, err
	}
	t, err := tutorials.Load(id)
	if err != nil {
		return nil, err
	}
	p, err := c.store.Load(id)
	if err != nil {
		return nil, err
	}
	if _, err := p.Restore(t, tt.Session); err != nil {
		return nil, err
	}
	if name := tt.Session.Answers["cloud"]; name != "" && c.clouds != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := c.clouds.use(ctx, tt.Session, name); err != nil {
			return nil, fmt.Errorf("review %s on %s: %w", id, name, err)
		}
	}
	tt.Start, tt.Done = 0, min(p.Next, len(tt.Steps))
	return tt, nil
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
