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

// The tutorial builds exactly the example manifest that ships with mvi, so
// what a learner runs is what `mvi up -f assets/examples/wordpress/mvi.toml`
// runs.
func TestWordpressTutorialBuildsTheExample(t *testing.T) {
	tu, err := Load("wordpress")
	if err != nil {
		t.Fatal(err)
	}
	a, ok := tu.Steps[1].(steps.Ask)
	if !ok {
		t.Fatalf("step 2 is a %s, want the manifest's ask", tu.Steps[1].Kind())
	}
	frag, err := a.Fragment(map[string]string{"name": "blog"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := manifest.Parse("mvi.toml", []byte(frag))
	if err != nil {
		t.Fatal(err)
	}
	data, err := assets.Examples.ReadFile("examples/wordpress/mvi.toml")
	if err != nil {
		t.Fatal(err)
	}
	want, err := manifest.Parse("mvi.toml", data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the tutorial's manifest differs from the example:\ntutorial %+v\nexample  %+v", got, want)
	}
}

// "Wordpress and MySQL" on the sandbox: the image's variables come from
// references (the password and the key as secrets), the load balancer
// serves the health file from the stand-ins, nothing secret shows, the
// database is private, the tag change rolls out without a failed request,
// and destroy, agreed to by name, leaves nothing but the final snapshot.
func TestWordpressOnTheSandbox(t *testing.T) {
	tu, err := Load("wordpress")
	if err != nil {
		t.Fatal(err)
	}
	_, cfg := openSandbox(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	rec := &recorder{}
	const canary = "canary-wp-5e0c71-auth"
	var asked string
	s := &steps.Session{Engine: cfg, Answers: map[string]string{"name": "wp"}, Secrets: map[string]string{"WORDPRESS_AUTH_KEY": canary},
		ConfirmLoss: func(_ context.Context, q, want string) (bool, error) { asked = q; return want == "wp", nil }}
	var rollout *steps.Traffic
	hooks := &Hooks{After: func(ctx context.Context, next int, s *steps.Session) error {
		if a, ok := tu.Steps[next-1].(steps.Apply); ok && a.Watch != "" {
			rollout = s.Traffic
		}
		return nil
	}}
	start := time.Now()
	if err := Run(ctx, tu, s, 0, rec, hooks); err != nil {
		t.Fatalf("%v\nlast notes: %q", err, lastN(rec.notes, 5))
	}
	t.Logf("Wordpress and MySQL: %d steps in %s", len(tu.Steps), time.Since(start).Round(time.Millisecond))
	passed := map[string]string{}
	for _, c := range rec.checks {
		if c.OK {
			passed[c.Name] = c.Detail
		}
		if strings.Contains(c.Detail, canary) {
			t.Errorf("check %q shows the secret's value", c.Name)
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
	env := passed["web gets WordPress's settings from references"]
	for _, want := range []string{"WORDPRESS_DB_HOST=", ".rds.amazonaws.com:3306", "WORDPRESS_DB_USER=wordpress", "WORDPRESS_DB_NAME=wordpress",
		"WORDPRESS_DB_PASSWORD from the SecureString", "WORDPRESS_AUTH_KEY from the SecureString /mvi/wp/secrets/WORDPRESS_AUTH_KEY"} {
		if !strings.Contains(env, want) {
			t.Errorf("env check: %q; want %q in it", env, want)
		}
	}
	if rollout == nil || rollout.Requests == 0 || rollout.Failed != 0 {
		t.Errorf("the upgrade's traffic: %+v; want requests and none failed", rollout)
	}
	if !strings.Contains(s.Manifest, `image = "wordpress:6.7-apache"`) {
		t.Errorf("after the upgrade the manifest reads\n%s", s.Manifest)
	}
	for _, want := range []string{"database", "fs"} {
		if !strings.Contains(asked, "delete "+want) {
			t.Errorf("the destroy's data-loss question %q doesn't name %s", asked, want)
		}
	}
	snap, err := engine.Status(ctx, s.Engine)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Total != 0 || len(snap.Kept) != 1 {
		t.Errorf("after destroy %d resources remain (%+v), %d snapshots kept; want 0 and the final snapshot", snap.Total, snap.Services, len(snap.Kept))
	}
}
