package sandbox

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

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
		id := igwKind.newID()
		g := &igw{Meta: Meta{ID: id, ARN: t.ec2ARN(ec2types.ResourceTypeInternetGateway, id), Created: t.now, Tags: tagsFor(in.TagSpecifications, ec2types.ResourceTypeInternetGateway)}}
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
		items, next, err := ec2Describe(t, t.r.EC2.IGWs, t.igwByID, in.InternetGatewayIds, in.Filters, igwFields(&igw{}, ""),
			func(g *igw) fields { return igwFields(g, t.account()) }, t.igwOut, in.MaxResults, in.NextToken)
		if err != nil {
			return nil, err
		}
		return &ec2.DescribeInternetGatewaysOutput{InternetGateways: items, NextToken: next}, nil
	})
}
