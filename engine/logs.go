package engine

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/resource"
)

// Every container of the app logs to one group, a stream per container:
// PROCESS/CONTAINER/TASK-ID (the awslogs driver's prefix is the process).
// Reading a process's logs is one filter over the streams with its
// prefix, merged in time order across its containers.

// LogLine is one line a container wrote.
type LogLine struct {
	Time    time.Time `json:"time"`
	Process string    `json:"process"`
	Task    string    `json:"task"`
	Message string    `json:"message"`
	Stream  string    `json:"stream"`
	EventID string    `json:"-"`
}

// LogQuery says which lines: of one process ("" for all), since a time,
// holding a text (CloudWatch's filter pattern for a literal term).
type LogQuery struct {
	Process string
	Since   time.Time
	Grep    string
	// Limit stops after this many lines (0: no limit).
	Limit int
}

// Logs reads the lines matching q, oldest first.
func Logs(ctx context.Context, cfg Config, q LogQuery) ([]LogLine, error) {
	in := &cloudwatchlogs.FilterLogEventsInput{LogGroupName: sdkaws.String(arch.LogGroupName(cfg.App))}
	if q.Process != "" {
		in.LogStreamNamePrefix = sdkaws.String(q.Process + "/")
	}
	if !q.Since.IsZero() {
		in.StartTime = sdkaws.Int64(q.Since.UnixMilli())
	}
	in.FilterPattern = grepPattern(q.Grep)
	var out []LogLine
	r := cfg.retry()
	for {
		var page *cloudwatchlogs.FilterLogEventsOutput
		err := retrying(ctx, r, func() (err error) { page, err = cfg.Clients.Logs.FilterLogEvents(ctx, in); return err }, nil)
		if err != nil {
			if codeOf(err) == "ResourceNotFoundException" {
				return nil, &NoLogsError{App: cfg.App}
			}
			return nil, fmt.Errorf("read the logs of %s: %w", cfg.App, err)
		}
		for _, e := range page.Events {
			out = append(out, lineOf(sdkaws.ToString(e.LogStreamName), sdkaws.ToInt64(e.Timestamp), sdkaws.ToString(e.Message), sdkaws.ToString(e.EventId)))
		}
		if q.Limit > 0 && len(out) >= q.Limit {
			break
		}
		if sdkaws.ToString(page.NextToken) == "" {
			break
		}
		in.NextToken = page.NextToken
	}
	sortLines(out)
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[len(out)-q.Limit:]
	}
	return out, nil
}

// grepPattern is CloudWatch's filter pattern for a literal text: a quoted
// term matches it, spaces and all (nil: every line).
func grepPattern(text string) *string {
	if text == "" {
		return nil
	}
	return sdkaws.String(`"` + strings.ReplaceAll(text, `"`, `\"`) + `"`)
}

func lineOf(stream string, ms int64, msg, id string) LogLine {
	l := LogLine{Time: time.UnixMilli(ms).UTC(), Message: strings.TrimRight(msg, "\n"), Stream: stream, EventID: id}
	parts := strings.Split(stream, "/")
	if len(parts) >= 1 {
		l.Process = parts[0]
	}
	if len(parts) >= 3 {
		l.Task = parts[len(parts)-1]
	}
	return l
}

// sortLines orders by time, then stream, then event id: lines of one
// millisecond from two containers keep one order on every read.
func sortLines(ls []LogLine) {
	sort.SliceStable(ls, func(i, j int) bool {
		a, b := ls[i], ls[j]
		if !a.Time.Equal(b.Time) {
			return a.Time.Before(b.Time)
		}
		if a.Stream != b.Stream {
			return a.Stream < b.Stream
		}
		return a.EventID < b.EventID
	})
}

// pollLogs prints what Logs finds, then polls every interval for what
// came after, until ctx ends. CloudWatch accepts events a little late and
// out of order, so each poll reaches back overlap before the newest line
// seen and drops the event ids already printed: no line twice, none lost
// to a late write within overlap.
func pollLogs(ctx context.Context, cfg Config, q LogQuery, interval, overlap time.Duration, emit func(LogLine)) error {
	seen := map[string]time.Time{}
	var newest time.Time
	sleep := cfg.retry().Sleep
	for {
		lines, err := Logs(ctx, cfg, q)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		for _, l := range lines {
			if _, ok := seen[l.EventID]; ok {
				continue
			}
			seen[l.EventID] = l.Time
			emit(l)
			if l.Time.After(newest) {
				newest = l.Time
			}
		}
		if !newest.IsZero() {
			q.Since = newest.Add(-overlap)
			q.Limit = 0
			for id, t := range seen {
				if t.Before(q.Since) {
					delete(seen, id) // older than any poll reaches back
				}
			}
		}
		// The config's Sleep, so a test drives the polls by its clock.
		if err := sleep(ctx, interval); err != nil {
			return nil
		}
	}
}

// NoLogsError is an app with no log group: never applied, or down.
type NoLogsError struct{ App string }

func (e *NoLogsError) Error() string {
	return resource.FixLine(fmt.Sprintf("%s has no logs: its log group %s doesn't exist", e.App, arch.LogGroupName(e.App)), e.Fix())
}

// Fix says how logs come to be.
func (e *NoLogsError) Fix() string { return "run `mvi up` first; containers log there once they start" }
