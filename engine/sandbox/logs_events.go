package sandbox

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

func seqToken(n int64) string { return fmt.Sprintf("49%054d", n) }

// expireLogs drops events older than the group's retention.
func (t *tx) expireLogs(g *logGroup) {
	cut := t.logCutoff(g)
	for _, n := range sortedKeys(g.Streams) {
		s := g.Streams[n]
		i := 0
		for i < len(s.Events) && s.Events[i].TS < cut {
			i++
		}
		if i > 0 {
			s.Events = append([]logEvent(nil), s.Events[i:]...)
		}
	}
}

// appendLogEvents stores events (already validated) in a stream, keeping
// timestamp order and the bound. Other services' log drivers use it too.
func (t *tx) appendLogEvents(s *logStream, evs []cwltypes.InputLogEvent, ingest time.Time) {
	if len(evs) == 0 {
		return
	}
	sorted := len(s.Events) == 0 || s.Events[len(s.Events)-1].TS <= aws.ToInt64(evs[0].Timestamp)
	for _, e := range evs {
		s.Seq++
		s.Events = append(s.Events, logEvent{TS: aws.ToInt64(e.Timestamp), Ingest: unixMS(ingest), Seq: s.Seq, Msg: aws.ToString(e.Message)})
	}
	if !sorted {
		sort.SliceStable(s.Events, func(i, j int) bool {
			a, b := s.Events[i], s.Events[j]
			return a.TS < b.TS || (a.TS == b.TS && a.Seq < b.Seq)
		})
	}
	if n := len(s.Events); n > logsKeep {
		s.Events = append([]logEvent(nil), s.Events[n-logsKeep:]...)
	}
	s.LastIngest = unixMS(ingest)
}

func (a *logsAPI) PutLogEvents(ctx context.Context, in *cloudwatchlogs.PutLogEventsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutLogEventsOutput, error) {
	return call(ctx, a.s, svcLogs, "PutLogEvents", func(t *tx) (*cloudwatchlogs.PutLogEventsOutput, error) {
		if len(in.LogEvents) == 0 || len(in.LogEvents) > 10000 {
			return nil, logsInvalid("1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length between 1 and 10000")
		}
		size := 0
		for i, e := range in.LogEvents {
			if e.Timestamp == nil || e.Message == nil || *e.Message == "" {
				return nil, logsInvalid("Log event %d must have a timestamp and a non-empty message.", i)
			}
			size += len(*e.Message) + 26
			if i > 0 && *e.Timestamp < *in.LogEvents[i-1].Timestamp {
				return nil, logsInvalid("Log events in a single PutLogEvents request must be in chronological order.")
			}
		}
		if size > 1048576 {
			return nil, logsInvalid("Upload too large: %d bytes exceeds limit of 1048576", size)
		}
		if *in.LogEvents[len(in.LogEvents)-1].Timestamp-*in.LogEvents[0].Timestamp > 24*3600*1000 {
			return nil, logsInvalid("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
		}
		g, err := t.logGroupRef(in.LogGroupName, nil)
		if err != nil {
			return nil, err
		}
		s, err := g.stream(aws.ToString(in.LogStreamName))
		if err != nil {
			return nil, err
		}
		tooOld := unixMS(t.now.Add(-14 * 24 * time.Hour))
		tooNew := unixMS(t.now.Add(2 * time.Hour))
		expired := t.logCutoff(g)
		var ok []cwltypes.InputLogEvent
		var rej cwltypes.RejectedLogEventsInfo
		rejected := false
		for i, e := range in.LogEvents {
			ts := *e.Timestamp
			switch {
			case ts < expired:
				rej.ExpiredLogEventEndIndex, rejected = aws.Int32(int32(i)), true
			case ts < tooOld:
				rej.TooOldLogEventEndIndex, rejected = aws.Int32(int32(i)), true
			case ts > tooNew:
				if rej.TooNewLogEventStartIndex == nil {
					rej.TooNewLogEventStartIndex = aws.Int32(int32(i))
				}
				rejected = true
			default:
				ok = append(ok, e)
			}
		}
		t.appendLogEvents(s, ok, t.now)
		t.expireLogs(g)
		out := &cloudwatchlogs.PutLogEventsOutput{NextSequenceToken: aws.String(seqToken(s.Seq + 1))}
		if rejected {
			out.RejectedLogEventsInfo = &rej
		}
		return out, nil
	})
}

// eventKey orders events within a stream; tokens carry one.
type eventKey struct{ ts, seq int64 }

func (k eventKey) less(o eventKey) bool { return k.ts < o.ts || (k.ts == o.ts && k.seq < o.seq) }

func (e logEvent) key() eventKey { return eventKey{e.TS, e.Seq} }

func streamToken(dir string, k eventKey) string {
	return fmt.Sprintf("%s/%020d%020d", dir, k.ts, k.seq)
}

func parseStreamToken(s string) (string, eventKey, bool) {
	dir, rest, ok := strings.Cut(s, "/")
	if !ok || (dir != "f" && dir != "b") || len(rest) != 40 {
		return "", eventKey{}, false
	}
	ts, err1 := strconv.ParseInt(rest[:20], 10, 64)
	seq, err2 := strconv.ParseInt(rest[20:], 10, 64)
	if err1 != nil || err2 != nil {
		return "", eventKey{}, false
	}
	return dir, eventKey{ts, seq}, true
}

func (a *logsAPI) GetLogEvents(ctx context.Context, in *cloudwatchlogs.GetLogEventsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.GetLogEventsOutput, error) {
	return call(ctx, a.s, svcLogs, "GetLogEvents", func(t *tx) (*cloudwatchlogs.GetLogEventsOutput, error) {
		lim := int(aws.ToInt32(in.Limit))
		if in.Limit == nil {
			lim = 10000
		}
		if lim < 1 || lim > 10000 {
			return nil, logsInvalid("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and 10000", lim)
		}
		g, err := t.logGroupRef(in.LogGroupName, in.LogGroupIdentifier)
		if err != nil {
			return nil, err
		}
		s, err := g.stream(aws.ToString(in.LogStreamName))
		if err != nil {
			return nil, err
		}
		cut := t.logCutoff(g)
		var evs []logEvent
		for _, e := range s.Events {
			if e.TS < cut || (in.StartTime != nil && e.TS < *in.StartTime) || (in.EndTime != nil && e.TS >= *in.EndTime) {
				continue
			}
			evs = append(evs, e)
		}
		var from, to int // the slice [from, to) of evs to return
		var cursor eventKey
		dir := "f"
		if aws.ToBool(in.StartFromHead) {
			dir = "h"
		}
		if in.NextToken != nil {
			d, k, ok := parseStreamToken(*in.NextToken)
			if !ok {
				return nil, logsInvalid("The specified nextToken is invalid.")
			}
			dir, cursor = d, k
		}
		switch dir {
		case "h": // from the head
			from, to = 0, min(lim, len(evs))
		case "f":
			if in.NextToken == nil { // the tail
				from, to = max(0, len(evs)-lim), len(evs)
				break
			}
			from = sort.Search(len(evs), func(i int) bool { return cursor.less(evs[i].key()) })
			to = min(from+lim, len(evs))
		case "b":
			to = sort.Search(len(evs), func(i int) bool { return !evs[i].key().less(cursor) })
			from = max(0, to-lim)
		}
		out := &cloudwatchlogs.GetLogEventsOutput{Events: []cwltypes.OutputLogEvent{}}
		for _, e := range evs[from:to] {
			out.Events = append(out.Events, cwltypes.OutputLogEvent{Timestamp: aws.Int64(e.TS), IngestionTime: aws.Int64(e.Ingest), Message: aws.String(e.Msg)})
		}
		// Forward: after the last event returned (or where this page began);
		// backward: before the first.
		fwd, bwd := cursor, cursor
		if to > from {
			fwd, bwd = evs[to-1].key(), evs[from].key()
		} else if in.NextToken == nil {
			if from < len(evs) {
				bwd = evs[from].key()
			} else {
				bwd = eventKey{unixMS(t.now) + 1, 0}
			}
			if from > 0 {
				fwd = evs[from-1].key()
			}
		}
		out.NextForwardToken = aws.String(streamToken("f", fwd))
		out.NextBackwardToken = aws.String(streamToken("b", bwd))
		if in.NextToken != nil && to == from && dir == "f" {
			out.NextForwardToken = aws.String(*in.NextToken) // nothing new: the same token, as AWS answers
		}
		return out, nil
	})
}

// filterToken is FilterLogEvents' cursor: the last event returned.
type filterToken struct {
	TS     int64  `json:"t"`
	Stream string `json:"s"`
	Seq    int64  `json:"q"`
}

func (a *logsAPI) FilterLogEvents(ctx context.Context, in *cloudwatchlogs.FilterLogEventsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error) {
	return call(ctx, a.s, svcLogs, "FilterLogEvents", func(t *tx) (*cloudwatchlogs.FilterLogEventsOutput, error) {
		if len(in.LogStreamNames) > 0 && in.LogStreamNamePrefix != nil {
			return nil, logsInvalid("logStreamNames and logStreamNamePrefix are mutually exclusive.")
		}
		if len(in.LogStreamNames) > 100 {
			return nil, logsInvalid("1 validation error detected: Value at 'logStreamNames' failed to satisfy constraint: Member must have length less than or equal to 100")
		}
		lim := int(aws.ToInt32(in.Limit))
		if in.Limit == nil {
			lim = 10000
		}
		if lim < 1 || lim > 10000 {
			return nil, logsInvalid("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and 10000", lim)
		}
		if in.StartTime != nil && in.EndTime != nil && *in.EndTime < *in.StartTime {
			return nil, logsInvalid("endTime must be greater than or equal to startTime.")
		}
		match, err := compileFilterPattern(aws.ToString(in.FilterPattern))
		if err != nil {
			return nil, err
		}
		g, err := t.logGroupRef(in.LogGroupName, in.LogGroupIdentifier)
		if err != nil {
			return nil, err
		}
		var after *filterToken
		if in.NextToken != nil {
			b, err := base64.RawURLEncoding.DecodeString(*in.NextToken)
			after = &filterToken{}
			if err != nil || json.Unmarshal(b, after) != nil {
				return nil, logsInvalid("The specified nextToken is invalid.")
			}
		}
		names := sortedKeys(g.Streams)
		if len(in.LogStreamNames) > 0 {
			names = nil
			for _, n := range in.LogStreamNames {
				if g.Streams[n] == nil {
					return nil, &cwltypes.ResourceNotFoundException{Message: aws.String("The specified log stream does not exist.")}
				}
				names = append(names, n)
			}
			sort.Strings(names)
		}
		cut := t.logCutoff(g)
		type hit struct {
			stream string
			e      logEvent
		}
		var hits []hit
		out := &cloudwatchlogs.FilterLogEventsOutput{Events: []cwltypes.FilteredLogEvent{}, SearchedLogStreams: []cwltypes.SearchedLogStream{}}
		for _, n := range names {
			if !strings.HasPrefix(n, aws.ToString(in.LogStreamNamePrefix)) {
				continue
			}
			out.SearchedLogStreams = append(out.SearchedLogStreams, cwltypes.SearchedLogStream{LogStreamName: aws.String(n), SearchedCompletely: aws.Bool(true)})
			for _, e := range g.Streams[n].Events {
				if e.TS < cut || (in.StartTime != nil && e.TS < *in.StartTime) || (in.EndTime != nil && e.TS > *in.EndTime) || !match(e.Msg) {
					continue
				}
				hits = append(hits, hit{n, e})
			}
		}
		sort.SliceStable(hits, func(i, j int) bool {
			a, b := hits[i], hits[j]
			if a.e.TS != b.e.TS {
				return a.e.TS < b.e.TS
			}
			if a.stream != b.stream {
				return a.stream < b.stream
			}
			return a.e.Seq < b.e.Seq
		})
		start := 0
		if after != nil {
			start = sort.Search(len(hits), func(i int) bool {
				h := hits[i]
				if h.e.TS != after.TS {
					return h.e.TS > after.TS
				}
				if h.stream != after.Stream {
					return h.stream > after.Stream
				}
				return h.e.Seq > after.Seq
			})
		}
		end := min(start+lim, len(hits))
		for _, h := range hits[start:end] {
			out.Events = append(out.Events, cwltypes.FilteredLogEvent{
				EventId:       aws.String(fmt.Sprintf("%d%010d%014d", h.e.TS, logsHash(h.stream), h.e.Seq)),
				LogStreamName: aws.String(h.stream), Timestamp: aws.Int64(h.e.TS), IngestionTime: aws.Int64(h.e.Ingest), Message: aws.String(h.e.Msg),
			})
		}
		if end < len(hits) {
			last := hits[end-1]
			b, _ := json.Marshal(filterToken{TS: last.e.TS, Stream: last.stream, Seq: last.e.Seq})
			out.NextToken = aws.String(base64.RawURLEncoding.EncodeToString(b))
		}
		return out, nil
	})
}

func logsHash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}
