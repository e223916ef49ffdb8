package aws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/resource"
)

// A group that only answers (arch.SecurityGroupProps.NoEgress) keeps no
// egress rule: AWS creates each group with allow-all egress, and a server
// that never calls out should not be able to once it is broken into.
// Security groups are stateful, so answers to allowed connections still
// flow without any egress rule.

// revokeEgress removes every egress rule the group has.
func revokeEgress(ctx context.Context, env resource.Env, id, group string, have []ec2types.IpPermission) error {
	rules := haveRules(have)
	if len(rules) == 0 {
		return nil
	}
	var perms []ec2types.IpPermission
	for _, k := range sortedRules(rules) {
		perms = append(perms, bare(permission(k, "")))
	}
	_, err := env.Clients.EC2.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: aws.String(group), IpPermissions: perms})
	if err != nil && !isCode(err, "InvalidPermission.NotFound") {
		return wrap("revoke egress of", id, err)
	}
	return nil
}

// egressDrift names each egress rule a NoEgress group has.
func egressDrift(p arch.SecurityGroupProps, have []ec2types.IpPermission, names map[string]string) []resource.Drift {
	if !p.NoEgress {
		return nil
	}
	var out []resource.Drift
	for _, k := range sortedRules(haveRules(have)) {
		out = append(out, resource.Drift{Setting: "egress " + ruleText(k, names, "to"), Live: "allowed", Want: "not allowed"})
	}
	return out
}

// bare drops the descriptions, which are no part of a rule's identity
// when it is revoked; the all-protocol rule has no ports either.
func bare(p ec2types.IpPermission) ec2types.IpPermission {
	for j := range p.IpRanges {
		p.IpRanges[j].Description = nil
	}
	for j := range p.UserIdGroupPairs {
		p.UserIdGroupPairs[j].Description = nil
	}
	if aws.ToString(p.IpProtocol) == "-1" {
		p.FromPort, p.ToPort = nil, nil
	}
	return p
}
