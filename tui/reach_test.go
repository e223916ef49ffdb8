package tui

import (
	"context"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/steps"
	"github.com/minimalinfra/mvi/tui/diagram"
)

// A verify step tells the student where to try the app from another
// terminal when the wizard knows a local address, and only then.
func TestVerifySaysWhereToTryIt(t *testing.T) {
	cfg := testConfig(nil)
	var asked []string
	cfg.Reach = func(app string) []string {
		asked = append(asked, app)
		if app == "hello" {
			return []string{"http://127.0.0.1:41234"}
		}
		return nil
	}
	tut := &Tutorial{ID: "t", Title: "T", Session: &steps.Session{}, Steps: []steps.Step{steps.Verify{}}}
	r := newRunner(newEnv(context.Background(), cfg), tut)
	r.info = stepInfo{kind: steps.KindVerify}
	r.lay.leftW = 80
	r.eng.App = "hello"
	if b := r.body(); !strings.Contains(b, "curl -i http://127.0.0.1:41234") {
		t.Errorf("verify body lacks the local URL:\n%s", b)
	}
	r.eng.App = "shop"
	if b := r.body(); strings.Contains(b, "Try it yourself") {
		t.Errorf("no address, yet:\n%s", b)
	}
	r.info = stepInfo{kind: steps.KindExplain}
	r.eng.App = "hello"
	if b := r.body(); strings.Contains(b, "Try it yourself") {
		t.Errorf("an explain step offers the URL:\n%s", b)
	}
	if len(asked) != 2 {
		t.Errorf("Reach asked %v", asked)
	}
}

// The curl line is one unbroken line however narrow the column, so a copy
// of it runs: the wrapper would break "curl -i" at its hyphen.
func TestTryItCommandIsNeverWrapped(t *testing.T) {
	cfg := testConfig(nil)
	cfg.Reach = func(string) []string { return []string{"http://127.0.0.1:37661"} }
	tut := &Tutorial{ID: "t", Title: "T", Session: &steps.Session{}, Steps: []steps.Step{steps.Verify{}}}
	r := newRunner(newEnv(context.Background(), cfg), tut)
	r.info = stepInfo{kind: steps.KindVerify}
	r.lay.leftW = 48
	r.eng.App = "hello"
	if b := r.body(); !strings.Contains(b, "curl -i http://127.0.0.1:37661") {
		t.Errorf("the curl command is broken across lines:\n%s", b)
	}
}

// After the circuit breaker rolled a bad release back, the process's
// containers are drawn ready again, not failed: they served throughout.
func TestRolledBackReleaseDrawsTheContainersReady(t *testing.T) {
	cfg := testConfig(nil)
	sess := &steps.Session{Release: &steps.Release{Process: "web", RolledBack: true}}
	tut := &Tutorial{ID: "t", Title: "T", Session: sess, Steps: []steps.Step{steps.Break{}}}
	r := newRunner(newEnv(context.Background(), cfg), tut)
	r.info = stepInfo{kind: steps.KindBreak}
	r.states["service/web"] = diagram.Failed
	r.settle()
	if got := r.states["service/web"]; got != diagram.Ready {
		t.Errorf("service/web is drawn %v after a rollback, want ready", got)
	}
	sess.Release.RolledBack = false
	r.states["service/web"] = diagram.Failed
	r.settle()
	if got := r.states["service/web"]; got != diagram.Failed {
		t.Errorf("service/web is drawn %v though nothing was rolled back, want failed", got)
	}
}
