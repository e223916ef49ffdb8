package aws

import (
	"context"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/minimalinfra/mvi/engine/arch"
)

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
