package sandbox

import (
	"context"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

func (t *tx) tgLBs(tg *targetGroup) []string {
	set := map[string]bool{}
	for _, l := range t.r.ELB.Listeners {
		for _, tga := range actionTGs(l.Actions) {
			if tga == tg.ARN {
				set[l.LB] = true
			}
		}
	}
	for _, r := range t.r.ELB.Rules {
		for _, tga := range actionTGs(r.Actions) {
			if l := t.r.ELB.Listeners[r.Listener]; tga == tg.ARN && l != nil {
				set[l.LB] = true
			}
		}
	}
	return sortedKeys(set)
}

func actionTGs(actions []elbtypes.Action) []string {
	var out []string
	for _, a := range actions {
		if a.TargetGroupArn != nil {
			out = append(out, *a.TargetGroupArn)
		}
		if a.ForwardConfig != nil {
			for _, tg := range a.ForwardConfig.TargetGroups {
				out = append(out, aws.ToString(tg.TargetGroupArn))
			}
		}
	}
	return out
}

func (t *tx) tgOut(tg *targetGroup) elbtypes.TargetGroup {
	out := elbtypes.TargetGroup{
		TargetGroupArn: aws.String(tg.ARN), TargetGroupName: aws.String(tg.Name), Protocol: elbtypes.ProtocolEnum(tg.Protocol),
		TargetType: elbtypes.TargetTypeEnum(tg.TargetType), HealthCheckEnabled: aws.Bool(tg.HCEnabled),
		HealthCheckIntervalSeconds: aws.Int32(tg.HCInterval), HealthCheckTimeoutSeconds: aws.Int32(tg.HCTimeout),
		HealthyThresholdCount: aws.Int32(tg.Healthy), UnhealthyThresholdCount: aws.Int32(tg.Unhealthy),
		HealthCheckPath: aws.String(tg.HCPath), HealthCheckPort: aws.String(tg.HCPort), HealthCheckProtocol: elbtypes.ProtocolEnum(tg.HCProtocol),
		Matcher: &elbtypes.Matcher{HttpCode: aws.String(tg.Matcher)}, LoadBalancerArns: t.tgLBs(tg),
		IpAddressType: elbtypes.TargetGroupIpAddressTypeEnumIpv4,
	}
	if tg.TargetType != "lambda" {
		out.Port, out.VpcId = aws.Int32(tg.Port), aws.String(tg.VPC)
	}
	if tg.Version != "" {
		out.ProtocolVersion = aws.String(tg.Version)
	}
	return out
}

func checkHealthCheck(interval, timeout, healthy, unhealthy int32) error {
	if interval < 5 || interval > 300 {
		return validationError("Health check interval must be between 5 and 300 seconds")
	}
	if timeout < 2 || timeout > 120 {
		return validationError("Health check timeout must be between 2 and 120 seconds")
	}
	if timeout >= interval {
		return validationError("Health check timeout '%d' must be smaller than the interval '%d'", timeout, interval)
	}
	if healthy < 2 || healthy > 10 || unhealthy < 2 || unhealthy > 10 {
		return validationError("Health check thresholds must be between 2 and 10")
	}
	return nil
}

func (a *elbAPI) CreateTargetGroup(ctx context.Context, in *elb.CreateTargetGroupInput, _ ...func(*elb.Options)) (*elb.CreateTargetGroupOutput, error) {
	return call(ctx, a.s, svcELB, "CreateTargetGroup", func(t *tx) (*elb.CreateTargetGroupOutput, error) {
		name := aws.ToString(in.Name)
		if !elbNameRE.MatchString(name) {
			return nil, validationError("Target group name '%s' can only contain characters that are alphanumeric characters or hyphens(-), must be no more than 32 characters, and must not begin or end with a hyphen", name)
		}
		tt := string(in.TargetType)
		if tt == "" {
			tt = "instance"
		}
		if tt != "instance" && tt != "ip" {
			return nil, validationError("The sandbox supports instance and ip target groups only")
		}
		proto := string(in.Protocol)
		if proto == "" {
			return nil, validationError("A protocol must be specified")
		}
		if proto != "HTTP" && proto != "HTTPS" {
			return nil, &elbtypes.UnsupportedProtocolException{Message: aws.String("Protocol '" + proto + "' is not supported by application load balancer target groups")}
		}
		if in.Port == nil {
			return nil, validationError("A port must be specified")
		}
		if *in.Port < 1 || *in.Port > 65535 {
			return nil, validationError("Port must be between 1 and 65535")
		}
		if in.VpcId == nil {
			return nil, validationError("A VPC ID must be specified")
		}
		if t.r.EC2.VPCs[*in.VpcId] == nil {
			return nil, validationError("The VPC ID '%s' is not found", *in.VpcId)
		}
		tg := &targetGroup{Name: name, Protocol: proto, Port: *in.Port, VPC: *in.VpcId, TargetType: tt,
			HCEnabled: true, HCPath: "/", HCPort: "traffic-port", HCProtocol: proto, HCInterval: 30, HCTimeout: 5,
			Healthy: 5, Unhealthy: 2, Matcher: "200", Attributes: map[string]string{}, Version: aws.ToString(in.ProtocolVersion)}
		if tg.Version == "" {
			tg.Version = "HTTP1"
		}
		applyHC(tg, in.HealthCheckEnabled, in.HealthCheckPath, in.HealthCheckPort, in.HealthCheckProtocol, in.HealthCheckIntervalSeconds,
			in.HealthCheckTimeoutSeconds, in.HealthyThresholdCount, in.UnhealthyThresholdCount, in.Matcher)
		if err := checkHealthCheck(tg.HCInterval, tg.HCTimeout, tg.Healthy, tg.Unhealthy); err != nil {
			return nil, err
		}
		tags, err := elbTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		for _, o := range t.r.ELB.TargetGroups {
			if o.Name != name {
				continue
			}
			if o.Protocol == tg.Protocol && o.Port == tg.Port && o.VPC == tg.VPC && o.TargetType == tg.TargetType {
				return &elb.CreateTargetGroupOutput{TargetGroups: []elbtypes.TargetGroup{t.tgOut(o)}}, nil
			}
			return nil, &elbtypes.DuplicateTargetGroupNameException{Message: aws.String("A target group with the same name '" + name + "' exists, but with different settings")}
		}
		tg.Meta = Meta{ID: name, ARN: t.targetGroupARN(name, hexID(16)), Created: t.now}
		if len(tags) > 0 {
			tg.Tags = tags
		}
		t.r.ELB.TargetGroups[tg.ARN] = tg
		return &elb.CreateTargetGroupOutput{TargetGroups: []elbtypes.TargetGroup{t.tgOut(tg)}}, nil
	})
}

func applyHC(tg *targetGroup, enabled *bool, path, port *string, proto elbtypes.ProtocolEnum, interval, timeout, healthy, unhealthy *int32, m *elbtypes.Matcher) {
	if enabled != nil {
		tg.HCEnabled = *enabled
	}
	if path != nil {
		tg.HCPath = *path
	}
	if port != nil {
		tg.HCPort = *port
	}
	if proto != "" {
		tg.HCProtocol = string(proto)
	}
	if interval != nil {
		tg.HCInterval = *interval
	}
	if timeout != nil {
		tg.HCTimeout = *timeout
	}
	if healthy != nil {
		tg.Healthy = *healthy
	}
	if unhealthy != nil {
		tg.Unhealthy = *unhealthy
	}
	if m != nil && m.HttpCode != nil {
		tg.Matcher = *m.HttpCode
	}
}

func (a *elbAPI) DeleteTargetGroup(ctx context.Context, in *elb.DeleteTargetGroupInput, _ ...func(*elb.Options)) (*elb.DeleteTargetGroupOutput, error) {
	return call(ctx, a.s, svcELB, "DeleteTargetGroup", func(t *tx) (*elb.DeleteTargetGroupOutput, error) {
		tg := t.r.ELB.TargetGroups[aws.ToString(in.TargetGroupArn)]
		if tg == nil {
			return &elb.DeleteTargetGroupOutput{}, nil
		}
		if len(t.tgLBs(tg)) > 0 {
			return nil, &elbtypes.ResourceInUseException{Message: aws.String("Target group '" + tg.ARN + "' is currently in use by a listener or a rule")}
		}
		delete(t.r.ELB.TargetGroups, tg.ARN)
		return &elb.DeleteTargetGroupOutput{}, nil
	})
}

func (a *elbAPI) DescribeTargetGroups(ctx context.Context, in *elb.DescribeTargetGroupsInput, _ ...func(*elb.Options)) (*elb.DescribeTargetGroupsOutput, error) {
	return call(ctx, a.s, svcELB, "DescribeTargetGroups", func(t *tx) (*elb.DescribeTargetGroupsOutput, error) {
		var out []elbtypes.TargetGroup
		switch {
		case len(in.TargetGroupArns) > 0:
			for _, a := range in.TargetGroupArns {
				tg, err := t.tgByARN(a)
				if err != nil {
					return nil, err
				}
				out = append(out, t.tgOut(tg))
			}
		case len(in.Names) > 0:
			for _, n := range in.Names {
				var found *targetGroup
				for _, tg := range t.r.ELB.TargetGroups {
					if tg.Name == n && !t.hidden(tg.Created) {
						found = tg
					}
				}
				if found == nil {
					return nil, &elbtypes.TargetGroupNotFoundException{Message: aws.String("Target groups '[" + n + "]' not found")}
				}
				out = append(out, t.tgOut(found))
			}
		default:
			var lbARN string
			if in.LoadBalancerArn != nil {
				lb, err := t.lbByARN(*in.LoadBalancerArn)
				if err != nil {
					return nil, err
				}
				lbARN = lb.ARN
			}
			for _, k := range sortedKeys(t.r.ELB.TargetGroups) {
				tg := t.r.ELB.TargetGroups[k]
				if t.hidden(tg.Created) {
					continue
				}
				if lbARN != "" {
					found := false
					for _, l := range t.tgLBs(tg) {
						found = found || l == lbARN
					}
					if !found {
						continue
					}
				}
				out = append(out, t.tgOut(tg))
			}
		}
		items, next, err := elbPage(out, in.Marker, in.PageSize)
		if err != nil {
			return nil, err
		}
		return &elb.DescribeTargetGroupsOutput{TargetGroups: items, NextMarker: next}, nil
	})
}

func (a *elbAPI) ModifyTargetGroup(ctx context.Context, in *elb.ModifyTargetGroupInput, _ ...func(*elb.Options)) (*elb.ModifyTargetGroupOutput, error) {
	return call(ctx, a.s, svcELB, "ModifyTargetGroup", func(t *tx) (*elb.ModifyTargetGroupOutput, error) {
		tg, err := t.tgByARN(aws.ToString(in.TargetGroupArn))
		if err != nil {
			return nil, err
		}
		n := *tg
		applyHC(&n, in.HealthCheckEnabled, in.HealthCheckPath, in.HealthCheckPort, in.HealthCheckProtocol, in.HealthCheckIntervalSeconds,
			in.HealthCheckTimeoutSeconds, in.HealthyThresholdCount, in.UnhealthyThresholdCount, in.Matcher)
		if err := checkHealthCheck(n.HCInterval, n.HCTimeout, n.Healthy, n.Unhealthy); err != nil {
			return nil, err
		}
		*tg = n
		return &elb.ModifyTargetGroupOutput{TargetGroups: []elbtypes.TargetGroup{t.tgOut(tg)}}, nil
	})
}

func (t *tx) tgAttrs(tg *targetGroup) []elbtypes.TargetGroupAttribute {
	var out []elbtypes.TargetGroupAttribute
	for _, k := range sortedKeys(tgDefaults) {
		v := tgDefaults[k]
		if x, ok := tg.Attributes[k]; ok {
			v = x
		}
		out = append(out, elbtypes.TargetGroupAttribute{Key: aws.String(k), Value: aws.String(v)})
	}
	return out
}

func (a *elbAPI) ModifyTargetGroupAttributes(ctx context.Context, in *elb.ModifyTargetGroupAttributesInput, _ ...func(*elb.Options)) (*elb.ModifyTargetGroupAttributesOutput, error) {
	return call(ctx, a.s, svcELB, "ModifyTargetGroupAttributes", func(t *tx) (*elb.ModifyTargetGroupAttributesOutput, error) {
		tg, err := t.tgByARN(aws.ToString(in.TargetGroupArn))
		if err != nil {
			return nil, err
		}
		for _, at := range in.Attributes {
			k, v := aws.ToString(at.Key), aws.ToString(at.Value)
			if _, ok := tgDefaults[k]; !ok {
				return nil, &elbtypes.InvalidConfigurationRequestException{Message: aws.String("Target group attribute key '" + k + "' is not recognized")}
			}
			switch k {
			case "deregistration_delay.timeout_seconds", "slow_start.duration_seconds", "stickiness.lb_cookie.duration_seconds":
				n, err := strconv.Atoi(v)
				if err != nil || n < 0 || (k == "deregistration_delay.timeout_seconds" && n > 3600) {
					return nil, validationError("'%s' is not a valid value for '%s'", v, k)
				}
			case "stickiness.enabled":
				if v != "true" && v != "false" {
					return nil, validationError("'%s' must be true or false", k)
				}
			}
			tg.Attributes[k] = v
		}
		return &elb.ModifyTargetGroupAttributesOutput{Attributes: t.tgAttrs(tg)}, nil
	})
}

func (a *elbAPI) DescribeTargetGroupAttributes(ctx context.Context, in *elb.DescribeTargetGroupAttributesInput, _ ...func(*elb.Options)) (*elb.DescribeTargetGroupAttributesOutput, error) {
	return call(ctx, a.s, svcELB, "DescribeTargetGroupAttributes", func(t *tx) (*elb.DescribeTargetGroupAttributesOutput, error) {
		tg, err := t.tgByARN(aws.ToString(in.TargetGroupArn))
		if err != nil {
			return nil, err
		}
		return &elb.DescribeTargetGroupAttributesOutput{Attributes: t.tgAttrs(tg)}, nil
	})
}
