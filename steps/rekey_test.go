package steps

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minimalinfra/mvi/engine"
	engineaws "github.com/minimalinfra/mvi/engine/aws"
	"github.com/minimalinfra/mvi/engine/sandbox"
)

// Issue 11: a secret set before the first up goes under the account's
// default key (the app's doesn't exist yet); the apply that makes the
// app's key moves it there, and since the value is the same, the next
// plan has nothing to roll.
func TestFirstApplyMovesEarlySecretsUnderTheAppsKey(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	sb, err := sandbox.Open(ctx, sandbox.Options{Dir: dir, Speed: 0})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	cfg := engine.Config{Clients: sb.Clients(), Handlers: engineaws.Handlers(), App: "st",
		Region: "us-east-1", Account: sb.Account(), Locker: engine.FileLocker{Dir: filepath.Join(dir, "locks")},
		Retry: engine.Retry{Base: time.Millisecond, Max: 20 * time.Millisecond, Timeout: time.Minute}}
	if err := engine.SetSecret(ctx, cfg, "API_KEY", []byte("canary-early")); err != nil {
		t.Fatal(err)
	}
	if l, _ := engine.ListSecrets(ctx, cfg); len(l) != 1 || !l[0].DefaultKey {
		t.Fatalf("before up: %+v", l)
	}
	s := &Session{Manifest: "name = \"st\"\nsecrets = [\"API_KEY\"]\n[processes.worker]\nimage = \"httpd\"\n", Engine: cfg}
	s.Engine.NoWait = ContainersNoWait()
	rec := &recorder{}
	for _, st := range []Step{Design{}, Plan{}, Apply{}} {
		if err := st.Run(ctx, s, rec); err != nil {
			t.Fatalf("%s: %v", st.Kind(), err)
		}
	}
	l, err := engine.ListSecrets(ctx, cfg)
	if err != nil || len(l) != 1 || l[0].DefaultKey || !strings.HasPrefix(l[0].Key, "arn:") {
		t.Fatalf("after up: %+v, %v", l, err)
	}
	said := strings.Join(rec.lines, "\n")
	if !strings.Contains(said, "Moved 1 secret(s) set before the app's key existed under alias/mvi/st: API_KEY") || strings.Contains(said, "canary") {
		t.Errorf("notes: %s", said)
	}
	p, err := engine.MakePlan(ctx, s.Engine, s.Arch)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range p.Steps {
		if st.Action != engine.NoOp {
			t.Errorf("after the move: %s %s: %s", st.Action, st.ID, st.Reason)
		}
	}
}
