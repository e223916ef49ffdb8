package sandbox

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// metaOf is the Meta of what a lookup found.
func metaOf[R interface{ meta() *Meta }](r R, err error) (*Meta, error) {
	if err != nil {
		return nil, err
	}
	return r.meta(), nil
}

// ec2Meta finds any taggable EC2 resource by id.
func (t *tx) ec2Meta(id string) (*Meta, error) {
	e := &t.r.EC2
	switch {
	case vpcKind.owns(id):
		return metaOf(t.vpcByID(id))
	case subnetKind.owns(id):
		return metaOf(t.subnetByID(id))
	case igwKind.owns(id):
		return metaOf(t.igwByID(id))
	case rtbKind.owns(id):
		return metaOf(t.rtbByID(id))
	case sgKind.owns(id):
		return metaOf(t.sgByID(id))
	case instanceKind.owns(id):
		return metaOf(t.instanceByID(id))
	case strings.HasPrefix(id, "eni-"):
		if n := e.ENIs[id]; n != nil {
			return &n.Meta, nil
		}
		return nil, errf("InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '%s' does not exist", id)
	case strings.HasPrefix(id, "lt-"):
		if lt := e.LaunchTemplates[id]; lt != nil {
			return &lt.Meta, nil
		}
		return nil, errf("InvalidLaunchTemplateId.NotFound", "The specified launch template, with template ID %s, does not exist.", id)
	}
	return nil, errf("InvalidID", "The ID '%s' is not valid", id)
}

func (a *ec2API) CreateTags(ctx context.Context, in *ec2.CreateTagsInput, _ ...func(*ec2.Options)) (*ec2.CreateTagsOutput, error) {
	return call(ctx, a.s, svcEC2, "CreateTags", func(t *tx) (*ec2.CreateTagsOutput, error) {
		if err := dryRun(in.DryRun); err != nil {
			return nil, err
		}
		if len(in.Resources) == 0 {
			return nil, missingParam("ResourceId")
		}
		kv := fromEC2Tags(in.Tags)
		if k, bad := reservedTag(kv); bad {
			return nil, errf("InvalidParameterValue", "Value ( %s ) for parameter key is invalid. Tag keys starting with 'aws:' are reserved for internal use", k)
		}
		for _, id := range in.Resources {
			if strings.HasPrefix(id, "sgr-") {
				r := t.sgRuleByID(id)
				if r == nil {
					return nil, errf("InvalidSecurityGroupRuleId.NotFound", "The security group rule ID '%s' does not exist", id)
				}
				if r.Tags == nil {
					r.Tags = map[string]string{}
				}
				for k, v := range kv {
					r.Tags[k] = v
				}
				continue
			}
			m, err := t.ec2Meta(id)
			if err != nil {
				return nil, err
			}
			if err := mergeTags(&m.Tags, kv, errf("TagLimitExceeded", "The maximum number of Tags for a resource has been reached.")); err != nil {
				return nil, err
			}
		}
		return &ec2.CreateTagsOutput{}, nil
	})
}

func (t *tx) sgRuleByID(id string) *sgRule {
	for _, g := range t.r.EC2.SecurityGroups {
		for i := range g.Rules {
			if g.Rules[i].ID == id {
				return &g.Rules[i]
			}
		}
	}
	return nil
}

func (a *ec2API) DeleteTags(ctx context.Context, in *ec2.DeleteTagsInput, _ ...func(*ec2.Options)) (*ec2.DeleteTagsOutput, error) {
	return call(ctx, a.s, svcEC2, "DeleteTags", func(t *tx) (*ec2.DeleteTagsOutput, error) {
		if err := dryRun(in.DryRun); err != nil {
			return nil, err
		}
		for _, id := range in.Resources {
			var tags map[string]string
			if strings.HasPrefix(id, "sgr-") {
				r := t.sgRuleByID(id)
				if r == nil {
					return nil, errf("InvalidSecurityGroupRuleId.NotFound", "The security group rule ID '%s' does not exist", id)
				}
				tags = r.Tags
			} else {
				m, err := t.ec2Meta(id)
				if err != nil {
					return nil, err
				}
				tags = m.Tags
			}
			if len(in.Tags) == 0 {
				for k := range tags {
					if !strings.HasPrefix(k, "aws:") {
						delete(tags, k)
					}
				}
			}
			for _, tg := range in.Tags {
				k := aws.ToString(tg.Key)
				if v, ok := tags[k]; ok && (tg.Value == nil || *tg.Value == v) {
					delete(tags, k)
				}
			}
		}
		return &ec2.DeleteTagsOutput{}, nil
	})
}
