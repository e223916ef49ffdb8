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
