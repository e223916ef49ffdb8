package aws

import (
	"context"
	"fmt"
	"sort"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/minimalinfra/mvi/engine/arch"
)

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

// Replaces: a subnet's address range is fixed when it is made.
func (subnetHandler) Replaces(r arch.Resource, live resource.Live) string {
	p, ok := r.Props.(arch.SubnetProps)
	if !ok {
		return ""
	}
	return forces("address range", live.Attrs["cidr"], p.CIDR, "AWS can't change a subnet's range in place")
}
