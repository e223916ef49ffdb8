package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/minimalinfra/mvi/engine/arch"
)

// Following logs: CloudWatch Logs Live Tail streams each new line once,
// about a second after it is ingested, where polling FilterLogEvents
// would ask again and again. A session costs AWS's Live Tail price per
// minute open, so Poll keeps to the free polling; an account or emulator
// without Live Tail gets polling too, and is told why.

// Follow says how FollowLogs reads.
type Follow struct {
	// Every is the polling interval (polling only).
	Every time.Duration
	// Overlap is how far before the newest line a new read reaches back,
	// for lines CloudWatch accepts late.
	Overlap time.Duration
	// Poll never opens a Live Tail session.
	Poll bool
	// Notice hears what the follow says of itself: polling instead of Live
	// Tail, and why; a second of lines Live Tail sampled.
	Notice func(string)
}

func (f Follow) notice(format string, args ...any) {
	if f.Notice != nil {
		f.Notice(fmt.Sprintf(format, args...))
	}
}

// FollowLogs prints the lines q matches, then each new one as it comes,
// until ctx ends: by Live Tail, or by polling where that can't be had.
func FollowLogs(ctx context.Context, cfg Config, q LogQuery, f Follow, emit func(LogLine)) error {
	if !f.Poll && cfg.Clients.LiveTail != nil {
		err := tailLogs(ctx, cfg, q, f, emit)
		var no *noLiveTailError
		if !errors.As(err, &no) {
			return err
		}
		f.notice("Live Tail is not available here (%s): polling every %s instead", no.reason, f.Every)
	}
	return pollLogs(ctx, cfg, q, f.Every, f.Overlap, emit)
}

// noLiveTailError is a StartLiveTail this account or endpoint refuses as
// a whole (no permission, an emulator that lacks it, every session the
// account may have already open), not one session's inputs.
type noLiveTailError struct{ reason string }

func (e *noLiveTailError) Error() string { return "no Live Tail: " + e.reason }

// liveTailAbsent reports whether err says StartLiveTail can't be had here.
func liveTailAbsent(err error) (string, bool) {
	switch c := codeOf(err); c {
	case "AccessDeniedException", "UnknownOperationException", "InvalidAction", "NotImplemented", "UnrecognizedClientException":
		return c, true
	case "LimitExceededException":
		return c + ": the account has as many Live Tail sessions open as AWS allows", true
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && (re.HTTPStatusCode() == 404 || re.HTTPStatusCode() == 501) {
		return fmt.Sprintf("HTTP %d", re.HTTPStatusCode()), true
	}
	// An emulator without the operation fails it with a page of its own
	// (moto: HTTP 500 and an HTML traceback); AWS's failures are JSON.
	var de *smithy.DeserializationError
	if errors.As(err, &re) && errors.As(err, &de) {
		return fmt.Sprintf("the endpoint answered HTTP %d with no AWS error in it", re.HTTPStatusCode()), true
	}
	return "", false
}

// tailLogs opens a session, prints what was there since q.Since, then
// each line the session brings; a session that times out (three hours)
// is opened again. A line both the backlog and the session bring, or two
// sessions' backlogs, is printed once; a line written twice is printed
// twice.
func tailLogs(ctx context.Context, cfg Config, q LogQuery, f Follow, emit func(LogLine)) error {
	group, err := logGroupARN(ctx, cfg)
	if err != nil {
		return err
	}
	in := &cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: []string{group}, LogEventFilterPattern: grepPattern(q.Grep)}
	if q.Process != "" {
		in.LogStreamNamePrefixes = []string{q.Process + "/"}
	}
	var before lineSet // printed by the sessions before, within Overlap of the newest
	for opened := 0; ; opened++ {
		stream, err := startLiveTail(ctx, cfg, in)
		var no *noLiveTailError
		if opened > 0 && errors.As(err, &no) {
			// Refused on a reopen: polling goes on from where the last
			// session stopped, printing nothing it printed.
			f.notice("Live Tail is not available any more (%s): polling every %s instead", no.reason, f.Every)
			return pollLogs(ctx, cfg, q, f.Every, f.Overlap, func(l LogLine) {
				if !before.take(l) {
					emit(l)
				}
			})
		}
		if err != nil || stream == nil {
			return err
		}
		s := &tailSession{cfg: cfg, q: q, f: f, emit: emit, before: before}
		err = s.read(ctx, stream)
		_ = stream.Close()
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return err
		}
		before = s.printed
		if !s.newest.IsZero() {
			q.Since, q.Limit = s.newest.Add(-f.Overlap), 0
			before.prune(q.Since)
		}
	}
}

// startLiveTail opens a session; nil, nil when ctx ended first.
func startLiveTail(ctx context.Context, cfg Config, in *cloudwatchlogs.StartLiveTailInput) (cloudwatchlogs.StartLiveTailResponseStreamReader, error) {
	var stream cloudwatchlogs.StartLiveTailResponseStreamReader
	err := retrying(ctx, cfg.retry(), func() (err error) { stream, err = cfg.Clients.LiveTail.StartLiveTail(ctx, in); return err }, nil)
	switch {
	case ctx.Err() != nil:
		return nil, nil
	case err == nil:
		return stream, nil
	}
	if why, ok := liveTailAbsent(err); ok {
		return nil, &noLiveTailError{reason: why}
	}
	if codeOf(err) == "ResourceNotFoundException" {
		return nil, &NoLogsError{App: cfg.App}
	}
	return nil, fmt.Errorf("follow the logs of %s: %w", cfg.App, err)
}

// tailSession is one session's reading: its start, then the backlog, then
// its updates until the stream ends.
type tailSession struct {
	cfg     Config
	q       LogQuery
	f       Follow
	emit    func(LogLine)
	before  lineSet // printed by an earlier session
	backlog lineSet // read by this one's backlog, which the session may bring again
	printed lineSet
	newest  time.Time
	pruned  time.Time
	sampled bool
}

func (s *tailSession) print(l LogLine) {
	s.printed.add(l)
	s.emit(l)
	if l.Time.After(s.newest) {
		s.newest = l.Time
	}
	// Only what is within Overlap of the newest can come again: the sets
	// stay that small however long the session runs.
	if s.newest.Sub(s.pruned) > s.f.Overlap {
		s.pruned = s.newest
		s.printed.prune(s.newest.Add(-s.f.Overlap))
		s.backlog.prune(s.newest.Add(-s.f.Overlap))
	}
}

// read returns nil for a session to reopen (timed out, or ctx ended) and
// an error for one that failed.
func (s *tailSession) read(ctx context.Context, stream cloudwatchlogs.StartLiveTailResponseStreamReader) error {
	events := stream.Events()
	started := false
	for {
		var ev cwltypes.StartLiveTailResponseStream
		var ok bool
		select {
		case <-ctx.Done():
			return nil
		case ev, ok = <-events:
		}
		if !ok {
			err := stream.Err()
			var timeout *cwltypes.SessionTimeoutException
			switch {
			case !started && err == nil:
				return fmt.Errorf("follow the logs of %s: the Live Tail session ended before it started", s.cfg.App)
			case err == nil || errors.As(err, &timeout):
				return nil
			}
			return fmt.Errorf("follow the logs of %s: %w", s.cfg.App, err)
		}
		switch e := ev.(type) {
		case *cwltypes.StartLiveTailResponseStreamMemberSessionStart:
			// The session sees every line from here on: the backlog read
			// now leaves no gap between what was and what comes.
			started = true
			lines, err := Logs(ctx, s.cfg, s.q)
			if err != nil {
				return err
			}
			for _, l := range lines {
				s.backlog.add(l)
				if s.before.take(l) {
					s.printed.add(l)
					continue
				}
				s.print(l)
			}
		case *cwltypes.StartLiveTailResponseStreamMemberSessionUpdate:
			if e.Value.SessionMetadata != nil && e.Value.SessionMetadata.Sampled && !s.sampled {
				s.sampled = true // said once a session, not every busy second
				s.f.notice("more lines came in one second than Live Tail sends (500): some are not shown; `mvi logs --since` reads them all")
			}
			lines := make([]LogLine, 0, len(e.Value.SessionResults))
			for _, r := range e.Value.SessionResults {
				lines = append(lines, lineOf(sdkaws.ToString(r.LogStreamName), sdkaws.ToInt64(r.Timestamp), sdkaws.ToString(r.Message), ""))
			}
			sortLines(lines)
			for _, l := range lines {
				if !s.backlog.take(l) {
					s.print(l)
				}
			}
		}
	}
}

// logGroupARN is the app's log group as Live Tail names it: by ARN.
func logGroupARN(ctx context.Context, cfg Config) (string, error) {
	name := arch.LogGroupName(cfg.App)
	var out *cloudwatchlogs.DescribeLogGroupsOutput
	err := retrying(ctx, cfg.retry(), func() (err error) {
		out, err = cfg.Clients.Logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: sdkaws.String(name)})
		return err
	}, nil)
	if err != nil {
		return "", fmt.Errorf("find the log group of %s: %w", cfg.App, err)
	}
	for _, g := range out.LogGroups {
		if sdkaws.ToString(g.LogGroupName) != name {
			continue
		}
		if a := sdkaws.ToString(g.LogGroupArn); a != "" {
			return a, nil
		}
		return strings.TrimSuffix(sdkaws.ToString(g.Arn), ":*"), nil
	}
	return "", &NoLogsError{App: cfg.App}
}
