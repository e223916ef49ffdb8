package sandbox

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

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
		id := rtbKind.newID()
		rt := &routeTable{Meta: Meta{ID: id, ARN: t.ec2ARN(ec2types.ResourceTypeRouteTable, id), Created: t.now, Tags: tagsFor(in.TagSpecifications, ec2types.ResourceTypeRouteTable)},
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
		items, next, err := ec2Describe(t, t.r.EC2.RouteTables, t.rtbByID, in.RouteTableIds, in.Filters, rtbFields(&routeTable{}, nil),
			func(rt *routeTable) fields { return rtbFields(rt, t) }, t.rtbOut, in.MaxResults, in.NextToken)
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
		if !igwKind.owns(gw) {
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
