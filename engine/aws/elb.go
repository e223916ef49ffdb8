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

func elbTags(m map[string]string) []elbtypes.Tag {
	out := make([]elbtypes.Tag, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, elbtypes.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

// elbTagsOf reads the tags of up to any number of ELB resources, 20 per call.
func elbTagsOf(ctx context.Context, env resource.Env, arns []string) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	for len(arns) > 0 {
		n := min(len(arns), 20)
		res, err := env.Clients.ELB.DescribeTags(ctx, &elb.DescribeTagsInput{ResourceArns: arns[:n]})
		if err != nil {
			return nil, err
		}
		for _, d := range res.TagDescriptions {
			m := map[string]string{}
			for _, t := range d.Tags {
				m[str(t.Key)] = str(t.Value)
			}
			out[str(d.ResourceArn)] = m
		}
		arns = arns[n:]
	}
	return out, nil
}

func elbAddTags(ctx context.Context, env resource.Env, r arch.Resource, arn string) (string, error) {
	tags := resource.Tags(env.App, r)
	if _, err := env.Clients.ELB.AddTags(ctx, &elb.AddTagsInput{ResourceArns: []string{arn}, Tags: elbTags(tags)}); err != nil {
		return "", wrap("tag", r.ID, err)
	}
	return tags[resource.TagHash], nil
}

// elbSuffix is what CloudWatch calls a load balancer or target group in
// metric dimensions: the ARN after "loadbalancer/" or from "targetgroup/".
func elbSuffix(arn, marker string, keepMarker bool) string {
	i := strings.Index(arn, marker)
	if i < 0 {
		return ""
	}
	if keepMarker {
		return arn[i:]
	}
	return arn[i+len(marker):]
}

// ---- Load balancer ----

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

// ---- Target group ----

type targetGroupHandler struct{}

func (targetGroupHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeTargetGroup, Service: arch.LoadBalancer, DeleteRank: 3,
		ARNKinds: []string{"elasticloadbalancing:targetgroup"},
		Console: func(s resource.Site) string {
			return console(s, "ec2/home?region="+s.Region+"#TargetGroup:targetGroupArn="+s.ARNOr())
		},
		Lookup: func(s resource.Site) string {
			return "aws elbv2 describe-target-health --target-group-arn " + s.ARNOr() + " " + regionFlag(s)
		},
	}
}

func tgLive(typ string, g elbtypes.TargetGroup, tags map[string]string) resource.Live {
	l := newLive(typ, str(g.TargetGroupArn), tags)
	l.ARN = l.PhysicalID
	l.State = "available"
	l.Attrs["arn"] = l.ARN
	l.Attrs["name"] = str(g.TargetGroupName)
	l.Attrs["full_name"] = elbSuffix(l.ARN, "targetgroup/", true)
	l.Attrs["port"] = itoa(int(i32(g.Port)))
	l.Attrs["protocol"] = string(g.Protocol)
	l.Attrs["vpc_id"] = str(g.VpcId)
	if len(g.LoadBalancerArns) > 0 {
		l.Attrs["load_balancer_arn"] = g.LoadBalancerArns[0]
	}
	return l
}

func (h targetGroupHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	var groups []elbtypes.TargetGroup
	var arns []string
	p := elb.NewDescribeTargetGroupsPaginator(env.Clients.ELB, &elb.DescribeTargetGroupsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("list", "target groups", err)
		}
		for _, g := range page.TargetGroups {
			if strings.HasPrefix(str(g.TargetGroupName), "mvi-") {
				groups = append(groups, g)
				arns = append(arns, str(g.TargetGroupArn))
			}
		}
	}
	tags, err := elbTagsOf(ctx, env, arns)
	if err != nil {
		return nil, wrap("list", "target groups", err)
	}
	var out []resource.Live
	for _, g := range groups {
		if t := tags[str(g.TargetGroupArn)]; ours(env.App, t) {
			out = append(out, tgLive(h.Describe().Type, g, t))
		}
	}
	return out, nil
}

// healthTimeout keeps the check's timeout below its interval.
func healthTimeout(interval int) int32 {
	t := interval / 2
	if t < 2 {
		t = 2
	}
	return int32(t)
}

func (h targetGroupHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	p, err := propsOf[arch.TargetGroupProps]("create", r)
	if err != nil {
		return resource.Live{}, err
	}
	vpc, err := depAttr(env, r.ID, p.VPC, "vpc_id")
	if err != nil {
		return resource.Live{}, err
	}
	name := elbName(env.App, r.ID)
	// CreateTargetGroup is idempotent on the name and settings; with other
	// settings (a retried create after the design changed) it answers
	// DuplicateTargetGroupName and Update converges the one there.
	res, err := env.Clients.ELB.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{
		Name:                       aws.String(name),
		Protocol:                   elbtypes.ProtocolEnum(p.Protocol),
		Port:                       aws.Int32(int32(p.Port)),
		VpcId:                      aws.String(vpc),
		TargetType:                 elbtypes.TargetTypeEnumInstance,
		HealthCheckProtocol:        elbtypes.ProtocolEnum(p.Protocol),
		HealthCheckPath:            aws.String(p.HealthPath),
		HealthCheckIntervalSeconds: aws.Int32(int32(p.HealthInterval)),
		HealthCheckTimeoutSeconds:  aws.Int32(healthTimeout(p.HealthInterval)),
		HealthyThresholdCount:      aws.Int32(int32(p.HealthyThreshold)),
		UnhealthyThresholdCount:    aws.Int32(int32(p.UnhealthyThreshold)),
		Matcher:                    &elbtypes.Matcher{HttpCode: aws.String("200-399")},
		Tags:                       elbTags(createTags(env, r, true)),
	})
	if isCode(err, "DuplicateTargetGroupName") {
		d, derr := env.Clients.ELB.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{Names: []string{name}})
		if derr != nil || len(d.TargetGroups) == 0 {
			return resource.Live{}, wrap("create", r.ID, err)
		}
		g := d.TargetGroups[0]
		tags, terr := elbTagsOf(ctx, env, []string{str(g.TargetGroupArn)})
		if terr != nil {
			return resource.Live{}, wrap("create", r.ID, terr)
		}
		if t := tags[str(g.TargetGroupArn)]; t[resource.TagApp] != env.App || t[resource.TagID] != r.ID {
			return resource.Live{}, wrap("create", r.ID, err)
		}
		return h.Update(ctx, env, r, tgLive(h.Describe().Type, g, tags[str(g.TargetGroupArn)]))
	}
	if err != nil {
		return resource.Live{}, wrap("create", r.ID, err)
	}
	if len(res.TargetGroups) == 0 {
		return resource.Live{}, fmt.Errorf("create %s: no target group returned", r.ID)
	}
	return h.Update(ctx, env, r, tgLive(h.Describe().Type, res.TargetGroups[0], map[string]string{resource.TagID: r.ID}))
}

func (h targetGroupHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	p, err := propsOf[arch.TargetGroupProps]("update", r)
	if err != nil {
		return resource.Live{}, err
	}
	vpc, err := depAttr(env, r.ID, p.VPC, "vpc_id")
	if err != nil {
		return resource.Live{}, err
	}
	if live.Attrs["vpc_id"] != vpc || live.Attrs["port"] != itoa(p.Port) || live.Attrs["protocol"] != p.Protocol {
		return resource.Live{}, resource.ErrReplace
	}
	arn := aws.String(live.PhysicalID)
	if _, err := env.Clients.ELB.ModifyTargetGroup(ctx, &elb.ModifyTargetGroupInput{
		TargetGroupArn:             arn,
		HealthCheckProtocol:        elbtypes.ProtocolEnum(p.Protocol),
		HealthCheckPath:            aws.String(p.HealthPath),
		HealthCheckIntervalSeconds: aws.Int32(int32(p.HealthInterval)),
		HealthCheckTimeoutSeconds:  aws.Int32(healthTimeout(p.HealthInterval)),
		HealthyThresholdCount:      aws.Int32(int32(p.HealthyThreshold)),
		UnhealthyThresholdCount:    aws.Int32(int32(p.UnhealthyThreshold)),
		Matcher:                    &elbtypes.Matcher{HttpCode: aws.String("200-399")},
	}); err != nil {
		return resource.Live{}, wrap("update", r.ID, err)
	}
	if _, err := env.Clients.ELB.ModifyTargetGroupAttributes(ctx, &elb.ModifyTargetGroupAttributesInput{
		TargetGroupArn: arn,
		Attributes: []elbtypes.TargetGroupAttribute{
			{Key: aws.String("deregistration_delay.timeout_seconds"), Value: aws.String(itoa(p.DeregistrationDelay))},
		},
	}); err != nil {
		return resource.Live{}, wrap("set attributes of", r.ID, err)
	}
	if live.Hash, err = elbAddTags(ctx, env, r, live.PhysicalID); err != nil {
		return resource.Live{}, err
	}
	return live, nil
}

func (h targetGroupHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	_, err := env.Clients.ELB.DeleteTargetGroup(ctx, &elb.DeleteTargetGroupInput{TargetGroupArn: aws.String(live.PhysicalID)})
	if isCode(err, "TargetGroupNotFound") {
		return nil
	}
	return wrap("delete", live.ID, err)
}

func (h targetGroupHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	_, err := env.Clients.ELB.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{TargetGroupArns: []string{live.PhysicalID}})
	if isCode(err, "TargetGroupNotFound") {
		return false, "waiting for target group (not found)", nil
	}
	if err != nil {
		return false, "", wrap("describe", live.ID, err)
	}
	return true, "", nil
}

// ---- Listener ----

type listenerHandler struct{}

func (listenerHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeListener, Service: arch.LoadBalancer, DeleteRank: 2,
		ARNKinds: []string{"elasticloadbalancing:listener"},
		Console:  func(s resource.Site) string { return console(s, "ec2/home?region="+s.Region+"#LoadBalancers:") },
		Lookup: func(s resource.Site) string {
			return "aws elbv2 describe-listeners --listener-arns " + s.ARNOr() + " " + regionFlag(s)
		},
	}
}

func listenerLive(typ string, ls elbtypes.Listener, tags map[string]string) resource.Live {
	l := newLive(typ, str(ls.ListenerArn), tags)
	l.ARN = l.PhysicalID
	l.State = "available"
	l.Attrs["arn"] = l.ARN
	l.Attrs["port"] = itoa(int(i32(ls.Port)))
	l.Attrs["protocol"] = string(ls.Protocol)
	l.Attrs["load_balancer_arn"] = str(ls.LoadBalancerArn)
	for _, a := range ls.DefaultActions {
		if a.Type == elbtypes.ActionTypeEnumForward && str(a.TargetGroupArn) != "" {
			l.Attrs["target_group_arn"] = str(a.TargetGroupArn)
		}
		if a.Type == elbtypes.ActionTypeEnumForward && l.Attrs["target_group_arn"] == "" && a.ForwardConfig != nil && len(a.ForwardConfig.TargetGroups) > 0 {
			l.Attrs["target_group_arn"] = str(a.ForwardConfig.TargetGroups[0].TargetGroupArn)
		}
	}
	return l
}

func (h listenerHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	lbs, _, err := appLoadBalancers(ctx, env)
	if err != nil {
		return nil, wrap("list", "load balancers", err)
	}
	var ls []elbtypes.Listener
	var arns []string
	for _, lb := range lbs {
		p := elb.NewDescribeListenersPaginator(env.Clients.ELB, &elb.DescribeListenersInput{LoadBalancerArn: lb.LoadBalancerArn})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if isCode(err, "LoadBalancerNotFound") {
				break
			}
			if err != nil {
				return nil, wrap("list", "listeners", err)
			}
			for _, l := range page.Listeners {
				ls = append(ls, l)
				arns = append(arns, str(l.ListenerArn))
			}
		}
	}
	tags, err := elbTagsOf(ctx, env, arns)
	if err != nil {
		return nil, wrap("list", "listeners", err)
	}
	var out []resource.Live
	for _, l := range ls {
		if t := tags[str(l.ListenerArn)]; ours(env.App, t) {
			out = append(out, listenerLive(h.Describe().Type, l, t))
		}
	}
	return out, nil
}

func forward(tg string) []elbtypes.Action {
	return []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(tg)}}
}

func (h listenerHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	p, err := propsOf[arch.ListenerProps]("create", r)
	if err != nil {
		return resource.Live{}, err
	}
	lb, err := depAttr(env, r.ID, p.LoadBalancer, "arn")
	if err != nil {
		return resource.Live{}, err
	}
	tg, err := depAttr(env, r.ID, p.TargetGroup, "arn")
	if err != nil {
		return resource.Live{}, err
	}
	// One listener per port: a retried create finds the first and converges it.
	ls, err := env.Clients.ELB.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: aws.String(lb)})
	if err != nil {
		return resource.Live{}, wrap("create", r.ID, err)
	}
	for _, l := range ls.Listeners {
		if i32(l.Port) == int32(p.Port) {
			tags, err := elbTagsOf(ctx, env, []string{str(l.ListenerArn)})
			if err != nil {
				return resource.Live{}, wrap("create", r.ID, err)
			}
			if t := tags[str(l.ListenerArn)]; t[resource.TagApp] != env.App || t[resource.TagID] != r.ID {
				return resource.Live{}, fmt.Errorf("create %s: port %d of the load balancer already has a listener that is not this one", r.ID, p.Port)
			}
			return h.Update(ctx, env, r, listenerLive(h.Describe().Type, l, tags[str(l.ListenerArn)]))
		}
	}
	res, err := env.Clients.ELB.CreateListener(ctx, &elb.CreateListenerInput{
		LoadBalancerArn: aws.String(lb), Port: aws.Int32(int32(p.Port)), Protocol: elbtypes.ProtocolEnum(p.Protocol),
		DefaultActions: forward(tg), Tags: elbTags(resource.Tags(env.App, r)),
	})
	if err != nil {
		return resource.Live{}, wrap("create", r.ID, err)
	}
	if len(res.Listeners) == 0 {
		return resource.Live{}, fmt.Errorf("create %s: no listener returned", r.ID)
	}
	l := listenerLive(h.Describe().Type, res.Listeners[0], resource.Tags(env.App, r))
	if l.Attrs["target_group_arn"] == "" {
		l.Attrs["target_group_arn"] = tg
	}
	return l, nil
}

func (h listenerHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	p, err := propsOf[arch.ListenerProps]("update", r)
	if err != nil {
		return resource.Live{}, err
	}
	lb, err := depAttr(env, r.ID, p.LoadBalancer, "arn")
	if err != nil {
		return resource.Live{}, err
	}
	tg, err := depAttr(env, r.ID, p.TargetGroup, "arn")
	if err != nil {
		return resource.Live{}, err
	}
	if a := live.Attrs["load_balancer_arn"]; a != "" && a != lb {
		return resource.Live{}, resource.ErrReplace
	}
	res, err := env.Clients.ELB.ModifyListener(ctx, &elb.ModifyListenerInput{
		ListenerArn: aws.String(live.PhysicalID), Port: aws.Int32(int32(p.Port)), Protocol: elbtypes.ProtocolEnum(p.Protocol),
		DefaultActions: forward(tg),
	})
	if err != nil {
		return resource.Live{}, wrap("update", r.ID, err)
	}
	hash, err := elbAddTags(ctx, env, r, live.PhysicalID)
	if err != nil {
		return resource.Live{}, err
	}
	if len(res.Listeners) > 0 {
		live = listenerLive(h.Describe().Type, res.Listeners[0], resource.Tags(env.App, r))
	}
	live.ID, live.Hash = r.ID, hash
	live.Attrs["target_group_arn"] = tg
	return live, nil
}

func (h listenerHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	_, err := env.Clients.ELB.DeleteListener(ctx, &elb.DeleteListenerInput{ListenerArn: aws.String(live.PhysicalID)})
	if isCode(err, "ListenerNotFound") {
		return nil
	}
	return wrap("delete", live.ID, err)
}

func (h listenerHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	_, err := env.Clients.ELB.DescribeListeners(ctx, &elb.DescribeListenersInput{ListenerArns: []string{live.PhysicalID}})
	if isCode(err, "ListenerNotFound") {
		return false, "waiting for listener (not found)", nil
	}
	if err != nil {
		return false, "", wrap("describe", live.ID, err)
	}
	return true, "", nil
}

// Replaces: a target group's port and protocol are fixed when it is made.
func (targetGroupHandler) Replaces(r arch.Resource, live resource.Live) string {
	p, ok := r.Props.(arch.TargetGroupProps)
	if !ok {
		return ""
	}
	const why = "AWS can't change a target group's port or protocol in place (its containers get no traffic while it is remade)"
	if s := forces("port", live.Attrs["port"], itoa(p.Port), why); s != "" {
		return s
	}
	return forces("protocol", live.Attrs["protocol"], p.Protocol, why)
}
