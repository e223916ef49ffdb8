package sandbox

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/minimalinfra/mvi/engine/cloud"
)

// ec2API implements cloud.EC2: one file per kind of resource (ec2_vpc.go,
// ec2_subnets.go, ec2_route_tables.go, ec2_instances.go, ec2_enis.go …).
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
	mk := func(k ec2Kind, rt ec2types.ResourceType) Meta {
		id := k.newID()
		return Meta{ID: id, ARN: ec2ARN(r.Name, st.Account, rt, id), Created: now}
	}
	v := &vpc{Meta: mk(vpcKind, ec2types.ResourceTypeVpc), CIDR: "172.31.0.0/16", CIDRAssoc: ec2ID("vpc-cidr-assoc"),
		DHCPOptions: ec2ID("dopt"), Default: true, DNSSupport: true, DNSHostnames: true, Tenancy: "default"}
	r.EC2.VPCs[v.ID] = v
	gw := &igw{Meta: mk(igwKind, ec2types.ResourceTypeInternetGateway), VPC: v.ID}
	r.EC2.IGWs[gw.ID] = gw
	rt := &routeTable{Meta: mk(rtbKind, ec2types.ResourceTypeRouteTable), VPC: v.ID, Main: true,
		Routes: []route{{Dest: v.CIDR, Gateway: "local", Origin: "CreateRouteTable"}, {Dest: "0.0.0.0/0", Gateway: gw.ID, Origin: "CreateRoute"}},
		Assocs: []rtAssoc{{ID: ec2ID("rtbassoc"), Main: true}}}
	r.EC2.RouteTables[rt.ID] = rt
	sg := defaultSG(st.Account, r.Name, v.ID, now)
	r.EC2.SecurityGroups[sg.ID] = sg
	for i, z := range zones(r.Name) {
		sn := &subnet{Meta: mk(subnetKind, ec2types.ResourceTypeSubnet), VPC: v.ID, CIDR: fmt.Sprintf("172.31.%d.0/20", 16*i), AZ: z, MapPublicIP: true, DefaultAZ: true}
		r.EC2.Subnets[sn.ID] = sn
	}
}

func defaultSG(account, region, vpcID string, now time.Time) *securityGroup {
	id := sgKind.newID()
	return &securityGroup{
		Meta: Meta{ID: id, ARN: ec2ARN(region, account, ec2types.ResourceTypeSecurityGroup, id), Created: now},
		Name: "default", Description: "default VPC security group", VPC: vpcID, Default: true,
		Rules: []sgRule{
			{ID: ec2ID("sgr"), Proto: "-1", From: -1, To: -1, Group: id},
			{ID: ec2ID("sgr"), Egress: true, Proto: "-1", From: -1, To: -1, CIDR: "0.0.0.0/0"},
		},
	}
}

// --- lookups ---

func malformed(code, id string) error { return errf(code, "Invalid id: \"%s\"", id) }

// ec2Kind is how EC2 spells one kind of resource in its ids and in the
// errors of a lookup by id.
type ec2Kind struct {
	prefix    string // of the id: "vpc" (vpc-0…)
	malformed string // the error code of an id of another kind
	badID     string // its message, a format of the id ("" → malformed's default)
	notFound  string // the error code of an id that names nothing
	missing   string // its message, a format of the id
}

var (
	vpcKind = ec2Kind{prefix: "vpc", malformed: "InvalidVpcID.Malformed",
		notFound: "InvalidVpcID.NotFound", missing: "The vpc ID '%s' does not exist"}
	subnetKind = ec2Kind{prefix: "subnet", malformed: "InvalidSubnetID.Malformed",
		notFound: "InvalidSubnetID.NotFound", missing: "The subnet ID '%s' does not exist"}
	igwKind = ec2Kind{prefix: "igw", malformed: "InvalidInternetGatewayID.Malformed",
		notFound: "InvalidInternetGatewayID.NotFound", missing: "The internetGateway ID '%s' does not exist"}
	rtbKind = ec2Kind{prefix: "rtb", malformed: "InvalidRouteTableID.Malformed",
		notFound: "InvalidRouteTableID.NotFound", missing: "The routeTable ID '%s' does not exist"}
	sgKind = ec2Kind{prefix: "sg", malformed: "InvalidGroupId.Malformed", badID: "Invalid id: \"%s\" (expecting \"sg-...\")",
		notFound: "InvalidGroup.NotFound", missing: "The security group '%s' does not exist"}
	instanceKind = ec2Kind{prefix: "i", malformed: "InvalidInstanceID.Malformed",
		notFound: "InvalidInstanceID.NotFound", missing: "The instance ID '%s' does not exist"}
)

// newID is a fresh id of the kind.
func (k ec2Kind) newID() string { return ec2ID(k.prefix) }

// owns reports whether an id is of the kind (by its prefix).
func (k ec2Kind) owns(id string) bool { return strings.HasPrefix(id, k.prefix+"-") }

// ec2ByID finds a record of kind k by id: the kind's Malformed error for
// an id of another kind, its NotFound for none (or one this call must not
// see yet).
func ec2ByID[R interface{ meta() *Meta }](t *tx, recs map[string]R, k ec2Kind, id string) (R, error) {
	var none R
	if !k.owns(id) {
		if k.badID != "" {
			return none, errf(k.malformed, k.badID, id)
		}
		return none, malformed(k.malformed, id)
	}
	r, ok := recs[id]
	if !ok || t.hidden(r.meta().Created) {
		return none, errf(k.notFound, k.missing, id)
	}
	return r, nil
}

// The lookups by id of each kind.
func (t *tx) vpcByID(id string) (*vpc, error) { return ec2ByID(t, t.r.EC2.VPCs, vpcKind, id) }
func (t *tx) subnetByID(id string) (*subnet, error) {
	return ec2ByID(t, t.r.EC2.Subnets, subnetKind, id)
}
func (t *tx) igwByID(id string) (*igw, error) { return ec2ByID(t, t.r.EC2.IGWs, igwKind, id) }
func (t *tx) rtbByID(id string) (*routeTable, error) {
	return ec2ByID(t, t.r.EC2.RouteTables, rtbKind, id)
}
func (t *tx) sgByID(id string) (*securityGroup, error) {
	return ec2ByID(t, t.r.EC2.SecurityGroups, sgKind, id)
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

// ec2Describe is the body of EC2's Describe call of one kind: a filter the
// kind doesn't know fails first, then an id byID can't find; then the
// records asked for (all when none), visible to this call and matching
// every filter, in id order, a page at a time. known are the filter names
// (a zero record's fields).
func ec2Describe[R interface{ meta() *Meta }, O any](t *tx, recs map[string]R, byID func(string) (R, error), ids []string,
	filters []ec2types.Filter, known fields, fieldsOf func(R) fields, out func(R) O, max *int32, token *string) ([]O, *string, error) {
	if err := checkFilters(filters, known); err != nil {
		return nil, nil, err
	}
	for _, id := range ids {
		if _, err := byID(id); err != nil {
			return nil, nil, err
		}
	}
	want := newIDSet(ids)
	var all []O
	for _, id := range sortedKeys(recs) {
		r := recs[id]
		if !want.has(id) || t.hidden(r.meta().Created) || !matchFilters(filters, r.meta().Tags, fieldsOf(r)) {
			continue
		}
		all = append(all, out(r))
	}
	return paginateEC2(all, max, token)
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
		id := vpcKind.newID()
		v := &vpc{Meta: Meta{ID: id, ARN: t.ec2ARN(ec2types.ResourceTypeVpc, id), Created: t.now, Tags: tagsFor(in.TagSpecifications, ec2types.ResourceTypeVpc)},
			CIDR: p.String(), CIDRAssoc: ec2ID("vpc-cidr-assoc"), DHCPOptions: ec2ID("dopt"), DNSSupport: true, Tenancy: "default"}
		if in.InstanceTenancy != "" {
			v.Tenancy = string(in.InstanceTenancy)
		}
		t.r.EC2.VPCs[id] = v
		// Every VPC comes with a main route table and a default security group.
		rt := &routeTable{Meta: Meta{ID: rtbKind.newID(), Created: t.now}, VPC: id, Main: true,
			Routes: []route{{Dest: v.CIDR, Gateway: "local", Origin: "CreateRouteTable"}},
			Assocs: []rtAssoc{{ID: ec2ID("rtbassoc"), Main: true}}}
		rt.ARN = t.ec2ARN(ec2types.ResourceTypeRouteTable, rt.ID)
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
		items, next, err := ec2Describe(t, t.r.EC2.VPCs, t.vpcByID, in.VpcIds, in.Filters, vpcFields(&vpc{}, ""),
			func(v *vpc) fields { return vpcFields(v, t.account()) }, t.vpcOut, in.MaxResults, in.NextToken)
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
