package sandbox

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/minimalinfra/mvi/engine/arch"
)

// A container whose REDIS_URL names the app's Redis says, in its log,
// that no Redis server answers in the sandbox, naming the setting and
// never its value (the token is in it).
func TestContainersSayTheSandboxRunsNoRedis(t *testing.T) {
	file := filepath.Join(t.TempDir(), "mvi.toml")
	if err := os.WriteFile(file, []byte("name = \"shop\"\n[processes.web]\nimage = \"httpd\"\nport = 80\n[kv]\nengine = \"redis\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h := upExample(t, file, 0, ServeOptions{FlushEvery: 20 * time.Millisecond})
	ctx := context.Background()
	c := h.sb.Clients()
	tok := aws.ToString(must(c.SSM.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(arch.CacheTokenName("shop")), WithDecryption: aws.Bool(true)})).Parameter.Value)
	var lines []string
	eventually(t, "each web task to say it", func() bool {
		out := must(c.Logs.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(arch.LogGroupName("shop")),
			FilterPattern: aws.String(`"runs no Redis server"`)}))
		lines = lines[:0]
		for _, e := range out.Events {
			lines = append(lines, aws.ToString(e.Message))
		}
		return len(lines) >= 2
	})
	for _, l := range lines {
		if !strings.Contains(l, "REDIS_URL names the ElastiCache Redis mvi-shop-cache") || strings.Contains(l, tok) {
			t.Errorf("log line %q", l)
		}
	}
	all := must(c.Logs.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(arch.LogGroupName("shop"))}))
	for _, e := range all.Events {
		if strings.Contains(aws.ToString(e.Message), tok) {
			t.Errorf("a log line shows the token: %q", aws.ToString(e.Message))
		}
	}
}
