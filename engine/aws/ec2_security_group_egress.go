package aws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/resource"
)

// A group's egress is left as AWS makes it (allow-all: VMs pull images
// and talk to AWS's APIs) unless the design says otherwise: a group that
// only answers (arch.SecurityGroupProps.NoEgress, the database and the
// file system) keeps no egress rule, and one with Egress rules (the load
// balancer) keeps exactly those, so a server broken into can't call out.
// Security groups are stateful, so answers to allowed connections still
// flow without any egress rule.

// wantEgress is the egress the design wants; managed is false when it
// leaves AWS's default alone.
func wantEgress(env resource.Env, id string, p arch.SecurityGroupProps) (want map[ruleKey]string, managed bool, err error) {
	switch {
	case p.NoEgress:
		return map[ruleKey]string{}, true, nil
	case len(p.Egress) > 0:
		want, err = wantRules(env, id, "", p.Egress)
		return want, true, err
	}
	return nil, false, nil
}

// syncEgress makes the group's egress rules exactly want: the designed
// ones are added before the rest are revoked, so there is no moment with
// neither.
func syncEgress(ctx context.Context, env resource.Env, id, group string, want map[ruleKey]string, have []ec2types.IpPermission) error {
	rules := haveRules(have)
	for _, k := range sortedRules(keysOf(want)) {
		if rules[k] {
			continue
		}
		_, err := env.Clients.EC2.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{
			GroupId: aws.String(group), IpPermissions: []ec2types.IpPermission{permission(k, want[k])},
			TagSpecifications: tagSpec(ec2types.ResourceTypeSecurityGroupRule, map[string]string{resource.TagApp: env.App}, ""),
		})
		if err != nil && !isCode(err, "InvalidPermission.Duplicate") {
			return wrap("authorize egress of", id, err)
		}
	}
	var perms []ec2types.IpPermission
	for _, k := range sortedRules(rules) {
		if _, ok := want[k]; !ok {
			perms = append(perms, bare(permission(k, "")))
		}
	}
	if len(perms) == 0 {
		return nil
	}
	_, err := env.Clients.EC2.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: aws.String(group), IpPermissions: perms})
	if err != nil && !isCode(err, "InvalidPermission.NotFound") {
		return wrap("revoke egress of", id, err)
	}
	return nil
}

// egressDrift names each egress rule that differs from the design's, for
// a group whose egress the design manages.
func egressDrift(want map[ruleKey]string, managed bool, have []ec2types.IpPermission, names map[string]string) []resource.Drift {
	if !managed {
		return nil
	}
	rules := haveRules(have)
	var out []resource.Drift
	for _, k := range sortedRules(rules) {
		if _, ok := want[k]; !ok {
			out = append(out, resource.Drift{Setting: "egress " + ruleText(k, names, "to"), Live: "allowed", Want: "not allowed"})
		}
	}
	for _, k := range sortedRules(keysOf(want)) {
		if !rules[k] {
			out = append(out, resource.Drift{Setting: "egress " + ruleText(k, names, "to"), Live: "missing", Want: "allowed"})
		}
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
