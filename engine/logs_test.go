package engine

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/sandbox"
)

// logsCloud is a sandbox with the app's log group and two containers of
// web and one of worker, writing at the times given (ms after base).
func logsCloud(t *testing.T) (Config, func(stream string, at time.Time, msg string)) {
	t.Helper()
	sb, cfg := openSandbox(t, sandbox.Options{})
	ctx := context.Background()
	group := aws.String(arch.LogGroupName(cfg.App))
	if _, err := sb.Clients().Logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: group}); err != nil {
		t.Fatal(err)
	}
	lw := sb.Clients().Logs.(interface {
		CreateLogStream(context.Context, *cloudwatchlogs.CreateLogStreamInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.CreateLogStreamOutput, error)
		PutLogEvents(context.Context, *cloudwatchlogs.PutLogEventsInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutLogEventsOutput, error)
	})
	made := map[string]bool{}
	var mu sync.Mutex
	put := func(stream string, at time.Time, msg string) {
		mu.Lock()
		defer mu.Unlock()
		if !made[stream] {
			if _, err := lw.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: group, LogStreamName: aws.String(stream)}); err != nil {
				t.Error(err)
			}
			made[stream] = true
		}
		if _, err := lw.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: group, LogStreamName: aws.String(stream),
			LogEvents: []cwltypes.InputLogEvent{{Timestamp: aws.Int64(at.UnixMilli()), Message: aws.String(msg)}}}); err != nil {
			t.Error(err)
		}
	}
	return cfg, put
}

func TestLogsMergeContainersInTimeOrder(t *testing.T) {
	cfg, put := logsCloud(t)
	base := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	put("web/web/aaaa1111", base.Add(30*time.Millisecond), "GET / 200")
	put("web/web/bbbb2222", base.Add(10*time.Millisecond), "GET /healthz 200")
	put("worker/worker/cccc3333", base.Add(20*time.Millisecond), "job started")
	put("web/web/aaaa1111", base.Add(40*time.Millisecond), "GET /missing 404 error")
	all, err := Logs(context.Background(), cfg, LogQuery{Since: base})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range all {
		got = append(got, l.Process+"/"+l.Task+" "+l.Message)
	}
	want := []string{"web/bbbb2222 GET /healthz 200", "worker/cccc3333 job started", "web/aaaa1111 GET / 200", "web/aaaa1111 GET /missing 404 error"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("merged:\n%q\nwant\n%q", got, want)
	}
	web, _ := Logs(context.Background(), cfg, LogQuery{Process: "web", Since: base})
	grep, _ := Logs(context.Background(), cfg, LogQuery{Grep: "404 error", Since: base})
	if len(web) != 3 || len(grep) != 1 || grep[0].Task != "aaaa1111" {
		t.Errorf("web %d lines, grep %v", len(web), grep)
	}
	if _, err := Logs(context.Background(), Config{Clients: cfg.Clients, App: "nothing", Retry: cfg.Retry}, LogQuery{}); err == nil {
		t.Error("an app without logs read without error")
	}
}
