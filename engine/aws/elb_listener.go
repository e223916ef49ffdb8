package aws

import (
	"context"
	"fmt"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/minimalinfra/mvi/engine/arch"
)

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
			// The app's own listener under another id (the default process
			// renamed or changed) is handed over: AWS allows one listener
			// a port, so it can't be made beside the old one, and the old
			// id's delete leaves it to its new id.
			if t := tags[str(l.ListenerArn)]; t[resource.TagApp] != env.App || t[resource.TagID] == "" {
				return resource.Live{}, fmt.Errorf("create %s: port %d of the load balancer already has a listener that is not this app's", r.ID, p.Port)
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
	tags, err := elbTagsOf(ctx, env, []string{live.PhysicalID})
	if isCode(err, "ListenerNotFound") {
		return nil
	}
	if err != nil {
		return wrap("delete", live.ID, err)
	}
	if id := tags[live.PhysicalID][resource.TagID]; id != "" && id != live.ID {
		env.Say(fmt.Sprintf("%s is %s now (the same port's listener, handed over): kept", live.ID, id))
		return nil
	}
	_, err = env.Clients.ELB.DeleteListener(ctx, &elb.DeleteListenerInput{ListenerArn: aws.String(live.PhysicalID)})
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
