package sandbox

import (
	"context"
	"net/netip"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

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
		id := subnetKind.newID()
		s := &subnet{Meta: Meta{ID: id, ARN: t.ec2ARN(ec2types.ResourceTypeSubnet, id), Created: t.now, Tags: tagsFor(in.TagSpecifications, ec2types.ResourceTypeSubnet)},
			VPC: v.ID, CIDR: p.String(), AZ: az}
		t.r.EC2.Subnets[id] = s
		out := t.subnetOut(s)
		return &ec2.CreateSubnetOutput{Subnet: &out}, nil
	})
}

func (a *ec2API) DescribeSubnets(ctx context.Context, in *ec2.DescribeSubnetsInput, _ ...func(*ec2.Options)) (*ec2.DescribeSubnetsOutput, error) {
	return call(ctx, a.s, svcEC2, "DescribeSubnets", func(t *tx) (*ec2.DescribeSubnetsOutput, error) {
		items, next, err := ec2Describe(t, t.r.EC2.Subnets, t.subnetByID, in.SubnetIds, in.Filters, subnetFields(&subnet{}, nil),
			func(s *subnet) fields { return subnetFields(s, t) }, t.subnetOut, in.MaxResults, in.NextToken)
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
