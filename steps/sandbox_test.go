package steps

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minimalinfra/mvi/engine"
	engineaws "github.com/minimalinfra/mvi/engine/aws"
	"github.com/minimalinfra/mvi/engine/sandbox"
)

type recorder struct {
	mu     sync.Mutex
	events int
	lines  []string
	checks []CheckResult
}

func (r *recorder) Event(engine.Event) { r.mu.Lock(); r.events++; r.mu.Unlock() }
func (r *recorder) Check(c CheckResult) {
	r.mu.Lock()
	r.checks = append(r.checks, c)
	r.mu.Unlock()
}
func (r *recorder) Note(s string) { r.mu.Lock(); r.lines = append(r.lines, s); r.mu.Unlock() }

const helloManifest = "name = \"st\"\n[processes.web]\nimage = \"httpd\"\nport = 80\n"

// sandboxSession is a session on an instant sandbox whose data plane
// serves, with the hello manifest designed and applied.
func sandboxSession(t *testing.T) (*Session, *recorder) {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	sb, err := sandbox.Open(ctx, sandbox.Options{Dir: dir, Speed: 0})
	if err != nil {
		t.Fatal(err)
	}
	dp, err := sandbox.Serve(ctx, sb, sandbox.ServeOptions{FlushEvery: 50 * time.Millisecond})
	if err != nil {
		sb.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { dp.Close(); sb.Close() })
	s := &Session{Manifest: helloManifest, Engine: engine.Config{Clients: sb.Clients(), Handlers: engineaws.Handlers(),
		Region: "us-east-1", Account: sb.Account(), Locker: engine.FileLocker{Dir: filepath.Join(dir, "locks")},
		Retry: engine.Retry{Base: time.Millisecond, Max: 20 * time.Millisecond, Timeout: time.Minute}}}
	rec := &recorder{}
	for _, st := range []Step{Design{}, Plan{}, Apply{}} {
		if err := st.Run(ctx, s, rec); err != nil {
			t.Fatalf("%s: %v", st.Kind(), err)
		}
	}
	return s, rec
}

// Deleting a resource behind mvi's back is noticed by the next plan, and
// the next apply puts it back.
func TestBreakDeleteIsRepairedByTheNextApply(t *testing.T) {
	s, rec := sandboxSession(t)
	ctx := context.Background()
	if rec.events == 0 || s.Plan != nil {
		t.Errorf("apply streamed %d events; plan left %v", rec.events, s.Plan)
	}
	if err := (Break{Action: BreakDelete, Target: "alarm/cpu"}).Run(ctx, s, rec); err != nil {
		t.Fatal(err)
	}
	if err := (Plan{}).Run(ctx, s, rec); err != nil {
		t.Fatal(err)
	}
	var created []string
	for _, p := range s.Plan.Steps {
		if p.Action == engine.Create {
			created = append(created, p.ID)
		}
	}
	if len(created) != 1 || created[0] != "alarm/cpu" || s.Plan.Changes() != 1 {
		t.Fatalf("plan after the delete creates %v (%d changes)", created, s.Plan.Changes())
	}
	if err := (Apply{}).Run(ctx, s, rec); err != nil {
		t.Fatal(err)
	}
	if err := (Plan{}).Run(ctx, s, rec); err != nil || s.Plan.Changes() != 0 {
		t.Errorf("after repair: %v, %d changes", err, s.Plan.Changes())
	}
	if err := (Break{Action: BreakDelete, Target: "nope"}).Run(ctx, s, rec); err == nil {
		t.Error("deleted something the design doesn't have")
	}
}

// A check that can't pass fails at the deadline with what it last saw; a
// cloud without an HTTP client fails at once instead of waiting.
func TestVerifyFailsAtItsDeadlineWithTheLastReason(t *testing.T) {
	s, _ := sandboxSession(t)
	ctx := context.Background()
	rec := &recorder{}
	err := (Verify{Checks: []Check{{Kind: CheckHealthy, Count: 5}}, Timeout: 200 * time.Millisecond}).Run(ctx, s, rec)
	if err == nil || !strings.Contains(err.Error(), "still failing") || !strings.Contains(err.Error(), "2 of 2 targets healthy; want 5") {
		t.Fatalf("err = %v", err)
	}
	if len(rec.checks) < 2 || rec.checks[0].OK || rec.checks[len(rec.checks)-1].Attempt != len(rec.checks) {
		t.Errorf("attempts reported: %+v", rec.checks)
	}
	clients := *s.Engine.Clients
	clients.HTTP = nil
	s.Engine.Clients = &clients
	rec = &recorder{}
	err = (Verify{Checks: []Check{{Kind: CheckHTTP}}}).Run(ctx, s, rec)
	if err == nil || !strings.Contains(err.Error(), "Clients.HTTP is nil") || len(rec.checks) != 1 {
		t.Errorf("no HTTP client: %v after %d attempts", err, len(rec.checks))
	}
}

// Declining the confirm changes nothing; a cancelled context stops apply.
func TestApplyAsksFirstAndStopsOnCancel(t *testing.T) {
	s, _ := sandboxSession(t)
	s.Manifest += "count = 3\n"
	if err := (Design{}).Run(context.Background(), s, nil); err != nil {
		t.Fatal(err)
	}
	var asked string
	s.Confirm = func(_ context.Context, q string) (bool, error) { asked = q; return false, nil }
	if err := (Apply{}).Run(context.Background(), s, nil); err != ErrDeclined {
		t.Fatalf("declined apply: %v", err)
	}
	if !strings.Contains(asked, "change(s) to st") {
		t.Errorf("asked %q", asked)
	}
	if err := (Plan{}).Run(context.Background(), s, nil); err != nil || s.Plan.Changes() == 0 {
		t.Fatalf("the declined change was applied anyway: %v", err)
	}
	s.Confirm = nil
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := (Apply{}).Run(ctx, s, nil); err == nil {
		t.Error("apply with a cancelled context succeeded")
	}
	if err := (Destroy{}).Run(context.Background(), s, nil); err != nil {
		t.Fatalf("destroy after a cancelled apply: %v", err)
	}
	if snap, err := engine.Status(context.Background(), s.Engine); err != nil || snap.Total != 0 {
		t.Errorf("destroy left %d (%v)", snap.Total, err)
	}
}
