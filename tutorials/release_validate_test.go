package tutorials

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/minimalinfra/mvi/steps"
)

// webDef is goodDef with a port, applied once.
var webDef = strings.Replace(goodDef, `image = "httpd"`, "image = \"httpd\"\nport = 80", 1) + "\n[[step]]\nkind = \"apply\"\n"

// Release steps are caught where they can't work: nothing to watch yet,
// nothing watched, nothing rolled back, a bad release that changes no
// release.
func TestReleaseStepsAreValidated(t *testing.T) {
	const uptime = "\n[[step]]\nkind = \"verify\"\n  [[step.check]]\n  kind = \"uptime\"\n"
	const previous = "\n[[step]]\nkind = \"verify\"\n  [[step.check]]\n  kind = \"release\"\n  revision = \"previous\"\n"
	const badRelease = "\n[[step]]\nkind = \"break\"\naction = \"bad-release\"\nchange = '''\n[processes.web]\nimage = \"httpd:3\"\n'''\n"
	cases := []struct {
		name, def string
		line      int
		msg       string
	}{
		{"watch on the first apply", strings.Replace(webDef, "kind = \"apply\"\n", "kind = \"apply\"\nwatch = \"/\"\n", 1), 21, "nothing to watch"},
		{"uptime with nothing watched", webDef + uptime, 24, "needs a watched step"},
		{"rollback with no bad release", webDef + previous, 24, "needs a bad-release break"},
		{"bad release without a change", webDef + "\n[[step]]\nkind = \"break\"\naction = \"bad-release\"\n", 22, "needs change"},
		{"bad release changing no release", webDef + strings.Replace(badRelease, "httpd:3", "httpd", 1), 25, "ships no new release"},
		{"change on a terminate", webDef + "\n[[step]]\nkind = \"break\"\naction = \"terminate-vm\"\nwatch = \"/\"\n", 24, "only a bad-release break"},
		{"unknown revision", webDef + strings.Replace(previous, "previous", "tuesday", 1), 24, `revision "tuesday"`},
		{"watch on a plan", webDef + "\n[[step]]\nkind = \"plan\"\nwatch = \"/\"\n", 24, `no "watch" setting`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := ValidateFS(fstest.MapFS{"x.toml": {Data: []byte(c.def)}})
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("err = %v (%T), want Errors", err, err)
			}
			var hit bool
			for _, e := range es {
				hit = hit || e.Line == c.line && strings.Contains(e.Msg, c.msg)
			}
			if !hit {
				t.Errorf("want x.toml:%d: …%s…; got\n%v", c.line, c.msg, err)
			}
		})
	}
	for name, def := range map[string]string{
		"bad release then rollback and uptime": webDef + badRelease + previous + uptime,
		"watched apply then uptime":            webDef + "\n[[step]]\nkind = \"apply\"\nwatch = \"/\"\n" + uptime,
	} {
		if err := ValidateFS(fstest.MapFS{"x.toml": {Data: []byte(def)}}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// The home screen lists Hello World first and "Ship a release" next, and
// the release tutorial keeps to its shape: a watched rollout checked by
// an uptime check, then a bad release and a rollback check.
func TestShipAReleaseFollowsHelloWorld(t *testing.T) {
	ts, err := List()
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) < 2 || ts[0].ID != "hello-world" || ts[1].ID != "release" {
		t.Fatalf("the list starts %v; want hello-world, release", ts[:min(len(ts), 2)])
	}
	tu := ts[1]
	if n := len(tu.Steps); n < 10 || n > 15 {
		t.Errorf("%d steps; keep it 10–15", n)
	}
	var order []string
	for _, st := range tu.Steps {
		k := string(st.Kind())
		switch x := st.(type) {
		case steps.Apply:
			if x.Watch != "" {
				k = "apply-watched"
			}
		case steps.Break:
			k = "break-" + string(x.Action)
		case steps.Verify:
			for _, c := range x.Checks {
				k += "-" + string(c.Kind)
				if c.Revision != "" {
					k += "-" + c.Revision
				}
			}
		}
		order = append(order, k)
	}
	got := strings.Join(order, " ")
	for _, want := range []string{"apply-watched verify-uptime-release-http", "break-bad-release verify-uptime-release-previous-http", "inspect destroy"} {
		if !strings.Contains(got, want) {
			t.Errorf("steps %q lack %q", got, want)
		}
	}
}
