package steps

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/cloud"
)

// A bad release (a tag httpd never published) ends once the circuit
// breaker has rolled it back: the service runs the old revision, the
// session says what failed and why, the manifest is back on the release
// that runs, and the watcher saw every request answered. The checks that
// follow agree, and tell a rollback from a release that went out.
func TestBadReleaseRollsBackAndTheChecksSeeIt(t *testing.T) {
	s, rec := sandboxSession(t)
	ctx := context.Background()
	good := s.Manifest
	b := Break{Action: BreakBadRelease, Change: "[processes.web]\nimage = \"httpd:3\"\n"}
	if err := b.Run(ctx, s, rec); err != nil {
		t.Fatalf("%v\nnotes: %q", err, rec.lines)
	}
	r := s.Release
	if r == nil || !r.RolledBack || !strings.HasSuffix(r.Good, ":1") || !strings.HasSuffix(r.Bad, ":2") || r.BadImage != "httpd:3" || r.GoodImage != "httpd" {
		t.Fatalf("release record %+v", r)
	}
	if r.Failed < 3 || !strings.Contains(r.Reason, "CannotPullContainerError") || !strings.Contains(r.Reason, "docker.io/library/httpd:3: not found") {
		t.Errorf("%d failed tasks, reason %q", r.Failed, r.Reason)
	}
	if s.Manifest != good {
		t.Errorf("after the rollback the manifest reads\n%s", s.Manifest)
	}
	if tr := s.Traffic; tr == nil || tr.Requests == 0 || tr.Failed != 0 || !tr.Served("It works!") {
		t.Errorf("traffic during the bad release: %+v", tr)
	}
	var said bool
	for _, l := range rec.lines {
		said = said || strings.Contains(l, "FAILED") && strings.Contains(l, "rolled web back to") && strings.Contains(l, "CannotPullContainerError")
	}
	if !said {
		t.Errorf("no note tells the failure and the rollback: %q", rec.lines)
	}
	ok := Verify{Checks: []Check{{Kind: CheckRelease, Revision: RevisionPrevious}, {Kind: CheckUptime, Body: "It works!"}}, Timeout: time.Minute}
	if err := ok.Run(ctx, s, rec); err != nil {
		t.Fatal(err)
	}
	err := (Verify{Checks: []Check{{Kind: CheckRelease}}, Timeout: 300 * time.Millisecond}).Run(ctx, s, nil)
	if err == nil || !strings.Contains(err.Error(), "the newest release is") {
		t.Errorf("a latest-release check after a rollback: %v", err)
	}
	// A fix is another release, and then the newest one runs.
	if err := (Apply{Watch: "/"}).Run(ctx, s, rec); err != nil {
		t.Fatal(err)
	}
	s.Manifest = strings.Replace(good, `"httpd"`, `"nginx"`, 1)
	if err := (Design{}).Run(ctx, s, nil); err != nil {
		t.Fatal(err)
	}
	if err := (Apply{Watch: "/"}).Run(ctx, s, rec); err != nil {
		t.Fatal(err)
	}
	if err := (Verify{Checks: []Check{{Kind: CheckRelease}, {Kind: CheckUptime, Body: "Welcome to nginx!"}}, Timeout: time.Minute}).Run(ctx, s, rec); err != nil {
		t.Fatal(err)
	}
	err = (Verify{Checks: []Check{{Kind: CheckRelease, Revision: RevisionPrevious}}, Timeout: 300 * time.Millisecond}).Run(ctx, s, nil)
	if err == nil || !strings.Contains(err.Error(), "nothing was rolled back") {
		t.Errorf("a rollback check after a good release: %v", err)
	}
}

// A "bad" release that starts fine is reported as not bad; a change that
// ships no release is refused before anything is applied.
func TestBadReleaseThatIsNotBad(t *testing.T) {
	s, rec := sandboxSession(t)
	ctx := context.Background()
	err := (Break{Action: BreakBadRelease, Change: "[processes.web]\nimage = \"httpd\"\n"}).Run(ctx, s, rec)
	if err == nil || !strings.Contains(err.Error(), "ships no new release") {
		t.Errorf("no-op change: %v", err)
	}
	err = (Break{Action: BreakBadRelease, Change: "[processes.web]\nimage = \"nginx\"\n"}).Run(ctx, s, rec)
	if err == nil || !strings.Contains(err.Error(), "went out healthy") {
		t.Errorf("a good image shipped as a bad release: %v", err)
	}
}

// What a watcher saw can't change by waiting: a failed request fails an
// uptime check at once.
func TestUptimeFailsAtOnceOnAFailedRequest(t *testing.T) {
	// No cloud is called: the tally is all there is to judge.
	s := &Session{Engine: engine.Config{Clients: &cloud.Clients{}}}
	s.Arch = designed(t, helloManifest)
	s.Traffic = &Traffic{URL: "http://x/", Requests: 10, Failed: 2, FirstFailure: "503 Service Unavailable"}
	rec := &recorder{}
	err := (Verify{Checks: []Check{{Kind: CheckUptime}}}).Run(context.Background(), s, rec)
	var fe *fatalError
	if err == nil || !errors.As(err, &fe) || !strings.Contains(err.Error(), "2 of 10 requests") || len(rec.checks) != 1 {
		t.Errorf("err = %v after %d attempts", err, len(rec.checks))
	}
}

func TestReleaseAndUptimeChecksAreValidated(t *testing.T) {
	a := designed(t, helloManifest)
	worker := designed(t, "name = \"w\"\n[processes.web]\nimage = \"httpd\"\n")
	for _, c := range []struct {
		check Check
		a     arch.Architecture
		want  string
	}{
		{Check{Kind: CheckUptime}, worker, "no port"},
		{Check{Kind: CheckRelease, Revision: "tuesday"}, a, `revision "tuesday"`},
		{Check{Kind: CheckHTTP, Revision: RevisionPrevious}, a, "only a release check"},
		{Check{Kind: CheckRelease, Process: "api"}, a, "no api process"},
	} {
		err := c.check.Satisfiable(c.a)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want …%s…", c.check, err, c.want)
		}
	}
	for _, c := range []Check{{Kind: CheckUptime}, {Kind: CheckRelease}, {Kind: CheckRelease, Revision: RevisionPrevious}} {
		if err := c.Satisfiable(a); err != nil {
			t.Errorf("%+v: %v", c, err)
		}
	}
}

func TestPageTitle(t *testing.T) {
	for body, want := range map[string]string{
		"<html><body><h1>It works!</h1></body></html>":                         "It works!",
		"<title>Welcome to nginx!</title><h1>\nWelcome to nginx!\n</h1>":       "Welcome to nginx!",
		"<title>Only a title</title>":                                          "Only a title",
		"plain   text\nthat goes on and on and on and on and on and on and on": "plain text that goes on and on and on an…",
	} {
		if got := PageTitle(body); got != want {
			t.Errorf("PageTitle(%q) = %q, want %q", body, got, want)
		}
	}
}

func designed(t *testing.T, manifest string) arch.Architecture {
	t.Helper()
	a, err := DesignManifest(manifest)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
