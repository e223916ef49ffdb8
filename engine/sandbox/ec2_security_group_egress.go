package sandbox

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
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
