package sandbox

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

func (t *tx) logsTaggable(ref string) (*logGroup, error) {
	a, ok := parseARN(ref)
	if !ok || a.Service != "logs" {
		return nil, logsInvalid("Invalid resource ARN: %s", ref)
	}
	if !strings.HasPrefix(a.Resource, "log-group:") {
		return nil, &cwltypes.ResourceNotFoundException{Message: aws.String("The specified resource does not exist.")}
	}
	if a.Region != t.regionName() || a.Account != t.account() {
		return nil, &cwltypes.ResourceNotFoundException{Message: aws.String("The specified resource does not exist.")}
	}
	n := strings.TrimSuffix(strings.TrimPrefix(a.Resource, "log-group:"), ":*")
	g := t.r.Logs.Groups[n]
	if g == nil || t.hidden(g.Created) {
		return nil, &cwltypes.ResourceNotFoundException{Message: aws.String("The specified resource does not exist.")}
	}
	return g, nil
}

func (a *logsAPI) TagResource(ctx context.Context, in *cloudwatchlogs.TagResourceInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.TagResourceOutput, error) {
	return call(ctx, a.s, svcLogs, "TagResource", func(t *tx) (*cloudwatchlogs.TagResourceOutput, error) {
		g, err := t.logsTaggable(aws.ToString(in.ResourceArn))
		if err != nil {
			return nil, err
		}
		if len(in.Tags) == 0 {
			return nil, logsInvalid("1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1")
		}
		merged := copyMap(g.Tags)
		if merged == nil {
			merged = map[string]string{}
		}
		for k, v := range in.Tags {
			merged[k] = v
		}
		if err := checkLogTags(merged); err != nil {
			return nil, err
		}
		g.setTags(in.Tags)
		return &cloudwatchlogs.TagResourceOutput{}, nil
	})
}

func (a *logsAPI) ListTagsForResource(ctx context.Context, in *cloudwatchlogs.ListTagsForResourceInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.ListTagsForResourceOutput, error) {
	return call(ctx, a.s, svcLogs, "ListTagsForResource", func(t *tx) (*cloudwatchlogs.ListTagsForResourceOutput, error) {
		g, err := t.logsTaggable(aws.ToString(in.ResourceArn))
		if err != nil {
			return nil, err
		}
		tags := copyMap(g.Tags)
		if tags == nil {
			tags = map[string]string{}
		}
		return &cloudwatchlogs.ListTagsForResourceOutput{Tags: tags}, nil
	})
}
