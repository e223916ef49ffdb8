package sandbox

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

func (t *tx) elbMeta(a string) (*Meta, error) {
	switch {
	case t.r.ELB.LoadBalancers[a] != nil:
		return &t.r.ELB.LoadBalancers[a].Meta, nil
	case t.r.ELB.TargetGroups[a] != nil:
		return &t.r.ELB.TargetGroups[a].Meta, nil
	case t.r.ELB.Listeners[a] != nil:
		return &t.r.ELB.Listeners[a].Meta, nil
	case t.r.ELB.Rules[a] != nil:
		return &t.r.ELB.Rules[a].Meta, nil
	case isELBARN(a, elbTypeRule):
		return nil, ruleNotFound()
	case isELBARN(a, elbTypeTargetGroup):
		return nil, tgNotFound()
	case isELBARN(a, elbTypeListener):
		return nil, &elbtypes.ListenerNotFoundException{Message: aws.String("One or more listeners not found")}
	}
	return nil, lbNotFound()
}

func (a *elbAPI) DescribeTags(ctx context.Context, in *elb.DescribeTagsInput, _ ...func(*elb.Options)) (*elb.DescribeTagsOutput, error) {
	return call(ctx, a.s, svcELB, "DescribeTags", func(t *tx) (*elb.DescribeTagsOutput, error) {
		if len(in.ResourceArns) == 0 || len(in.ResourceArns) > 20 {
			return nil, validationError("1 validation error detected: Value at 'resourceArns' failed to satisfy constraint: Member must have length less than or equal to 20")
		}
		out := &elb.DescribeTagsOutput{}
		for _, a := range in.ResourceArns {
			m, err := t.elbMeta(a)
			if err != nil {
				return nil, err
			}
			out.TagDescriptions = append(out.TagDescriptions, elbtypes.TagDescription{ResourceArn: aws.String(a), Tags: tagList(m.Tags, elbTag)})
		}
		return out, nil
	})
}

func (a *elbAPI) AddTags(ctx context.Context, in *elb.AddTagsInput, _ ...func(*elb.Options)) (*elb.AddTagsOutput, error) {
	return call(ctx, a.s, svcELB, "AddTags", func(t *tx) (*elb.AddTagsOutput, error) {
		kv, err := elbTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		for _, a := range in.ResourceArns {
			m, err := t.elbMeta(a)
			if err != nil {
				return nil, err
			}
			if err := mergeTags(&m.Tags, kv, &elbtypes.TooManyTagsException{Message: aws.String("The quota for the number of tags that can be assigned to a resource has been reached")}); err != nil {
				return nil, err
			}
		}
		return &elb.AddTagsOutput{}, nil
	})
}
