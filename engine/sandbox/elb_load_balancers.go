package sandbox

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

func (t *tx) lbSubnets(ids []string, maps []elbtypes.SubnetMapping) ([]*subnet, error) {
	for _, m := range maps {
		ids = append(ids, aws.ToString(m.SubnetId))
	}
	var out []*subnet
	azs := map[string]bool{}
	for _, id := range ids {
		s := t.r.EC2.Subnets[id]
		if s == nil {
			return nil, &elbtypes.SubnetNotFoundException{Message: aws.String("The subnet ID '" + id + "' is not valid")}
		}
		if azs[s.AZ] {
			return nil, &elbtypes.InvalidConfigurationRequestException{Message: aws.String("A load balancer cannot be attached to multiple subnets in the same Availability Zone")}
		}
		azs[s.AZ] = true
		if len(out) > 0 && out[0].VPC != s.VPC {
			return nil, &elbtypes.InvalidConfigurationRequestException{Message: aws.String("The subnets must all belong to the same VPC")}
		}
		out = append(out, s)
	}
	if len(out) < 2 {
		return nil, validationError("At least two subnets in two different Availability Zones must be specified")
	}
	return out, nil
}

func (t *tx) lbGroups(sgs []string, vpcID string) ([]string, error) {
	if len(sgs) == 0 {
		for _, k := range sortedKeys(t.r.EC2.SecurityGroups) {
			if g := t.r.EC2.SecurityGroups[k]; g.VPC == vpcID && g.Default {
				return []string{g.ID}, nil
			}
		}
	}
	for _, id := range sgs {
		g := t.r.EC2.SecurityGroups[id]
		if g == nil || g.VPC != vpcID {
			return nil, &elbtypes.InvalidSecurityGroupException{Message: aws.String("One or more security groups are invalid: Security group '" + id + "' does not exist")}
		}
	}
	return append([]string(nil), sgs...), nil
}

func (t *tx) lbState(lb *loadBalancer) elbtypes.LoadBalancerStateEnum {
	if t.reached(lb.ActiveAt) {
		return elbtypes.LoadBalancerStateEnumActive
	}
	return elbtypes.LoadBalancerStateEnumProvisioning
}

func (t *tx) lbOut(lb *loadBalancer) elbtypes.LoadBalancer {
	out := elbtypes.LoadBalancer{
		LoadBalancerArn: aws.String(lb.ARN), LoadBalancerName: aws.String(lb.Name), DNSName: aws.String(lb.DNSName),
		CanonicalHostedZoneId: aws.String(albZone(t.regionName())), CreatedTime: tp(lb.Created),
		Scheme: elbtypes.LoadBalancerSchemeEnum(lb.Scheme), Type: elbtypes.LoadBalancerTypeEnum(lb.Type), VpcId: aws.String(lb.VPC),
		IpAddressType: elbtypes.IpAddressType(lb.IPType), SecurityGroups: append([]string{}, lb.SGs...),
		State: &elbtypes.LoadBalancerState{Code: t.lbState(lb)},
	}
	for _, id := range lb.Subnets {
		az := ""
		if s := t.r.EC2.Subnets[id]; s != nil {
			az = s.AZ
		}
		out.AvailabilityZones = append(out.AvailabilityZones, elbtypes.AvailabilityZone{SubnetId: aws.String(id), ZoneName: aws.String(az),
			LoadBalancerAddresses: []elbtypes.LoadBalancerAddress{}})
	}
	return out
}

// placeLBENIs gives a load balancer one ENI per subnet.
func (t *tx) placeLBENIs(lb *loadBalancer, subnets []*subnet) error {
	t.releaseENIs(lb.ARN, false)
	desc := "ELB " + lbPath(lb.ARN)
	for _, s := range subnets {
		if _, err := t.newENI(s, lb.SGs, desc, lb.Scheme == "internet-facing", "amazon-elb", lb.ARN, t.now); err != nil {
			return &elbtypes.InvalidSubnetException{Message: aws.String("Not enough IP space available in " + s.ID + ". ELB requires at least 8 free IP addresses in each subnet.")}
		}
	}
	return nil
}

func (t *tx) vpcHasIGW(vpcID string) bool {
	for _, g := range t.r.EC2.IGWs {
		if g.VPC == vpcID {
			return true
		}
	}
	return false
}

func (a *elbAPI) CreateLoadBalancer(ctx context.Context, in *elb.CreateLoadBalancerInput, _ ...func(*elb.Options)) (*elb.CreateLoadBalancerOutput, error) {
	return call(ctx, a.s, svcELB, "CreateLoadBalancer", func(t *tx) (*elb.CreateLoadBalancerOutput, error) {
		name := aws.ToString(in.Name)
		if !elbNameRE.MatchString(name) || strings.HasPrefix(name, "internal-") {
			return nil, validationError("LoadBalancer name '%s' is invalid: it must be 1–32 alphanumeric characters or hyphens, not begin or end with a hyphen, and not begin with 'internal-'", name)
		}
		typ := string(in.Type)
		if typ == "" {
			typ = "application"
		}
		if typ != "application" {
			return nil, validationError("The sandbox supports application load balancers only, not '%s'", typ)
		}
		scheme := string(in.Scheme)
		if scheme == "" {
			scheme = "internet-facing"
		}
		if scheme != "internet-facing" && scheme != "internal" {
			return nil, validationError("Scheme must be internet-facing or internal")
		}
		subnets, err := t.lbSubnets(append([]string(nil), in.Subnets...), in.SubnetMappings)
		if err != nil {
			return nil, err
		}
		vpcID := subnets[0].VPC
		sgs, err := t.lbGroups(in.SecurityGroups, vpcID)
		if err != nil {
			return nil, err
		}
		tags, err := elbTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		var sids []string
		for _, s := range subnets {
			sids = append(sids, s.ID)
		}
		for _, lb := range t.r.ELB.LoadBalancers {
			if lb.Name != name {
				continue
			}
			if lb.Scheme == scheme && strings.Join(sortStrings(lb.Subnets), ",") == strings.Join(sortStrings(sids), ",") {
				return &elb.CreateLoadBalancerOutput{LoadBalancers: []elbtypes.LoadBalancer{t.lbOut(lb)}}, nil
			}
			return nil, &elbtypes.DuplicateLoadBalancerNameException{Message: aws.String("A load balancer with the same name '" + name + "' exists, but with different settings")}
		}
		if scheme == "internet-facing" && !t.vpcHasIGW(vpcID) {
			return nil, &elbtypes.InvalidSubnetException{Message: aws.String("VPC " + vpcID + " has no internet gateway")}
		}
		id := hexID(16)
		dns := name + "-" + digits(10) + "." + t.regionName() + ".elb.amazonaws.com"
		if scheme == "internal" {
			dns = "internal-" + dns
		}
		ipType := string(in.IpAddressType)
		if ipType == "" {
			ipType = "ipv4"
		}
		lb := &loadBalancer{Meta: Meta{ID: name, ARN: t.loadBalancerARN(name, id), Created: t.now},
			Name: name, Scheme: scheme, Type: typ, IPType: ipType, VPC: vpcID, Subnets: sids, SGs: sgs, DNSName: dns,
			ActiveAt: t.at(paceLBActive)}
		if len(tags) > 0 {
			lb.Tags = tags
		}
		if err := t.placeLBENIs(lb, subnets); err != nil {
			return nil, err
		}
		t.r.ELB.LoadBalancers[lb.ARN] = lb
		return &elb.CreateLoadBalancerOutput{LoadBalancers: []elbtypes.LoadBalancer{t.lbOut(lb)}}, nil
	})
}

func (a *elbAPI) DeleteLoadBalancer(ctx context.Context, in *elb.DeleteLoadBalancerInput, _ ...func(*elb.Options)) (*elb.DeleteLoadBalancerOutput, error) {
	return call(ctx, a.s, svcELB, "DeleteLoadBalancer", func(t *tx) (*elb.DeleteLoadBalancerOutput, error) {
		arnS := aws.ToString(in.LoadBalancerArn)
		if _, ok := parseARN(arnS); !ok {
			return nil, validationError("'%s' is not a valid load balancer ARN", arnS)
		}
		lb := t.r.ELB.LoadBalancers[arnS]
		if lb == nil {
			return &elb.DeleteLoadBalancerOutput{}, nil
		}
		for _, k := range sortedKeys(t.r.ELB.Listeners) {
			if t.r.ELB.Listeners[k].LB == lb.ARN {
				delete(t.r.ELB.Listeners, k)
				t.dropRules(k)
			}
		}
		t.releaseENIs(lb.ARN, true)
		delete(t.r.ELB.LoadBalancers, lb.ARN)
		return &elb.DeleteLoadBalancerOutput{}, nil
	})
}

func (a *elbAPI) DescribeLoadBalancers(ctx context.Context, in *elb.DescribeLoadBalancersInput, _ ...func(*elb.Options)) (*elb.DescribeLoadBalancersOutput, error) {
	return call(ctx, a.s, svcELB, "DescribeLoadBalancers", func(t *tx) (*elb.DescribeLoadBalancersOutput, error) {
		if len(in.LoadBalancerArns) > 0 && len(in.Names) > 0 {
			return nil, validationError("Load balancer names and load balancer ARNs cannot be specified at the same time")
		}
		var out []elbtypes.LoadBalancer
		switch {
		case len(in.LoadBalancerArns) > 0:
			for _, a := range in.LoadBalancerArns {
				lb, err := t.lbByARN(a)
				if err != nil {
					return nil, err
				}
				out = append(out, t.lbOut(lb))
			}
		case len(in.Names) > 0:
			for _, n := range in.Names {
				var found *loadBalancer
				for _, lb := range t.r.ELB.LoadBalancers {
					if lb.Name == n && !t.hidden(lb.Created) {
						found = lb
					}
				}
				if found == nil {
					return nil, &elbtypes.LoadBalancerNotFoundException{Message: aws.String("Load balancers '[" + n + "]' not found")}
				}
				out = append(out, t.lbOut(found))
			}
		default:
			for _, k := range sortedKeys(t.r.ELB.LoadBalancers) {
				if lb := t.r.ELB.LoadBalancers[k]; !t.hidden(lb.Created) {
					out = append(out, t.lbOut(lb))
				}
			}
		}
		items, next, err := elbPage(out, in.Marker, in.PageSize)
		if err != nil {
			return nil, err
		}
		return &elb.DescribeLoadBalancersOutput{LoadBalancers: items, NextMarker: next}, nil
	})
}

func elbPage[T any](items []T, marker *string, size *int32) ([]T, *string, error) {
	n := int(aws.ToInt32(size))
	if n == 0 {
		n = 400
	}
	if n < 1 || n > 400 {
		return nil, nil, validationError("1 validation error detected: Value '%d' at 'pageSize' failed to satisfy constraint: Member must have value less than or equal to 400", n)
	}
	out, next, err := page(items, marker, n)
	if err != nil {
		return nil, nil, validationError("Invalid marker")
	}
	if out == nil {
		out = []T{}
	}
	return out, next, nil
}

func (a *elbAPI) SetSecurityGroups(ctx context.Context, in *elb.SetSecurityGroupsInput, _ ...func(*elb.Options)) (*elb.SetSecurityGroupsOutput, error) {
	return call(ctx, a.s, svcELB, "SetSecurityGroups", func(t *tx) (*elb.SetSecurityGroupsOutput, error) {
		lb, err := t.lbByARN(aws.ToString(in.LoadBalancerArn))
		if err != nil {
			return nil, err
		}
		if len(in.SecurityGroups) == 0 {
			return nil, validationError("At least one security group must be specified")
		}
		sgs, err := t.lbGroups(in.SecurityGroups, lb.VPC)
		if err != nil {
			return nil, err
		}
		lb.SGs = sgs
		t.setENIGroups(lb.ARN, sgs)
		return &elb.SetSecurityGroupsOutput{SecurityGroupIds: append([]string{}, sgs...)}, nil
	})
}

func (a *elbAPI) SetSubnets(ctx context.Context, in *elb.SetSubnetsInput, _ ...func(*elb.Options)) (*elb.SetSubnetsOutput, error) {
	return call(ctx, a.s, svcELB, "SetSubnets", func(t *tx) (*elb.SetSubnetsOutput, error) {
		lb, err := t.lbByARN(aws.ToString(in.LoadBalancerArn))
		if err != nil {
			return nil, err
		}
		subnets, err := t.lbSubnets(append([]string(nil), in.Subnets...), in.SubnetMappings)
		if err != nil {
			return nil, err
		}
		if subnets[0].VPC != lb.VPC {
			return nil, &elbtypes.InvalidConfigurationRequestException{Message: aws.String("The subnets must belong to the load balancer's VPC")}
		}
		var sids []string
		for _, s := range subnets {
			sids = append(sids, s.ID)
		}
		lb.Subnets = sids
		if err := t.placeLBENIs(lb, subnets); err != nil {
			return nil, err
		}
		return &elb.SetSubnetsOutput{AvailabilityZones: t.lbOut(lb).AvailabilityZones, IpAddressType: elbtypes.IpAddressType(lb.IPType)}, nil
	})
}
