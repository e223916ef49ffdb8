package aws

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/minimalinfra/mvi/engine/arch"
)

type securityGroupHandler struct{}

func (securityGroupHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeSecurityGroup, Service: arch.VPC, DeleteRank: 9,
		ARNKinds: []string{"ec2:security-group"},
		Console: func(s resource.Site) string {
			return console(s, "ec2/home?region="+s.Region+"#SecurityGroup:groupId="+s.PhysicalID)
		},
		Lookup: func(s resource.Site) string {
			return "aws ec2 describe-security-groups --group-ids " + s.PhysicalID + " " + regionFlag(s)
		},
	}
}

func sgLive(typ string, g ec2types.SecurityGroup) resource.Live {
	l := newLive(typ, str(g.GroupId), ec2TagMap(g.Tags))
	l.State = "available"
	l.ARN = str(g.SecurityGroupArn)
	l.Attrs["group_id"] = l.PhysicalID
	l.Attrs["group_name"] = str(g.GroupName)
	l.Attrs["vpc_id"] = str(g.VpcId)
	l.Attrs["description"] = str(g.Description)
	return l
}

func (h securityGroupHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	var out []resource.Live
	p := ec2.NewDescribeSecurityGroupsPaginator(env.Clients.EC2, &ec2.DescribeSecurityGroupsInput{Filters: appFilter(env.App)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("list", "security groups", err)
		}
		for _, g := range page.SecurityGroups {
			if ours(env.App, ec2TagMap(g.Tags)) {
				out = append(out, sgLive(h.Describe().Type, g))
			}
		}
	}
	return out, nil
}

func (h securityGroupHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	p, err := propsOf[arch.SecurityGroupProps]("create", r)
	if err != nil {
		return resource.Live{}, err
	}
	vpc, err := depAttr(env, r.ID, p.VPC, "vpc_id")
	if err != nil {
		return resource.Live{}, err
	}
	name := physName(env.App, r.ID, 255)
	res, err := env.Clients.EC2.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
		GroupName: aws.String(name), Description: aws.String(sgText(p.Description)), VpcId: aws.String(vpc),
		TagSpecifications: tagSpec(ec2types.ResourceTypeSecurityGroup, createTags(env, r, true), name),
	})
	if isCode(err, "InvalidGroup.Duplicate") {
		// The name is unique in the VPC: a retried create finds the first.
		found, derr := env.Clients.EC2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{
			{Name: aws.String("vpc-id"), Values: []string{vpc}}, {Name: aws.String("group-name"), Values: []string{name}}}})
		if derr != nil || len(found.SecurityGroups) == 0 {
			return resource.Live{}, wrap("create", r.ID, err)
		}
		g := found.SecurityGroups[0]
		if t := ec2TagMap(g.Tags); t[resource.TagApp] != env.App || t[resource.TagID] != r.ID {
			return resource.Live{}, wrap("create", r.ID, err)
		}
		return h.Update(ctx, env, r, sgLive(h.Describe().Type, g))
	}
	if err != nil {
		return resource.Live{}, wrap("create", r.ID, err)
	}
	live := resource.Live{ID: r.ID, Type: h.Describe().Type, PhysicalID: str(res.GroupId), ARN: str(res.SecurityGroupArn), State: "available",
		Attrs: map[string]string{"group_id": str(res.GroupId), "group_name": name, "vpc_id": vpc, "description": sgText(p.Description)}}
	return h.Update(ctx, env, r, live)
}

// ruleKey identifies one ingress rule: protocol, ports and source.
type ruleKey struct {
	proto    string
	from, to int32
	cidr     string
	group    string
}

// wantRules resolves the designed rules to group ids.
// A rule whose source is the group itself (the app's VMs reaching each
// other) names the group's own id, which no dependency carries.
func wantRules(env resource.Env, id, self string, rules []arch.Rule) (map[ruleKey]string, error) {
	out := map[ruleKey]string{}
	for _, rl := range rules {
		k := ruleKey{proto: rl.Protocol, from: int32(rl.FromPort), to: int32(rl.ToPort), cidr: rl.CIDR}
		if rl.SourceGroup == id {
			k.group = self
		} else if rl.SourceGroup != "" {
			g, err := depAttr(env, id, rl.SourceGroup, "group_id")
			if err != nil {
				return nil, err
			}
			k.group = g
		}
		out[k] = sgText(rl.Description)
	}
	return out, nil
}

// sgText keeps the characters EC2 allows in security group and rule
// descriptions (a-zA-Z0-9, spaces and ._-:/()#,@[]+=&;{}!$*), at most 255.
func sgText(s string) string {
	out := strings.Map(func(r rune) rune {
		if (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || strings.ContainsRune(" ._-:/()#,@[]+=&;{}!$*", r) {
			return r
		}
		return '-'
	}, s)
	return truncate(out, 255)
}

func permission(k ruleKey, desc string) ec2types.IpPermission {
	p := ec2types.IpPermission{IpProtocol: aws.String(k.proto), FromPort: aws.Int32(k.from), ToPort: aws.Int32(k.to)}
	if k.cidr != "" {
		p.IpRanges = []ec2types.IpRange{{CidrIp: aws.String(k.cidr), Description: aws.String(desc)}}
	}
	if k.group != "" {
		p.UserIdGroupPairs = []ec2types.UserIdGroupPair{{GroupId: aws.String(k.group), Description: aws.String(desc)}}
	}
	return p
}

// haveRules flattens a group's ingress permissions into rule keys.
func haveRules(perms []ec2types.IpPermission) map[ruleKey]bool {
	out := map[ruleKey]bool{}
	for _, p := range perms {
		base := ruleKey{proto: str(p.IpProtocol), from: i32(p.FromPort), to: i32(p.ToPort)}
		for _, r := range p.IpRanges {
			k := base
			k.cidr = str(r.CidrIp)
			out[k] = true
		}
		for _, g := range p.UserIdGroupPairs {
			k := base
			k.group = str(g.GroupId)
			out[k] = true
		}
		for _, r := range p.Ipv6Ranges {
			k := base
			k.cidr = str(r.CidrIpv6)
			out[k] = true
		}
		for _, pl := range p.PrefixListIds {
			k := base
			k.cidr = str(pl.PrefixListId)
			out[k] = true
		}
	}
	return out
}

func sortedRules(m map[ruleKey]bool) []ruleKey {
	out := make([]ruleKey, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return fmt.Sprint(out[i]) < fmt.Sprint(out[j]) })
	return out
}

// Update makes the ingress rules exactly the designed ones, and the
// egress rules too where the design manages them (wantEgress).
func (h securityGroupHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	p, err := propsOf[arch.SecurityGroupProps]("update", r)
	if err != nil {
		return resource.Live{}, err
	}
	vpc, err := depAttr(env, r.ID, p.VPC, "vpc_id")
	if err != nil {
		return resource.Live{}, err
	}
	if live.Attrs["vpc_id"] != vpc || (live.Attrs["description"] != "" && live.Attrs["description"] != sgText(p.Description)) {
		return resource.Live{}, resource.ErrReplace
	}
	want, err := wantRules(env, r.ID, live.PhysicalID, p.Ingress)
	if err != nil {
		return resource.Live{}, err
	}
	res, err := env.Clients.EC2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{live.PhysicalID}})
	if err != nil {
		return resource.Live{}, wrap("describe", r.ID, err)
	}
	if len(res.SecurityGroups) == 0 {
		return resource.Live{}, fmt.Errorf("update %s: security group %s is gone", r.ID, live.PhysicalID)
	}
	have := haveRules(res.SecurityGroups[0].IpPermissions)
	var add, revoke []ec2types.IpPermission
	for _, k := range sortedRules(keysOf(want)) {
		if !have[k] {
			add = append(add, permission(k, want[k]))
		}
	}
	for _, k := range sortedRules(have) {
		if _, ok := want[k]; !ok {
			revoke = append(revoke, permission(k, ""))
		}
	}
	if len(revoke) > 0 {
		for i := range revoke {
			revoke[i] = bare(revoke[i])
		}
		_, err := env.Clients.EC2.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(live.PhysicalID), IpPermissions: revoke})
		if err != nil && !isCode(err, "InvalidPermission.NotFound") {
			return resource.Live{}, wrap("revoke ingress of", r.ID, err)
		}
	}
	for _, perm := range add {
		_, err := env.Clients.EC2.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{
			GroupId: aws.String(live.PhysicalID), IpPermissions: []ec2types.IpPermission{perm},
			TagSpecifications: tagSpec(ec2types.ResourceTypeSecurityGroupRule, map[string]string{resource.TagApp: env.App}, ""),
		})
		if err != nil && !isCode(err, "InvalidPermission.Duplicate") {
			return resource.Live{}, wrap("authorize ingress of", r.ID, err)
		}
	}
	egress, managed, err := wantEgress(env, r.ID, p)
	if err != nil {
		return resource.Live{}, err
	}
	if managed {
		if err := syncEgress(ctx, env, r.ID, live.PhysicalID, egress, res.SecurityGroups[0].IpPermissionsEgress); err != nil {
			return resource.Live{}, err
		}
	}
	if live.Hash, err = setHash(ctx, env, r, live.PhysicalID); err != nil {
		return resource.Live{}, err
	}
	return live, nil
}

func keysOf(m map[ruleKey]string) map[ruleKey]bool {
	out := make(map[ruleKey]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

func (h securityGroupHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	_, err := env.Clients.EC2.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(live.PhysicalID)})
	if isCode(err, "InvalidGroup.NotFound") {
		return nil
	}
	return wrap("delete", live.ID, err)
}

func (h securityGroupHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	res, err := env.Clients.EC2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{live.PhysicalID}})
	if err != nil {
		return false, "", wrap("describe", live.ID, err)
	}
	if len(res.SecurityGroups) == 0 {
		return false, "waiting for security group (not found)", nil
	}
	return true, "", nil
}

// Replaces: a security group's description is fixed when it is made.
func (securityGroupHandler) Replaces(r arch.Resource, live resource.Live) string {
	p, ok := r.Props.(arch.SecurityGroupProps)
	if !ok {
		return ""
	}
	return forces("description", live.Attrs["description"], sgText(p.Description), "AWS can't change a security group's description in place")
}
