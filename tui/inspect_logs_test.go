package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
)

// putLog writes one line to a container's stream of the app's log group,
// as the awslogs driver does.
func putLog(t *testing.T, cfg engine.Config, stream string, at time.Time, msg string) {
	t.Helper()
	ctx := context.Background()
	lw := cfg.Clients.Logs.(interface {
		CreateLogStream(context.Context, *cloudwatchlogs.CreateLogStreamInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.CreateLogStreamOutput, error)
		PutLogEvents(context.Context, *cloudwatchlogs.PutLogEventsInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutLogEventsOutput, error)
	})
	group := aws.String(arch.LogGroupName(cfg.App))
	lw.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: group, LogStreamName: aws.String(stream)}) // made once; again is ResourceAlreadyExists
	if _, err := lw.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: group, LogStreamName: aws.String(stream),
		LogEvents: []cwltypes.InputLogEvent{{Timestamp: aws.Int64(at.UnixMilli()), Message: aws.String(msg)}}}); err != nil {
		t.Fatal(err)
	}
}

// The log pane shows a process's lines with their container, finds a
// text with /, follows new lines on each refresh, and an alarm's pane
// holds the minutes around its change of state.
func TestInspectLogPaneSearchFollowAndAlarmJump(t *testing.T) {
	cfg := helloOnSandbox(t)
	now := time.Now().UTC().Truncate(time.Second)
	putLog(t, cfg, "web/web/aaaa1111bbbb", now.Add(-30*time.Minute), "GET / 200")
	putLog(t, cfg, "web/web/cccc2222dddd", now.Add(-20*time.Minute), "GET /missing 404")
	putLog(t, cfg, "web/web/aaaa1111bbbb", now.Add(-2*time.Minute), "GET /orders 500 boom")

	c := testConfig(nil)
	c.Engine, c.Now = cfg, func() time.Time { return now }
	app := NewInspect(context.Background(), c, "hello", false)
	d := newDriver(t, app, 100, 30)
	d.run(app.Init())
	d.send(teaSize(100, 30))
	d.until("the snapshot", func() bool { return app.insp.snap != nil })
	for {
		if r, _ := app.insp.selected(); r.ID == arch.ServiceID("web") {
			break
		}
		d.key("down")
	}
	d.key("l")
	d.until("the lines", func() bool { return app.insp.logs != nil })
	v := d.m.View()
	for _, want := range []string{"Logs of web · following", "web/aaaa1111 GET / 200", "web/cccc2222 GET /missing 404", "GET /orders 500 boom"} {
		if !strings.Contains(v, want) {
			t.Errorf("the pane lacks %q:\n%s", want, v)
		}
	}

	d.key("/")
	d.key("404")
	d.key("enter")
	d.until("the search", func() bool {
		return app.insp.logs != nil && len(app.insp.logs.lines) == 1
	})
	if v := d.m.View(); !strings.Contains(v, `holding "404"`) || strings.Contains(v, "GET / 200") {
		t.Errorf("the search shows more than the line holding 404:\n%s", v)
	}

	// Following: a line written after the pane opened shows on the next
	// refresh.
	putLog(t, cfg, "web/web/cccc2222dddd", now.Add(-time.Second), "GET /late 404")
	d.send(pollMsg{gen: app.insp.gen})
	d.until("the new line", func() bool { return app.insp.logs != nil && len(app.insp.logs.lines) == 2 })

	// An alarm's pane: the lines around its change, not the whole hour.
	d.key("esc")
	d.until("the list", func() bool { return app.insp.pane == nil && app.insp.snap != nil })
	app.insp.cursor = 0
	for {
		if r, _ := app.insp.selected(); r.ID == arch.Alarm5xxID("web") || app.insp.cursor >= len(app.insp.resources())-1 {
			break
		}
		d.key("down")
	}
	d.key("l")
	d.until("the alarm's lines", func() bool { return app.insp.logs != nil })
	if v := d.m.View(); !strings.Contains(v, "Logs of web around") || !strings.Contains(v, "when alarm/5xx-web turned") {
		t.Errorf("l on an alarm doesn't open the lines around its change:\n%s", v)
	}
	lines, err := readPane(context.Background(), cfg, logPane{process: "web", around: now.Add(-20 * time.Minute)}, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 1 || !strings.Contains(lines[0].Message, "/missing") {
		t.Errorf("around 20 minutes ago: %v, want only the 404 of then", lines)
	}
}
