package sandbox

import (
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

func TestLogGroupsRetentionTagsAndKeys(t *testing.T) {
	s := openSB(t, Options{})
	c := s.Clients()
	key := must(c.KMS.CreateKey(bg, &kms.CreateKeyInput{}))
	must(c.Logs.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/mvi/shop/web"), KmsKeyId: key.KeyMetadata.Arn,
		Tags: map[string]string{"mvi:app": "shop"}}))
	_, err := c.Logs.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/mvi/shop/web")})
	var exists *cwltypes.ResourceAlreadyExistsException
	if !errors.As(err, &exists) {
		t.Fatalf("want ResourceAlreadyExistsException, got %v", err)
	}
	_, err = c.Logs.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("bad name!")})
	wantCode(t, err, "InvalidParameterException")
	_, err = c.Logs.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/x"),
		KmsKeyId: aws.String("arn:aws:kms:us-east-1:" + s.Account() + ":key/00000000-0000-4000-8000-000000000000")})
	wantCode(t, err, "InvalidParameterException")
	for _, n := range []string{"/mvi/shop/worker", "/mvi/shop/cron", "/other"} {
		must(c.Logs.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(n)}))
	}

	// Prefix and pagination; both ARN forms.
	var names []string
	pg := cloudwatchlogs.NewDescribeLogGroupsPaginator(c.Logs, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/mvi/shop"), Limit: aws.Int32(2)})
	pages := 0
	for pg.HasMorePages() {
		p := must(pg.NextPage(bg))
		pages++
		for _, g := range p.LogGroups {
			names = append(names, *g.LogGroupName)
			if *g.LogGroupName == "/mvi/shop/web" {
				want := "arn:aws:logs:us-east-1:" + s.Account() + ":log-group:/mvi/shop/web"
				if *g.LogGroupArn != want || *g.Arn != want+":*" || *g.KmsKeyId != *key.KeyMetadata.Arn || g.RetentionInDays != nil {
					t.Fatalf("group %+v", g)
				}
			}
		}
	}
	if len(names) != 3 || pages != 2 {
		t.Fatalf("listed %v in %d pages", names, pages)
	}

	// Retention: AWS's values only.
	_, err = c.Logs.PutRetentionPolicy(bg, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("/mvi/shop/web"), RetentionInDays: aws.Int32(4)})
	var inv *cwltypes.InvalidParameterException
	if !errors.As(err, &inv) {
		t.Fatalf("retention 4: want InvalidParameterException, got %v", err)
	}
	must(c.Logs.PutRetentionPolicy(bg, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("/mvi/shop/web"), RetentionInDays: aws.Int32(14)}))
	_, err = c.Logs.PutRetentionPolicy(bg, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("/nope"), RetentionInDays: aws.Int32(14)})
	var nf *cwltypes.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("want ResourceNotFoundException, got %v", err)
	}
	must(c.Logs.AssociateKmsKey(bg, &cloudwatchlogs.AssociateKmsKeyInput{LogGroupName: aws.String("/other"), KmsKeyId: key.KeyMetadata.Arn}))
	g := must(c.Logs.DescribeLogGroups(bg, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/")}))
	for _, x := range g.LogGroups {
		switch *x.LogGroupName {
		case "/mvi/shop/web":
			if aws.ToInt32(x.RetentionInDays) != 14 {
				t.Fatalf("retention %v", x.RetentionInDays)
			}
		case "/other":
			if aws.ToString(x.KmsKeyId) != *key.KeyMetadata.Arn {
				t.Fatalf("key %v", x.KmsKeyId)
			}
		}
	}

	// Tags by ARN (with or without ":*").
	arn := "arn:aws:logs:us-east-1:" + s.Account() + ":log-group:/mvi/shop/web"
	must(c.Logs.TagResource(bg, &cloudwatchlogs.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"team": "web"}}))
	tags := must(c.Logs.ListTagsForResource(bg, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: aws.String(arn + ":*")}))
	if len(tags.Tags) != 2 || tags.Tags["mvi:app"] != "shop" {
		t.Fatalf("tags %v", tags.Tags)
	}
	_, err = c.Logs.ListTagsForResource(bg, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: aws.String(arn + "x")})
	if !errors.As(err, &nf) {
		t.Fatalf("want ResourceNotFoundException, got %v", err)
	}

	must(c.Logs.DeleteLogGroup(bg, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String("/mvi/shop/web")}))
	_, err = c.Logs.DeleteLogGroup(bg, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String("/mvi/shop/web")})
	if !errors.As(err, &nf) {
		t.Fatalf("want ResourceNotFoundException, got %v", err)
	}
	must(c.Logs.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/kept"), DeletionProtectionEnabled: aws.Bool(true)}))
	_, err = c.Logs.DeleteLogGroup(bg, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String("/kept")})
	wantCode(t, err, "ValidationException")
}

func TestLogEventsGetAndFilter(t *testing.T) {
	clk := NewManualClock(time.Date(2026, 7, 8, 9, 10, 11, 0, time.UTC))
	s := openSB(t, Options{Clock: clk})
	c := apiOf(s)
	grp := aws.String("/app")
	must(c.Logs.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: grp}))
	for _, st := range []string{"web/1", "web/2", "cron/1"} {
		must(c.Logs.CreateLogStream(bg, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: grp, LogStreamName: aws.String(st)}))
	}
	_, err := c.Logs.CreateLogStream(bg, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: grp, LogStreamName: aws.String("web/1")})
	wantCode(t, err, "ResourceAlreadyExistsException")
	_, err = c.Logs.CreateLogStream(bg, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: grp, LogStreamName: aws.String("a:b")})
	wantCode(t, err, "InvalidParameterException")

	base := clk.Now().Add(-time.Minute).UnixMilli()
	ev := func(off int64, msg string) cwltypes.InputLogEvent {
		return cwltypes.InputLogEvent{Timestamp: aws.Int64(base + off), Message: aws.String(msg)}
	}
	_, err = c.Logs.PutLogEvents(bg, &cloudwatchlogs.PutLogEventsInput{LogGroupName: grp, LogStreamName: aws.String("web/1"),
		LogEvents: []cwltypes.InputLogEvent{ev(2, "b"), ev(1, "a")}})
	wantCode(t, err, "InvalidParameterException") // not in chronological order
	_, err = c.Logs.PutLogEvents(bg, &cloudwatchlogs.PutLogEventsInput{LogGroupName: grp, LogStreamName: aws.String("nope"), LogEvents: []cwltypes.InputLogEvent{ev(1, "a")}})
	wantCode(t, err, "ResourceNotFoundException")
	must(c.Logs.PutLogEvents(bg, &cloudwatchlogs.PutLogEventsInput{LogGroupName: grp, LogStreamName: aws.String("web/1"), LogEvents: []cwltypes.InputLogEvent{
		ev(0, "GET / 200"), ev(10, "GET /a 500 ERROR boom"), ev(20, `{"level":"error","code":503}`), ev(30, "GET /b 200"), ev(40, "WARN slow request")}}))
	must(c.Logs.PutLogEvents(bg, &cloudwatchlogs.PutLogEventsInput{LogGroupName: grp, LogStreamName: aws.String("web/2"), LogEvents: []cwltypes.InputLogEvent{
		ev(5, "ERROR disk full"), ev(35, `{"level":"info","code":200}`)}}))
	res := must(c.Logs.PutLogEvents(bg, &cloudwatchlogs.PutLogEventsInput{LogGroupName: grp, LogStreamName: aws.String("cron/1"), LogEvents: []cwltypes.InputLogEvent{
		{Timestamp: aws.Int64(clk.Now().Add(-30 * 24 * time.Hour).UnixMilli()), Message: aws.String("ancient")}}}))
	if res.RejectedLogEventsInfo == nil || aws.ToInt32(res.RejectedLogEventsInfo.TooOldLogEventEndIndex) != 0 {
		t.Fatalf("rejected %+v", res.RejectedLogEventsInfo)
	}

	_, err = c.Logs.PutLogEvents(bg, &cloudwatchlogs.PutLogEventsInput{LogGroupName: grp, LogStreamName: aws.String("cron/1"), LogEvents: []cwltypes.InputLogEvent{
		{Timestamp: aws.Int64(clk.Now().Add(-30 * 24 * time.Hour).UnixMilli()), Message: aws.String("ancient")}, ev(1, "tick")}})
	wantCode(t, err, "InvalidParameterException") // spans more than 24 hours

	// GetLogEvents from the head, two at a time, until the token repeats.
	var got []string
	in := &cloudwatchlogs.GetLogEventsInput{LogGroupName: grp, LogStreamName: aws.String("web/1"), StartFromHead: aws.Bool(true), Limit: aws.Int32(2)}
	for i := 0; i < 10; i++ {
		out := must(c.Logs.GetLogEvents(bg, in))
		for _, e := range out.Events {
			got = append(got, *e.Message)
		}
		if in.NextToken != nil && *out.NextForwardToken == *in.NextToken {
			break
		}
		in.NextToken = out.NextForwardToken
	}
	if len(got) != 5 || got[0] != "GET / 200" || got[4] != "WARN slow request" {
		t.Fatalf("events %q", got)
	}
	tail := must(c.Logs.GetLogEvents(bg, &cloudwatchlogs.GetLogEventsInput{LogGroupName: grp, LogStreamName: aws.String("web/1"), Limit: aws.Int32(2)}))
	if len(tail.Events) != 2 || *tail.Events[1].Message != "WARN slow request" {
		t.Fatalf("tail %+v", tail.Events)
	}
	back := must(c.Logs.GetLogEvents(bg, &cloudwatchlogs.GetLogEventsInput{LogGroupName: grp, LogStreamName: aws.String("web/1"), Limit: aws.Int32(2), NextToken: tail.NextBackwardToken}))
	if len(back.Events) != 2 || *back.Events[0].Message != "GET /a 500 ERROR boom" {
		t.Fatalf("backward %+v", back.Events)
	}
	st := must(c.Logs.DescribeLogStreams(bg, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: grp, LogStreamNamePrefix: aws.String("web/")}))
	if len(st.LogStreams) != 2 || aws.ToInt64(st.LogStreams[0].LastEventTimestamp) != base+40 {
		t.Fatalf("streams %+v", st.LogStreams)
	}

	filter := func(in *cloudwatchlogs.FilterLogEventsInput) []string {
		in.LogGroupName = grp
		var out []string
		for {
			r := must(c.Logs.FilterLogEvents(bg, in))
			for _, e := range r.Events {
				out = append(out, *e.Message)
			}
			if r.NextToken == nil {
				return out
			}
			in.NextToken = r.NextToken
		}
	}
	if m := filter(&cloudwatchlogs.FilterLogEventsInput{FilterPattern: aws.String("ERROR")}); len(m) != 2 || m[0] != "ERROR disk full" {
		t.Fatalf("ERROR: %q", m)
	}
	if m := filter(&cloudwatchlogs.FilterLogEventsInput{FilterPattern: aws.String(`"GET /" -500`), Limit: aws.Int32(1)}); len(m) != 2 {
		t.Fatalf("quoted, excluded, paged: %q", m)
	}
	if m := filter(&cloudwatchlogs.FilterLogEventsInput{FilterPattern: aws.String("?WARN ?boom")}); len(m) != 2 {
		t.Fatalf("any of: %q", m)
	}
	if m := filter(&cloudwatchlogs.FilterLogEventsInput{FilterPattern: aws.String(`{ $.level = "err*" && $.code >= 500 }`)}); len(m) != 1 {
		t.Fatalf("json: %q", m)
	}
	if m := filter(&cloudwatchlogs.FilterLogEventsInput{LogStreamNames: []string{"web/2"}, StartTime: aws.Int64(base + 10)}); len(m) != 1 {
		t.Fatalf("stream and time: %q", m)
	}
	_, err = c.Logs.FilterLogEvents(bg, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: grp, LogStreamNames: []string{"web/1"}, LogStreamNamePrefix: aws.String("w")})
	wantCode(t, err, "InvalidParameterException")

	// Retention hides what is older than it.
	clk.Advance(2 * 24 * time.Hour)
	must(c.Logs.PutRetentionPolicy(bg, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: grp, RetentionInDays: aws.Int32(1)}))
	if m := filter(&cloudwatchlogs.FilterLogEventsInput{}); len(m) != 0 {
		t.Fatalf("after retention: %q", m)
	}
}
