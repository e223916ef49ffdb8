package sandbox

import (
	"context"
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/minimalinfra/mvi/engine/cloud"
)

// ec2API implements cloud.EC2. The network calls live here, instances,
// ENIs, launch templates and tags in ec2_instances.go.
type ec2API struct{ s *Sandbox }

var _ cloud.EC2 = (*ec2API)(nil)

type ec2State struct {
	VPCs            map[string]*vpc            `json:"vpcs"`
	Subnets         map[string]*subnet         `json:"subnets"`
	IGWs            map[string]*igw            `json:"internet_gateways"`
	RouteTables     map[string]*routeTable     `json:"route_tables"`
	SecurityGroups  map[string]*securityGroup  `json:"security_groups"`
	LaunchTemplates map[string]*launchTemplate `json:"launch_templates"`
	Instances       map[string]*instance       `json:"instances"`
	ENIs            map[string]*eni            `json:"network_interfaces"`
}

type vpc struct {
	Meta
	CIDR         string `json:"cidr"`
	CIDRAssoc    string `json:"cidr_assoc"`
	DHCPOptions  string `json:"dhcp_options"`
	Default      bool   `json:"default,omitempty"`
	DNSSupport   bool   `json:"dns_support"`
	DNSHostnames bool   `json:"dns_hostnames"`
	Tenancy      string `json:"tenancy"`
}

type subnet struct {
	Meta
	VPC         string `json:"vpc"`
	CIDR        string `json:"cidr"`
	AZ          string `json:"az"`
	MapPublicIP bool   `json:"map_public_ip,omitempty"`
	DefaultAZ   bool   `json:"default_for_az,omitempty"`
}

type igw struct {
	Meta
	VPC string `json:"vpc,omitempty"`
}

type routeTable struct {
	Meta
	VPC    string    `json:"vpc"`
	Main   bool      `json:"main,omitempty"`
	Routes []route   `json:"routes"`
	Assocs []rtAssoc `json:"associations,omitempty"`
}

type route struct {
	Dest    string `json:"dest"`
	Gateway string `json:"gateway"`
	Origin  string `json:"origin"`
}

type rtAssoc struct {
	ID     string `json:"id"`
	Subnet string `json:"subnet,omitempty"`
	Main   bool   `json:"main,omitempty"`
}

type securityGroup struct {
	Meta
	Name        string   `json:"name"`
	Description string   `json:"description"`
	VPC         string   `json:"vpc"`
	Default     bool     `json:"default,omitempty"`
	Rules       []sgRule `json:"rules"`
}

type sgRule struct {
	ID         string            `json:"id"`
	Egress     bool              `json:"egress,omitempty"`
	Proto      string            `json:"proto"`
	From       int32             `json:"from"`
	To         int32             `json:"to"`
	CIDR       string            `json:"cidr,omitempty"`
	CIDR6      string            `json:"cidr6,omitempty"`
	Group      string            `json:"group,omitempty"`
	PrefixList string            `json:"prefix_list,omitempty"`
	Desc       string            `json:"description,omitempty"`
	Tags       map[string]string `json:"tags,omitempty"`
}

// seedRegion gives a new region what AWS gives every account: a default VPC
// (172.31.0.0/16) with a default subnet per zone, an internet gateway, a
// main route table and a default security group.
func seedRegion(st *state, r *region) {
	now := st.Created.Add(-24 * time.Hour) // the account's defaults predate the sandbox
	mk := func(prefix, res string) Meta {
		id := ec2ID(prefix)
		return Meta{ID: id, ARN: arn("ec2", r.Name, st.Account, res+"/"+id), Created: now}
	}
	v := &vpc{Meta: mk("vpc", "vpc"), CIDR: "172.31.0.0/16", CIDRAssoc: ec2ID("vpc-cidr-assoc"),
		DHCPOptions: ec2ID("dopt"), Default: true, DNSSupport: true, DNSHostnames: true, Tenancy: "default"}
	r.EC2.VPCs[v.ID] = v
	gw := &igw{Meta: mk("igw", "internet-gateway"), VPC: v.ID}
	r.EC2.IGWs[gw.ID] = gw
	rt := &routeTable{Meta: mk("rtb", "route-table"), VPC: v.ID, Main: true,
		Routes: []route{{Dest: v.CIDR, Gateway: "local", Origin: "CreateRouteTable"}, {Dest: "0.0.0.0/0", Gateway: gw.ID, Origin: "CreateRoute"}},
		Assocs: []rtAssoc{{ID: ec2ID("rtbassoc"), Main: true}}}
	r.EC2.RouteTables[rt.ID] = rt
	sg := defaultSG(st.Account, r.Name, v.ID, now)
	r.EC2.SecurityGroups[sg.ID] = sg
	for i, z := range zones(r.Name) {
		sn := &subnet{Meta: mk("subnet", "subnet"), VPC: v.ID, CIDR: fmt.Sprintf("172.31.%d.0/20", 16*i), AZ: z, MapPublicIP: true, DefaultAZ: true}
		r.EC2.Subnets[sn.ID] = sn
	}
}

func defaultSG(account, region, vpcID string, now time.Time) *securityGroup {
	id := ec2ID("sg")
	return &securityGroup{
		Meta: Meta{ID: id, ARN: arn("ec2", region, account, "security-group/"+id), Created: now},
		Name: "default", Description: "default VPC security group", VPC: vpcID, Default: true,
		Rules: []sgRule{
			{ID: ec2ID("sgr"), Proto: "-1", From: -1, To: -1, Group: id},
			{ID: ec2ID("sgr"), Egress: true, Proto: "-1", From: -1, To: -1, CIDR: "0.0.0.0/0"},
		},
	}
}

// --- lookups ---

func malformed(code, id string) error { return errf(code, "Invalid id: \"%s\"", id) }

func (t *tx) vpcByID(id string) (*vpc, error) {
	if !strings.HasPrefix(id, "vpc-") {
		return nil, malformed("InvalidVpcID.Malformed", id)
	}
	v := t.r.EC2.VPCs[id]
	if v == nil || t.hidden(v.Created) {
		return nil, errf("InvalidVpcID.NotFound", "The vpc ID '%s' does not exist", id)
	}
	return v, nil
}

func (t *tx) subnetByID(id string) (*subnet, error) {
	if !strings.HasPrefix(id, "subnet-") {
		return nil, malformed("InvalidSubnetID.Malformed", id)
	}
	s := t.r.EC2.Subnets[id]
	if s == nil || t.hidden(s.Created) {
		return nil, errf("InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist", id)
	}
	return s, nil
}

func (t *tx) igwByID(id string) (*igw, error) {
	if !strings.HasPrefix(id, "igw-") {
		return nil, malformed("InvalidInternetGatewayID.Malformed", id)
	}
	g := t.r.EC2.IGWs[id]
	if g == nil || t.hidden(g.Created) {
		return nil, errf("InvalidInternetGatewayID.NotFound", "The internetGateway ID '%s' does not exist", id)
	}
	return g, nil
}

func (t *tx) rtbByID(id string) (*routeTable, error) {
	if !strings.HasPrefix(id, "rtb-") {
		return nil, malformed("InvalidRouteTableID.Malformed", id)
	}
	rt := t.r.EC2.RouteTables[id]
	if rt == nil || t.hidden(rt.Created) {
		return nil, errf("InvalidRouteTableID.NotFound", "The routeTable ID '%s' does not exist", id)
	}
	return rt, nil
}

func (t *tx) sgByID(id string) (*securityGroup, error) {
	if !strings.HasPrefix(id, "sg-") {
		return nil, errf("InvalidGroupId.Malformed", "Invalid id: \"%s\" (expecting \"sg-...\")", id)
	}
	g := t.r.EC2.SecurityGroups[id]
	if g == nil || t.hidden(g.Created) {
		return nil, errf("InvalidGroup.NotFound", "The security group '%s' does not exist", id)
	}
	return g, nil
}

func (t *tx) defaultVPC() *vpc {
	for _, id := range sortedKeys(t.r.EC2.VPCs) {
		if v := t.r.EC2.VPCs[id]; v.Default {
			return v
		}
	}
	return nil
}

// sgByIDOrName resolves GroupId, or GroupName in the default VPC (as EC2
// does for name-only requests).
func (t *tx) sgByIDOrName(id, name *string) (*securityGroup, error) {
	if aws.ToString(id) != "" {
		return t.sgByID(aws.ToString(id))
	}
	n := aws.ToString(name)
	if n == "" {
		return nil, errf("MissingParameter", "The request must contain the parameter groupId or groupName")
	}
	dv := t.defaultVPC()
	for _, k := range sortedKeys(t.r.EC2.SecurityGroups) {
		g := t.r.EC2.SecurityGroups[k]
		if dv != nil && g.VPC == dv.ID && g.Name == n {
			return g, nil
		}
	}
	dvID := ""
	if dv != nil {
		dvID = dv.ID
	}
	return nil, errf("InvalidGroup.NotFound", "The security group '%s' does not exist in default VPC '%s'", n, dvID)
}

func dryRun(b *bool) error {
	if aws.ToBool(b) {
		return errf("DryRunOperation", "Request would have succeeded, but DryRun flag is set.")
	}
	return nil
}

// paginateEC2 applies MaxResults/NextToken to a list.
func paginateEC2[T any](items []T, max *int32, token *string) ([]T, *string, error) {
	if max == nil && token == nil {
		return items, nil, nil
	}
	m := int(aws.ToInt32(max))
	if max != nil && (m < 5 || m > 1000) {
		return nil, nil, errf("InvalidParameterValue", "Value ( %d ) for parameter maxResults is invalid. Parameter must be between 5 and 1000.", m)
	}
	return page(items, token, m)
}

// --- CIDRs ---

func parseCIDR(s, param string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() {
		return netip.Prefix{}, invalidParam(s, param, "This is not a valid CIDR block.")
	}
	if p.Masked() != p {
		return netip.Prefix{}, invalidParam(s, param, "This is not a valid CIDR block.")
	}
	return p, nil
}

func overlaps(a, b netip.Prefix) bool { return a.Overlaps(b) }

// hostCount is the number of usable addresses of a subnet: AWS reserves
// five.
func hostCount(p netip.Prefix) int { return 1<<(32-p.Bits()) - 5 }

// --- VPCs ---

func (a *ec2API) CreateVpc(ctx context.Context, in *ec2.CreateVpcInput, _ ...func(*ec2.Options)) (*ec2.CreateVpcOutput, error) {
	return call(ctx, a.s, svcEC2, "CreateVpc", func(t *tx) (*ec2.CreateVpcOutput, error) {
		if err := dryRun(in.DryRun); err != nil {
			return nil, err
		}
		if in.CidrBlock == nil {
			return nil, errf("MissingParameter", "Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.")
		}
		p, err := parseCIDR(*in.CidrBlock, "cidrBlock")
		if err != nil {
			return nil, err
		}
		if p.Bits() < 16 || p.Bits() > 28 {
			return nil, errf("InvalidVpc.Range", "The CIDR '%s' is invalid.", *in.CidrBlock)
		}
		if err := checkTagSpecs(in.TagSpecifications, ec2types.ResourceTypeVpc); err != nil {
			return nil, err
		}
		id := ec2ID("vpc")
		v := &vpc{Meta: Meta{ID: id, ARN: t.arn("ec2", "vpc/"+id), Created: t.now, Tags: tagsFor(in.TagSpecifications, ec2types.ResourceTypeVpc)},
			CIDR: p.String(), CIDRAssoc: ec2ID("vpc-cidr-assoc"), DHCPOptions: ec2ID("dopt"), DNSSupport: true, Tenancy: "default"}
		if in.InstanceTenancy != "" {
			v.Tenancy = string(in.InstanceTenancy)
		}
		t.r.EC2.VPCs[id] = v
		// Every VPC comes with a main route table and a default security group.
		rt := &routeTable{Meta: Meta{ID: ec2ID("rtb"), Created: t.now}, VPC: id, Main: true,
			Routes: []route{{Dest: v.CIDR, Gateway: "local", Origin: "CreateRouteTable"}},
			Assocs: []rtAssoc{{ID: ec2ID("rtbassoc"), Main: true}}}
		rt.ARN = t.arn("ec2", "route-table/"+rt.ID)
		t.r.EC2.RouteTables[rt.ID] = rt
		sg := defaultSG(t.account(), t.regionName(), id, t.now)
		t.r.EC2.SecurityGroups[sg.ID] = sg
		out := t.vpcOut(v)
		out.State = ec2types.VpcStatePending // as AWS answers the create
		return &ec2.CreateVpcOutput{Vpc: &out}, nil
	})
}

func (t *tx) vpcOut(v *vpc) ec2types.Vpc {
	return ec2types.Vpc{
		VpcId: aws.String(v.ID), CidrBlock: aws.String(v.CIDR), State: ec2types.VpcStateAvailable,
		DhcpOptionsId: aws.String(v.DHCPOptions), InstanceTenancy: ec2types.Tenancy(v.Tenancy),
		IsDefault: aws.Bool(v.Default), OwnerId: aws.String(t.account()), Tags: ec2Tags(v.Tags),
		CidrBlockAssociationSet: []ec2types.VpcCidrBlockAssociation{{
			AssociationId: aws.String(v.CIDRAssoc), CidrBlock: aws.String(v.CIDR),
			CidrBlockState: &ec2types.VpcCidrBlockState{State: ec2types.VpcCidrBlockStateCodeAssociated},
		}},
	}
}

func vpcFields(v *vpc, account string) fields {
	return fields{
		"vpc-id": {v.ID}, "cidr": {v.CIDR}, "cidr-block-association.cidr-block": {v.CIDR},
		"cidr-block-association.association-id": {v.CIDRAssoc}, "cidr-block-association.state": {"associated"},
		"state": {"available"}, "is-default": {boolStr(v.Default)}, "owner-id": {account},
		"dhcp-options-id": {v.DHCPOptions},
	}
}

func (a *ec2API) DescribeVpcs(ctx context.Context, in *ec2.DescribeVpcsInput, _ ...func(*ec2.Options)) (*ec2.DescribeVpcsOutput, error) {
	return call(ctx, a.s, svcEC2, "DescribeVpcs", func(t *tx) (*ec2.DescribeVpcsOutput, error) {
		if err := checkFilters(in.Filters, vpcFields(&vpc{}, "")); err != nil {
			return nil, err
		}
		for _, id := range in.VpcIds {
			if _, err := t.vpcByID(id); err != nil {
				return nil, err
			}
		}
		ids := newIDSet(in.VpcIds)
		var out []ec2types.Vpc
		for _, id := range sortedKeys(t.r.EC2.VPCs) {
			v := t.r.EC2.VPCs[id]
			if !ids.has(id) || t.hidden(v.Created) || !matchFilters(in.Filters, v.Tags, vpcFields(v, t.account())) {
				continue
			}
			out = append(out, t.vpcOut(v))
		}
		items, next, err := paginateEC2(out, in.MaxResults, in.NextToken)
		if err != nil {
			return nil, err
		}
		return &ec2.DescribeVpcsOutput{Vpcs: items, NextToken: next}, nil
	})
}

func (a *ec2API) ModifyVpcAttribute(ctx context.Context, in *ec2.ModifyVpcAttributeInput, _ ...func(*ec2.Options)) (*ec2.ModifyVpcAttributeOutput, error) {
	return call(ctx, a.s, svcEC2, "ModifyVpcAttribute", func(t *tx) (*ec2.ModifyVpcAttributeOutput, error) {
		v, err := t.vpcByID(aws.ToString(in.VpcId))
		if err != nil {
			return nil, err
		}
		var set []string
		if in.EnableDnsHostnames != nil {
			set = append(set, "enableDnsHostnames")
		}
		if in.EnableDnsSupport != nil {
			set = append(set, "enableDnsSupport")
		}
		if in.EnableNetworkAddressUsageMetrics != nil {
			set = append(set, "enableNetworkAddressUsageMetrics")
		}
		switch {
		case len(set) == 0:
			return nil, errf("MissingParameter", "The request must contain the parameter attribute")
		case len(set) > 1:
			return nil, errf("InvalidParameterCombination", "Fields for multiple attribute types specified: %s", strings.Join(set, ", "))
		}
		if in.EnableDnsHostnames != nil {
			on := aws.ToBool(in.EnableDnsHostnames.Value)
			if on && !v.DNSSupport {
				return nil, errf("InvalidParameterValue", "Value (true) for parameter enableDnsHostnames is invalid. DNS support must be enabled first.")
			}
			v.DNSHostnames = on
		}
		if in.EnableDnsSupport != nil {
			v.DNSSupport = aws.ToBool(in.EnableDnsSupport.Value)
		}
		return &ec2.ModifyVpcAttributeOutput{}, nil
	})
}

func (a *ec2API) DeleteVpc(ctx context.Context, in *ec2.DeleteVpcInput, _ ...func(*ec2.Options)) (*ec2.DeleteVpcOutput, error) {
	return call(ctx, a.s, svcEC2, "DeleteVpc", func(t *tx) (*ec2.DeleteVpcOutput, error) {
		if err := dryRun(in.DryRun); err != nil {
			return nil, err
		}
		v, err := t.vpcByID(aws.ToString(in.VpcId))
		if err != nil {
			return nil, err
		}
		dep := errf("DependencyViolation", "The vpc '%s' has dependencies and cannot be deleted.", v.ID)
		for _, s := range t.r.EC2.Subnets {
			if s.VPC == v.ID {
				return nil, dep
			}
		}
		for _, g := range t.r.EC2.IGWs {
			if g.VPC == v.ID {
				return nil, dep
			}
		}
		for _, g := range t.r.EC2.SecurityGroups {
			if g.VPC == v.ID && !g.Default {
				return nil, dep
			}
		}
		for _, rt := range t.r.EC2.RouteTables {
			if rt.VPC == v.ID && !rt.Main {
				return nil, dep
			}
		}
		for _, e := range t.r.EC2.ENIs {
			if e.VPC == v.ID {
				return nil, dep
			}
		}
		for id, g := range t.r.EC2.SecurityGroups {
			if g.VPC == v.ID {
				delete(t.r.EC2.SecurityGroups, id)
			}
		}
		for id, rt := range t.r.EC2.RouteTables {
			if rt.VPC == v.ID {
				delete(t.r.EC2.RouteTables, id)
			}
		}
		delete(t.r.EC2.VPCs, v.ID)
		return &ec2.DeleteVpcOutput{}, nil
	})
}

// --- subnets ---

func (t *tx) usedIPs(subnetID string) int {
	n := 0
	for _, e := range t.r.EC2.ENIs {
		if e.Subnet == subnetID {
			n++
		}
	}
	return n
}

func (t *tx) subnetOut(s *subnet) ec2types.Subnet {
	p, _ := netip.ParsePrefix(s.CIDR)
	return ec2types.Subnet{
		SubnetId: aws.String(s.ID), SubnetArn: aws.String(s.ARN), VpcId: aws.String(s.VPC), CidrBlock: aws.String(s.CIDR),
		AvailabilityZone: aws.String(s.AZ), AvailabilityZoneId: aws.String(zoneID(t.regionName(), s.AZ)),
		AvailableIpAddressCount: aws.Int32(int32(hostCount(p) - t.usedIPs(s.ID))),
		DefaultForAz:            aws.Bool(s.DefaultAZ), MapPublicIpOnLaunch: aws.Bool(s.MapPublicIP),
		State: ec2types.SubnetStateAvailable, OwnerId: aws.String(t.account()), Tags: ec2Tags(s.Tags),
		AssignIpv6AddressOnCreation: aws.Bool(false), MapCustomerOwnedIpOnLaunch: aws.Bool(false),
		Ipv6Native: aws.Bool(false), EnableDns64: aws.Bool(false),
	}
}

func subnetFields(s *subnet, t *tx) fields {
	return fields{
		"subnet-id": {s.ID}, "vpc-id": {s.VPC}, "cidr-block": {s.CIDR}, "cidr": {s.CIDR}, "cidrBlock": {s.CIDR},
		"availability-zone": {s.AZ}, "availabilityZone": {s.AZ}, "availability-zone-id": {zoneIDOrEmpty(t, s.AZ)},
		"state": {"available"}, "default-for-az": {boolStr(s.DefaultAZ)}, "defaultForAz": {boolStr(s.DefaultAZ)},
		"map-public-ip-on-launch": {boolStr(s.MapPublicIP)}, "owner-id": {accountOf(t)}, "subnet-arn": {s.ARN},
	}
}

func zoneIDOrEmpty(t *tx, az string) string {
	if t == nil || az == "" {
		return ""
	}
	return zoneID(t.regionName(), az)
}

func accountOf(t *tx) string {
	if t == nil {
		return ""
	}
	return t.account()
}

func (a *ec2API) CreateSubnet(ctx context.Context, in *ec2.CreateSubnetInput, _ ...func(*ec2.Options)) (*ec2.CreateSubnetOutput, error) {
	return call(ctx, a.s, svcEC2, "CreateSubnet", func(t *tx) (*ec2.CreateSubnetOutput, error) {
		if err := dryRun(in.DryRun); err != nil {
			return nil, err
		}
		if in.VpcId == nil {
			return nil, missingParam("vpcId")
		}
		v, err := t.vpcByID(*in.VpcId)
		if err != nil {
			return nil, err
		}
		if in.CidrBlock == nil {
			return nil, missingParam("cidrBlock")
		}
		p, err := parseCIDR(*in.CidrBlock, "cidrBlock")
		if err != nil {
			return nil, err
		}
		vp := netip.MustParsePrefix(v.CIDR)
		if p.Bits() < 16 || p.Bits() > 28 || !vp.Contains(p.Addr()) || p.Bits() < vp.Bits() {
			return nil, errf("InvalidSubnet.Range", "The CIDR '%s' is invalid.", *in.CidrBlock)
		}
		for _, s := range t.r.EC2.Subnets {
			if s.VPC == v.ID && overlaps(p, netip.MustParsePrefix(s.CIDR)) {
				return nil, errf("InvalidSubnet.Conflict", "The CIDR '%s' conflicts with another subnet", *in.CidrBlock)
			}
		}
		zs := zones(t.regionName())
		az := aws.ToString(in.AvailabilityZone)
		if az == "" && in.AvailabilityZoneId != nil {
			for _, z := range zs {
				if zoneID(t.regionName(), z) == *in.AvailabilityZoneId {
					az = z
				}
			}
			if az == "" {
				return nil, invalidParam(*in.AvailabilityZoneId, "availabilityZoneId", "")
			}
		}
		if az == "" {
			az = zs[randIntn(len(zs))]
		}
		found := false
		for _, z := range zs {
			found = found || z == az
		}
		if !found {
			return nil, errf("InvalidParameterValue", "Value (%s) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: %s.", az, strings.Join(zs, ", "))
		}
		if err := checkTagSpecs(in.TagSpecifications, ec2types.ResourceTypeSubnet); err != nil {
			return nil, err
		}
		id := ec2ID("subnet")
		s := &subnet{Meta: Meta{ID: id, ARN: t.arn("ec2", "subnet/"+id), Created: t.now, Tags: tagsFor(in.TagSpecifications, ec2types.ResourceTypeSubnet)},
			VPC: v.ID, CIDR: p.String(), AZ: az}
		t.r.EC2.Subnets[id] = s
		out := t.subnetOut(s)
		return &ec2.CreateSubnetOutput{Subnet: &out}, nil
	})
}

func (a *ec2API) DescribeSubnets(ctx context.Context, in *ec2.DescribeSubnetsInput, _ ...func(*ec2.Options)) (*ec2.DescribeSubnetsOutput, error) {
	return call(ctx, a.s, svcEC2, "DescribeSubnets", func(t *tx) (*ec2.DescribeSubnetsOutput, error) {
		if err := checkFilters(in.Filters, subnetFields(&subnet{}, nil)); err != nil {
			return nil, err
		}
		for _, id := range in.SubnetIds {
			if _, err := t.subnetByID(id); err != nil {
				return nil, err
			}
		}
		ids := newIDSet(in.SubnetIds)
		var out []ec2types.Subnet
		for _, id := range sortedKeys(t.r.EC2.Subnets) {
			s := t.r.EC2.Subnets[id]
			if !ids.has(id) || t.hidden(s.Created) || !matchFilters(in.Filters, s.Tags, subnetFields(s, t)) {
				continue
			}
			out = append(out, t.subnetOut(s))
		}
		items, next, err := paginateEC2(out, in.MaxResults, in.NextToken)
		if err != nil {
			return nil, err
		}
		return &ec2.DescribeSubnetsOutput{Subnets: items, NextToken: next}, nil
	})
}

func (a *ec2API) ModifySubnetAttribute(ctx context.Context, in *ec2.ModifySubnetAttributeInput, _ ...func(*ec2.Options)) (*ec2.ModifySubnetAttributeOutput, error) {
	return call(ctx, a.s, svcEC2, "ModifySubnetAttribute", func(t *tx) (*ec2.ModifySubnetAttributeOutput, error) {
		s, err := t.subnetByID(aws.ToString(in.SubnetId))
		if err != nil {
			return nil, err
		}
		if in.MapPublicIpOnLaunch != nil {
			s.MapPublicIP = aws.ToBool(in.MapPublicIpOnLaunch.Value)
		}
		return &ec2.ModifySubnetAttributeOutput{}, nil
	})
}

func (a *ec2API) DeleteSubnet(ctx context.Context, in *ec2.DeleteSubnetInput, _ ...func(*ec2.Options)) (*ec2.DeleteSubnetOutput, error) {
	return call(ctx, a.s, svcEC2, "DeleteSubnet", func(t *tx) (*ec2.DeleteSubnetOutput, error) {
		if err := dryRun(in.DryRun); err != nil {
			return nil, err
		}
		s, err := t.subnetByID(aws.ToString(in.SubnetId))
		if err != nil {
			return nil, err
		}
		// Instances (their ENIs), load balancer, database and mount target
		// ENIs all hold the subnet; so do ENIs still being released.
		if t.usedIPs(s.ID) > 0 {
			return nil, errf("DependencyViolation", "The subnet '%s' has dependencies and cannot be deleted.", s.ID)
		}
		for _, rt := range t.r.EC2.RouteTables {
			kept := rt.Assocs[:0]
			for _, as := range rt.Assocs {
				if as.Subnet != s.ID {
					kept = append(kept, as)
				}
			}
			rt.Assocs = kept
		}
		delete(t.r.EC2.Subnets, s.ID)
		return &ec2.DeleteSubnetOutput{}, nil
	})
}

// --- internet gateways ---

func (t *tx) igwOut(g *igw) ec2types.InternetGateway {
	out := ec2types.InternetGateway{InternetGatewayId: aws.String(g.ID), OwnerId: aws.String(t.account()), Tags: ec2Tags(g.Tags)}
	if g.VPC != "" {
		out.Attachments = []ec2types.InternetGatewayAttachment{{VpcId: aws.String(g.VPC), State: ec2types.AttachmentStatus("available")}}
	}
	return out
}

func igwFields(g *igw, account string) fields {
	f := fields{"internet-gateway-id": {g.ID}, "owner-id": {account}, "attachment.vpc-id": nil, "attachment.state": nil}
	if g.VPC != "" {
		f["attachment.vpc-id"] = []string{g.VPC}
		f["attachment.state"] = []string{"available"}
	}
	return f
}

func (a *ec2API) CreateInternetGateway(ctx context.Context, in *ec2.CreateInternetGatewayInput, _ ...func(*ec2.Options)) (*ec2.CreateInternetGatewayOutput, error) {
	return call(ctx, a.s, svcEC2, "CreateInternetGateway", func(t *tx) (*ec2.CreateInternetGatewayOutput, error) {
		if err := dryRun(in.DryRun); err != nil {
			return nil, err
		}
		if err := checkTagSpecs(in.TagSpecifications, ec2types.ResourceTypeInternetGateway); err != nil {
			return nil, err
		}
		id := ec2ID("igw")
		g := &igw{Meta: Meta{ID: id, ARN: t.arn("ec2", "internet-gateway/"+id), Created: t.now, Tags: tagsFor(in.TagSpecifications, ec2types.ResourceTypeInternetGateway)}}
		t.r.EC2.IGWs[id] = g
		out := t.igwOut(g)
		return &ec2.CreateInternetGatewayOutput{InternetGateway: &out}, nil
	})
}

func (a *ec2API) AttachInternetGateway(ctx context.Context, in *ec2.AttachInternetGatewayInput, _ ...func(*ec2.Options)) (*ec2.AttachInternetGatewayOutput, error) {
	return call(ctx, a.s, svcEC2, "AttachInternetGateway", func(t *tx) (*ec2.AttachInternetGatewayOutput, error) {
		if err := dryRun(in.DryRun); err != nil {
			return nil, err
		}
		g, err := t.igwByID(aws.ToString(in.InternetGatewayId))
		if err != nil {
			return nil, err
		}
		v, err := t.vpcByID(aws.ToString(in.VpcId))
		if err != nil {
			return nil, err
		}
		if g.VPC != "" {
			return nil, errf("Resource.AlreadyAssociated", "resource %s is already attached to network %s", g.ID, g.VPC)
		}
		for _, o := range t.r.EC2.IGWs {
			if o.VPC == v.ID {
				return nil, errf("Resource.AlreadyAssociated", "resource %s is already attached to network %s", o.ID, v.ID)
			}
		}
		g.VPC = v.ID
		return &ec2.AttachInternetGatewayOutput{}, nil
	})
}

// publicAddressesIn reports whether anything in a VPC holds a public IP
// (instances, internet-facing load balancers), which keeps its gateway
// attached.
func (t *tx) publicAddressesIn(vpcID string) bool {
	for _, e := range t.r.EC2.ENIs {
		if e.VPC == vpcID && e.PublicIP != "" {
			return true
		}
	}
	return false
}

func (a *ec2API) DetachInternetGateway(ctx context.Context, in *ec2.DetachInternetGatewayInput, _ ...func(*ec2.Options)) (*ec2.DetachInternetGatewayOutput, error) {
	return call(ctx, a.s, svcEC2, "DetachInternetGateway", func(t *tx) (*ec2.DetachInternetGatewayOutput, error) {
		if err := dryRun(in.DryRun); err != nil {
			return nil, err
		}
		g, err := t.igwByID(aws.ToString(in.InternetGatewayId))
		if err != nil {
			return nil, err
		}
		v, err := t.vpcByID(aws.ToString(in.VpcId))
		if err != nil {
			return nil, err
		}
		if g.VPC != v.ID {
			return nil, errf("Gateway.NotAttached", "resource %s is not attached to network %s", g.ID, v.ID)
		}
		if t.publicAddressesIn(v.ID) {
			return nil, errf("DependencyViolation", "Network %s has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.", v.ID)
		}
		g.VPC = ""
		return &ec2.DetachInternetGatewayOutput{}, nil
	})
}

func (a *ec2API) DeleteInternetGateway(ctx context.Context, in *ec2.DeleteInternetGatewayInput, _ ...func(*ec2.Options)) (*ec2.DeleteInternetGatewayOutput, error) {
	return call(ctx, a.s, svcEC2, "DeleteInternetGateway", func(t *tx) (*ec2.DeleteInternetGatewayOutput, error) {
		if err := dryRun(in.DryRun); err != nil {
			return nil, err
		}
		g, err := t.igwByID(aws.ToString(in.InternetGatewayId))
		if err != nil {
			return nil, err
		}
		if g.VPC != "" {
			return nil, errf("DependencyViolation", "The internetGateway '%s' has dependencies and cannot be deleted.", g.ID)
		}
		delete(t.r.EC2.IGWs, g.ID)
		return &ec2.DeleteInternetGatewayOutput{}, nil
	})
}

func (a *ec2API) DescribeInternetGateways(ctx context.Context, in *ec2.DescribeInternetGatewaysInput, _ ...func(*ec2.Options)) (*ec2.DescribeInternetGatewaysOutput, error) {
	return call(ctx, a.s, svcEC2, "DescribeInternetGateways", func(t *tx) (*ec2.DescribeInternetGatewaysOutput, error) {
		if err := checkFilters(in.Filters, igwFields(&igw{}, "")); err != nil {
			return nil, err
		}
		for _, id := range in.InternetGatewayIds {
			if _, err := t.igwByID(id); err != nil {
				return nil, err
			}
		}
		ids := newIDSet(in.InternetGatewayIds)
		var out []ec2types.InternetGateway
		for _, id := range sortedKeys(t.r.EC2.IGWs) {
			g := t.r.EC2.IGWs[id]
			if !ids.has(id) || t.hidden(g.Created) || !matchFilters(in.Filters, g.Tags, igwFields(g, t.account())) {
				continue
			}
			out = append(out, t.igwOut(g))
		}
		items, next, err := paginateEC2(out, in.MaxResults, in.NextToken)
		if err != nil {
			return nil, err
		}
		return &ec2.DescribeInternetGatewaysOutput{InternetGateways: items, NextToken: next}, nil
	})
}

// --- route tables ---

func (t *tx) routeState(rt *routeTable, r route) ec2types.RouteState {
	if r.Gateway == "local" {
		return ec2types.RouteStateActive
	}
	if g := t.r.EC2.IGWs[r.Gateway]; g != nil && g.VPC == rt.VPC {
		return ec2types.RouteStateActive
	}
	return ec2types.RouteStateBlackhole
}

func (t *tx) rtbOut(rt *routeTable) ec2types.RouteTable {
	out := ec2types.RouteTable{RouteTableId: aws.String(rt.ID), VpcId: aws.String(rt.VPC), OwnerId: aws.String(t.account()), Tags: ec2Tags(rt.Tags)}
	for _, r := range rt.Routes {
		out.Routes = append(out.Routes, ec2types.Route{
			DestinationCidrBlock: aws.String(r.Dest), GatewayId: aws.String(r.Gateway),
			Origin: ec2types.RouteOrigin(r.Origin), State: t.routeState(rt, r),
		})
	}
	for _, as := range rt.Assocs {
		a := ec2types.RouteTableAssociation{
			RouteTableAssociationId: aws.String(as.ID), RouteTableId: aws.String(rt.ID), Main: aws.Bool(as.Main),
			AssociationState: &ec2types.RouteTableAssociationState{State: ec2types.RouteTableAssociationStateCodeAssociated},
		}
		if as.Subnet != "" {
			a.SubnetId = aws.String(as.Subnet)
		}
		out.Associations = append(out.Associations, a)
	}
	return out
}

func rtbFields(rt *routeTable, t *tx) fields {
	f := fields{"route-table-id": {rt.ID}, "vpc-id": {rt.VPC}, "owner-id": {accountOf(t)},
		"association.main": nil, "association.subnet-id": nil, "association.route-table-association-id": nil,
		"association.route-table-id": nil, "association.gateway-id": nil,
		"route.gateway-id": nil, "route.destination-cidr-block": nil, "route.state": nil, "route.origin": nil}
	for _, as := range rt.Assocs {
		f["association.route-table-association-id"] = append(f["association.route-table-association-id"], as.ID)
		f["association.route-table-id"] = append(f["association.route-table-id"], rt.ID)
		f["association.main"] = append(f["association.main"], boolStr(as.Main))
		if as.Subnet != "" {
			f["association.subnet-id"] = append(f["association.subnet-id"], as.Subnet)
		}
	}
	for _, r := range rt.Routes {
		f["route.gateway-id"] = append(f["route.gateway-id"], r.Gateway)
		f["route.destination-cidr-block"] = append(f["route.destination-cidr-block"], r.Dest)
		f["route.origin"] = append(f["route.origin"], r.Origin)
		if t != nil {
			f["route.state"] = append(f["route.state"], string(t.routeState(rt, r)))
		}
	}
	return f
}

func (a *ec2API) CreateRouteTable(ctx context.Context, in *ec2.CreateRouteTableInput, _ ...func(*ec2.Options)) (*ec2.CreateRouteTableOutput, error) {
	return call(ctx, a.s, svcEC2, "CreateRouteTable", func(t *tx) (*ec2.CreateRouteTableOutput, error) {
		if err := dryRun(in.DryRun); err != nil {
			return nil, err
		}
		if in.VpcId == nil {
			return nil, missingParam("vpcId")
		}
		v, err := t.vpcByID(*in.VpcId)
		if err != nil {
			return nil, err
		}
		if err := checkTagSpecs(in.TagSpecifications, ec2types.ResourceTypeRouteTable); err != nil {
			return nil, err
		}
		id := ec2ID("rtb")
		rt := &routeTable{Meta: Meta{ID: id, ARN: t.arn("ec2", "route-table/"+id), Created: t.now, Tags: tagsFor(in.TagSpecifications, ec2types.ResourceTypeRouteTable)},
			VPC: v.ID, Routes: []route{{Dest: v.CIDR, Gateway: "local", Origin: "CreateRouteTable"}}}
		t.r.EC2.RouteTables[id] = rt
		out := t.rtbOut(rt)
		return &ec2.CreateRouteTableOutput{RouteTable: &out}, nil
	})
}

func (a *ec2API) DeleteRouteTable(ctx context.Context, in *ec2.DeleteRouteTableInput, _ ...func(*ec2.Options)) (*ec2.DeleteRouteTableOutput, error) {
	return call(ctx, a.s, svcEC2, "DeleteRouteTable", func(t *tx) (*ec2.DeleteRouteTableOutput, error) {
		if err := dryRun(in.DryRun); err != nil {
			return nil, err
		}
		rt, err := t.rtbByID(aws.ToString(in.RouteTableId))
		if err != nil {
			return nil, err
		}
		if rt.Main || len(rt.Assocs) > 0 {
			return nil, errf("DependencyViolation", "The routeTable '%s' has dependencies and cannot be deleted.", rt.ID)
		}
		delete(t.r.EC2.RouteTables, rt.ID)
		return &ec2.DeleteRouteTableOutput{}, nil
	})
}

func (a *ec2API) DescribeRouteTables(ctx context.Context, in *ec2.DescribeRouteTablesInput, _ ...func(*ec2.Options)) (*ec2.DescribeRouteTablesOutput, error) {
	return call(ctx, a.s, svcEC2, "DescribeRouteTables", func(t *tx) (*ec2.DescribeRouteTablesOutput, error) {
		if err := checkFilters(in.Filters, rtbFields(&routeTable{}, nil)); err != nil {
			return nil, err
		}
		for _, id := range in.RouteTableIds {
			if _, err := t.rtbByID(id); err != nil {
				return nil, err
			}
		}
		ids := newIDSet(in.RouteTableIds)
		var out []ec2types.RouteTable
		for _, id := range sortedKeys(t.r.EC2.RouteTables) {
			rt := t.r.EC2.RouteTables[id]
			if !ids.has(id) || t.hidden(rt.Created) || !matchFilters(in.Filters, rt.Tags, rtbFields(rt, t)) {
				continue
			}
			out = append(out, t.rtbOut(rt))
		}
		items, next, err := paginateEC2(out, in.MaxResults, in.NextToken)
		if err != nil {
			return nil, err
		}
		return &ec2.DescribeRouteTablesOutput{RouteTables: items, NextToken: next}, nil
	})
}

func (a *ec2API) CreateRoute(ctx context.Context, in *ec2.CreateRouteInput, _ ...func(*ec2.Options)) (*ec2.CreateRouteOutput, error) {
	return call(ctx, a.s, svcEC2, "CreateRoute", func(t *tx) (*ec2.CreateRouteOutput, error) {
		if err := dryRun(in.DryRun); err != nil {
			return nil, err
		}
		rt, err := t.rtbByID(aws.ToString(in.RouteTableId))
		if err != nil {
			return nil, err
		}
		if in.DestinationCidrBlock == nil {
			return nil, errf("MissingParameter", "The request must contain exactly one of: destinationCidrBlock, destinationIpv6CidrBlock, destinationPrefixListId")
		}
		p, err := parseCIDR(*in.DestinationCidrBlock, "destinationCidrBlock")
		if err != nil {
			return nil, err
		}
		gw := aws.ToString(in.GatewayId)
		if gw == "" {
			return nil, errf("InvalidParameterValue", "The sandbox supports routes to internet gateways (GatewayId) only")
		}
		if !strings.HasPrefix(gw, "igw-") {
			return nil, errf("InvalidGatewayID.NotFound", "The gateway ID '%s' does not exist", gw)
		}
		g := t.r.EC2.IGWs[gw]
		if g == nil {
			return nil, errf("InvalidGatewayID.NotFound", "The gateway ID '%s' does not exist", gw)
		}
		if g.VPC != rt.VPC {
			return nil, errf("InvalidParameterValue", "route table %s and network gateway %s belong to different networks", rt.ID, gw)
		}
		for _, r := range rt.Routes {
			if r.Dest == p.String() {
				return nil, errf("RouteAlreadyExists", "The route identified by %s already exists.", p)
			}
		}
		rt.Routes = append(rt.Routes, route{Dest: p.String(), Gateway: gw, Origin: "CreateRoute"})
		return &ec2.CreateRouteOutput{Return: aws.Bool(true)}, nil
	})
}

func (a *ec2API) DeleteRoute(ctx context.Context, in *ec2.DeleteRouteInput, _ ...func(*ec2.Options)) (*ec2.DeleteRouteOutput, error) {
	return call(ctx, a.s, svcEC2, "DeleteRoute", func(t *tx) (*ec2.DeleteRouteOutput, error) {
		if err := dryRun(in.DryRun); err != nil {
			return nil, err
		}
		rt, err := t.rtbByID(aws.ToString(in.RouteTableId))
		if err != nil {
			return nil, err
		}
		dest := aws.ToString(in.DestinationCidrBlock)
		for i, r := range rt.Routes {
			if r.Dest == dest {
				if r.Gateway == "local" {
					return nil, errf("InvalidParameterValue", "cannot remove local route %s in route table %s", dest, rt.ID)
				}
				rt.Routes = append(rt.Routes[:i], rt.Routes[i+1:]...)
				return &ec2.DeleteRouteOutput{}, nil
			}
		}
		return nil, errf("InvalidRoute.NotFound", "no route with destination-cidr-block %s in route table %s", dest, rt.ID)
	})
}

func (a *ec2API) AssociateRouteTable(ctx context.Context, in *ec2.AssociateRouteTableInput, _ ...func(*ec2.Options)) (*ec2.AssociateRouteTableOutput, error) {
	return call(ctx, a.s, svcEC2, "AssociateRouteTable", func(t *tx) (*ec2.AssociateRouteTableOutput, error) {
		if err := dryRun(in.DryRun); err != nil {
			return nil, err
		}
		rt, err := t.rtbByID(aws.ToString(in.RouteTableId))
		if err != nil {
			return nil, err
		}
		if in.SubnetId == nil {
			return nil, errf("MissingParameter", "The request must contain the parameter subnetId or gatewayId")
		}
		s, err := t.subnetByID(*in.SubnetId)
		if err != nil {
			return nil, err
		}
		if s.VPC != rt.VPC {
			return nil, errf("InvalidParameterValue", "Route table %s and subnet %s belong to different networks", rt.ID, s.ID)
		}
		for _, o := range t.r.EC2.RouteTables {
			for _, as := range o.Assocs {
				if as.Subnet == s.ID {
					if o.ID == rt.ID {
						return &ec2.AssociateRouteTableOutput{AssociationId: aws.String(as.ID),
							AssociationState: &ec2types.RouteTableAssociationState{State: ec2types.RouteTableAssociationStateCodeAssociated}}, nil
					}
					return nil, errf("Resource.AlreadyAssociated", "the specified association for route table %s conflicts with an existing association", rt.ID)
				}
			}
		}
		as := rtAssoc{ID: ec2ID("rtbassoc"), Subnet: s.ID}
		rt.Assocs = append(rt.Assocs, as)
		return &ec2.AssociateRouteTableOutput{AssociationId: aws.String(as.ID),
			AssociationState: &ec2types.RouteTableAssociationState{State: ec2types.RouteTableAssociationStateCodeAssociated}}, nil
	})
}

func (a *ec2API) DisassociateRouteTable(ctx context.Context, in *ec2.DisassociateRouteTableInput, _ ...func(*ec2.Options)) (*ec2.DisassociateRouteTableOutput, error) {
	return call(ctx, a.s, svcEC2, "DisassociateRouteTable", func(t *tx) (*ec2.DisassociateRouteTableOutput, error) {
		if err := dryRun(in.DryRun); err != nil {
			return nil, err
		}
		id := aws.ToString(in.AssociationId)
		for _, rid := range sortedKeys(t.r.EC2.RouteTables) {
			rt := t.r.EC2.RouteTables[rid]
			for i, as := range rt.Assocs {
				if as.ID != id {
					continue
				}
				if as.Main {
					return nil, errf("InvalidParameterValue", "cannot disassociate the main route table association %s", id)
				}
				rt.Assocs = append(rt.Assocs[:i], rt.Assocs[i+1:]...)
				return &ec2.DisassociateRouteTableOutput{}, nil
			}
		}
		return nil, errf("InvalidAssociationID.NotFound", "The association ID '%s' does not exist", id)
	})
}

// --- security groups ---

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
		SecurityGroupRuleArn: aws.String(t.arn("ec2", "security-group-rule/"+r.ID)), Tags: ec2Tags(r.Tags),
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
		if strings.HasPrefix(strings.ToLower(name), "sg-") {
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
		id := ec2ID("sg")
		g := &securityGroup{Meta: Meta{ID: id, ARN: t.arn("ec2", "security-group/"+id), Created: t.now, Tags: tagsFor(in.TagSpecifications, ec2types.ResourceTypeSecurityGroup)},
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
		kept := g.Rules[:0]
		for _, r := range g.Rules {
			if drop[r.ID] {
				out.RevokedSecurityGroupRules = append(out.RevokedSecurityGroupRules, ec2types.RevokedSecurityGroupRule{
					SecurityGroupRuleId: aws.String(r.ID), GroupId: aws.String(g.ID), IsEgress: aws.Bool(false),
					IpProtocol: aws.String(r.Proto), FromPort: aws.Int32(r.From), ToPort: aws.Int32(r.To),
				})
				continue
			}
			kept = append(kept, r)
		}
		g.Rules = kept
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

// --- zones ---

func (a *ec2API) DescribeAvailabilityZones(ctx context.Context, in *ec2.DescribeAvailabilityZonesInput, _ ...func(*ec2.Options)) (*ec2.DescribeAvailabilityZonesOutput, error) {
	return call(ctx, a.s, svcEC2, "DescribeAvailabilityZones", func(t *tx) (*ec2.DescribeAvailabilityZonesOutput, error) {
		rn := t.regionName()
		zf := func(z string) fields {
			return fields{"zone-name": {z}, "zone-id": {zoneID(rn, z)}, "state": {"available"}, "region-name": {rn},
				"zone-type": {"availability-zone"}, "group-name": {rn}, "opt-in-status": {"opt-in-not-required"}, "network-border-group": {rn}}
		}
		if err := checkFilters(in.Filters, zf(rn+"a")); err != nil {
			return nil, err
		}
		zs := zones(rn)
		valid := map[string]bool{}
		for _, z := range zs {
			valid[z] = true
			valid[zoneID(rn, z)] = true
		}
		for _, z := range append(append([]string{}, in.ZoneNames...), in.ZoneIds...) {
			if !valid[z] {
				return nil, errf("InvalidParameterValue", "The zone '%s' does not exist.", z)
			}
		}
		names, ids := newIDSet(in.ZoneNames), newIDSet(in.ZoneIds)
		var out []ec2types.AvailabilityZone
		for _, z := range zs {
			if !names.has(z) || !ids.has(zoneID(rn, z)) || !matchFilters(in.Filters, nil, zf(z)) {
				continue
			}
			out = append(out, ec2types.AvailabilityZone{
				ZoneName: aws.String(z), ZoneId: aws.String(zoneID(rn, z)), RegionName: aws.String(rn),
				State: ec2types.AvailabilityZoneStateAvailable, ZoneType: aws.String("availability-zone"),
				OptInStatus: ec2types.AvailabilityZoneOptInStatusOptInNotRequired, GroupName: aws.String(rn),
				NetworkBorderGroup: aws.String(rn), Messages: []ec2types.AvailabilityZoneMessage{},
			})
		}
		sort.Slice(out, func(i, j int) bool { return *out[i].ZoneName < *out[j].ZoneName })
		return &ec2.DescribeAvailabilityZonesOutput{AvailabilityZones: out}, nil
	})
}
