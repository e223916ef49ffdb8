package aws

import (
	"context"
	"strings"

	"github.com/minimalinfra/mvi/engine/resource"

	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/minimalinfra/mvi/engine/arch"
)

func elbTags(m map[string]string) []elbtypes.Tag {
	return toSDK(m, func(k, v *string) elbtypes.Tag { return elbtypes.Tag{Key: k, Value: v} })
}

// elbTagsOf reads the tags of up to any number of ELB resources, 20 per call.
func elbTagsOf(ctx context.Context, env resource.Env, arns []string) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	for len(arns) > 0 {
		n := min(len(arns), 20)
		res, err := env.Clients.ELB.DescribeTags(ctx, &elb.DescribeTagsInput{ResourceArns: arns[:n]})
		if err != nil {
			return nil, err
		}
		for _, d := range res.TagDescriptions {
			m := map[string]string{}
			for _, t := range d.Tags {
				m[str(t.Key)] = str(t.Value)
			}
			out[str(d.ResourceArn)] = m
		}
		arns = arns[n:]
	}
	return out, nil
}

func elbAddTags(ctx context.Context, env resource.Env, r arch.Resource, arn string) (string, error) {
	tags := resource.Tags(env.App, r)
	if _, err := env.Clients.ELB.AddTags(ctx, &elb.AddTagsInput{ResourceArns: []string{arn}, Tags: elbTags(tags)}); err != nil {
		return "", wrap("tag", r.ID, err)
	}
	return tags[resource.TagHash], nil
}

// elbSuffix is what CloudWatch calls a load balancer or target group in
// metric dimensions: the ARN after "loadbalancer/" or from "targetgroup/".
func elbSuffix(arn, marker string, keepMarker bool) string {
	i := strings.Index(arn, marker)
	if i < 0 {
		return ""
	}
	if keepMarker {
		return arn[i:]
	}
	return arn[i+len(marker):]
}
