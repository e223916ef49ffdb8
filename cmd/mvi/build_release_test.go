package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/minimalinfra/mvi/engine/release"
)

// The cycle on a machine without Docker: the book's two-line
// Dockerfile and a page holding a unique token; up builds and releases it
// and the token comes back through the load balancer; an edit is a new
// build and release; an up with nothing changed builds nothing; rollback
// brings the old page back, as release 3; builds and releases list it all.
func TestBuildReleaseRollbackOnTheSandbox(t *testing.T) {
	app := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		p := filepath.Join(app, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	token := func() string {
		b := make([]byte, 8)
		rand.Read(b)
		return "token-" + hex.EncodeToString(b)
	}
	write("mvi.toml", "name = \"page\"\n[processes.web]\nbuild = \".\"\nport = 80\n")
	write("Dockerfile", "FROM httpd:2.4\nCOPY ./public-html/ /usr/local/apache2/htdocs/\n")
	first, second := token(), token()
	write("public-html/index.html", "<html><body><h1>"+first+"</h1></body></html>\n")

	sv := serveSandbox(t)
	sbFlags := sv.flags
	manifest := filepath.Join(app, "mvi.toml")
	up := func() string {
		t.Helper()
		out, errs, code := mvi(t, append([]string{"up", "--yes", "-f", manifest}, sbFlags...)...)
		if code != 0 {
			t.Fatalf("up: exit %d\n%s\n%s", code, tail(out), errs)
		}
		return out
	}
	up()
	page := sv.page
	page(first)

	write("public-html/index.html", "<html><body><h1>"+second+"</h1></body></html>\n")
	if out := up(); !strings.Contains(out, "the source in . changed") {
		t.Errorf("the plan doesn't say the source changed:\n%s", tail(out))
	}
	page(second)
	if out := up(); !strings.Contains(out, "Nothing to change") {
		t.Errorf("an up with nothing changed:\n%s", tail(out))
	}

	out, errs, code := mvi(t, append([]string{"rollback", "--yes", "-f", manifest}, sbFlags...)...)
	if code != 0 || !strings.Contains(out, "Release 3 runs release 1's") {
		t.Fatalf("rollback: exit %d\n%s\n%s", code, tail(out), errs)
	}
	page(first)

	var builds []release.Build
	out, errs, code = mvi(t, append([]string{"builds", "-o", "json", "-f", manifest}, sbFlags...)...)
	if code != 0 || json.Unmarshal([]byte(out), &builds) != nil || len(builds) != 2 {
		t.Fatalf("builds: exit %d, %d builds\n%s\n%s", code, len(builds), out, errs)
	}
	for _, b := range builds {
		if b.Status != release.StatusSucceeded || !strings.HasPrefix(b.Log, "s3://") || b.ImageDigest == "" {
			t.Errorf("build record %+v", b)
		}
	}
	var rels []release.Release
	out, errs, code = mvi(t, append([]string{"releases", "-o", "json", "-f", manifest}, sbFlags...)...)
	if code != 0 || json.Unmarshal([]byte(out), &rels) != nil || len(rels) != 3 {
		t.Fatalf("releases: exit %d, %d releases\n%s\n%s", code, len(rels), out, errs)
	}
	if rels[2].RollbackOf != 1 || rels[2].Processes["web"].Image != rels[0].Processes["web"].Image ||
		rels[1].Processes["web"].Build != builds[1].ID || rels[0].Config != rels[1].Config {
		t.Errorf("releases %+v", rels)
	}
	out, _, code = mvi(t, append([]string{"logs", "--build", builds[0].ID, "-f", manifest}, sbFlags...)...)
	if code != 0 || !strings.Contains(out, "COPY ./public-html/ /usr/local/apache2/htdocs/") {
		t.Errorf("logs --build: exit %d\n%s", code, out)
	}
	// The next up releases mvi.toml's source again, and says why.
	if out := up(); !strings.Contains(out, "since mvi rollback") {
		t.Errorf("the up after a rollback:\n%s", tail(out))
	}
	page(second)
}

// servedSandbox is a sandbox served by `mvi sandbox serve` in this
// process, so its load balancers answer on 127.0.0.1.
type servedSandbox struct {
	t     *testing.T
	flags []string
	out   *syncBuffer
	local string
}

func serveSandbox(t *testing.T) *servedSandbox {
	t.Helper()
	sv := &servedSandbox{t: t, flags: []string{"--sandbox-dir", t.TempDir(), "--sandbox-speed", "0"}, out: &syncBuffer{}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		done <- run(ctx, append([]string{"sandbox", "serve"}, sv.flags...), strings.NewReader(""), sv.out, io.Discard)
	}()
	t.Cleanup(func() { cancel(); <-done })
	// The first up must find the server running: one that starts after
	// it would not be the process its load balancers answer through.
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(sv.out.String(), "Serving the sandbox"); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("sandbox serve never started:\n%s", sv.out.String())
		}
	}
	return sv
}

var lbURLRE = regexp.MustCompile(`elb\.amazonaws\.com:80  →  (http://127\.0\.0\.1:\d+)`)

// page waits until the load balancer's / answers with want in the body:
// polling until the rolling deploy has happened, not timing it.
func (sv *servedSandbox) page(want string) {
	t := sv.t
	t.Helper()
	var body string
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if sv.local == "" {
			if m := lbURLRE.FindStringSubmatch(sv.out.String()); m != nil {
				sv.local = m[1]
			}
		}
		if sv.local != "" {
			if res, err := http.Get(sv.local + "/"); err == nil {
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				body = string(b)
				if strings.Contains(body, want) {
					return
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the load balancer (%s) never answered %s; last: %q\nserve:\n%s", sv.local, want, body, sv.out.String())
		}
	}
}
