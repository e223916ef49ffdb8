package engine

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/sandbox"
)

// follower runs pollLogs on a sandbox whose clock moves only when the
// follow waits: each wait advances it by the poll interval and hands the
// turn to the test, so "within two polls" is counted in polls of the
// sandbox clock, never in wall time.
type follower struct {
	t       *testing.T
	clock   *sandbox.ManualClock
	cfg     Config
	every   time.Duration
	lines   chan LogLine
	slept   chan struct{}
	resume  chan struct{}
	done    chan error
	cancel  context.CancelFunc
	streams map[string]bool
	printed map[string]int
}

func newFollower(t *testing.T, since time.Time) *follower {
	t.Helper()
	clock := sandbox.NewManualClock(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
	sb, cfg := openSandbox(t, sandbox.Options{Clock: clock})
	f := &follower{t: t, clock: clock, cfg: cfg, every: 2 * time.Second, lines: make(chan LogLine), slept: make(chan struct{}),
		resume: make(chan struct{}), done: make(chan error, 1), streams: map[string]bool{}, printed: map[string]int{}}
	if _, err := sb.Clients().Logs.CreateLogGroup(context.Background(), &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(arch.LogGroupName(cfg.App))}); err != nil {
		t.Fatal(err)
	}
	f.cfg.Retry.Sleep = func(ctx context.Context, d time.Duration) error {
		select {
		case f.slept <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		select {
		case <-f.resume:
		case <-ctx.Done():
			return ctx.Err()
		}
		f.clock.Advance(d)
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel = cancel
	if since.IsZero() {
		since = clock.Now().Add(-time.Minute)
	}
	go func() {
		f.done <- pollLogs(ctx, f.cfg, LogQuery{Since: since}, f.every, 30*time.Second, func(l LogLine) { f.lines <- l })
	}()
	t.Cleanup(func() { f.stop() })
	return f
}

// put writes a line to a stream at a time, as a container's log driver
// would.
func (f *follower) put(stream string, at time.Time, msg string) {
	f.t.Helper()
	putLog(f.t, f.cfg, f.streams, stream, at, msg)
}

// putLog writes a line to a stream of the app's group (made once: made
// remembers which), as a container's log driver would.
func putLog(t *testing.T, cfg Config, made map[string]bool, stream string, at time.Time, msg string) {
	t.Helper()
	ctx := context.Background()
	lw := cfg.Clients.Logs.(interface {
		CreateLogStream(context.Context, *cloudwatchlogs.CreateLogStreamInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.CreateLogStreamOutput, error)
		PutLogEvents(context.Context, *cloudwatchlogs.PutLogEventsInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutLogEventsOutput, error)
	})
	group := aws.String(arch.LogGroupName(cfg.App))
	if !made[stream] {
		if _, err := lw.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: group, LogStreamName: aws.String(stream)}); err != nil {
			t.Fatal(err)
		}
		made[stream] = true
	}
	if _, err := lw.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: group, LogStreamName: aws.String(stream),
		LogEvents: []cwltypes.InputLogEvent{{Timestamp: aws.Int64(at.UnixMilli()), Message: aws.String(msg)}}}); err != nil {
		t.Fatal(err)
	}
}

// poll lets the follow run one more poll and collects what it printed
// before its next wait.
func (f *follower) poll() []string {
	f.t.Helper()
	f.resume <- struct{}{}
	return f.untilWait()
}

func (f *follower) untilWait() []string {
	f.t.Helper()
	var got []string
	for {
		select {
		case l := <-f.lines:
			f.printed[l.Message]++
			got = append(got, l.Message)
		case <-f.slept:
			return got
		case err := <-f.done:
			f.t.Fatalf("follow ended: %v", err)
		case <-time.After(time.Minute):
			// A guard, not a measure: a follow that waits on its own timer
			// never hands the turn back.
			f.t.Fatal("the follow never waited through the config's Sleep")
		}
	}
}

func (f *follower) stop() {
	if f.cancel != nil {
		f.cancel()
		f.cancel = nil
		if err := <-f.done; err != nil {
			f.t.Error(err)
		}
	}
}

// A line written while mvi logs --follow runs is printed within two polls
// of the sandbox clock.
func TestFollowShowsANewLineWithinTwoPolls(t *testing.T) {
	f := newFollower(t, time.Time{})
	if got := f.untilWait(); len(got) != 0 {
		t.Fatalf("first read of an empty log printed %q", got)
	}
	for i := range 3 {
		written := f.clock.Now()
		msg := fmt.Sprintf("GET /orders 200 (%d)", i)
		f.put("web/web/aaaa1111", written, msg)
		polls := 0
		for f.printed[msg] == 0 {
			f.poll()
			polls++
			if polls > 2 {
				t.Fatalf("%q written at %s not printed after %d polls (clock %s)", msg, written.Format(time.TimeOnly), polls, f.clock.Now().Format(time.TimeOnly))
			}
		}
		if lag := f.clock.Now().Sub(written); lag > 2*f.every {
			t.Errorf("%q printed %s after it was written, more than 2 polls of %s", msg, lag, f.every)
		}
	}
}

// Across polls no line is printed twice and none is missed: lines of the
// same millisecond as the newest already shown, a line CloudWatch
// accepted late (older than the newest shown, within the overlap), and
// lines of several containers between two polls.
func TestFollowLogsNoDuplicateNoMiss(t *testing.T) {
	f := newFollower(t, time.Time{})
	f.untilWait() // the first read, of an empty log
	f.put("web/web/aaaa1111", f.clock.Now().Add(-10*time.Second), "first")
	if got := f.poll(); fmt.Sprint(got) != "[first]" {
		t.Fatalf("first poll: %q", got)
	}
	at := f.clock.Now()
	f.put("web/web/bbbb2222", at, "second")
	if got := f.poll(); fmt.Sprint(got) != "[second]" {
		t.Fatalf("second poll: %q", got)
	}
	// The same millisecond as "second", another container; and a line
	// stamped before "second" that arrives only now.
	f.put("worker/worker/cccc3333", at, "same millisecond")
	f.put("web/web/aaaa1111", at.Add(-5*time.Second), "late, but within the overlap")
	if got := f.poll(); len(got) != 2 {
		t.Fatalf("third poll printed %q, want the two new lines", got)
	}
	for i := range 4 {
		f.put(fmt.Sprintf("web/web/dddd000%d", i), f.clock.Now(), fmt.Sprintf("burst %d", i))
	}
	f.poll()
	f.poll() // nothing new: nothing printed again
	f.stop()
	want := []string{"first", "second", "same millisecond", "late, but within the overlap", "burst 0", "burst 1", "burst 2", "burst 3"}
	for _, m := range want {
		if f.printed[m] != 1 {
			t.Errorf("%q printed %d times", m, f.printed[m])
		}
	}
	if len(f.printed) != len(want) {
		t.Errorf("printed %v", f.printed)
	}
}
