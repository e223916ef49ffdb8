package aws

import (
	"context"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/minimalinfra/mvi/engine/arch"
)

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

// Replaces: a VPC's address range is fixed when it is made.
func (vpcHandler) Replaces(r arch.Resource, live resource.Live) string {
	p, ok := r.Props.(arch.VPCProps)
	if !ok {
		return ""
	}
	return forces("address range", live.Attrs["cidr"], p.CIDR, "AWS can't change a VPC's range in place: everything in it is remade")
}
