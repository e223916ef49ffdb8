package sandbox

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

func (t *tx) cwTaggable(ref string) (*cwAlarm, error) {
	p, ok := parseARN(ref)
	if !ok || p.Service != "cloudwatch" {
		return nil, cwInvalid("Invalid ARN: %s", ref)
	}
	kind, name, _ := strings.Cut(p.Resource, ":")
	nf := &cwtypes.ResourceNotFoundException{Message: aws.String("Unknown resource: " + ref), ResourceType: aws.String(kind), ResourceId: aws.String(name)}
	if kind != "alarm" || p.Region != t.regionName() || p.Account != t.account() {
		return nil, withStatus(404, nf)
	}
	al := t.r.CloudWatch.Alarms[name]
	if al == nil || t.hidden(al.Created) {
		return nil, withStatus(404, nf)
	}
	return al, nil
}

func (a *cloudwatchAPI) TagResource(ctx context.Context, in *cloudwatch.TagResourceInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.TagResourceOutput, error) {
	return callIn(ctx, a.s, a.region, svcCloudWatch, "TagResource", func(t *tx) (*cloudwatch.TagResourceOutput, error) {
		al, err := t.cwTaggable(aws.ToString(in.ResourceARN))
		if err != nil {
			return nil, err
		}
		tags, err := cwTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		if err := mergeTags(&al.Tags, tags, &cwtypes.LimitExceededException{Message: aws.String("A resource can have at most 50 tags.")}); err != nil {
			return nil, err
		}
		return &cloudwatch.TagResourceOutput{}, nil
	})
}

func (a *cloudwatchAPI) ListTagsForResource(ctx context.Context, in *cloudwatch.ListTagsForResourceInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.ListTagsForResourceOutput, error) {
	return callIn(ctx, a.s, a.region, svcCloudWatch, "ListTagsForResource", func(t *tx) (*cloudwatch.ListTagsForResourceOutput, error) {
		al, err := t.cwTaggable(aws.ToString(in.ResourceARN))
		if err != nil {
			return nil, err
		}
		return &cloudwatch.ListTagsForResourceOutput{Tags: tagList(al.Tags, cwTag)}, nil
	})
}
