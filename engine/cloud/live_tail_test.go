package cloud

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go/eventstream"
)

// AWS's StartLiveTail through the SDK, against a server that answers as
// CloudWatch Logs does on the wire (an event stream: the initial response,
// sessionStart, sessionUpdate, then the timeout as an exception): the
// client reaches the endpoint's own host, not "stream-" + it, and the
// stream it returns carries the session's lines and its end.
func TestLiveTailSpeaksTheWireFormat(t *testing.T) {
	var gotTarget, gotHost, gotBody string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotTarget, gotHost = r.Header.Get("X-Amz-Target"), r.Host
		b, _ := io.ReadAll(r.Body)
		gotBody = string(b)
		w.Header().Set("Content-Type", "application/vnd.amazon.eventstream")
		enc := eventstream.NewEncoder()
		send := func(kind, name, payload string) {
			var m eventstream.Message
			m.Headers.Set(eventstream.MessageTypeHeader, eventstream.StringValue(kind))
			if kind == eventstream.ExceptionMessageType {
				m.Headers.Set(eventstream.ExceptionTypeHeader, eventstream.StringValue(name))
			} else {
				m.Headers.Set(eventstream.EventTypeHeader, eventstream.StringValue(name))
			}
			m.Headers.Set(eventstream.ContentTypeHeader, eventstream.StringValue("application/json"))
			m.Payload = []byte(payload)
			if err := enc.Encode(w, m); err != nil {
				t.Error(err)
			}
			w.(http.Flusher).Flush()
		}
		send(eventstream.EventMessageType, "initial-response", `{}`)
		send(eventstream.EventMessageType, "sessionStart", `{"requestId":"r-1","sessionId":"s-1","logGroupIdentifiers":["arn:aws:logs:us-east-1:123456789012:log-group:/mvi/shop"]}`)
		send(eventstream.EventMessageType, "sessionUpdate", `{"sessionMetadata":{"sampled":false},"sessionResults":[`+
			`{"logStreamName":"web/web/aaaa","timestamp":1764838800000,"ingestionTime":1764838800100,"message":"GET /orders 200"}]}`)
		send(eventstream.ExceptionMessageType, "SessionTimeoutException", `{"message":"Session timed out"}`)
	}))
	defer srv.Close()
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), HTTPClient: srv.Client(),
		Credentials: aws.AnonymousCredentials{}}
	lt := FromConfig(cfg).LiveTail
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a guard, not a measure
	defer cancel()
	r, err := lt.StartLiveTail(ctx, &cloudwatchlogs.StartLiveTailInput{
		LogGroupIdentifiers:   []string{"arn:aws:logs:us-east-1:123456789012:log-group:/mvi/shop"},
		LogStreamNamePrefixes: []string{"web/"}, LogEventFilterPattern: aws.String(`"GET"`)})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if gotTarget != "Logs_20140328.StartLiveTail" || gotHost != strings.TrimPrefix(srv.URL, "http://") {
		t.Errorf("request: target %q host %q", gotTarget, gotHost)
	}
	if !strings.Contains(gotBody, `"logStreamNamePrefixes":["web/"]`) || !strings.Contains(gotBody, `"logEventFilterPattern":"\"GET\""`) {
		t.Errorf("body %s", gotBody)
	}
	var got []string
	for ev := range r.Events() {
		switch e := ev.(type) {
		case *cwltypes.StartLiveTailResponseStreamMemberSessionStart:
			got = append(got, "start "+aws.ToString(e.Value.SessionId))
		case *cwltypes.StartLiveTailResponseStreamMemberSessionUpdate:
			for _, l := range e.Value.SessionResults {
				got = append(got, aws.ToString(l.LogStreamName)+" "+aws.ToString(l.Message))
			}
		default:
			got = append(got, fmt.Sprintf("%T", ev))
		}
	}
	if fmt.Sprint(got) != "[start s-1 web/web/aaaa GET /orders 200]" {
		t.Errorf("events %q", got)
	}
	var timeout *cwltypes.SessionTimeoutException
	if !errors.As(r.Err(), &timeout) {
		t.Errorf("end: %v, want SessionTimeoutException", r.Err())
	}
}
