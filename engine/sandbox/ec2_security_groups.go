package sandbox

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func normProto(p string) (string, bool) {
	switch strings.ToLower(p) {
	case "tcp", "6":
		return "tcp", true
	case "udp", "17":
		return "udp", true
	case "icmp", "1":
		return "icmp", true
	case "icmpv6", "58":
		return "icmpv6", true
	case "-1", "all":
		return "-1", true
	}
	return p, false
}

func (r sgRule) key() string {
	return fmt.Sprintf("%v|%s|%d|%d|%s|%s|%s|%s", r.Egress, r.Proto, r.From, r.To, r.CIDR, r.CIDR6, r.Group, r.PrefixList)
}

func (r sgRule) peer() string {
	switch {
	case r.Group != "":
		return r.Group
	case r.CIDR6 != "":
		return r.CIDR6
	case r.PrefixList != "":
		return r.PrefixList
	}
	return r.CIDR
}

func (r sgRule) describe() string {
	dir := "ALLOW"
	proto := strings.ToUpper(r.Proto)
	if r.Proto == "-1" {
		proto = "ALL"
	}
	return fmt.Sprintf("peer: %s, %s, from port: %d, to port: %d, %s", r.peer(), proto, r.From, r.To, dir)
}

// permsToRules expands IpPermissions into one rule per source, validated.
func (t *tx) permsToRules(g *securityGroup, perms []ec2types.IpPermission, egress bool) ([]sgRule, error) {
	var out []sgRule
	for _, p := range perms {
		proto, ok := normProto(aws.ToString(p.IpProtocol))
		if !ok {
			return nil, errf("InvalidParameterValue", "Invalid value '%s' for IP protocol. Unknown protocol.", aws.ToString(p.IpProtocol))
		}
		from, to := int32(-1), int32(-1)
		switch proto {
		case "tcp", "udp":
			if p.FromPort == nil || p.ToPort == nil {
				return nil, errf("InvalidParameterValue", "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange")
			}
			from, to = *p.FromPort, *p.ToPort
			if from < 0 || to > 65535 || from > to {
				return nil, errf("InvalidParameterValue", "Invalid TCP/UDP port range: from %d to %d", from, to)
			}
		case "icmp", "icmpv6":
			from, to = aws.ToInt32(p.FromPort), aws.ToInt32(p.ToPort)
		}
		base := sgRule{Egress: egress, Proto: proto, From: from, To: to}
		for _, r := range p.IpRanges {
			c := aws.ToString(r.CidrIp)
			pp, err := netip.ParsePrefix(c)
			if err != nil || !pp.Addr().Is4() {
				return nil, errf("InvalidParameterValue", "CIDR block %s is malformed", c)
			}
			x := base
			x.CIDR, x.Desc = pp.Masked().String(), aws.ToString(r.Description)
			out = append(out, x)
		}
		for _, r := range p.Ipv6Ranges {
			c := aws.ToString(r.CidrIpv6)
			pp, err := netip.ParsePrefix(c)
			if err != nil || !pp.Addr().Is6() {
				return nil, errf("InvalidParameterValue", "CIDR block %s is malformed", c)
			}
			x := base
			x.CIDR6, x.Desc = pp.Masked().String(), aws.ToString(r.Description)
			out = append(out, x)
		}
		for _, r := range p.PrefixListIds {
			x := base
			x.PrefixList, x.Desc = aws.ToString(r.PrefixListId), aws.ToString(r.Description)
			out = append(out, x)
		}
		for _, r := range p.UserIdGroupPairs {
			ref := aws.ToString(r.GroupId)
			if ref == "" && r.GroupName != nil {
				for _, k := range sortedKeys(t.r.EC2.SecurityGroups) {
					if o := t.r.EC2.SecurityGroups[k]; o.VPC == g.VPC && o.Name == *r.GroupName {
						ref = o.ID
					}
				}
				if ref == "" {
					return nil, errf("InvalidGroup.NotFound", "The security group '%s' does not exist in VPC '%s'", *r.GroupName, g.VPC)
				}
			}
			o, err := t.sgByID(ref)
			if err != nil {
				return nil, err
			}
			if o.VPC != g.VPC {
				return nil, errf("InvalidGroup.NotFound", "You have specified two resources that belong to different networks.")
			}
			x := base
			x.Group, x.Desc = ref, aws.ToString(r.Description)
			out = append(out, x)
		}
	}
	return out, nil
}

// shortPerm turns the flat CidrIp/IpProtocol/FromPort/ToPort/SourceSecurityGroupName
// parameters into one IpPermission.
func shortPerm(cidr, proto *string, from, to *int32, srcName *string) []ec2types.IpPermission {
	if cidr == nil && proto == nil && srcName == nil {
		return nil
	}
	p := ec2types.IpPermission{IpProtocol: proto, FromPort: from, ToPort: to}
	if p.IpProtocol == nil {
		p.IpProtocol = aws.String("-1")
	}
	if cidr != nil {
		p.IpRanges = []ec2types.IpRange{{CidrIp: cidr}}
	}
	if srcName != nil {
		p.UserIdGroupPairs = []ec2types.UserIdGroupPair{{GroupName: srcName}}
	}
	return []ec2types.IpPermission{p}
}

func (t *tx) ruleOut(g *securityGroup, r sgRule) ec2types.SecurityGroupRule {
	out := ec2types.SecurityGroupRule{
		SecurityGroupRuleId: aws.String(r.ID), GroupId: aws.String(g.ID), GroupOwnerId: aws.String(t.account()),
		IsEgress: aws.Bool(r.Egress), IpProtocol: aws.String(r.Proto), FromPort: aws.Int32(r.From), ToPort: aws.Int32(r.To),
		SecurityGroupRuleArn: aws.String(t.ec2ARN(ec2types.ResourceTypeSecurityGroupRule, r.ID)), Tags: ec2Tags(r.Tags),
	}
	if r.Desc != "" {
		out.Description = aws.String(r.Desc)
	}
	switch {
	case r.CIDR != "":
		out.CidrIpv4 = aws.String(r.CIDR)
	case r.CIDR6 != "":
		out.CidrIpv6 = aws.String(r.CIDR6)
	case r.PrefixList != "":
		out.PrefixListId = aws.String(r.PrefixList)
	case r.Group != "":
		out.ReferencedGroupInfo = &ec2types.ReferencedSecurityGroup{GroupId: aws.String(r.Group), UserId: aws.String(t.account())}
	}
	return out
}

// permsOut groups rules as AWS shows them: one IpPermission per (protocol,
// ports), its sources listed inside.
func (t *tx) permsOut(rules []sgRule, egress bool) []ec2types.IpPermission {
	out := []ec2types.IpPermission{}
	idx := map[string]int{}
	for _, r := range rules {
		if r.Egress != egress {
			continue
		}
		k := fmt.Sprintf("%s|%d|%d", r.Proto, r.From, r.To)
		i, ok := idx[k]
		if !ok {
			p := ec2types.IpPermission{IpProtocol: aws.String(r.Proto)}
			if r.Proto != "-1" {
				p.FromPort, p.ToPort = aws.Int32(r.From), aws.Int32(r.To)
			}
			out = append(out, p)
			i = len(out) - 1
			idx[k] = i
		}
		p := &out[i]
		var desc *string
		if r.Desc != "" {
			desc = aws.String(r.Desc)
		}
		switch {
		case r.CIDR != "":
			p.IpRanges = append(p.IpRanges, ec2types.IpRange{CidrIp: aws.String(r.CIDR), Description: desc})
		case r.CIDR6 != "":
			p.Ipv6Ranges = append(p.Ipv6Ranges, ec2types.Ipv6Range{CidrIpv6: aws.String(r.CIDR6), Description: desc})
		case r.PrefixList != "":
			p.PrefixListIds = append(p.PrefixListIds, ec2types.PrefixListId{PrefixListId: aws.String(r.PrefixList), Description: desc})
		case r.Group != "":
			p.UserIdGroupPairs = append(p.UserIdGroupPairs, ec2types.UserIdGroupPair{GroupId: aws.String(r.Group), UserId: aws.String(t.account()), Description: desc})
		}
	}
	return out
}

func (t *tx) sgOut(g *securityGroup) ec2types.SecurityGroup {
	return ec2types.SecurityGroup{
		GroupId: aws.String(g.ID), GroupName: aws.String(g.Name), Description: aws.String(g.Description),
		VpcId: aws.String(g.VPC), OwnerId: aws.String(t.account()), SecurityGroupArn: aws.String(g.ARN),
		Tags: ec2Tags(g.Tags), IpPermissions: t.permsOut(g.Rules, false), IpPermissionsEgress: t.permsOut(g.Rules, true),
	}
}

func sgFields(g *securityGroup, account string) fields {
	f := fields{"group-id": {g.ID}, "group-name": {g.Name}, "vpc-id": {g.VPC}, "description": {g.Description},
		"owner-id": {account}, "ip-permission.group-id": nil, "ip-permission.cidr": nil, "ip-permission.from-port": nil,
		"ip-permission.to-port": nil, "ip-permission.protocol": nil, "egress.ip-permission.cidr": nil,
		"egress.ip-permission.group-id": nil, "egress.ip-permission.protocol": nil}
	for _, r := range g.Rules {
		pre := "ip-permission."
		if r.Egress {
			pre = "egress.ip-permission."
		}
		if r.Group != "" {
			f[pre+"group-id"] = append(f[pre+"group-id"], r.Group)
		}
		if r.CIDR != "" {
			f[pre+"cidr"] = append(f[pre+"cidr"], r.CIDR)
		}
		f[pre+"protocol"] = append(f[pre+"protocol"], r.Proto)
		if !r.Egress {
			f["ip-permission.from-port"] = append(f["ip-permission.from-port"], fmt.Sprint(r.From))
			f["ip-permission.to-port"] = append(f["ip-permission.to-port"], fmt.Sprint(r.To))
		}
	}
	return f
}

func (a *ec2API) CreateSecurityGroup(ctx context.Context, in *ec2.CreateSecurityGroupInput, _ ...func(*ec2.Options)) (*ec2.CreateSecurityGroupOutput, error) {
	return call(ctx, a.s, svcEC2, "CreateSecurityGroup", func(t *tx) (*ec2.CreateSecurityGroupOutput, error) {
		if err := dryRun(in.DryRun); err != nil {
			return nil, err
		}
		name := aws.ToString(in.GroupName)
		if name == "" {
			return nil, missingParam("GroupName")
		}
		if in.Description == nil || *in.Description == "" {
			return nil, missingParam("GroupDescription")
		}
		if len(name) > 255 || len(*in.Description) > 255 {
			return nil, errf("InvalidParameterValue", "Value for parameter GroupName or GroupDescription is too long (255 characters maximum)")
		}
		if sgKind.owns(strings.ToLower(name)) {
			return nil, errf("InvalidParameterValue", "Group names may not be in the format sg-*.")
		}
		if name == "default" {
			return nil, errf("InvalidGroup.Reserved", "The security group 'default' is reserved")
		}
		var v *vpc
		if in.VpcId != nil {
			var err error
			if v, err = t.vpcByID(*in.VpcId); err != nil {
				return nil, err
			}
		} else if v = t.defaultVPC(); v == nil {
			return nil, errf("VPCIdNotSpecified", "No default VPC for this user")
		}
		for _, g := range t.r.EC2.SecurityGroups {
			if g.VPC == v.ID && g.Name == name {
				return nil, errf("InvalidGroup.Duplicate", "The security group '%s' already exists for VPC '%s'", name, v.ID)
			}
		}
		if err := checkTagSpecs(in.TagSpecifications, ec2types.ResourceTypeSecurityGroup); err != nil {
			return nil, err
		}
		id := sgKind.newID()
		g := &securityGroup{Meta: Meta{ID: id, ARN: t.ec2ARN(ec2types.ResourceTypeSecurityGroup, id), Created: t.now, Tags: tagsFor(in.TagSpecifications, ec2types.ResourceTypeSecurityGroup)},
			Name: name, Description: *in.Description, VPC: v.ID,
			Rules: []sgRule{{ID: ec2ID("sgr"), Egress: true, Proto: "-1", From: -1, To: -1, CIDR: "0.0.0.0/0"}}}
		t.r.EC2.SecurityGroups[id] = g
		return &ec2.CreateSecurityGroupOutput{GroupId: aws.String(id), SecurityGroupArn: aws.String(g.ARN), Tags: ec2Tags(g.Tags)}, nil
	})
}

func (a *ec2API) DeleteSecurityGroup(ctx context.Context, in *ec2.DeleteSecurityGroupInput, _ ...func(*ec2.Options)) (*ec2.DeleteSecurityGroupOutput, error) {
	return call(ctx, a.s, svcEC2, "DeleteSecurityGroup", func(t *tx) (*ec2.DeleteSecurityGroupOutput, error) {
		if err := dryRun(in.DryRun); err != nil {
			return nil, err
		}
		g, err := t.sgByIDOrName(in.GroupId, in.GroupName)
		if err != nil {
			return nil, err
		}
		if g.Default {
			return nil, errf("CannotDelete", "the specified group: \"%s\" name: \"default\" cannot be deleted by a user", g.ID)
		}
		dep := errf("DependencyViolation", "resource %s has a dependent object", g.ID)
		for _, o := range t.r.EC2.SecurityGroups {
			if o.ID == g.ID {
				continue
			}
			for _, r := range o.Rules {
				if r.Group == g.ID {
					return nil, dep
				}
			}
		}
		for _, e := range t.r.EC2.ENIs {
			for _, sg := range e.SGs {
				if sg == g.ID {
					return nil, dep
				}
			}
		}
		delete(t.r.EC2.SecurityGroups, g.ID)
		return &ec2.DeleteSecurityGroupOutput{GroupId: aws.String(g.ID), Return: aws.Bool(true)}, nil
	})
}

func (a *ec2API) DescribeSecurityGroups(ctx context.Context, in *ec2.DescribeSecurityGroupsInput, _ ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupsOutput, error) {
	return call(ctx, a.s, svcEC2, "DescribeSecurityGroups", func(t *tx) (*ec2.DescribeSecurityGroupsOutput, error) {
		if err := checkFilters(in.Filters, sgFields(&securityGroup{}, "")); err != nil {
			return nil, err
		}
		want := map[string]bool{}
		for _, id := range in.GroupIds {
			if _, err := t.sgByID(id); err != nil {
				return nil, err
			}
			want[id] = true
		}
		for _, n := range in.GroupNames {
			g, err := t.sgByIDOrName(nil, aws.String(n))
			if err != nil {
				return nil, err
			}
			want[g.ID] = true
		}
		var out []ec2types.SecurityGroup
		for _, id := range sortedKeys(t.r.EC2.SecurityGroups) {
			g := t.r.EC2.SecurityGroups[id]
			if (len(want) > 0 && !want[id]) || t.hidden(g.Created) || !matchFilters(in.Filters, g.Tags, sgFields(g, t.account())) {
				continue
			}
			out = append(out, t.sgOut(g))
		}
		items, next, err := paginateEC2(out, in.MaxResults, in.NextToken)
		if err != nil {
			return nil, err
		}
		return &ec2.DescribeSecurityGroupsOutput{SecurityGroups: items, NextToken: next}, nil
	})
}

func (a *ec2API) AuthorizeSecurityGroupIngress(ctx context.Context, in *ec2.AuthorizeSecurityGroupIngressInput, _ ...func(*ec2.Options)) (*ec2.AuthorizeSecurityGroupIngressOutput, error) {
	return call(ctx, a.s, svcEC2, "AuthorizeSecurityGroupIngress", func(t *tx) (*ec2.AuthorizeSecurityGroupIngressOutput, error) {
		if err := dryRun(in.DryRun); err != nil {
			return nil, err
		}
		g, err := t.sgByIDOrName(in.GroupId, in.GroupName)
		if err != nil {
			return nil, err
		}
		perms := append(clone(in.IpPermissions), shortPerm(in.CidrIp, in.IpProtocol, in.FromPort, in.ToPort, in.SourceSecurityGroupName)...)
		if len(perms) == 0 {
			return nil, errf("MissingParameter", "The request must contain the parameter ipPermissions")
		}
		rules, err := t.permsToRules(g, perms, false)
		if err != nil {
			return nil, err
		}
		have := map[string]bool{}
		for _, r := range g.Rules {
			have[r.key()] = true
		}
		tags := tagsFor(in.TagSpecifications, ec2types.ResourceTypeSecurityGroupRule)
		out := &ec2.AuthorizeSecurityGroupIngressOutput{Return: aws.Bool(true)}
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

func (a *ec2API) RevokeSecurityGroupIngress(ctx context.Context, in *ec2.RevokeSecurityGroupIngressInput, _ ...func(*ec2.Options)) (*ec2.RevokeSecurityGroupIngressOutput, error) {
	return call(ctx, a.s, svcEC2, "RevokeSecurityGroupIngress", func(t *tx) (*ec2.RevokeSecurityGroupIngressOutput, error) {
		if err := dryRun(in.DryRun); err != nil {
			return nil, err
		}
		g, err := t.sgByIDOrName(in.GroupId, in.GroupName)
		if err != nil {
			return nil, err
		}
		out := &ec2.RevokeSecurityGroupIngressOutput{Return: aws.Bool(true)}
		drop := map[string]bool{}
		for _, id := range in.SecurityGroupRuleIds {
			found := false
			for _, r := range g.Rules {
				if r.ID == id && !r.Egress {
					found = true
					drop[r.ID] = true
				}
			}
			if !found {
				return nil, errf("InvalidSecurityGroupRuleId.NotFound", "The security group rule ID '%s' does not exist", id)
			}
		}
		perms := append(clone(in.IpPermissions), shortPerm(in.CidrIp, in.IpProtocol, in.FromPort, in.ToPort, in.SourceSecurityGroupName)...)
		rules, err := t.permsToRules(g, perms, false)
		if err != nil {
			return nil, err
		}
		for _, want := range rules {
			found := false
			for _, r := range g.Rules {
				if r.key() == want.key() {
					found = true
					drop[r.ID] = true
				}
			}
			if !found {
				return nil, errf("InvalidPermission.NotFound", "The specified rule does not exist in this security group.")
			}
		}
		out.RevokedSecurityGroupRules = dropRules(g, drop, false)
		return out, nil
	})
}

func (a *ec2API) DescribeSecurityGroupRules(ctx context.Context, in *ec2.DescribeSecurityGroupRulesInput, _ ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupRulesOutput, error) {
	return call(ctx, a.s, svcEC2, "DescribeSecurityGroupRules", func(t *tx) (*ec2.DescribeSecurityGroupRulesOutput, error) {
		known := fields{"group-id": nil, "security-group-rule-id": nil}
		if err := checkFilters(in.Filters, known); err != nil {
			return nil, err
		}
		want := newIDSet(in.SecurityGroupRuleIds)
		found := map[string]bool{}
		var out []ec2types.SecurityGroupRule
		for _, id := range sortedKeys(t.r.EC2.SecurityGroups) {
			g := t.r.EC2.SecurityGroups[id]
			if t.hidden(g.Created) {
				continue
			}
			for _, r := range g.Rules {
				if !want.has(r.ID) {
					continue
				}
				found[r.ID] = true
				if !matchFilters(in.Filters, r.Tags, fields{"group-id": {g.ID}, "security-group-rule-id": {r.ID}}) {
					continue
				}
				out = append(out, t.ruleOut(g, r))
			}
		}
		if len(in.SecurityGroupRuleIds) > 0 {
			if miss := want.missing(found); len(miss) > 0 {
				return nil, errf("InvalidSecurityGroupRuleId.NotFound", "The security group rule ID '%s' does not exist", miss[0])
			}
		}
		items, next, err := paginateEC2(out, in.MaxResults, in.NextToken)
		if err != nil {
			return nil, err
		}
		return &ec2.DescribeSecurityGroupRulesOutput{SecurityGroupRules: items, NextToken: next}, nil
	})
}

// dropRules takes the rules whose ids are in drop out of g and says what
// was revoked, as Revoke*SecurityGroup{Ingress,Egress} report it.
func dropRules(g *securityGroup, drop map[string]bool, egress bool) []ec2types.RevokedSecurityGroupRule {
	var out []ec2types.RevokedSecurityGroupRule
	kept := g.Rules[:0]
	for _, r := range g.Rules {
		if drop[r.ID] {
			out = append(out, ec2types.RevokedSecurityGroupRule{
				SecurityGroupRuleId: aws.String(r.ID), GroupId: aws.String(g.ID), IsEgress: aws.Bool(egress),
				IpProtocol: aws.String(r.Proto), FromPort: aws.Int32(r.From), ToPort: aws.Int32(r.To),
			})
			continue
		}
		kept = append(kept, r)
	}
	g.Rules = kept
	return out
}
