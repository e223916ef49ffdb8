package aws

import (
	"context"
	"fmt"
	"strings"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/minimalinfra/mvi/engine/arch"
)

type asgHandler struct{}

func (asgHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeAutoScalingGroup, Service: arch.VM, DeleteRank: 5,
		ARNKinds: []string{"ec2:instance", "autoscaling:autoScalingGroup"},
		Console: func(s resource.Site) string {
			return console(s, "ec2/home?region="+s.Region+"#AutoScalingGroupDetails:id="+s.Name())
		},
		Lookup: func(s resource.Site) string {
			return "aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names " + s.Name() + " " + regionFlag(s)
		},
	}
}

func asgTags(name string, m map[string]string) []astypes.Tag {
	out := make([]astypes.Tag, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, astypes.Tag{
			Key: aws.String(k), Value: aws.String(m[k]),
			ResourceId: aws.String(name), ResourceType: aws.String("auto-scaling-group"),
			// Only mvi:app goes on the VMs: they are the group's, not designed resources.
			PropagateAtLaunch: aws.Bool(k == resource.TagApp),
		})
	}
	return out
}

func asgTagMap(g astypes.AutoScalingGroup) map[string]string {
	m := map[string]string{}
	for _, t := range g.Tags {
		m[str(t.Key)] = str(t.Value)
	}
	return m
}

func asgLive(typ string, g astypes.AutoScalingGroup) resource.Live {
	l := newLive(typ, str(g.AutoScalingGroupName), asgTagMap(g))
	l.ARN = str(g.AutoScalingGroupARN)
	l.State = "active"
	if s := str(g.Status); s != "" {
		l.State = s
	}
	l.Attrs["name"] = l.PhysicalID
	l.Attrs["arn"] = l.ARN
	l.Attrs["min"] = itoa(int(i32(g.MinSize)))
	l.Attrs["max"] = itoa(int(i32(g.MaxSize)))
	l.Attrs["desired"] = itoa(int(i32(g.DesiredCapacity)))
	inService := 0
	for _, i := range g.Instances {
		if i.LifecycleState == astypes.LifecycleStateInService {
			inService++
			// What the VMs cost now is what they are (a new type rolls in
			// only as VMs are replaced).
			if l.Attrs["instance_type"] == "" {
				l.Attrs["instance_type"] = str(i.InstanceType)
			}
		}
	}
	// Gauges: what `mvi status` shows beside the state.
	l.Attrs["gauge:VMs in service"] = itoa(inService) + "/" + l.Attrs["desired"]
	return l
}

func (h asgHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	var out []resource.Live
	p := autoscaling.NewDescribeAutoScalingGroupsPaginator(env.Clients.AutoScaling, &autoscaling.DescribeAutoScalingGroupsInput{
		Filters: []astypes.Filter{{Name: aws.String("tag:" + resource.TagApp), Values: []string{env.App}}},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("list", "Auto Scaling groups", err)
		}
		for _, g := range page.AutoScalingGroups {
			l := asgLive(h.Describe().Type, g)
			if strings.EqualFold(l.State, "Delete in progress") || l.ID == "" {
				continue
			}
			out = append(out, l)
		}
	}
	return out, nil
}

func (h asgHandler) spec(env resource.Env, r arch.Resource, p arch.AutoScalingGroupProps) (*astypes.LaunchTemplateSpecification, string, error) {
	lt, err := depAttr(env, r.ID, p.LaunchTemplate, "launch_template_id")
	if err != nil {
		return nil, "", err
	}
	var subnets []string
	for _, s := range p.Subnets {
		id, err := depAttr(env, r.ID, s, "subnet_id")
		if err != nil {
			return nil, "", err
		}
		subnets = append(subnets, id)
	}
	return &astypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(lt), Version: aws.String("$Default")},
		strings.Join(subnets, ","), nil
}

func (h asgHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	p, err := propsOf[arch.AutoScalingGroupProps]("create", r)
	if err != nil {
		return resource.Live{}, err
	}
	lt, subnets, err := h.spec(env, r, p)
	if err != nil {
		return resource.Live{}, err
	}
	name := physName(env.App, r.ID, 255)
	// Look first: a group of that name may be left by a create whose answer
	// was lost.
	if prev, err := h.describe(ctx, env, r.ID, name); err == nil {
		if prev.ID != r.ID {
			return resource.Live{}, fmt.Errorf("create %s: an Auto Scaling group named %s exists and is not this one", r.ID, name)
		}
		return h.Update(ctx, env, r, prev)
	} else if !isCode(err, "NotFound") {
		return resource.Live{}, err
	}
	_, err = env.Clients.AutoScaling.CreateAutoScalingGroup(ctx, &autoscaling.CreateAutoScalingGroupInput{
		AutoScalingGroupName:             aws.String(name),
		LaunchTemplate:                   lt,
		VPCZoneIdentifier:                aws.String(subnets),
		MinSize:                          aws.Int32(int32(p.Min)),
		MaxSize:                          aws.Int32(int32(p.Max)),
		DesiredCapacity:                  aws.Int32(int32(p.Desired)),
		HealthCheckType:                  aws.String("EC2"),
		DefaultInstanceWarmup:            aws.Int32(60),
		CapacityRebalance:                aws.Bool(true),
		Tags:                             asgTags(name, createTags(env, r, false)),
		NewInstancesProtectedFromScaleIn: aws.Bool(false),
	})
	if isCode(err, "AlreadyExists") {
		// A retried create: converge what is there.
		return h.Update(ctx, env, r, resource.Live{ID: r.ID, Type: h.Describe().Type, PhysicalID: name, Attrs: map[string]string{"name": name}})
	}
	if err != nil {
		return resource.Live{}, wrap("create", r.ID, err)
	}
	return h.describe(ctx, env, r.ID, name)
}

func (h asgHandler) describe(ctx context.Context, env resource.Env, id, name string) (resource.Live, error) {
	res, err := env.Clients.AutoScaling.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{name}})
	if err != nil {
		return resource.Live{}, wrap("describe", id, err)
	}
	if len(res.AutoScalingGroups) == 0 {
		return resource.Live{}, wrap("describe", id, &notFound{what: "Auto Scaling group " + name})
	}
	l := asgLive(h.Describe().Type, res.AutoScalingGroups[0])
	if tags := asgTagMap(res.AutoScalingGroups[0]); tags[resource.TagApp] != env.App {
		l.ID = ""
	}
	return l, nil
}

func (h asgHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	p, err := propsOf[arch.AutoScalingGroupProps]("update", r)
	if err != nil {
		return resource.Live{}, err
	}
	lt, subnets, err := h.spec(env, r, p)
	if err != nil {
		return resource.Live{}, err
	}
	_, err = env.Clients.AutoScaling.UpdateAutoScalingGroup(ctx, &autoscaling.UpdateAutoScalingGroupInput{
		AutoScalingGroupName: aws.String(live.PhysicalID),
		LaunchTemplate:       lt,
		VPCZoneIdentifier:    aws.String(subnets),
		MinSize:              aws.Int32(int32(p.Min)),
		MaxSize:              aws.Int32(int32(p.Max)),
		DesiredCapacity:      aws.Int32(int32(p.Desired)),
	})
	if err != nil {
		return resource.Live{}, wrap("update", r.ID, err)
	}
	if _, err := env.Clients.AutoScaling.CreateOrUpdateTags(ctx, &autoscaling.CreateOrUpdateTagsInput{
		Tags: asgTags(live.PhysicalID, resource.Tags(env.App, r)),
	}); err != nil {
		return resource.Live{}, wrap("tag", r.ID, err)
	}
	return h.describe(ctx, env, r.ID, live.PhysicalID)
}

// Delete force-deletes the group: its VMs are terminated with it.
func (h asgHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	_, err := env.Clients.AutoScaling.DeleteAutoScalingGroup(ctx, &autoscaling.DeleteAutoScalingGroupInput{
		AutoScalingGroupName: aws.String(live.PhysicalID), ForceDelete: aws.Bool(true),
	})
	if err != nil && isCode(err, "ValidationError") && strings.Contains(strings.ToLower(errMessage(err)), "not found") {
		return nil
	}
	return wrap("delete", live.ID, err)
}

func (h asgHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	res, err := env.Clients.AutoScaling.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{live.PhysicalID}})
	if err != nil {
		return false, "", wrap("describe", live.ID, err)
	}
	if len(res.AutoScalingGroups) == 0 {
		return false, "waiting for Auto Scaling group (not found)", nil
	}
	g := res.AutoScalingGroups[0]
	in := 0
	for _, i := range g.Instances {
		if i.LifecycleState == astypes.LifecycleStateInService && strings.EqualFold(str(i.HealthStatus), "Healthy") {
			in++
		}
	}
	want := int(i32(g.DesiredCapacity))
	if in < want {
		return false, fmt.Sprintf("waiting for VMs (%d of %d InService)", in, want), nil
	}
	return true, "", nil
}
