package sandbox

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

func (t *tx) listenerOut(l *listener) elbtypes.Listener {
	out := elbtypes.Listener{ListenerArn: aws.String(l.ARN), LoadBalancerArn: aws.String(l.LB), Port: aws.Int32(l.Port),
		Protocol: elbtypes.ProtocolEnum(l.Protocol), DefaultActions: clone(l.Actions), Certificates: clone(l.Certs)}
	if l.SSL != "" {
		out.SslPolicy = aws.String(l.SSL)
	}
	return out
}

// checkActions validates a listener's actions against the load balancer.
func (t *tx) checkActions(lb *loadBalancer, actions []elbtypes.Action, self string) error {
	if len(actions) == 0 {
		return validationError("A default action must be specified")
	}
	for _, a := range actions {
		switch a.Type {
		case elbtypes.ActionTypeEnumForward:
			tgs := actionTGs([]elbtypes.Action{a})
			if len(tgs) == 0 {
				return validationError("A target group ARN must be specified for a forward action")
			}
			for _, arn := range tgs {
				tg := t.r.ELB.TargetGroups[arn]
				if tg == nil {
					return tgNotFound()
				}
				if tg.VPC != lb.VPC {
					return validationError("The target group '%s' is in a different VPC than the load balancer", arn)
				}
				for _, other := range t.tgLBs(tg) {
					if other != lb.ARN {
						return &elbtypes.TargetGroupAssociationLimitException{Message: aws.String("The following target groups cannot be associated with more than one load balancer: " + arn)}
					}
				}
			}
		case elbtypes.ActionTypeEnumRedirect:
			if a.RedirectConfig == nil {
				return validationError("A redirect configuration must be specified for a redirect action")
			}
		case elbtypes.ActionTypeEnumFixedResponse:
			if a.FixedResponseConfig == nil {
				return validationError("A fixed response configuration must be specified for a fixed-response action")
			}
		default:
			return &elbtypes.InvalidLoadBalancerActionException{Message: aws.String("Action type '" + string(a.Type) + "' is not supported by the sandbox")}
		}
	}
	return nil
}

func (a *elbAPI) CreateListener(ctx context.Context, in *elb.CreateListenerInput, _ ...func(*elb.Options)) (*elb.CreateListenerOutput, error) {
	return call(ctx, a.s, svcELB, "CreateListener", func(t *tx) (*elb.CreateListenerOutput, error) {
		lb, err := t.lbByARN(aws.ToString(in.LoadBalancerArn))
		if err != nil {
			return nil, err
		}
		port := aws.ToInt32(in.Port)
		if port < 1 || port > 65535 {
			return nil, validationError("Port must be between 1 and 65535")
		}
		proto := string(in.Protocol)
		if proto == "" {
			proto = "HTTP"
		}
		if proto != "HTTP" && proto != "HTTPS" {
			return nil, &elbtypes.UnsupportedProtocolException{Message: aws.String("The protocol '" + proto + "' is not supported by application load balancers")}
		}
		if proto == "HTTPS" && len(in.Certificates) == 0 {
			return nil, validationError("A certificate must be specified for HTTPS listeners")
		}
		if err := t.checkActions(lb, in.DefaultActions, ""); err != nil {
			return nil, err
		}
		tags, err := elbTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		for _, l := range t.r.ELB.Listeners {
			if l.LB == lb.ARN && l.Port == port {
				if l.Protocol == proto && strings.Join(actionTGs(l.Actions), ",") == strings.Join(actionTGs(in.DefaultActions), ",") {
					return &elb.CreateListenerOutput{Listeners: []elbtypes.Listener{t.listenerOut(l)}}, nil
				}
				return nil, &elbtypes.DuplicateListenerException{Message: aws.String("A listener already exists on this port for this load balancer '" + lb.ARN + "'")}
			}
		}
		l := &listener{Meta: Meta{ID: hexID(16), Created: t.now}, LB: lb.ARN, Port: port, Protocol: proto,
			Actions: clone(in.DefaultActions), Certs: clone(in.Certificates), SSL: aws.ToString(in.SslPolicy)}
		l.ARN = t.listenerARN(lb.ARN, l.ID)
		if proto == "HTTPS" && l.SSL == "" {
			l.SSL = "ELBSecurityPolicy-TLS13-1-2-2021-06"
		}
		if len(tags) > 0 {
			l.Tags = tags
		}
		for i := range l.Actions {
			if l.Actions[i].Order == nil {
				l.Actions[i].Order = aws.Int32(int32(i + 1))
			}
		}
		t.r.ELB.Listeners[l.ARN] = l
		return &elb.CreateListenerOutput{Listeners: []elbtypes.Listener{t.listenerOut(l)}}, nil
	})
}

func (a *elbAPI) DeleteListener(ctx context.Context, in *elb.DeleteListenerInput, _ ...func(*elb.Options)) (*elb.DeleteListenerOutput, error) {
	return call(ctx, a.s, svcELB, "DeleteListener", func(t *tx) (*elb.DeleteListenerOutput, error) {
		a := aws.ToString(in.ListenerArn)
		if t.r.ELB.Listeners[a] == nil {
			return nil, &elbtypes.ListenerNotFoundException{Message: aws.String("One or more listeners not found")}
		}
		delete(t.r.ELB.Listeners, a)
		t.dropRules(a)
		return &elb.DeleteListenerOutput{}, nil
	})
}

func (a *elbAPI) DescribeListeners(ctx context.Context, in *elb.DescribeListenersInput, _ ...func(*elb.Options)) (*elb.DescribeListenersOutput, error) {
	return call(ctx, a.s, svcELB, "DescribeListeners", func(t *tx) (*elb.DescribeListenersOutput, error) {
		var out []elbtypes.Listener
		switch {
		case len(in.ListenerArns) > 0:
			for _, a := range in.ListenerArns {
				l := t.r.ELB.Listeners[a]
				if l == nil || t.hidden(l.Created) {
					return nil, &elbtypes.ListenerNotFoundException{Message: aws.String("One or more listeners not found")}
				}
				out = append(out, t.listenerOut(l))
			}
		case in.LoadBalancerArn != nil:
			lb, err := t.lbByARN(*in.LoadBalancerArn)
			if err != nil {
				return nil, err
			}
			for _, k := range sortedKeys(t.r.ELB.Listeners) {
				if l := t.r.ELB.Listeners[k]; l.LB == lb.ARN && !t.hidden(l.Created) {
					out = append(out, t.listenerOut(l))
				}
			}
		default:
			return nil, validationError("You must specify either listener ARNs or a load balancer ARN")
		}
		items, next, err := elbPage(out, in.Marker, in.PageSize)
		if err != nil {
			return nil, err
		}
		return &elb.DescribeListenersOutput{Listeners: items, NextMarker: next}, nil
	})
}

func (a *elbAPI) ModifyListener(ctx context.Context, in *elb.ModifyListenerInput, _ ...func(*elb.Options)) (*elb.ModifyListenerOutput, error) {
	return call(ctx, a.s, svcELB, "ModifyListener", func(t *tx) (*elb.ModifyListenerOutput, error) {
		l := t.r.ELB.Listeners[aws.ToString(in.ListenerArn)]
		if l == nil {
			return nil, &elbtypes.ListenerNotFoundException{Message: aws.String("One or more listeners not found")}
		}
		lb := t.r.ELB.LoadBalancers[l.LB]
		if in.Port != nil {
			for _, o := range t.r.ELB.Listeners {
				if o.LB == l.LB && o.Port == *in.Port && o.ARN != l.ARN {
					return nil, &elbtypes.DuplicateListenerException{Message: aws.String("A listener already exists on this port for this load balancer '" + l.LB + "'")}
				}
			}
		}
		if in.DefaultActions != nil {
			if err := t.checkActions(lb, in.DefaultActions, l.ARN); err != nil {
				return nil, err
			}
			l.Actions = clone(in.DefaultActions)
		}
		if in.Port != nil {
			l.Port = *in.Port
		}
		if in.Protocol != "" {
			l.Protocol = string(in.Protocol)
		}
		if in.Certificates != nil {
			l.Certs = clone(in.Certificates)
		}
		if in.SslPolicy != nil {
			l.SSL = *in.SslPolicy
		}
		return &elb.ModifyListenerOutput{Listeners: []elbtypes.Listener{t.listenerOut(l)}}, nil
	})
}
