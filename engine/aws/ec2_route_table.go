package aws

import (
	"context"
	"fmt"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/minimalinfra/mvi/engine/arch"
)

type routeTableHandler struct{}

func (routeTableHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeRouteTable, Service: arch.VPC, DeleteRank: 10,
		ARNKinds: []string{"ec2:route-table"},
		Console: func(s resource.Site) string {
			return console(s, "vpcconsole/home?region="+s.Region+"#RouteTableDetails:RouteTableId="+s.PhysicalID)
		},
		Lookup: func(s resource.Site) string {
			return "aws ec2 describe-route-tables --route-table-ids " + s.PhysicalID + " " + regionFlag(s)
		},
	}
}

const anywhere = "0.0.0.0/0"

func routeTableLive(typ string, t ec2types.RouteTable) resource.Live {
	l := newLive(typ, str(t.RouteTableId), ec2TagMap(t.Tags))
	l.State = "available"
	l.Attrs["route_table_id"] = l.PhysicalID
	l.Attrs["vpc_id"] = str(t.VpcId)
	return l
}

func (h routeTableHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	var out []resource.Live
	p := ec2.NewDescribeRouteTablesPaginator(env.Clients.EC2, &ec2.DescribeRouteTablesInput{Filters: appFilter(env.App)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("list", "route tables", err)
		}
		for _, t := range page.RouteTables {
			if ours(env.App, ec2TagMap(t.Tags)) {
				out = append(out, routeTableLive(h.Describe().Type, t))
			}
		}
	}
	return out, nil
}

func (h routeTableHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	p, err := propsOf[arch.RouteTableProps]("create", r)
	if err != nil {
		return resource.Live{}, err
	}
	vpc, err := depAttr(env, r.ID, p.VPC, "vpc_id")
	if err != nil {
		return resource.Live{}, err
	}
	found, err := env.Clients.EC2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: idFilter(env.App, r.ID)})
	if err != nil {
		return resource.Live{}, wrap("create", r.ID, err)
	}
	if len(found.RouteTables) > 0 {
		return h.Update(ctx, env, r, routeTableLive(h.Describe().Type, found.RouteTables[0]))
	}
	res, err := env.Clients.EC2.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{
		VpcId:             aws.String(vpc),
		ClientToken:       aws.String(clientToken(env, r, vpc)),
		TagSpecifications: tagSpec(ec2types.ResourceTypeRouteTable, createTags(env, r, true), arch.PhysicalName(env.App, r.ID)),
	})
	if err != nil {
		return resource.Live{}, wrap("create", r.ID, err)
	}
	return h.Update(ctx, env, r, routeTableLive(h.Describe().Type, *res.RouteTable))
}

// Update converges the default route and the subnet associations.
func (h routeTableHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	p, err := propsOf[arch.RouteTableProps]("update", r)
	if err != nil {
		return resource.Live{}, err
	}
	vpc, err := depAttr(env, r.ID, p.VPC, "vpc_id")
	if err != nil {
		return resource.Live{}, err
	}
	if live.Attrs["vpc_id"] != "" && live.Attrs["vpc_id"] != vpc {
		return resource.Live{}, resource.ErrReplace
	}
	res, err := env.Clients.EC2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{live.PhysicalID}})
	if err != nil {
		return resource.Live{}, wrap("describe", r.ID, err)
	}
	if len(res.RouteTables) == 0 {
		return resource.Live{}, fmt.Errorf("update %s: route table %s is gone", r.ID, live.PhysicalID)
	}
	t := res.RouteTables[0]

	// The default route: to the gateway, or none.
	wantGW := ""
	if p.InternetGateway != "" {
		if wantGW, err = depAttr(env, r.ID, p.InternetGateway, "internet_gateway_id"); err != nil {
			return resource.Live{}, err
		}
	}
	haveGW, haveDefault := "", false
	for _, rt := range t.Routes {
		if str(rt.DestinationCidrBlock) == anywhere {
			haveDefault, haveGW = true, str(rt.GatewayId)
		}
	}
	if haveDefault && haveGW != wantGW {
		_, err := env.Clients.EC2.DeleteRoute(ctx, &ec2.DeleteRouteInput{RouteTableId: aws.String(live.PhysicalID), DestinationCidrBlock: aws.String(anywhere)})
		if err != nil && !isCode(err, "InvalidRoute.NotFound") {
			return resource.Live{}, wrap("delete route of", r.ID, err)
		}
		haveDefault = false
	}
	if wantGW != "" && !haveDefault {
		_, err := env.Clients.EC2.CreateRoute(ctx, &ec2.CreateRouteInput{
			RouteTableId: aws.String(live.PhysicalID), DestinationCidrBlock: aws.String(anywhere), GatewayId: aws.String(wantGW)})
		if err != nil && !isCode(err, "RouteAlreadyExists") {
			return resource.Live{}, wrap("create route of", r.ID, err)
		}
	}

	// Subnet associations.
	want := map[string]bool{}
	for _, s := range p.Subnets {
		id, err := depAttr(env, r.ID, s, "subnet_id")
		if err != nil {
			return resource.Live{}, err
		}
		want[id] = true
	}
	for _, a := range t.Associations {
		if boolv(a.Main) || str(a.SubnetId) == "" {
			continue
		}
		if want[str(a.SubnetId)] {
			delete(want, str(a.SubnetId))
			continue
		}
		_, err := env.Clients.EC2.DisassociateRouteTable(ctx, &ec2.DisassociateRouteTableInput{AssociationId: a.RouteTableAssociationId})
		if err != nil && !isCode(err, "InvalidAssociationID.NotFound") {
			return resource.Live{}, wrap("disassociate", r.ID, err)
		}
	}
	for _, id := range sortedKeys(boolKeys(want)) {
		_, err := env.Clients.EC2.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: aws.String(live.PhysicalID), SubnetId: aws.String(id)})
		if err != nil {
			return resource.Live{}, wrap("associate "+id+" with", r.ID, err)
		}
	}
	if live.Hash, err = setHash(ctx, env, r, live.PhysicalID); err != nil {
		return resource.Live{}, err
	}
	return live, nil
}

func boolKeys(m map[string]bool) map[string]string {
	out := make(map[string]string, len(m))
	for k := range m {
		out[k] = ""
	}
	return out
}

func (h routeTableHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	res, err := env.Clients.EC2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{live.PhysicalID}})
	if isCode(err, "InvalidRouteTableID.NotFound") {
		return nil
	}
	if err != nil {
		return wrap("delete", live.ID, err)
	}
	for _, t := range res.RouteTables {
		for _, a := range t.Associations {
			if boolv(a.Main) {
				continue
			}
			_, err := env.Clients.EC2.DisassociateRouteTable(ctx, &ec2.DisassociateRouteTableInput{AssociationId: a.RouteTableAssociationId})
			if err != nil && !isCode(err, "InvalidAssociationID.NotFound") {
				return wrap("disassociate", live.ID, err)
			}
		}
	}
	_, err = env.Clients.EC2.DeleteRouteTable(ctx, &ec2.DeleteRouteTableInput{RouteTableId: aws.String(live.PhysicalID)})
	if isCode(err, "InvalidRouteTableID.NotFound") {
		return nil
	}
	return wrap("delete", live.ID, err)
}

func (h routeTableHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	res, err := env.Clients.EC2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{live.PhysicalID}})
	if err != nil {
		return false, "", wrap("describe", live.ID, err)
	}
	for _, t := range res.RouteTables {
		for _, rt := range t.Routes {
			if str(rt.DestinationCidrBlock) == anywhere && rt.State == ec2types.RouteStateBlackhole {
				return false, "waiting for the default route (blackhole)", nil
			}
		}
	}
	return true, "", nil
}
