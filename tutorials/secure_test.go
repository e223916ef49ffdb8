package tutorials

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/steps"
)

// "Securing the Environment" on the sandbox: the database's variables
// reach web, a secret typed into the secret fields is set, rolled in,
// rotated with a rolling restart, and found nowhere; the database admits
// only the app and refuses a connection from here; destroy, agreed to by
// typing the name, leaves nothing but the final snapshot. Two canary
// values stand for what a learner types: neither may show up in what the
// run reported, in the answers kept for progress, or in the sandbox's
// files in clear.
func TestSecuringTheEnvironmentOnTheSandbox(t *testing.T) {
	tu, err := Load("secure")
	if err != nil {
		t.Fatal(err)
	}
	sb, cfg := openSandbox(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	const canary1, canary2 = "canary-8c1f3e-first", "canary-2b7d9a-second"
	rec := &recorder{}
	var lossAsked string
	s := &steps.Session{Engine: cfg, Answers: map[string]string{"name": "sec"},
		ConfirmLoss: func(_ context.Context, q, want string) (bool, error) { lossAsked = q + " / " + want; return true, nil }}
	typed := 0
	var beforeRotate, afterRotate string
	hooks := &Hooks{
		Before: func(ctx context.Context, i int, st steps.Step, s *steps.Session) error {
			if a, ok := st.(steps.Ask); ok && len(a.Fields) == 1 && a.Fields[0].Kind() == steps.Secret {
				typed++
				v := canary1
				if typed == 2 {
					v = canary2
					beforeRotate = runningRevision(t, ctx, s)
				}
				s.Secrets = map[string]string{"API_TOKEN": v}
			}
			return nil
		},
		After: func(ctx context.Context, next int, s *steps.Session) error {
			b, _ := json.Marshal(s.Answers)
			if strings.Contains(string(b), "canary") || len(s.Secrets) > 0 {
				t.Errorf("after step %d the session keeps a secret: answers %s, secrets %d", next, b, len(s.Secrets))
			}
			if st, ok := tu.Steps[next-1].(steps.Verify); ok && st.Heading == "Rotated without a dropped request" {
				afterRotate = runningRevision(t, ctx, s)
			}
			return nil
		},
	}
	start := time.Now()
	if err := Run(ctx, tu, s, 0, rec, hooks); err != nil {
		t.Fatalf("%v\nlast notes: %q", err, lastN(rec.notes, 5))
	}
	t.Logf("Securing the Environment: %d steps in %s", len(tu.Steps), time.Since(start).Round(time.Millisecond))
	if typed != 2 {
		t.Fatalf("%d secret questions asked, want 2 (set, rotate)", typed)
	}
	if beforeRotate == "" || beforeRotate == afterRotate {
		t.Errorf("rotating API_TOKEN: web ran %q before and %q after; want a new release", beforeRotate, afterRotate)
	}

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
	env := passed["web is told where its database is"]
	for _, want := range []string{"DATABASE_URL from the SecureString /mvi/sec/", "DATABASE_HOST=", ".rds.amazonaws.com", "DATABASE_PORT=5432"} {
		if !strings.Contains(env, want) {
			t.Errorf("the env check says %q; want %q in it", env, want)
		}
	}
	if priv := passed["the database admits only the app's containers"]; !strings.Contains(priv, "connection refused") || !strings.Contains(priv, "sg-") {
		t.Errorf("the private check says %q; want the refusal and the group it admits", priv)
	}
	if sealed := passed["no secret value in status, plan, task definitions or logs"]; !strings.Contains(sealed, "/mvi/sec/secrets/API_TOKEN") {
		t.Errorf("the sealed check says %q; want it to have looked for API_TOKEN's value", sealed)
	}
	if !strings.Contains(lossAsked, "sec") {
		t.Errorf("destroying the database asked %q; want the typed-name question", lossAsked)
	}

	reported := strings.Join(rec.notes, "\n")
	for _, c := range rec.checks {
		reported += "\n" + c.Detail
	}
	for _, e := range rec.events {
		reported += "\n" + e.Detail
	}
	for _, c := range []string{canary1, canary2} {
		if strings.Contains(reported, c) {
			t.Errorf("a canary value is in what the run reported")
		}
	}
	err = filepath.WalkDir(sb.Dir(), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), canary1) || strings.Contains(string(b), canary2) {
			t.Errorf("%s holds a canary value in clear", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := engine.Status(ctx, s.Engine)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Total != 0 {
		t.Errorf("after destroy %d resources remain: %+v", snap.Total, snap.Services)
	}
}

// RunHeadless, as a script would: the secret's value is an answer like any
// other (it is handed to SSM and dropped), and --allow-data-loss stands
// for typing the name at the destroy.
func TestSecuringTheEnvironmentRunsHeadless(t *testing.T) {
	tu, err := Load("secure")
	if err != nil {
		t.Fatal(err)
	}
	_, cfg := openSandbox(t)
	cfg.AllowDataLoss = true
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	rec := &recorder{}
	if err := RunHeadless(ctx, tu, map[string]string{"name": "hl", "engine": "mysql", "API_TOKEN": "canary-headless-4411"}, cfg, rec); err != nil {
		t.Fatalf("%v\nlast notes: %q", err, lastN(rec.notes, 5))
	}
	var env string
	for _, c := range rec.checks {
		if c.OK && c.Name == "web is told where its database is" {
			env = c.Detail
		}
		if strings.Contains(c.Detail, "canary-headless") {
			t.Errorf("check %q shows the value", c.Name)
		}
	}
	if !strings.Contains(env, "DATABASE_PORT=3306") {
		t.Errorf("with MySQL the env check says %q; want port 3306", env)
	}
}
