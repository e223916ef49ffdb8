package sandbox

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// liveGroup makes a log group with one stream and returns its ARN and a
// writer of lines at the clock's time.
func liveGroup(t *testing.T, s *Sandbox, clock *ManualClock, name string) (string, func(stream string, msgs ...string)) {
	t.Helper()
	c := s.Clients()
	must(c.Logs.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(name)}))
	out := must(c.Logs.DescribeLogGroups(bg, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(name)}))
	lw := c.Logs.(*logsAPI)
	made := map[string]bool{}
	return aws.ToString(out.LogGroups[0].LogGroupArn), func(stream string, msgs ...string) {
		t.Helper()
		if !made[stream] {
			must(lw.CreateLogStream(bg, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(name), LogStreamName: aws.String(stream)}))
			made[stream] = true
		}
		var evs []cwltypes.InputLogEvent
		for _, m := range msgs {
			evs = append(evs, cwltypes.InputLogEvent{Timestamp: aws.Int64(clock.Now().UnixMilli()), Message: aws.String(m)})
		}
		must(lw.PutLogEvents(bg, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(name), LogStreamName: aws.String(stream), LogEvents: evs}))
	}
}

// next is the session's next event; a guard, not a measure, ends a wait
// for one that never comes.
func next(t *testing.T, r cloudwatchlogs.StartLiveTailResponseStreamReader) cwltypes.StartLiveTailResponseStream {
	t.Helper()
	select {
	case ev, ok := <-r.Events():
		if !ok {
			t.Fatalf("the session ended: %v", r.Err())
		}
		return ev
	case <-time.After(time.Minute):
		t.Fatal("no event from the session")
	}
	return nil
}

func messages(t *testing.T, ev cwltypes.StartLiveTailResponseStream) []string {
	t.Helper()
	up, ok := ev.(*cwltypes.StartLiveTailResponseStreamMemberSessionUpdate)
	if !ok {
		t.Fatalf("want a sessionUpdate, got %T", ev)
	}
	var out []string
	for _, r := range up.Value.SessionResults {
		out = append(out, aws.ToString(r.LogStreamName)+": "+aws.ToString(r.Message))
	}
	return out
}

// A session brings only what is ingested after it started, matching its
// prefix and pattern, a second of the sandbox's clock at a time, and
// times out after three hours as AWS's does.
func TestLiveTailStreamsNewMatchingLines(t *testing.T) {
	clock := NewManualClock(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
	s := openSB(t, Options{Clock: clock})
	arn, put := liveGroup(t, s, clock, "/mvi/shop")
	put("web/web/aaaa", "GET /old 200")
	r := must(s.Clients().LiveTail.StartLiveTail(bg, &cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: []string{arn},
		LogStreamNamePrefixes: []string{"web/"}, LogEventFilterPattern: aws.String(`"GET"`)}))
	defer r.Close()
	start, ok := next(t, r).(*cwltypes.StartLiveTailResponseStreamMemberSessionStart)
	if !ok || aws.ToString(start.Value.SessionId) == "" || fmt.Sprint(start.Value.LogGroupIdentifiers) != "["+arn+"]" {
		t.Fatalf("first event: %#v", start)
	}
	put("web/web/aaaa", "GET /orders 200", "POST /orders 201")
	put("worker/worker/bbbb", "GET from the worker")
	put("web/web/cccc", "GET /health 200")
	clock.Advance(time.Second)
	if got := fmt.Sprint(messages(t, next(t, r))); got != "[web/web/aaaa: GET /orders 200 web/web/cccc: GET /health 200]" {
		t.Fatalf("first update: %s", got)
	}
	put("web/web/aaaa", "GET /again 200")
	clock.Advance(time.Second)
	if got := fmt.Sprint(messages(t, next(t, r))); got != "[web/web/aaaa: GET /again 200]" {
		t.Fatalf("second update: %s", got)
	}
	clock.Advance(3 * time.Hour)
	select {
	case ev, ok := <-r.Events():
		if ok {
			t.Fatalf("after three hours the session sent %T", ev)
		}
	case <-time.After(time.Minute):
		t.Fatal("the session did not end after three hours")
	}
	wantCode(t, r.Err(), "SessionTimeoutException")
}

// More than 500 lines in one second: 500 are sent, and the update says it
// is a sample.
func TestLiveTailSamplesABusySecond(t *testing.T) {
	clock := NewManualClock(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
	s := openSB(t, Options{Clock: clock})
	arn, put := liveGroup(t, s, clock, "/mvi/shop")
	r := must(s.Clients().LiveTail.StartLiveTail(bg, &cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: []string{arn}}))
	defer r.Close()
	next(t, r)
	var msgs []string
	for i := range 800 {
		msgs = append(msgs, fmt.Sprintf("line %d", i))
	}
	put("web/web/aaaa", msgs...)
	clock.Advance(time.Second)
	up := next(t, r).(*cwltypes.StartLiveTailResponseStreamMemberSessionUpdate)
	if n := len(up.Value.SessionResults); n != 500 || !up.Value.SessionMetadata.Sampled {
		t.Fatalf("%d lines, sampled %v: want 500, sampled", n, up.Value.SessionMetadata.Sampled)
	}
}

// What AWS refuses, the sandbox refuses with AWS's error.
func TestLiveTailRefusals(t *testing.T) {
	clock := NewManualClock(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
	s := openSB(t, Options{Clock: clock})
	arn, _ := liveGroup(t, s, clock, "/mvi/shop")
	other, _ := liveGroup(t, s, clock, "/mvi/other")
	lt := s.Clients().LiveTail
	for name, c := range map[string]struct {
		in   cloudwatchlogs.StartLiveTailInput
		code string
	}{
		"no group":           {cloudwatchlogs.StartLiveTailInput{}, "InvalidParameterException"},
		"a name, not an ARN": {cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: []string{"/mvi/shop"}}, "InvalidParameterException"},
		"an ARN ending in *": {cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: []string{arn + ":*"}}, "InvalidParameterException"},
		"a group not there":  {cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: []string{arn + "-gone"}}, "ResourceNotFoundException"},
		"prefixes, 2 groups": {cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: []string{arn, other}, LogStreamNamePrefixes: []string{"web/"}}, "InvalidParameterException"},
		"names and prefixes": {cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: []string{arn}, LogStreamNames: []string{"a"}, LogStreamNamePrefixes: []string{"web/"}}, "InvalidParameterException"},
		"a bad filter":       {cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: []string{arn}, LogEventFilterPattern: aws.String(`{ $.a = `)}, "InvalidParameterException"},
		"eleven groups":      {cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: []string{arn, arn, arn, arn, arn, arn, arn, arn, arn, arn, arn}}, "InvalidParameterException"},
	} {
		_, err := lt.StartLiveTail(bg, &c.in)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		wantCode(t, err, c.code)
	}
	var open []cloudwatchlogs.StartLiveTailResponseStreamReader
	for range liveTailSessions {
		open = append(open, must(lt.StartLiveTail(bg, &cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: []string{arn}})))
	}
	_, err := lt.StartLiveTail(bg, &cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: []string{arn}})
	wantCode(t, err, "LimitExceededException")
	for _, r := range open {
		r.Close()
	}
}

// One second's update of a session on a busy group: ten streams holding
// 10,000 lines each (the most the sandbox keeps), ten new lines.
func BenchmarkLiveTailUpdate(b *testing.B) {
	clock := NewManualClock(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
	s := openSB(b, Options{Clock: clock})
	c := s.Clients()
	lw := c.Logs.(*logsAPI)
	must(c.Logs.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/mvi/shop")}))
	streams := make([]string, 10)
	for i := range streams {
		streams[i] = fmt.Sprintf("web/web/%04d", i)
		must(lw.CreateLogStream(bg, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("/mvi/shop"), LogStreamName: aws.String(streams[i])}))
		for j := 0; j < logsKeep; j += 1000 {
			evs := make([]cwltypes.InputLogEvent, 1000)
			for k := range evs {
				evs[k] = cwltypes.InputLogEvent{Timestamp: aws.Int64(clock.Now().UnixMilli()), Message: aws.String(fmt.Sprintf("GET /orders 200 %d", j+k))}
			}
			must(lw.PutLogEvents(bg, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("/mvi/shop"), LogStreamName: aws.String(streams[i]), LogEvents: evs}))
		}
	}
	out := must(c.Logs.DescribeLogGroups(bg, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/mvi/shop")}))
	in := &cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: []string{aws.ToString(out.LogGroups[0].LogGroupArn)}, LogEventFilterPattern: aws.String(`"GET"`)}
	r := &liveTailReader{s: s, in: in, groups: map[string]string{in.LogGroupIdentifiers[0]: "/mvi/shop"}, cursor: map[string]map[string]int64{in.LogGroupIdentifiers[0]: {}}}
	r.match, _ = compileFilterPattern(`"GET"`)
	if _, _, err := r.collect(); err != nil { // the cursor past what is there
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		must(lw.PutLogEvents(bg, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("/mvi/shop"), LogStreamName: aws.String(streams[i%10]),
			LogEvents: []cwltypes.InputLogEvent{{Timestamp: aws.Int64(clock.Now().UnixMilli()), Message: aws.String("GET /new 200")}}}))
		b.StartTimer()
		got, _, err := r.collect()
		if err != nil || len(got) != 1 {
			b.Fatalf("%d lines, %v", len(got), err)
		}
	}
}
