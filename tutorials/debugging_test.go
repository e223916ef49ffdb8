package tutorials

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/build"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/minimalinfra/mvi/engine/sandbox"
	"github.com/minimalinfra/mvi/steps"
)

// "Debugging" on the sandbox, with mvi's demo app really running: migrate
// makes /orders answer and the smoke alarm OK; break makes it fail until
// the alarm turns ALARM (the load balancer's own health checks still
// pass) and its topic is told; web's log says why; migrate again brings
// the alarm back to OK; fail exits 3 as the step expects; destroy leaves
// nothing.
func TestDebuggingOnTheSandbox(t *testing.T) {
	tu, err := Load("debugging")
	if err != nil {
		t.Fatal(err)
	}
	// CloudWatch judges the smoke alarm by the minute, on the sandbox's
	// clock: a clock sixty times faster than the wall's makes the minute
	// it waits for OK pass in a second, and everything else keeps order.
	sb, cfg := openSandboxWith(t, sandbox.Options{Clock: newFastClock(60)})
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	rec := &recorder{}
	s := &steps.Session{Engine: cfg, Dir: t.TempDir(), Answers: map[string]string{"name": "demo", "email": "oncall@example.com"},
		ConfirmLoss: func(_ context.Context, q, want string) (bool, error) { return want == "demo", nil }}
	start := time.Now()
	last := start
	var ns []sandbox.Notification
	hooks := &Hooks{After: func(ctx context.Context, next int, s *steps.Session) error {
		t.Logf("step %d (%s) took %s", next, tu.Steps[next-1].Kind(), time.Since(last).Round(time.Millisecond))
		last = time.Now()
		if next < len(tu.Steps) && tu.Steps[next].Kind() == steps.KindDestroy {
			var err error
			ns, err = sb.Notifications(ctx) // destroy deletes the topics and what they kept
			return err
		}
		return nil
	}}
	if err := Run(ctx, tu, s, 0, rec, hooks); err != nil {
		t.Fatalf("%v\nlast notes: %q", err, lastN(rec.notes, 8))
	}
	t.Logf("Debugging: %d steps in %s", len(tu.Steps), time.Since(start).Round(time.Millisecond))
	passed := map[string]string{}
	for _, c := range rec.checks {
		if c.OK {
			passed[c.Name] = c.Detail
		}
	}
	for _, st := range tu.Steps {
		if v, ok := st.(steps.Verify); ok {
			for _, c := range v.Checks {
				if _, ok := passed[c.Title()]; !ok {
					t.Errorf("check %q never passed", c.Title())
				}
			}
		}
	}
	if _, err := os.Stat(filepath.Join(s.Dir, "mvi-demo", "engine", "sandbox", "demo", "demo.go")); err != nil {
		t.Errorf("the demo's source was not written for the learner to read: %v", err)
	}
	notes := strings.Join(rec.notes, "\n")
	for _, want := range []string{"$ mvi run web -- migrate", "migrate: table", "break: table", "exited with 3"} {
		if !strings.Contains(notes, want) {
			t.Errorf("the admin steps never said %q:\n%s", want, lastN(rec.notes, 30))
		}
	}
	alarmed, cleared := false, false
	for _, n := range ns {
		if strings.Contains(n.Subject, "ALARM") && strings.Contains(n.Subject, "smoke") {
			alarmed = true
		}
		if alarmed && strings.Contains(n.Subject, "OK") && strings.Contains(n.Subject, "smoke") {
			cleared = true
		}
		for _, d := range n.To {
			if !strings.Contains(d.Endpoint, "oncall@example.com") {
				t.Errorf("a notification went to %+v", d)
			}
		}
	}
	if !alarmed || !cleared {
		t.Errorf("the kept mail doesn't hold the smoke alarm turning ALARM then OK: %+v", ns)
	}
	snap, err := engine.Status(ctx, s.Engine)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Total != 0 || len(snap.Unhandled) != 0 {
		t.Errorf("after destroy %d resources remain (%+v), unhandled %v", snap.Total, snap.Services, snap.Unhandled)
	}
}

// fastClock runs n times faster than the wall clock, from now.
type fastClock struct {
	start time.Time
	n     time.Duration
}

func newFastClock(n int) *fastClock { return &fastClock{start: time.Now().UTC(), n: time.Duration(n)} }

func (c *fastClock) Now() time.Time { return c.start.Add(time.Since(c.start) * c.n) }

// "Debugging" on AWS: the demo is built from the source the tutorial
// writes, not pulled from an image nobody published. The answers make a
// manifest whose web process builds mvi-demo/, and that directory's
// Dockerfile compiles the program (RUN), which sends the build to the
// cluster's builder in the learner's account.
func TestDebuggingOnAWSBuildsTheDemoFromItsSource(t *testing.T) {
	tu, err := Load("debugging")
	if err != nil {
		t.Fatal(err)
	}
	s := &steps.Session{Dir: t.TempDir(), Answers: map[string]string{"name": "demo", "email": "oncall@example.com", "cloud": "aws"}}
	var ask steps.Ask
	for _, st := range tu.Steps {
		switch x := st.(type) {
		case steps.Write:
			if x.Tree != "" {
				if err := x.Run(context.Background(), s, nil); err != nil {
					t.Fatal(err)
				}
			}
		case steps.Ask:
			if ask.Change == "" {
				ask = x
			}
		}
	}
	frag, err := ask.Fragment(s.Answers)
	if err != nil {
		t.Fatal(err)
	}
	m, err := manifest.Parse("mvi.toml", []byte(frag))
	if err != nil {
		t.Fatal(err)
	}
	web := m.Processes["web"]
	if web == nil || web.Build != "mvi-demo" || web.Image != "" {
		t.Fatalf("web on AWS: %+v", web)
	}
	_, err = build.Parse(context.Background(), filepath.Join(s.Dir, web.Build), web.Dockerfile)
	var nb *build.NeedsBuilderError
	if !errors.As(err, &nb) || !strings.Contains(nb.Error(), "RUN CGO_ENABLED=0 go build") {
		t.Fatalf("the written Dockerfile: %v, want its go build, which needs the cluster's builder", err)
	}
}
