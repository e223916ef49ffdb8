package tutorials

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

// The build tutorial's step kinds are caught where they can't work: a
// rollback or records step with nothing applied, a file write with no
// path or a template that can't render, settings another kind reads.
func TestBuildStepsAreValidated(t *testing.T) {
	const rollback = "\n[[step]]\nkind = \"rollback\"\n"
	const records = "\n[[step]]\nkind = \"records\"\n"
	cases := []struct{ name, def, msg string }{
		{"rollback before any apply", goodDef + rollback, "a rollback step needs an apply before it"},
		{"records before any apply", goodDef + records, "a records step needs an apply before it"},
		{"rollback watching no path", webDef + strings.Replace(rollback, "\n\n", "\n", 1) + "watch = \"home\"\n", `watch "home": give a path`},
		{"rollback to release -1", webDef + rollback + "release = -1\n", "give a release number"},
		{"content with no file", goodDef + "\n[[step]]\nkind = \"write\"\ncontent = \"x\"\n", "needs file"},
		{"content that can't render", goodDef + "\n[[step]]\nkind = \"write\"\nfile = \"a\"\ncontent = \"{{.x\"\n", "template"},
		{"release on a plan", webDef + "\n[[step]]\nkind = \"plan\"\nrelease = 1\n", `no "release" setting`},
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
				hit = hit || e.Line > 0 && strings.Contains(e.Msg, c.msg)
			}
			if !hit {
				t.Errorf("want x.toml:N: …%s…; got\n%v", c.msg, err)
			}
		})
	}
	ok := webDef + rollback + "watch = \"/\"\n" + "\n[[step]]\nkind = \"verify\"\n  [[step.check]]\n  kind = \"uptime\"\n" + records
	if err := ValidateFS(fstest.MapFS{"x.toml": {Data: []byte(ok)}}); err != nil {
		t.Errorf("a watched rollback, an uptime check and the records: %v", err)
	}
}
