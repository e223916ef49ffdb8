package plain

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/steps"
)

// A secret question read from a pipe: a short value is refused without
// being quoted back, the next is kept in Session.Secrets only, and the
// transcript (Echo on) never shows either.
func TestSecretAnswerIsNeverEchoed(t *testing.T) {
	const short, canary = "tiny7", "canary-plain-93e1c2"
	var out bytes.Buffer
	r := New(strings.NewReader(short+"\n"+canary+"\n"), &out)
	r.Echo = true
	s := &steps.Session{Answers: map[string]string{}}
	f := steps.Field{Key: "API_TOKEN", Prompt: "A value for API_TOKEN", Type: steps.Secret}
	if err := r.Ask(context.Background(), steps.Ask{Fields: []steps.Field{f}}, s); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if s.Secrets["API_TOKEN"] != canary || len(s.Answers) != 0 {
		t.Errorf("secrets %d, answers %v; want the value in Secrets only", len(s.Secrets), s.Answers)
	}
	tr := out.String()
	if strings.Contains(tr, canary) || strings.Contains(tr, short) {
		t.Errorf("the transcript shows a typed value:\n%s", tr)
	}
	if !strings.Contains(tr, "at least 8 characters") || !strings.Contains(tr, "not shown") {
		t.Errorf("the transcript doesn't say why the short value was refused, or that the value is hidden:\n%s", tr)
	}
}

// Typing the app's name is the only yes to losing data.
func TestConfirmLossWantsTheName(t *testing.T) {
	for in, want := range map[string]bool{"blog\n": true, "yes\n": false, "\n": false, "": false, " blog \n": true} {
		var out bytes.Buffer
		ok, err := New(strings.NewReader(in), &out).ConfirmLoss(context.Background(), "This deletes data", "blog")
		if err != nil || ok != want {
			t.Errorf("%q: %v %v, want %v\n%s", in, ok, err, want, out.String())
		}
	}
}
