package engine

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/minimalinfra/mvi/engine/arch"
)

// Through moto_server, which has no Live Tail: the SDK's StartLiveTail
// reaches the emulator's one address (no "stream-" host), is refused, and
// the follow polls instead, saying so.
func TestFollowOnMotoPollsAndSaysWhy(t *testing.T) {
	cfg := motoConfig(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := cfg.Clients.Logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(arch.LogGroupName(cfg.App))}); err != nil {
		t.Fatal(err)
	}
	putLog(t, cfg, map[string]bool{}, "web/web/aaaa1111", time.Now(), "from moto")
	var notices, got []string
	err := FollowLogs(ctx, cfg, LogQuery{Since: time.Now().Add(-time.Hour)},
		Follow{Every: time.Second, Overlap: 30 * time.Second, Notice: func(m string) { notices = append(notices, m) }},
		func(l LogLine) { got = append(got, l.Message); cancel() })
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[from moto]" || len(notices) != 1 || !strings.Contains(notices[0], "polling") {
		t.Fatalf("printed %q, notices %q", got, notices)
	}
	t.Log(notices[0])
}
