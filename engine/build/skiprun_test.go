package build

import (
	"errors"
	"strings"
	"testing"
)

// SkipRun builds the steps it can and says which RUN lines it did not
// execute, in the log and in the result; without it RUN is refused.
func TestBuildSkipRunSaysWhatItDidNotExecute(t *testing.T) {
	reg := newTestRegistry(t)
	reg.pushBase(t)
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"Dockerfile": "FROM httpd\nRUN apt-get install -y curl\nCOPY index.html /usr/local/apache2/htdocs/\n",
		"index.html": "<h1>token-99</h1>\n",
	})
	o := reg.opts(dir, "b-1")
	if _, err := Build(t.Context(), o); !errors.As(err, new(*NeedsBuilderError)) {
		t.Fatalf("without SkipRun: err = %v, want *NeedsBuilderError", err)
	}
	var log strings.Builder
	o.Log, o.SkipRun = &log, true
	res := mustBuild(t, o)
	if len(res.NotRun) != 1 || res.NotRun[0].Line != 2 || res.NotRun[0].Text != "RUN apt-get install -y curl" {
		t.Fatalf("NotRun = %+v", res.NotRun)
	}
	if !strings.Contains(log.String(), "Dockerfile:2: NOT executed") || !strings.Contains(log.String(), "lacks what this line would make") {
		t.Errorf("log does not say the RUN line was not executed:\n%s", log.String())
	}
	p := pull(t, res.Image)
	if page, ok := p.lastLayer(t)["usr/local/apache2/htdocs/index.html"]; !ok || page.data != "<h1>token-99</h1>\n" {
		t.Errorf("the COPY after the RUN line is missing")
	}
	if res.Layers != 1 {
		t.Errorf("Layers = %d, want 1: a RUN not run adds none", res.Layers)
	}
}
