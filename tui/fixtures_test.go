package tui

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/steps"
)

// clock is the fixed time every test renders at.
var clock = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return clock }

// fakeCatalog is a catalog in memory.
type fakeCatalog struct {
	mu        sync.Mutex
	tutorials map[string]*Tutorial
	order     []string
	done      map[string]int
	summaries map[string]string
}

func (c *fakeCatalog) List() ([]Entry, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Entry
	for _, id := range c.order {
		t := c.tutorials[id]
		out = append(out, Entry{ID: id, Title: t.Title, Summary: c.summaries[id], Steps: len(t.Steps), Done: c.done[id]})
	}
	return out, nil
}

func (c *fakeCatalog) Open(id string) (*Tutorial, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.tutorials[id]
	if !ok {
		return nil, errors.New("no such tutorial")
	}
	cp := *t
	return &cp, nil
}

// Review opens a finished tutorial at its start with its progress kept.
func (c *fakeCatalog) Review(id string) (*Tutorial, error) {
	t, err := c.Open(id)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	t.Start, t.Done = 0, c.done[id]
	return t, nil
}

func (c *fakeCatalog) Save(id string, next int, _ *steps.Session) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.done[id] = next
	return nil
}

func (c *fakeCatalog) Reset(id string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.done, id)
	return nil
}

const helloManifest = "name = \"hello\"\n\n[processes.web]\nimage = \"httpd\"\n"

// fakeApply plays engine events for every resource of the design, the
// way engine.Apply reports them, pausing (if hold is set) after half of
// them until release is closed: the diagram is mid-apply then.
type fakeApply struct {
	steps.Base
	hold    chan struct{} // closed by the step when it reaches the middle
	release chan struct{}
	// loss, when set, is the name to type after the yes, as before a
	// plan that deletes data.
	loss string
}

func (fakeApply) Kind() steps.Kind { return steps.KindApply }
func (fakeApply) Title() string    { return "Build it" }

func (f fakeApply) Run(ctx context.Context, s *steps.Session, out steps.Output) error {
	ok, err := s.Confirm(ctx, "Apply the changes to hello, about $30.00 a month once applied?")
	if err != nil {
		return err
	}
	if !ok {
		return steps.ErrDeclined
	}
	if f.loss != "" {
		if ok, err := s.ConfirmLoss(ctx, "This plan deletes data that can't be brought back:\n  delete table\nType the app's name ("+f.loss+") to lose it", f.loss); err != nil || !ok {
			return errors.Join(err, steps.ErrDeclined)
		}
	}
	rs := s.Arch.Resources
	for i, r := range rs {
		if f.hold != nil && i == len(rs)/2 {
			out.Event(event(r, engine.PhaseWait, "waiting for 2 instances to be InService", i, len(rs)))
			close(f.hold)
			select {
			case <-f.release:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		out.Event(event(r, engine.PhaseStart, "", i, len(rs)))
		out.Event(event(r, engine.PhaseDone, "", i+1, len(rs)))
	}
	out.Note("hello is up")
	return nil
}

func event(r arch.Resource, ph engine.Phase, detail string, done, total int) engine.Event {
	return engine.Event{ID: r.ID, Service: r.Service, Type: r.Type, Action: engine.Create, Phase: ph,
		Detail: detail, Time: clock, Elapsed: 1500 * time.Millisecond, Done: done, Total: total}
}

// helloTutorial is a short tutorial of real step kinds plus fakeApply.
func helloTutorial(apply fakeApply) *Tutorial {
	return &Tutorial{ID: "hello-world", Title: "Hello World", Session: &steps.Session{Manifest: helloManifest}, Steps: []steps.Step{
		steps.Explain{Base: steps.Base{Heading: "What we are about to do"}, Markdown: "# Hello World\n\nWe will run **one web server** in the cloud, then make it *reliable*: a load balancer in front of two VMs.\n\n- a VPC\n- a VM\n- a container"},
		steps.Ask{Base: steps.Base{Heading: "Name your app", Intro: "Every resource mvi makes is tagged with the app's name."},
			Fields: []steps.Field{{Key: "name", Prompt: "What is your app called?", Help: "Lowercase letters, digits and dashes.", Default: "hello", Validate: steps.RuleAppName}},
			Change: "name = {{quote .name}}\n"},
		steps.Ask{Base: steps.Base{Heading: "Add the port"},
			Fields: []steps.Field{{Key: "port", Prompt: "Which port does the web process listen on?", Type: steps.Number, Default: "80", Validate: steps.RulePort}},
			Change: "[processes.web]\nimage = \"httpd\"\nport = {{.port}}\n"},
		steps.Design{Base: steps.Base{Heading: "The picture with a load balancer", Intro: "A **load balancer** in front of two VMs in two zones."}},
		apply,
	}}
}

func newFakeCatalog(apply fakeApply) *fakeCatalog {
	t := helloTutorial(apply)
	return &fakeCatalog{
		tutorials: map[string]*Tutorial{t.ID: t, "scale": {ID: "scale", Title: "Scale out", Steps: t.Steps[:2]}},
		order:     []string{t.ID, "scale"},
		done:      map[string]int{"hello-world": 2},
		summaries: map[string]string{"hello-world": "One container on the web, then a load balancer and two VMs.", "scale": "More containers, more VMs."},
	}
}

func testConfig(c Catalog) Config {
	return Config{
		Catalog: c, Where: "the sandbox (/tmp/sandbox)", SetupID: "init",
		Now: fixedNow, Window: time.Millisecond, Refresh: time.Hour,
	}
}

// diffAll is the change of a first design: everything added.
func diffAll(a arch.Architecture) arch.Change { return arch.Diff(arch.Architecture{}, a) }
