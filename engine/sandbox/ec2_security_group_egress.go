package sandbox

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// RevokeSecurityGroupEgress removes outbound rules as EC2 does: each
// named rule must exist (InvalidPermission.NotFound otherwise), and the
// group keeps answering the connections its ingress allows, since groups
// are stateful.
func (a *ec2API) RevokeSecurityGroupEgress(ctx context.Context, in *ec2.RevokeSecurityGroupEgressInput, _ ...func(*ec2.Options)) (*ec2.RevokeSecurityGroupEgressOutput, error) {
	return call(ctx, a.s, svcEC2, "RevokeSecurityGroupEgress", func(t *tx) (*ec2.RevokeSecurityGroupEgressOutput, error) {
		if err := dryRun(in.DryRun); err != nil {
			return nil, err
		}
		if in.GroupId == nil {
			return nil, missingParam("GroupId")
		}
		g, err := t.sgByIDOrName(in.GroupId, nil)
		if err != nil {
			return nil, err
		}
		drop := map[string]bool{}
		for _, id := range in.SecurityGroupRuleIds {
			found := false
			for _, r := range g.Rules {
				if r.ID == id && r.Egress {
					found, drop[r.ID] = true, true
				}
			}
			if !found {
				return nil, errf("InvalidSecurityGroupRuleId.NotFound", "The security group rule ID '%s' does not exist", id)
			}
		}
		rules, err := t.permsToRules(g, in.IpPermissions, true)
		if err != nil {
			return nil, err
		}
		for _, want := range rules {
			found := false
			for _, r := range g.Rules {
				if r.key() == want.key() {
					found, drop[r.ID] = true, true
				}
			}
			if !found {
				return nil, errf("InvalidPermission.NotFound", "The specified rule does not exist in this security group.")
			}
		}
		out := &ec2.RevokeSecurityGroupEgressOutput{Return: aws.Bool(true)}
		out.RevokedSecurityGroupRules = dropRules(g, drop, true)
		return out, nil
	})
}

// AuthorizeSecurityGroupEgress adds outbound rules as EC2 does: GroupId
// is required (egress has no group-name form), a rule the group already
// has is InvalidPermission.Duplicate, and rules may be tagged at creation.
func (a *ec2API) AuthorizeSecurityGroupEgress(ctx context.Context, in *ec2.AuthorizeSecurityGroupEgressInput, _ ...func(*ec2.Options)) (*ec2.AuthorizeSecurityGroupEgressOutput, error) {
	return call(ctx, a.s, svcEC2, "AuthorizeSecurityGroupEgress", func(t *tx) (*ec2.AuthorizeSecurityGroupEgressOutput, error) {
		if err := dryRun(in.DryRun); err != nil {
			return nil, err
		}
		if in.GroupId == nil {
			return nil, missingParam("GroupId")
		}
		g, err := t.sgByIDOrName(in.GroupId, nil)
		if err != nil {
			return nil, err
		}
		if len(in.IpPermissions) == 0 {
			return nil, errf("MissingParameter", "The request must contain the parameter ipPermissions")
		}
		rules, err := t.permsToRules(g, in.IpPermissions, true)
		if err != nil {
			return nil, err
		}
		have := map[string]bool{}
		for _, r := range g.Rules {
			have[r.key()] = true
		}
		tags := tagsFor(in.TagSpecifications, ec2types.ResourceTypeSecurityGroupRule)
		out := &ec2.AuthorizeSecurityGroupEgressOutput{Return: aws.Bool(true)}
		for _, r := range rules {
			if have[r.key()] {
				return nil, errf("InvalidPermission.Duplicate", "the specified rule \"%s\" already exists", r.describe())
			}
			have[r.key()] = true
			r.ID = ec2ID("sgr")
			if len(tags) > 0 {
				r.Tags = copyMap(tags)
			}
			g.Rules = append(g.Rules, r)
			out.SecurityGroupRules = append(out.SecurityGroupRules, t.ruleOut(g, r))
		}
		return out, nil
	})
}
