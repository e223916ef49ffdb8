package tutorials

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/minimalinfra/mvi/assets"
	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/minimalinfra/mvi/steps"
)

// The app files the tutorial writes are the example's, byte for byte, so
// `mvi up -f assets/examples/rails/mvi.toml` runs what a learner ran.
func TestRailsTutorialWritesTheExamplesFiles(t *testing.T) {
	tu, err := Load("rails")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, st := range tu.Steps {
		w, ok := st.(steps.Write)
		if !ok || w.Content == "" {
			continue
		}
		n++
		want, err := assets.Examples.ReadFile("examples/rails/" + w.File)
		if err != nil {
			t.Fatalf("the example lacks %s: %v", w.File, err)
		}
		got, err := steps.Ask{Change: w.Content}.Fragment(nil)
		if err != nil {
			t.Fatal(err)
		}
		if got != string(want) {
			t.Errorf("%s differs from the example's:\ntutorial %q\nexample  %q", w.File, got, want)
		}
	}
	if n != 4 {
		t.Errorf("the tutorial writes %d app files, want config.ru, worker.rb, Gemfile and Dockerfile", n)
	}
}

// "Rails, Nginx, Postgres and Redis" on the sandbox: web is built (its RUN
// lines said not run) and answers through the load balancer wired to
// Postgres; then Redis and the worker come, both processes read REDIS_URL
// and DATABASE_URL as secrets, nothing secret shows, the final manifest
// is the example's, and destroy, agreed to by name, leaves nothing but the
// database's final snapshot.
func TestRailsOnTheSandbox(t *testing.T) {
	tu, err := Load("rails")
	if err != nil {
		t.Fatal(err)
	}
	_, cfg := openSandbox(t)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	rec := &recorder{}
	var asked, final string
	s := &steps.Session{Engine: cfg, Dir: t.TempDir(), Answers: map[string]string{"name": "shop", "workers": "2"},
		ConfirmLoss: func(_ context.Context, q, want string) (bool, error) { asked = q; return want == "shop", nil }}
	hooks := &Hooks{After: func(ctx context.Context, next int, s *steps.Session) error {
		if _, ok := tu.Steps[next-1].(steps.Ask); ok {
			final = s.Manifest
		}
		return nil
	}}
	start := time.Now()
	if err := Run(ctx, tu, s, 0, rec, hooks); err != nil {
		t.Fatalf("%v\nlast notes: %q", err, lastN(rec.notes, 8))
	}
	t.Logf("Rails, Nginx, Postgres and Redis: %d steps in %s", len(tu.Steps), time.Since(start).Round(time.Millisecond))
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
	worker := passed["the worker reads the same two"]
	for _, want := range []string{"REDIS_URL from the SecureString", "DATABASE_URL from the SecureString"} {
		if !strings.Contains(worker, want) {
			t.Errorf("the worker's env check: %q; want %q in it", worker, want)
		}
	}
	var said []string
	for _, e := range rec.events {
		if e.Log && strings.Contains(e.Detail, "RUN") {
			said = append(said, e.Detail)
		}
	}
	if !strings.Contains(strings.Join(said, "\n"), "bundle install") {
		t.Errorf("the build never said which RUN lines it did not execute: %q", said)
	} else {
		t.Logf("the build said: %q", said)
	}
	got, err := manifest.Parse("mvi.toml", []byte(final))
	if err != nil {
		t.Fatal(err)
	}
	data, err := assets.Examples.ReadFile("examples/rails/mvi.toml")
	if err != nil {
		t.Fatal(err)
	}
	want, err := manifest.Parse("mvi.toml", data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Processes, want.Processes) || !reflect.DeepEqual(got.KV, want.KV) || !reflect.DeepEqual(got.Database, want.Database) {
		t.Errorf("the tutorial's manifest differs from the example:\ntutorial %s\nexample  %s", final, data)
	}
	for _, want := range []string{"delete database"} {
		if !strings.Contains(asked, want) {
			t.Errorf("the destroy's data-loss question %q doesn't say %s", asked, want)
		}
	}
	snap, err := engine.Status(ctx, s.Engine)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Total != 0 || len(snap.Unhandled) != 0 {
		t.Errorf("after destroy %d resources remain (%+v), unhandled %v", snap.Total, snap.Services, snap.Unhandled)
	}
}
