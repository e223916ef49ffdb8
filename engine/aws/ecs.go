package aws

import (
	"context"
	"strings"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/minimalinfra/mvi/engine/arch"
)

func ecsTags(m map[string]string) []ecstypes.Tag {
	return toSDK(m, func(k, v *string) ecstypes.Tag { return ecstypes.Tag{Key: k, Value: v} })
}

func ecsTagMap(tags []ecstypes.Tag) map[string]string {
	return fromSDK(tags, func(t ecstypes.Tag) (*string, *string) { return t.Key, t.Value })
}

// arnName is the last path element of an ARN.
func arnName(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }

// ecsTag refreshes the mvi tags on an ECS resource.
func ecsTag(ctx context.Context, env resource.Env, r arch.Resource, arn string) (string, error) {
	tags := resource.Tags(env.App, r)
	if _, err := env.Clients.ECS.TagResource(ctx, &ecs.TagResourceInput{ResourceArn: aws.String(arn), Tags: ecsTags(tags)}); err != nil {
		return "", wrap("tag", r.ID, err)
	}
	return tags[resource.TagHash], nil
}
