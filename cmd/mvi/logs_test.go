package main

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/minimalinfra/mvi/engine/sandbox"
)

// mvi logs after up: lines of every container, process and task on each,
// one process when named, JSON one object per line; a process the app
// doesn't have is a usage error naming the ones it has.
func TestLogsCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sandbox")
	flags := []string{"-f", fullFile, "--sandbox-dir", dir, "--sandbox-speed", "0"}
	if out, errs, code := mvi(t, append([]string{"up", "--yes"}, flags...)...); code != 0 {
		t.Fatalf("up: exit %d\n%s\n%s", code, tail(out), errs)
	}
	out, errs, code := mvi(t, append([]string{"logs"}, flags...)...)
	if code != 0 || !strings.Contains(out, " web/") || !strings.Contains(out, " worker/") {
		t.Fatalf("logs: exit %d\n%s\n%s", code, out, errs)
	}
	out, _, _ = mvi(t, append([]string{"logs", "worker", "--output", "json"}, flags...)...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, l := range lines {
		var v struct{ Process, Task, Message string }
		if err := json.Unmarshal([]byte(l), &v); err != nil || v.Process != "worker" || v.Task == "" {
			t.Errorf("json line %q: %v %+v", l, err, v)
		}
	}
	_, errs, code = mvi(t, append([]string{"logs", "wbe"}, flags...)...)
	if code != exitInvalid || !strings.Contains(errs, `did you mean "web"?`) {
		t.Errorf("unknown process: exit %d: %s", code, errs)
	}
	_, errs, code = mvi(t, append([]string{"logs", "--poll"}, flags...)...)
	if code != exitInvalid || !strings.Contains(errs, "--follow --poll") {
		t.Errorf("--poll alone: exit %d: %s", code, errs)
	}
	_, errs, code = mvi(t, append([]string{"logs", "--since", "yesterday"}, flags...)...)
	if code != exitInvalid || !strings.Contains(errs, "15m, 2h, 7d") {
		t.Errorf("bad --since: exit %d: %s", code, errs)
	}
}

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"15m":                  now.Add(-15 * time.Minute),
		"7d":                   now.Add(-7 * 24 * time.Hour),
		"2026-12-01T09:00:00Z": time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC),
	} {
		if got, err := parseSince(in, now); err != nil || !got.Equal(want) {
			t.Errorf("%s: %v %v", in, got, err)
		}
	}
	for _, bad := range []string{"-5m", "1x", "d", "3.5d"} {
		if _, err := parseSince(bad, now); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// mvi logs web --grep after N requests through the load balancer to the
// demo app: exactly the N access lines, oldest first, each with web and
// the task that answered.
func TestLogsGrepFindsEveryRequest(t *testing.T) {
	flags, sb := demoUp(t)
	ctx := context.Background()
	dp, err := sandbox.Serve(ctx, sb, sandbox.ServeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	lbs, err := sb.Clients().ELB.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{})
	if err != nil || len(lbs.LoadBalancers) != 1 {
		t.Fatalf("load balancers: %v", err)
	}
	const n = 7
	answered := map[string]bool{}
	deadline := time.Now().Add(time.Minute)
	for i := 0; i < n; {
		req, _ := http.NewRequest(http.MethodGet, "http://"+aws.ToString(lbs.LoadBalancers[0].DNSName)+"/orders?n="+strconv.Itoa(i), nil)
		resp, err := sb.Clients().HTTP.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		if err != nil || resp.StatusCode == http.StatusServiceUnavailable {
			// Not served yet, or the targets are passing their first checks.
			if time.Now().After(deadline) {
				t.Fatalf("the load balancer never answered: %v", err)
			}
			time.Sleep(10 * time.Millisecond)
			continue
		}
		answered[resp.Header.Get(sandbox.TaskHeader)[:8]] = true
		i++
	}
	if err := dp.Close(); err != nil { // flushes the lines to CloudWatch Logs
		t.Fatal(err)
	}
	out, errs, code := mvi(t, append([]string{"logs", "web", "--grep", "GET /orders"}, flags...)...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != n {
		t.Fatalf("logs --grep: exit %d, %d lines, want %d\n%s\n%s", code, len(lines), n, out, errs)
	}
	// Time order is to the millisecond, as CloudWatch keeps it: within one
	// millisecond two tasks' lines come in stream order, one task's in
	// the order it wrote them.
	var last string
	seen := map[string]bool{}
	perTask := map[string]int{}
	for i, l := range lines {
		// 2026-12-04 09:00:00.000 web/aaaa1111  GET /orders?n=0 500 12µs
		f := strings.Fields(l)
		if len(f) < 5 || !strings.HasPrefix(f[2], "web/") || !answered[strings.TrimPrefix(f[2], "web/")] {
			t.Errorf("line %d %q: want the process and a task that answered (%v)", i, l, answered)
			continue
		}
		k, err := strconv.Atoi(strings.TrimPrefix(f[4], "/orders?n="))
		if err != nil || seen[f[4]] || k < perTask[f[2]] {
			t.Errorf("line %d is %q: a request twice, or a task's lines out of order", i, l)
		}
		seen[f[4]], perTask[f[2]] = true, k
		if stamp := f[0] + " " + f[1]; stamp < last {
			t.Errorf("line %d at %s before %s", i, stamp, last)
		} else {
			last = stamp
		}
	}
}

// mvi logs --follow through the command: a line another process writes
// is printed (by Live Tail, with nothing said of polling), and
// Ctrl-C (the context ending) is a normal end, exit 0; --poll follows
// too.
func TestLogsFollowCommand(t *testing.T) {
	flags, sb := demoUp(t)
	ctx := context.Background()
	lw := sb.Clients().Logs.(interface {
		CreateLogStream(context.Context, *cloudwatchlogs.CreateLogStreamInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.CreateLogStreamOutput, error)
		PutLogEvents(context.Context, *cloudwatchlogs.PutLogEventsInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutLogEventsOutput, error)
	})
	group := aws.String("/mvi/demo")
	for i, mode := range [][]string{nil, {"--poll", "--every", "100ms"}} {
		stream := aws.String("web/web/follow" + strconv.Itoa(i))
		if _, err := lw.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: group, LogStreamName: stream}); err != nil {
			t.Fatal(err)
		}
		fctx, cancel := context.WithCancel(ctx)
		var out, errs lockedBuffer
		done := make(chan int, 1)
		go func() {
			done <- run(fctx, append(append([]string{"logs", "web", "--follow", "--since", "1m"}, mode...), flags...), strings.NewReader(""), &out, &errs)
		}()
		msg := "GET /followed " + strconv.Itoa(i)
		deadline := time.Now().Add(time.Minute) // a guard, not a measure
		for !strings.Contains(out.String(), msg) {
			// Written again until seen: the follow may not have opened its
			// session yet, and only what comes after is tailed.
			if _, err := lw.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: group, LogStreamName: stream,
				LogEvents: []cwltypes.InputLogEvent{{Timestamp: aws.Int64(time.Now().UnixMilli()), Message: aws.String(msg)}}}); err != nil {
				t.Fatal(err)
			}
			if time.Now().After(deadline) {
				t.Fatalf("%v: %q never printed:\n%s\n%s", mode, msg, out.String(), errs.String())
			}
			time.Sleep(300 * time.Millisecond)
		}
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("%v: exit %d after Ctrl-C: %s", mode, code, errs.String())
		}
		if strings.Contains(errs.String(), "polling") {
			t.Errorf("%v: %s", mode, errs.String())
		}
	}
}

// demoUp puts the demo example up on a sandbox of the test's own and
// opens a second handle on it, as another process would: the flags that
// name it, and that handle.
func demoUp(t *testing.T) ([]string, *sandbox.Sandbox) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "sandbox")
	flags := []string{"-f", demoFile, "--sandbox-dir", dir, "--sandbox-speed", "0"}
	if out, errs, code := mvi(t, append([]string{"up", "--yes"}, flags...)...); code != 0 {
		t.Fatalf("up: exit %d\n%s\n%s", code, tail(out), errs)
	}
	sb, err := sandbox.Open(context.Background(), sandbox.Options{Dir: dir, Speed: 0})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	return flags, sb
}
