package engine

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/cloud"
	"github.com/minimalinfra/mvi/engine/sandbox"
)

// tailer runs FollowLogs by Live Tail on a sandbox whose clock moves only
// when the test moves it.
type tailer struct {
	t       *testing.T
	sb      *sandbox.Sandbox
	clock   *sandbox.ManualClock
	cfg     Config
	made    map[string]bool
	lines   chan LogLine
	done    chan error
	cancel  context.CancelFunc
	mu      sync.Mutex
	notices []string
}

func newTailer(t *testing.T, q LogQuery, before func(*tailer)) *tailer {
	t.Helper()
	clock := sandbox.NewManualClock(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
	sb, cfg := openSandbox(t, sandbox.Options{Clock: clock})
	tl := &tailer{t: t, sb: sb, clock: clock, cfg: cfg, made: map[string]bool{}, lines: make(chan LogLine, 1000), done: make(chan error, 1)}
	if _, err := cfg.Clients.Logs.CreateLogGroup(context.Background(), &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(arch.LogGroupName(cfg.App))}); err != nil {
		t.Fatal(err)
	}
	if before != nil {
		before(tl)
	}
	if q.Since.IsZero() {
		q.Since = clock.Now().Add(-time.Hour)
	}
	ctx, cancel := context.WithCancel(context.Background())
	tl.cancel = cancel
	f := Follow{Every: 2 * time.Second, Overlap: 30 * time.Second, Notice: func(m string) {
		tl.mu.Lock()
		tl.notices = append(tl.notices, m)
		tl.mu.Unlock()
	}}
	go func() { tl.done <- FollowLogs(ctx, tl.cfg, q, f, func(l LogLine) { tl.lines <- l }) }()
	t.Cleanup(func() {
		cancel()
		if err := <-tl.done; err != nil {
			t.Error(err)
		}
	})
	return tl
}

func (tl *tailer) put(stream, msg string) {
	tl.t.Helper()
	putLog(tl.t, tl.cfg, tl.made, stream, tl.clock.Now(), msg)
}

// want waits for the next lines; a guard, not a measure, ends a wait for
// a line that never comes.
func (tl *tailer) want(msgs ...string) {
	tl.t.Helper()
	for _, m := range msgs {
		select {
		case l := <-tl.lines:
			if l.Message != m {
				tl.t.Fatalf("printed %q (%s), want %q", l.Message, l.Stream, m)
			}
		case err := <-tl.done:
			tl.t.Fatalf("follow ended before %q: %v", m, err)
		case <-time.After(time.Minute):
			tl.t.Fatalf("%q never printed (clock %s)", m, tl.clock.Now().Format(time.TimeOnly))
		}
	}
}

// A line written while the follow runs is printed once the sandbox clock
// has moved one Live Tail update (a second) past it, with no poll between:
// the backlog is read once, at the session's start.
func TestFollowByLiveTailShowsEachNewLineAfterOneUpdate(t *testing.T) {
	tl := newTailer(t, LogQuery{}, func(tl *tailer) { tl.put("web/web/aaaa1111", "written before") })
	tl.want("written before")
	for i := range 3 {
		msg := fmt.Sprintf("GET /orders 200 (%d)", i)
		tl.put("web/web/aaaa1111", msg)
		tl.clock.Advance(time.Second)
		tl.want(msg)
	}
	// The same text twice in one millisecond is two lines.
	tl.put("web/web/aaaa1111", "twice")
	tl.put("web/web/aaaa1111", "twice")
	tl.clock.Advance(time.Second)
	tl.want("twice", "twice")
	calls := tl.sb.Calls()
	if calls["Logs.FilterLogEvents"] != 1 || calls["Logs.StartLiveTail"] != 1 {
		t.Errorf("FilterLogEvents %d, StartLiveTail %d: want one backlog read and one session", calls["Logs.FilterLogEvents"], calls["Logs.StartLiveTail"])
	}
	if len(tl.notices) != 0 {
		t.Errorf("notices: %q", tl.notices)
	}
}

// The session keeps to the process and the text asked for.
func TestFollowByLiveTailKeepsToProcessAndGrep(t *testing.T) {
	tl := newTailer(t, LogQuery{Process: "web", Grep: "GET /orders"}, nil)
	tl.put("worker/worker/bbbb2222", "GET /orders from the worker")
	tl.put("web/web/aaaa1111", "POST /orders 201")
	tl.put("web/web/aaaa1111", "GET /orders 200")
	tl.clock.Advance(time.Second)
	tl.put("web/web/cccc3333", "GET /orders 500")
	tl.clock.Advance(time.Second)
	tl.want("GET /orders 200", "GET /orders 500")
}

// A session ends after three hours; the follow opens another and goes on,
// printing nothing twice though its backlog reaches back 30 s.
func TestFollowByLiveTailReopensATimedOutSession(t *testing.T) {
	tl := newTailer(t, LogQuery{}, nil)
	tl.put("web/web/aaaa1111", "before the timeout")
	tl.clock.Advance(time.Second)
	tl.want("before the timeout")
	tl.clock.Advance(3 * time.Hour)
	deadline := time.Now().Add(time.Minute)
	for tl.sb.Calls()["Logs.StartLiveTail"] < 2 {
		if time.Now().After(deadline) {
			t.Fatal("no second session after the first timed out")
		}
		time.Sleep(5 * time.Millisecond) // waiting for the follow, not timing it
	}
	tl.put("web/web/aaaa1111", "after the timeout")
	tl.clock.Advance(time.Second)
	tl.want("after the timeout")
}

// scripted is a Live Tail whose one session brings what a test says.
type scripted struct {
	events []cwltypes.StartLiveTailResponseStream
	starts int
	refuse error // every start is refused
	// refuseReopen refuses the start after the first session ended.
	refuseReopen error
}

func (s *scripted) StartLiveTail(ctx context.Context, _ *cloudwatchlogs.StartLiveTailInput) (cloudwatchlogs.StartLiveTailResponseStreamReader, error) {
	s.starts++
	switch {
	case s.refuse != nil:
		return nil, s.refuse
	case s.starts > 1 && s.refuseReopen != nil:
		return nil, s.refuseReopen
	case s.starts > 1:
		<-ctx.Done()
		return nil, ctx.Err()
	}
	ch := make(chan cwltypes.StartLiveTailResponseStream, len(s.events))
	for _, e := range s.events {
		ch <- e
	}
	close(ch)
	return cloudwatchlogs.NewStartLiveTailEventStream(func(es *cloudwatchlogs.StartLiveTailEventStream) { es.Reader = chanReader(ch) }), nil
}

type chanReader chan cwltypes.StartLiveTailResponseStream

func (c chanReader) Events() <-chan cwltypes.StartLiveTailResponseStream { return c }
func (chanReader) Close() error                                          { return nil }
func (chanReader) Err() error                                            { return nil }

// A line the backlog read and the session brings too (written between the
// session's start and the backlog's read) is printed once.
func TestFollowByLiveTailPrintsALineOfBacklogAndSessionOnce(t *testing.T) {
	clock := sandbox.NewManualClock(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
	_, cfg := openSandbox(t, sandbox.Options{Clock: clock})
	if _, err := cfg.Clients.Logs.CreateLogGroup(context.Background(), &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(arch.LogGroupName(cfg.App))}); err != nil {
		t.Fatal(err)
	}
	at := clock.Now()
	putLog(t, cfg, map[string]bool{}, "web/web/aaaa1111", at, "in both")
	ev := func(msg string) cwltypes.LiveTailSessionLogEvent {
		return cwltypes.LiveTailSessionLogEvent{LogStreamName: aws.String("web/web/aaaa1111"), Timestamp: aws.Int64(at.UnixMilli()), Message: aws.String(msg)}
	}
	lt := &scripted{events: []cwltypes.StartLiveTailResponseStream{
		&cwltypes.StartLiveTailResponseStreamMemberSessionStart{},
		&cwltypes.StartLiveTailResponseStreamMemberSessionUpdate{Value: cwltypes.LiveTailSessionUpdate{
			SessionResults: []cwltypes.LiveTailSessionLogEvent{ev("in both"), ev("new"), ev("new")}}},
	}}
	c := *cfg.Clients
	c.LiveTail = lt
	cfg.Clients = &c
	var got []string
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- FollowLogs(ctx, cfg, LogQuery{Since: at.Add(-time.Minute)}, Follow{Every: time.Second, Overlap: 30 * time.Second}, func(l LogLine) {
			got = append(got, l.Message)
			if len(got) == 3 {
				cancel()
			}
		})
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute):
		cancel()
		t.Fatalf("printed only %q", got)
	}
	if fmt.Sprint(got) != "[in both new new]" {
		t.Fatalf("printed %q", got)
	}
}

// Where Live Tail can't be had (no permission for it), the follow polls
// instead and says so.
func TestFollowPollsWhereLiveTailIsRefused(t *testing.T) {
	clock := sandbox.NewManualClock(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
	_, cfg := openSandbox(t, sandbox.Options{Clock: clock})
	if _, err := cfg.Clients.Logs.CreateLogGroup(context.Background(), &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(arch.LogGroupName(cfg.App))}); err != nil {
		t.Fatal(err)
	}
	putLog(t, cfg, map[string]bool{}, "web/web/aaaa1111", clock.Now(), "polled")
	c := *cfg.Clients
	c.LiveTail = &scripted{refuse: &smithy.OperationError{ServiceID: "CloudWatch Logs", OperationName: "StartLiveTail",
		Err: &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "User is not authorized to perform: logs:StartLiveTail"}}}
	cfg.Clients = &c
	var _ cloud.LiveTail = c.LiveTail
	var notices, got []string
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err := FollowLogs(ctx, cfg, LogQuery{Since: clock.Now().Add(-time.Minute)},
		Follow{Every: time.Second, Overlap: 30 * time.Second, Notice: func(m string) { notices = append(notices, m) }},
		func(l LogLine) { got = append(got, l.Message); cancel() })
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[polled]" || len(notices) != 1 || !strings.Contains(notices[0], "AccessDeniedException") || !strings.Contains(notices[0], "polling") {
		t.Fatalf("printed %q, notices %q", got, notices)
	}
}

// Every session the account may have already open: the follow polls.
func TestFollowPollsWhenLiveTailSessionsRunOut(t *testing.T) {
	clock := sandbox.NewManualClock(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
	sb, cfg := openSandbox(t, sandbox.Options{Clock: clock})
	if _, err := cfg.Clients.Logs.CreateLogGroup(context.Background(), &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(arch.LogGroupName(cfg.App))}); err != nil {
		t.Fatal(err)
	}
	arn, err := logGroupARN(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for range 15 {
		r, err := sb.Clients().LiveTail.StartLiveTail(context.Background(), &cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: []string{arn}})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
	}
	putLog(t, cfg, map[string]bool{}, "web/web/aaaa1111", clock.Now(), "polled")
	var notices, got []string
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err = FollowLogs(ctx, cfg, LogQuery{Since: clock.Now().Add(-time.Minute)},
		Follow{Every: time.Second, Overlap: 30 * time.Second, Notice: func(m string) { notices = append(notices, m) }},
		func(l LogLine) { got = append(got, l.Message); cancel() })
	if err != nil || fmt.Sprint(got) != "[polled]" || len(notices) != 1 || !strings.Contains(notices[0], "LimitExceededException") {
		t.Fatalf("err %v, printed %q, notices %q", err, got, notices)
	}
}

// A session that ends and whose reopen is refused: polling goes on from
// there, and the lines the session printed are not printed again though
// the poll's first read reaches back over them.
func TestFollowPollsOnFromARefusedReopen(t *testing.T) {
	clock := sandbox.NewManualClock(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
	_, cfg := openSandbox(t, sandbox.Options{Clock: clock})
	if _, err := cfg.Clients.Logs.CreateLogGroup(context.Background(), &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(arch.LogGroupName(cfg.App))}); err != nil {
		t.Fatal(err)
	}
	made := map[string]bool{}
	at := clock.Now()
	putLog(t, cfg, made, "web/web/aaaa1111", at, "seen by the session")
	lt := &scripted{refuseReopen: &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "no more"}, events: []cwltypes.StartLiveTailResponseStream{
		&cwltypes.StartLiveTailResponseStreamMemberSessionStart{},
	}}
	c := *cfg.Clients
	c.LiveTail = lt
	cfg.Clients = &c
	var got, notices []string
	polls := 0
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg.Retry.Sleep = func(ctx context.Context, d time.Duration) error {
		if polls++; polls == 1 {
			putLog(t, cfg, made, "web/web/aaaa1111", clock.Now(), "after the reopen")
			return nil
		}
		cancel()
		return ctx.Err()
	}
	err := FollowLogs(ctx, cfg, LogQuery{Since: at.Add(-time.Minute)},
		Follow{Every: time.Second, Overlap: 30 * time.Second, Notice: func(m string) { notices = append(notices, m) }},
		func(l LogLine) { got = append(got, l.Message) })
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[seen by the session after the reopen]" || len(notices) != 1 || !strings.Contains(notices[0], "not available any more") {
		t.Fatalf("printed %q, notices %q", got, notices)
	}
}
