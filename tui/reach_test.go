package tui

import (
	"context"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/steps"
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
