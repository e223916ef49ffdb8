package steps

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minimalinfra/mvi/engine"
)

// A write step with content writes a file of the app's from the answers,
// escaping what the template asks it to, and leaves the manifest alone.
func TestWriteContentWritesTheAppsFile(t *testing.T) {
	s := &Session{Dir: t.TempDir(), Answers: map[string]string{"text": "Tom & <Jerry>"}}
	w := Write{File: "site/public-html/index.html", Content: "<h1>{{html .text}}</h1>\n"}
	if err := w.Run(context.Background(), s, nil); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(s.Dir, "site", "public-html", "index.html"))
	if err != nil || string(b) != "<h1>Tom &amp; &lt;Jerry&gt;</h1>\n" {
		t.Errorf("wrote %q, %v", b, err)
	}
	if err := w.Run(context.Background(), s, nil); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("a second write without overwrite: %v", err)
	}
	w.Overwrite = true
	s.Answers["text"] = "again"
	if err := w.Run(context.Background(), s, nil); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(w.Path(s)); string(b) != "<h1>again</h1>\n" {
		t.Errorf("after overwrite: %q", b)
	}
	c := Check{Kind: CheckHTTP, Body: "{{html .text}}"}
	if got, err := c.WantBody(s); err != nil || got != "again" {
		t.Errorf("the check wants %q, %v", got, err)
	}
}

// On the sandbox: a built page, an edit released, a rollback step back to
// release 1 watched with no request failing, and the records step reading
// both builds, three releases and the newest log. A rollback to a release
// that doesn't exist is refused with the engine's reason, changing nothing.
func TestRollbackAndRecordsOnTheSandbox(t *testing.T) {
	s, rec := sandboxSession(t)
	ctx := context.Background()
	if err := (RecordsStep{}).Run(ctx, s, rec); err == nil || !errors.As(err, new(*engine.NoRecordsError)) {
		t.Errorf("records of an app that builds nothing: %v", err)
	}
	if err := (Destroy{}).Run(ctx, s, rec); err != nil {
		t.Fatal(err)
	}
	s.Dir = t.TempDir()
	s.Manifest = "name = \"bt\"\n[processes.web]\nbuild = \"site\"\nport = 80\n"
	s.Answers = map[string]string{"text": "one-3b1f"}
	s.ConfirmLoss = func(context.Context, string, string) (bool, error) { return true, nil }
	page := Write{File: "site/public-html/index.html", Overwrite: true, Content: "<h1>{{.text}}</h1>\n"}
	run := func(sts ...Step) {
		t.Helper()
		for _, st := range sts {
			if err := st.Run(ctx, s, rec); err != nil {
				t.Fatalf("%s: %v\nnotes: %q", st.Kind(), err, rec.lines[max(0, len(rec.lines)-6):])
			}
		}
	}
	served := Verify{Checks: []Check{{Kind: CheckHTTP, Path: "/", Body: "{{.text}}"}}, Timeout: time.Minute}
	run(Write{File: "site/Dockerfile", Content: "FROM httpd\nCOPY ./public-html/ /usr/local/apache2/htdocs/\n"}, page,
		Design{}, Plan{}, Apply{}, served)
	s.Answers["text"] = "two-8c0d"
	run(page, Plan{}, Apply{Watch: "/"}, served)

	if err := (Rollback{Release: 7}).Run(ctx, s, rec); err == nil || !errors.As(err, new(*engine.RollbackError)) || !strings.Contains(err.Error(), "there is no release 7") {
		t.Errorf("a rollback to a release never made: %v", err)
	}
	run(Rollback{Release: 1, Watch: "/"})
	tr := s.Traffic
	if tr == nil || tr.Requests == 0 || tr.Failed != 0 || !tr.Served("one-3b1f") {
		t.Fatalf("traffic during the rollback: %+v", tr)
	}
	if last := tr.Pages[len(tr.Pages)-1]; !strings.Contains(last.Sample, "one-3b1f") {
		t.Errorf("after the rollback the page is %q", last.Sample)
	}
	run(RecordsStep{})
	r := s.Records
	if r == nil || len(r.Builds) != 2 || len(r.Releases) != 3 || r.Releases[2].RollbackOf != 1 || !strings.Contains(r.Log, "FROM httpd") {
		t.Fatalf("records %+v", r)
	}
	var saidRollback, saidLog bool
	for _, l := range rec.lines {
		saidRollback = saidRollback || strings.HasPrefix(l, "release 3 ") && strings.Contains(l, "(rollback to release 1)")
		saidLog = saidLog || strings.HasPrefix(l, "Blob s3://"+r.Bucket+"/builds/")
	}
	if !saidRollback || !saidLog {
		t.Errorf("the notes don't list the rollback release (%v) or the log (%v): %q", saidRollback, saidLog, rec.lines[max(0, len(rec.lines)-10):])
	}
	run(Destroy{})
}
