package aws

import (
	"context"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/minimalinfra/mvi/engine/arch"
)

func ec2Tags(m map[string]string) []ec2types.Tag {
	return toSDK(m, func(k, v *string) ec2types.Tag { return ec2types.Tag{Key: k, Value: v} })
}

func ec2TagMap(tags []ec2types.Tag) map[string]string {
	return fromSDK(tags, func(t ec2types.Tag) (*string, *string) { return t.Key, t.Value })
}

// tagSpec tags a resource at creation; Name makes it readable in the console.
func tagSpec(rt ec2types.ResourceType, tags map[string]string, name string) []ec2types.TagSpecification {
	t := map[string]string{}
	for k, v := range tags {
		t[k] = v
	}
	if name != "" {
		t["Name"] = name
	}
	return []ec2types.TagSpecification{{ResourceType: rt, Tags: ec2Tags(t)}}
}

// appFilter selects an app's EC2 resources by tag.
func appFilter(app string) []ec2types.Filter {
	return []ec2types.Filter{{Name: aws.String("tag:" + resource.TagApp), Values: []string{app}}}
}

// idFilter selects one logical resource of an app by its tags: Create looks
// before it makes (EC2's VPC, gateway and subnet calls take no idempotency
// token, so a create retried after a lost answer must find the first).
func idFilter(app, id string) []ec2types.Filter {
	return append(appFilter(app), ec2types.Filter{Name: aws.String("tag:" + resource.TagID), Values: []string{id}})
}

// setHash writes the current mvi tags on an EC2 resource.
func setHash(ctx context.Context, env resource.Env, r arch.Resource, resourceID string) (string, error) {
	tags := resource.Tags(env.App, r)
	_, err := env.Clients.EC2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{resourceID}, Tags: ec2Tags(tags)})
	if err != nil {
		return "", wrap("tag", r.ID, err)
	}
	return tags[resource.TagHash], nil
}
