package aws

import (
	"context"
	"fmt"
	"strings"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/minimalinfra/mvi/engine/arch"
)

type loadBalancerHandler struct{}

func (loadBalancerHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeLoadBalancer, Service: arch.LoadBalancer, DeleteRank: 3,
		ARNKinds: []string{"elasticloadbalancing:loadbalancer"},
		Console: func(s resource.Site) string {
			return console(s, "ec2/home?region="+s.Region+"#LoadBalancer:loadBalancerArn="+s.ARNOr())
		},
		Lookup: func(s resource.Site) string {
			return "aws elbv2 describe-load-balancers --load-balancer-arns " + s.ARNOr() + " " + regionFlag(s)
		},
	}
}

func lbLive(typ string, lb elbtypes.LoadBalancer, tags map[string]string) resource.Live {
	l := newLive(typ, str(lb.LoadBalancerArn), tags)
	l.ARN = l.PhysicalID
	if lb.State != nil {
		l.State = string(lb.State.Code)
	}
	l.Attrs["arn"] = l.ARN
	l.Attrs["name"] = str(lb.LoadBalancerName)
	l.Attrs["dns_name"] = str(lb.DNSName)
	l.Attrs["zone_id"] = str(lb.CanonicalHostedZoneId)
	l.Attrs["scheme"] = string(lb.Scheme)
	l.Attrs["full_name"] = elbSuffix(l.ARN, "loadbalancer/", false)
	l.Attrs["vpc_id"] = str(lb.VpcId)
	return l
}

// appLoadBalancers lists the app's load balancers: names start with "mvi-",
// tags decide.
func appLoadBalancers(ctx context.Context, env resource.Env) ([]elbtypes.LoadBalancer, map[string]map[string]string, error) {
	var lbs []elbtypes.LoadBalancer
	var arns []string
	p := elb.NewDescribeLoadBalancersPaginator(env.Clients.ELB, &elb.DescribeLoadBalancersInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, nil, err
		}
		for _, lb := range page.LoadBalancers {
			if strings.HasPrefix(str(lb.LoadBalancerName), "mvi-") {
				lbs = append(lbs, lb)
				arns = append(arns, str(lb.LoadBalancerArn))
			}
		}
	}
	tags, err := elbTagsOf(ctx, env, arns)
	if err != nil {
		return nil, nil, err
	}
	var out []elbtypes.LoadBalancer
	for _, lb := range lbs {
		if tags[str(lb.LoadBalancerArn)][resource.TagApp] == env.App {
			out = append(out, lb)
		}
	}
	return out, tags, nil
}

func (h loadBalancerHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	lbs, tags, err := appLoadBalancers(ctx, env)
	if err != nil {
		return nil, wrap("list", "load balancers", err)
	}
	var out []resource.Live
	for _, lb := range lbs {
		if t := tags[str(lb.LoadBalancerArn)]; ours(env.App, t) {
			out = append(out, lbLive(h.Describe().Type, lb, t))
		}
	}
	return out, nil
}

func (h loadBalancerHandler) refs(env resource.Env, r arch.Resource, p arch.LoadBalancerProps) ([]string, string, error) {
	var subnets []string
	for _, s := range p.Subnets {
		id, err := depAttr(env, r.ID, s, "subnet_id")
		if err != nil {
			return nil, "", err
		}
		subnets = append(subnets, id)
	}
	sg, err := depAttr(env, r.ID, p.SecurityGroup, "group_id")
	return subnets, sg, err
}

// Create looks the name up first: AWS answers a second create with the
// same name and settings with the first load balancer, but not every
// emulator does, and a retried create must never make two.
func (h loadBalancerHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	p, err := propsOf[arch.LoadBalancerProps]("create", r)
	if err != nil {
		return resource.Live{}, err
	}
	subnets, sg, err := h.refs(env, r, p)
	if err != nil {
		return resource.Live{}, err
	}
	name := elbName(env.App, r.ID)
	d, err := env.Clients.ELB.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{Names: []string{name}})
	if err != nil && !isCode(err, "LoadBalancerNotFound") {
		return resource.Live{}, wrap("create", r.ID, err)
	}
	if err == nil && len(d.LoadBalancers) > 0 {
		lb := d.LoadBalancers[0]
		tags, err := elbTagsOf(ctx, env, []string{str(lb.LoadBalancerArn)})
		if err != nil {
			return resource.Live{}, wrap("create", r.ID, err)
		}
		t := tags[str(lb.LoadBalancerArn)]
		if t[resource.TagApp] != env.App || t[resource.TagID] != r.ID {
			return resource.Live{}, fmt.Errorf("create %s: a load balancer named %s exists and is not this app's", r.ID, name)
		}
		return h.Update(ctx, env, r, lbLive(h.Describe().Type, lb, t))
	}
	res, err := env.Clients.ELB.CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{
		Name:           aws.String(name),
		Subnets:        subnets,
		SecurityGroups: []string{sg},
		Scheme:         elbtypes.LoadBalancerSchemeEnum(p.Scheme),
		Type:           elbtypes.LoadBalancerTypeEnumApplication,
		IpAddressType:  elbtypes.IpAddressTypeIpv4,
		Tags:           elbTags(resource.Tags(env.App, r)),
	})
	if err != nil {
		return resource.Live{}, wrap("create", r.ID, err)
	}
	if len(res.LoadBalancers) == 0 {
		return resource.Live{}, fmt.Errorf("create %s: no load balancer returned", r.ID)
	}
	return lbLive(h.Describe().Type, res.LoadBalancers[0], resource.Tags(env.App, r)), nil
}

func (h loadBalancerHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	p, err := propsOf[arch.LoadBalancerProps]("update", r)
	if err != nil {
		return resource.Live{}, err
	}
	if s := live.Attrs["scheme"]; s != "" && s != p.Scheme {
		return resource.Live{}, resource.ErrReplace
	}
	subnets, sg, err := h.refs(env, r, p)
	if err != nil {
		return resource.Live{}, err
	}
	arn := aws.String(live.PhysicalID)
	if _, err := env.Clients.ELB.SetSubnets(ctx, &elb.SetSubnetsInput{LoadBalancerArn: arn, Subnets: subnets}); err != nil {
		return resource.Live{}, wrap("set subnets of", r.ID, err)
	}
	if _, err := env.Clients.ELB.SetSecurityGroups(ctx, &elb.SetSecurityGroupsInput{LoadBalancerArn: arn, SecurityGroups: []string{sg}}); err != nil {
		return resource.Live{}, wrap("set security groups of", r.ID, err)
	}
	if live.Hash, err = elbAddTags(ctx, env, r, live.PhysicalID); err != nil {
		return resource.Live{}, err
	}
	return live, nil
}

func (h loadBalancerHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	_, err := env.Clients.ELB.DeleteLoadBalancer(ctx, &elb.DeleteLoadBalancerInput{LoadBalancerArn: aws.String(live.PhysicalID)})
	if isCode(err, "LoadBalancerNotFound") {
		return nil
	}
	return wrap("delete", live.ID, err)
}

func (h loadBalancerHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	res, err := env.Clients.ELB.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{LoadBalancerArns: []string{live.PhysicalID}})
	if isCode(err, "LoadBalancerNotFound") {
		return false, "waiting for load balancer (not found)", nil
	}
	if err != nil {
		return false, "", wrap("describe", live.ID, err)
	}
	if len(res.LoadBalancers) == 0 || res.LoadBalancers[0].State == nil {
		return false, "waiting for load balancer (unknown)", nil
	}
	st := res.LoadBalancers[0].State
	switch st.Code {
	case elbtypes.LoadBalancerStateEnumActive:
		return true, "", nil
	case elbtypes.LoadBalancerStateEnumFailed:
		return false, "", fmt.Errorf("%s: load balancer failed: %s", live.ID, str(st.Reason))
	}
	return false, "waiting for load balancer (" + string(st.Code) + ")", nil
}
