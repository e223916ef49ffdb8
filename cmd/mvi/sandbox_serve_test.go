package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/minimalinfra/mvi/engine/sandbox"
)

// syncBuffer is a bytes.Buffer safe for the data plane's goroutine to
// write while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// `mvi up` hosts the data plane while it runs and prints the local URL;
// `mvi sandbox serve` then serves in the foreground, and a client (this
// test, as another terminal would) reaches the load balancer by its DNS
// name through the sandbox's Clients.HTTP, and by the local URL with plain
// HTTP; `mvi status` prints that URL; Ctrl-C stops cleanly.
func TestSandboxServeAnswersCurl(t *testing.T) {
	dir := t.TempDir()
	sbFlags := []string{"--sandbox-dir", dir, "--sandbox-speed", "0"}
	out, errs, code := mvi(t, append([]string{"up", "--yes", "-f", helloFile}, sbFlags...)...)
	if code != 0 || !strings.Contains(out, "on this machine http://127.0.0.1:") {
		t.Fatalf("up: exit %d\n%s\n%s", code, tail(out), errs)
	}

	ctx, cancel := context.WithCancel(context.Background())
	var serveOut syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, append([]string{"sandbox", "serve"}, sbFlags...), strings.NewReader(""), &serveOut, io.Discard)
	}()
	urlRE := regexp.MustCompile(`(\S+\.elb\.amazonaws\.com):80  →  (http://127\.0\.0\.1:\d+)`)
	var m []string
	for deadline := time.Now().Add(20 * time.Second); m == nil; {
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve printed no URL:\n%s", serveOut.String())
		}
		time.Sleep(5 * time.Millisecond)
		m = urlRE.FindStringSubmatch(serveOut.String())
	}
	dns, local := m[1], m[2]

	sb, err := sandbox.Open(context.Background(), sandbox.Options{Dir: dir, Speed: 0})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	lbs, err := sb.Clients().ELB.DescribeLoadBalancers(context.Background(), &elb.DescribeLoadBalancersInput{})
	if err != nil || len(lbs.LoadBalancers) != 1 || aws.ToString(lbs.LoadBalancers[0].DNSName) != dns {
		t.Fatalf("load balancers %v, %v; serve printed %s", lbs, err, dns)
	}
	get := func(do func(*http.Request) (*http.Response, error), url string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		resp, err := do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	var code2 int
	var body string
	for deadline := time.Now().Add(20 * time.Second); code2 != 200; {
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("GET http://%s/ through Clients.HTTP: %d %s", dns, code2, body)
		}
		time.Sleep(5 * time.Millisecond)
		code2, body = get(sb.Clients().HTTP.Do, "http://"+dns+"/")
	}
	if !strings.Contains(body, "It works!") {
		t.Errorf("body %q", body)
	}
	if c, b := get(http.DefaultClient.Do, local+"/"); c != 200 || !strings.Contains(b, "It works!") {
		t.Errorf("curl %s/: %d %q", local, c, b)
	}
	out, _, code = mvi(t, append([]string{"status", "-f", helloFile}, sbFlags...)...)
	if code != 0 || !strings.Contains(out, "(on this machine: "+local+")") {
		t.Errorf("status lacks the local URL %s:\n%s", local, out)
	}

	cancel()
	if c := <-done; c != 0 {
		t.Errorf("serve exited %d:\n%s", c, serveOut.String())
	}
	if !strings.Contains(serveOut.String(), "Stopped serving") {
		t.Errorf("serve output:\n%s", serveOut.String())
	}
	if c, _ := get(sb.Clients().HTTP.Do, "http://"+dns+"/"); c != 0 {
		t.Errorf("GET after serve stopped: %d", c)
	}
}

// The wizard's "try it yourself" lists the app's own load balancer's
// local URL while the sandbox is served, and nothing otherwise.
func TestReachListsTheAppsLocalURL(t *testing.T) {
	dir := t.TempDir()
	if _, errs, code := mvi(t, "up", "--yes", "-f", helloFile, "--sandbox-dir", dir, "--sandbox-speed", "0"); code != 0 {
		t.Fatalf("up: exit %d: %s", code, errs)
	}
	f := cloudFlags{cloud: "sandbox", dir: dir}
	s, err := f.open(context.Background(), "hello", "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	if got := s.reach("hello"); len(got) != 0 {
		t.Errorf("nothing serves, yet reach says %v", got)
	}
	stop := s.host(context.Background(), io.Discard)
	defer stop()
	var got []string
	for deadline := time.Now().Add(10 * time.Second); len(got) == 0 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		got = s.reach("hello")
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], "http://127.0.0.1:") {
		t.Errorf("reach(hello) = %v", got)
	}
	if other := s.reach("shop"); len(other) != 0 {
		t.Errorf("reach(shop) = %v, want none", other)
	}
}
