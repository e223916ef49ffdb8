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

// ---- shared EC2 helpers ----

func ec2Tags(m map[string]string) []ec2types.Tag {
	out := make([]ec2types.Tag, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, ec2types.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

func ec2TagMap(tags []ec2types.Tag) map[string]string {
	m := map[string]string{}
	for _, t := range tags {
		m[str(t.Key)] = str(t.Value)
	}
	return m
}

// tagSpec tags a resource at creation; Name makes it readable in the console.
func tagSpec(rt ec2types.ResourceType, tags map[string]string, name string) []ec2types.TagSpecification {
	t := map[string]string{}
	for k, v := range tags {
		t[k] = v
	}
	if name != "" {
		t["Name"] = name
	}
	return []ec2types.TagSpecification{{ResourceType: rt, Tags: ec2Tags(t)}}
}

// appFilter selects an app's EC2 resources by tag.
func appFilter(app string) []ec2types.Filter {
	return []ec2types.Filter{{Name: aws.String("tag:" + resource.TagApp), Values: []string{app}}}
}

// idFilter selects one logical resource of an app by its tags: Create looks
// before it makes (EC2's VPC, gateway and subnet calls take no idempotency
// token, so a create retried after a lost answer must find the first).
func idFilter(app, id string) []ec2types.Filter {
	return append(appFilter(app), ec2types.Filter{Name: aws.String("tag:" + resource.TagID), Values: []string{id}})
}

// setHash writes the current mvi tags on an EC2 resource.
func setHash(ctx context.Context, env resource.Env, r arch.Resource, resourceID string) (string, error) {
	tags := resource.Tags(env.App, r)
	_, err := env.Clients.EC2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{resourceID}, Tags: ec2Tags(tags)})
	if err != nil {
		return "", wrap("tag", r.ID, err)
	}
	return tags[resource.TagHash], nil
}

// ---- VPC ----

type vpcHandler struct{}

func (vpcHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeVPC, Service: arch.VPC, DeleteRank: 12,
		ARNKinds: []string{"ec2:vpc"},
		Console: func(s resource.Site) string {
			return console(s, "vpcconsole/home?region="+s.Region+"#VpcDetails:VpcId="+s.PhysicalID)
		},
		Lookup: func(s resource.Site) string {
			return "aws ec2 describe-vpcs --vpc-ids " + s.PhysicalID + " " + regionFlag(s)
		},
	}
}

func vpcLive(typ string, v ec2types.Vpc) resource.Live {
	l := newLive(typ, str(v.VpcId), ec2TagMap(v.Tags))
	l.State = string(v.State)
	l.Attrs["vpc_id"] = l.PhysicalID
	l.Attrs["cidr"] = str(v.CidrBlock)
	return l
}

func (h vpcHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	var out []resource.Live
	p := ec2.NewDescribeVpcsPaginator(env.Clients.EC2, &ec2.DescribeVpcsInput{Filters: appFilter(env.App)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("list", "VPCs", err)
		}
		for _, v := range page.Vpcs {
			if l := vpcLive(h.Describe().Type, v); ours(env.App, ec2TagMap(v.Tags)) {
				out = append(out, l)
			}
		}
	}
	return out, nil
}

func (h vpcHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	p, err := propsOf[arch.VPCProps]("create", r)
	if err != nil {
		return resource.Live{}, err
	}
	found, err := env.Clients.EC2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: idFilter(env.App, r.ID)})
	if err != nil {
		return resource.Live{}, wrap("create", r.ID, err)
	}
	if len(found.Vpcs) > 0 {
		return h.Update(ctx, env, r, vpcLive(h.Describe().Type, found.Vpcs[0]))
	}
	res, err := env.Clients.EC2.CreateVpc(ctx, &ec2.CreateVpcInput{
		CidrBlock:         aws.String(p.CIDR),
		TagSpecifications: tagSpec(ec2types.ResourceTypeVpc, createTags(env, r, true), arch.PhysicalName(env.App, r.ID)),
	})
	if err != nil {
		return resource.Live{}, wrap("create", r.ID, err)
	}
	return h.Update(ctx, env, r, vpcLive(h.Describe().Type, *res.Vpc))
}

func (h vpcHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	p, err := propsOf[arch.VPCProps]("update", r)
	if err != nil {
		return resource.Live{}, err
	}
	if live.Attrs["cidr"] != "" && live.Attrs["cidr"] != p.CIDR {
		return resource.Live{}, resource.ErrReplace
	}
	// DNS host names let VMs resolve the file system's and database's names.
	for _, in := range []*ec2.ModifyVpcAttributeInput{
		{VpcId: aws.String(live.PhysicalID), EnableDnsSupport: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}},
		{VpcId: aws.String(live.PhysicalID), EnableDnsHostnames: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}},
	} {
		if _, err := env.Clients.EC2.ModifyVpcAttribute(ctx, in); err != nil {
			return resource.Live{}, wrap("update", r.ID, err)
		}
	}
	if live.Hash, err = setHash(ctx, env, r, live.PhysicalID); err != nil {
		return resource.Live{}, err
	}
	return live, nil
}

func (h vpcHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	_, err := env.Clients.EC2.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: aws.String(live.PhysicalID)})
	if isCode(err, "InvalidVpcID.NotFound") {
		return nil
	}
	return wrap("delete", live.ID, err)
}

func (h vpcHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	res, err := env.Clients.EC2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{live.PhysicalID}})
	if err != nil {
		return false, "", wrap("describe", live.ID, err)
	}
	if len(res.Vpcs) == 0 || res.Vpcs[0].State != ec2types.VpcStateAvailable {
		st := "not found"
		if len(res.Vpcs) > 0 {
			st = string(res.Vpcs[0].State)
		}
		return false, "waiting for VPC (" + st + ")", nil
	}
	return true, "", nil
}

// ---- Internet gateway ----

type igwHandler struct{}

func (igwHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeInternetGateway, Service: arch.VPC, DeleteRank: 11,
		ARNKinds: []string{"ec2:internet-gateway"},
		Console: func(s resource.Site) string {
			return console(s, "vpcconsole/home?region="+s.Region+"#InternetGateway:internetGatewayId="+s.PhysicalID)
		},
		Lookup: func(s resource.Site) string {
			return "aws ec2 describe-internet-gateways --internet-gateway-ids " + s.PhysicalID + " " + regionFlag(s)
		},
	}
}

func igwLive(typ string, g ec2types.InternetGateway) resource.Live {
	l := newLive(typ, str(g.InternetGatewayId), ec2TagMap(g.Tags))
	l.Attrs["internet_gateway_id"] = l.PhysicalID
	for _, a := range g.Attachments {
		l.Attrs["vpc_id"] = str(a.VpcId)
		l.State = string(a.State)
	}
	if l.State == "" {
		l.State = "detached"
	}
	return l
}

func (h igwHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	var out []resource.Live
	p := ec2.NewDescribeInternetGatewaysPaginator(env.Clients.EC2, &ec2.DescribeInternetGatewaysInput{Filters: appFilter(env.App)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("list", "internet gateways", err)
		}
		for _, g := range page.InternetGateways {
			if ours(env.App, ec2TagMap(g.Tags)) {
				out = append(out, igwLive(h.Describe().Type, g))
			}
		}
	}
	return out, nil
}

func (h igwHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	if _, err := propsOf[arch.InternetGatewayProps]("create", r); err != nil {
		return resource.Live{}, err
	}
	found, err := env.Clients.EC2.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{Filters: idFilter(env.App, r.ID)})
	if err != nil {
		return resource.Live{}, wrap("create", r.ID, err)
	}
	if len(found.InternetGateways) > 0 {
		return h.Update(ctx, env, r, igwLive(h.Describe().Type, found.InternetGateways[0]))
	}
	res, err := env.Clients.EC2.CreateInternetGateway(ctx, &ec2.CreateInternetGatewayInput{
		TagSpecifications: tagSpec(ec2types.ResourceTypeInternetGateway, createTags(env, r, true), arch.PhysicalName(env.App, r.ID)),
	})
	if err != nil {
		return resource.Live{}, wrap("create", r.ID, err)
	}
	return h.Update(ctx, env, r, igwLive(h.Describe().Type, *res.InternetGateway))
}

func (h igwHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	p, err := propsOf[arch.InternetGatewayProps]("update", r)
	if err != nil {
		return resource.Live{}, err
	}
	vpc, err := depAttr(env, r.ID, p.VPC, "vpc_id")
	if err != nil {
		return resource.Live{}, err
	}
	if cur := live.Attrs["vpc_id"]; cur != vpc {
		if cur != "" {
			_, err := env.Clients.EC2.DetachInternetGateway(ctx, &ec2.DetachInternetGatewayInput{
				InternetGatewayId: aws.String(live.PhysicalID), VpcId: aws.String(cur)})
			if err != nil && !isCode(err, "Gateway.NotAttached") {
				return resource.Live{}, wrap("detach", r.ID, err)
			}
		}
		_, err := env.Clients.EC2.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{
			InternetGatewayId: aws.String(live.PhysicalID), VpcId: aws.String(vpc)})
		if err != nil && !isCode(err, "Resource.AlreadyAssociated") {
			return resource.Live{}, wrap("attach", r.ID, err)
		}
		live.Attrs["vpc_id"] = vpc
		live.State = "attached"
	}
	if live.Hash, err = setHash(ctx, env, r, live.PhysicalID); err != nil {
		return resource.Live{}, err
	}
	return live, nil
}

func (h igwHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	res, err := env.Clients.EC2.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{InternetGatewayIds: []string{live.PhysicalID}})
	if isCode(err, "InvalidInternetGatewayID.NotFound") {
		return nil
	}
	if err != nil {
		return wrap("delete", live.ID, err)
	}
	for _, g := range res.InternetGateways {
		for _, a := range g.Attachments {
			_, err := env.Clients.EC2.DetachInternetGateway(ctx, &ec2.DetachInternetGatewayInput{
				InternetGatewayId: aws.String(live.PhysicalID), VpcId: a.VpcId})
			if err != nil && !isCode(err, "Gateway.NotAttached", "InvalidInternetGatewayID.NotFound") {
				return wrap("detach", live.ID, err)
			}
		}
	}
	_, err = env.Clients.EC2.DeleteInternetGateway(ctx, &ec2.DeleteInternetGatewayInput{InternetGatewayId: aws.String(live.PhysicalID)})
	if isCode(err, "InvalidInternetGatewayID.NotFound") {
		return nil
	}
	return wrap("delete", live.ID, err)
}

func (h igwHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	res, err := env.Clients.EC2.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{InternetGatewayIds: []string{live.PhysicalID}})
	if err != nil {
		return false, "", wrap("describe", live.ID, err)
	}
	for _, g := range res.InternetGateways {
		for _, a := range g.Attachments {
			// EC2 reports an attached gateway as "available".
			if a.State == ec2types.AttachmentStatusAttached || a.State == "available" {
				return true, "", nil
			}
			return false, "waiting for internet gateway attachment (" + string(a.State) + ")", nil
		}
	}
	return false, "waiting for internet gateway attachment (detached)", nil
}

// ---- Subnet ----

type subnetHandler struct{}

func (subnetHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeSubnet, Service: arch.VPC, DeleteRank: 11,
		ARNKinds: []string{"ec2:subnet"},
		Console: func(s resource.Site) string {
			return console(s, "vpcconsole/home?region="+s.Region+"#SubnetDetails:subnetId="+s.PhysicalID)
		},
		Lookup: func(s resource.Site) string {
			return "aws ec2 describe-subnets --subnet-ids " + s.PhysicalID + " " + regionFlag(s)
		},
	}
}

func subnetLive(typ string, s ec2types.Subnet) resource.Live {
	l := newLive(typ, str(s.SubnetId), ec2TagMap(s.Tags))
	l.State = string(s.State)
	l.ARN = str(s.SubnetArn)
	l.Attrs["subnet_id"] = l.PhysicalID
	l.Attrs["vpc_id"] = str(s.VpcId)
	l.Attrs["cidr"] = str(s.CidrBlock)
	l.Attrs["zone"] = str(s.AvailabilityZone)
	l.Attrs["public"] = fmt.Sprint(boolv(s.MapPublicIpOnLaunch))
	return l
}

func (h subnetHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	var out []resource.Live
	p := ec2.NewDescribeSubnetsPaginator(env.Clients.EC2, &ec2.DescribeSubnetsInput{Filters: appFilter(env.App)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("list", "subnets", err)
		}
		for _, s := range page.Subnets {
			if ours(env.App, ec2TagMap(s.Tags)) {
				out = append(out, subnetLive(h.Describe().Type, s))
			}
		}
	}
	return out, nil
}

// zoneName turns a zone index into the region's zone name, in name order.
func zoneName(ctx context.Context, env resource.Env, id string, index int) (string, error) {
	res, err := env.Clients.EC2.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{
		Filters: []ec2types.Filter{
			{Name: aws.String("state"), Values: []string{"available"}},
			{Name: aws.String("zone-type"), Values: []string{"availability-zone"}},
		},
	})
	if err != nil {
		return "", wrap("describe zones for", id, err)
	}
	var names []string
	for _, z := range res.AvailabilityZones {
		names = append(names, str(z.ZoneName))
	}
	sort.Strings(names)
	if index < 0 || index >= len(names) {
		return "", fmt.Errorf("%s: zone %d asked, region %s has %d zones", id, index, env.Region, len(names))
	}
	return names[index], nil
}

func (h subnetHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	p, err := propsOf[arch.SubnetProps]("create", r)
	if err != nil {
		return resource.Live{}, err
	}
	vpc, err := depAttr(env, r.ID, p.VPC, "vpc_id")
	if err != nil {
		return resource.Live{}, err
	}
	zone, err := zoneName(ctx, env, r.ID, p.Zone)
	if err != nil {
		return resource.Live{}, err
	}
	found, err := env.Clients.EC2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: idFilter(env.App, r.ID)})
	if err != nil {
		return resource.Live{}, wrap("create", r.ID, err)
	}
	if len(found.Subnets) > 0 {
		return h.update(ctx, env, r, subnetLive(h.Describe().Type, found.Subnets[0]), zone)
	}
	res, err := env.Clients.EC2.CreateSubnet(ctx, &ec2.CreateSubnetInput{
		VpcId: aws.String(vpc), CidrBlock: aws.String(p.CIDR), AvailabilityZone: aws.String(zone),
		TagSpecifications: tagSpec(ec2types.ResourceTypeSubnet, createTags(env, r, p.Public), arch.PhysicalName(env.App, r.ID)),
	})
	if err != nil {
		return resource.Live{}, wrap("create", r.ID, err)
	}
	live := subnetLive(h.Describe().Type, *res.Subnet)
	if !p.Public {
		live.Hash = arch.Hash(r.Props)
		return live, nil
	}
	return h.update(ctx, env, r, live, zone)
}

func (h subnetHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	p, err := propsOf[arch.SubnetProps]("update", r)
	if err != nil {
		return resource.Live{}, err
	}
	zone, err := zoneName(ctx, env, r.ID, p.Zone)
	if err != nil {
		return resource.Live{}, err
	}
	return h.update(ctx, env, r, live, zone)
}

func (h subnetHandler) update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live, zone string) (resource.Live, error) {
	p, err := propsOf[arch.SubnetProps]("update", r)
	if err != nil {
		return resource.Live{}, err
	}
	vpc, err := depAttr(env, r.ID, p.VPC, "vpc_id")
	if err != nil {
		return resource.Live{}, err
	}
	if live.Attrs["cidr"] != p.CIDR || live.Attrs["zone"] != zone || live.Attrs["vpc_id"] != vpc {
		return resource.Live{}, resource.ErrReplace
	}
	// Public subnets give VMs a public address: with no NAT (its cost is the
	// book's lesson) that is how they reach the registry and ECS.
	_, err = env.Clients.EC2.ModifySubnetAttribute(ctx, &ec2.ModifySubnetAttributeInput{
		SubnetId: aws.String(live.PhysicalID), MapPublicIpOnLaunch: &ec2types.AttributeBooleanValue{Value: aws.Bool(p.Public)},
	})
	if err != nil {
		return resource.Live{}, wrap("update", r.ID, err)
	}
	live.Attrs["public"] = fmt.Sprint(p.Public)
	if live.Hash, err = setHash(ctx, env, r, live.PhysicalID); err != nil {
		return resource.Live{}, err
	}
	return live, nil
}

func (h subnetHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	_, err := env.Clients.EC2.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: aws.String(live.PhysicalID)})
	if isCode(err, "InvalidSubnetID.NotFound") {
		return nil
	}
	return wrap("delete", live.ID, err)
}

func (h subnetHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	res, err := env.Clients.EC2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{live.PhysicalID}})
	if err != nil {
		return false, "", wrap("describe", live.ID, err)
	}
	if len(res.Subnets) == 0 || res.Subnets[0].State != ec2types.SubnetStateAvailable {
		st := "not found"
		if len(res.Subnets) > 0 {
			st = string(res.Subnets[0].State)
		}
		return false, "waiting for subnet (" + st + ")", nil
	}
	return true, "", nil
}

// ---- Route table ----

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

// ---- Security group ----

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
func wantRules(env resource.Env, id string, rules []arch.Rule) (map[ruleKey]string, error) {
	out := map[ruleKey]string{}
	for _, rl := range rules {
		k := ruleKey{proto: rl.Protocol, from: int32(rl.FromPort), to: int32(rl.ToPort), cidr: rl.CIDR}
		if rl.SourceGroup != "" {
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

// Update makes the ingress rules exactly the designed ones; egress keeps
// AWS's default allow-all (VMs pull images and talk to AWS APIs).
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
	want, err := wantRules(env, r.ID, p.Ingress)
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
			// Descriptions are not part of a rule's identity when revoking.
			for j := range revoke[i].IpRanges {
				revoke[i].IpRanges[j].Description = nil
			}
			for j := range revoke[i].UserIdGroupPairs {
				revoke[i].UserIdGroupPairs[j].Description = nil
			}
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

// Replaces: a VPC's address range is fixed when it is made.
func (vpcHandler) Replaces(r arch.Resource, live resource.Live) string {
	p, ok := r.Props.(arch.VPCProps)
	if !ok {
		return ""
	}
	return forces("address range", live.Attrs["cidr"], p.CIDR, "AWS can't change a VPC's range in place: everything in it is remade")
}

// Replaces: a subnet's address range is fixed when it is made.
func (subnetHandler) Replaces(r arch.Resource, live resource.Live) string {
	p, ok := r.Props.(arch.SubnetProps)
	if !ok {
		return ""
	}
	return forces("address range", live.Attrs["cidr"], p.CIDR, "AWS can't change a subnet's range in place")
}

// Replaces: a security group's description is fixed when it is made.
func (securityGroupHandler) Replaces(r arch.Resource, live resource.Live) string {
	p, ok := r.Props.(arch.SecurityGroupProps)
	if !ok {
		return ""
	}
	return forces("description", live.Attrs["description"], sgText(p.Description), "AWS can't change a security group's description in place")
}
