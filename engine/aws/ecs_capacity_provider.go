package aws

import (
	"context"
	"strings"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/minimalinfra/mvi/engine/arch"
)

type capacityProviderHandler struct{}

func (capacityProviderHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeCapacityProvider, Service: arch.Container, DeleteRank: 4,
		ARNKinds: []string{"ecs:capacity-provider"},
		Console:  func(s resource.Site) string { return console(s, "ecs/v2/clusters?region="+s.Region) },
		Lookup: func(s resource.Site) string {
			return "aws ecs describe-capacity-providers --capacity-providers " + s.Name() + " " + regionFlag(s)
		},
	}
}

func cpLive(typ string, c ecstypes.CapacityProvider) resource.Live {
	l := newLive(typ, str(c.Name), ecsTagMap(c.Tags))
	l.ARN = str(c.CapacityProviderArn)
	l.State = string(c.Status)
	l.Attrs["name"] = l.PhysicalID
	l.Attrs["arn"] = l.ARN
	if c.AutoScalingGroupProvider != nil {
		l.Attrs["auto_scaling_group_arn"] = str(c.AutoScalingGroupProvider.AutoScalingGroupArn)
	}
	return l
}

// List: DescribeCapacityProviders can't filter by tag, so the Auto Scaling
// group a capacity provider drives carries its name (tag
// "mvi:capacity-provider", written before the provider is created, so a
// crash never leaves one mvi can't find); ECS then describes those names
// with their tags.
func (h capacityProviderHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	var names []string
	p := autoscaling.NewDescribeAutoScalingGroupsPaginator(env.Clients.AutoScaling, &autoscaling.DescribeAutoScalingGroupsInput{
		Filters: []astypes.Filter{{Name: aws.String("tag:" + resource.TagApp), Values: []string{env.App}}},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("list", "capacity providers", err)
		}
		for _, g := range page.AutoScalingGroups {
			for _, t := range g.Tags {
				if str(t.Key) == cpRecordKey && str(t.Value) != "" {
					names = append(names, str(t.Value))
				}
			}
		}
	}
	cps, err := describeCPs(ctx, env, names)
	if err != nil {
		return nil, wrap("list", "capacity providers", err)
	}
	var out []resource.Live
	for _, c := range cps {
		if ours(env.App, ecsTagMap(c.Tags)) {
			out = append(out, cpLive(h.Describe().Type, c))
		}
	}
	return out, nil
}

// cpRecordKey tags an Auto Scaling group with its capacity provider's name.
const cpRecordKey = "mvi:capacity-provider"

// describeCPs describes ACTIVE capacity providers by name, with tags.
func describeCPs(ctx context.Context, env resource.Env, names []string) ([]ecstypes.CapacityProvider, error) {
	var out []ecstypes.CapacityProvider
	for len(names) > 0 {
		n := min(len(names), 10)
		res, err := env.Clients.ECS.DescribeCapacityProviders(ctx, &ecs.DescribeCapacityProvidersInput{
			CapacityProviders: names[:n], Include: []ecstypes.CapacityProviderField{ecstypes.CapacityProviderFieldTags}})
		if err != nil {
			return nil, err
		}
		for _, c := range res.CapacityProviders {
			if c.Status == ecstypes.CapacityProviderStatusActive {
				out = append(out, c)
			}
		}
		names = names[n:]
	}
	return out, nil
}

func managedScaling(on bool) *ecstypes.ManagedScaling {
	if !on {
		return &ecstypes.ManagedScaling{Status: ecstypes.ManagedScalingStatusDisabled}
	}
	return &ecstypes.ManagedScaling{
		Status: ecstypes.ManagedScalingStatusEnabled, TargetCapacity: aws.Int32(100),
		MinimumScalingStepSize: aws.Int32(1), MaximumScalingStepSize: aws.Int32(2),
	}
}

func (h capacityProviderHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	p, err := propsOf[arch.CapacityProviderProps]("create", r)
	if err != nil {
		return resource.Live{}, err
	}
	asg, err := depAttr(env, r.ID, p.AutoScalingGroup, "arn")
	if err != nil {
		return resource.Live{}, err
	}
	asgName, err := depAttr(env, r.ID, p.AutoScalingGroup, "name")
	if err != nil {
		return resource.Live{}, err
	}
	name := physName(env.App, r.ID, 255)
	if _, err := env.Clients.AutoScaling.CreateOrUpdateTags(ctx, &autoscaling.CreateOrUpdateTagsInput{Tags: []astypes.Tag{{
		Key: aws.String(cpRecordKey), Value: aws.String(name), ResourceId: aws.String(asgName),
		ResourceType: aws.String("auto-scaling-group"), PropagateAtLaunch: aws.Bool(false),
	}}}); err != nil {
		return resource.Live{}, wrap("record", r.ID, err)
	}
	res, err := env.Clients.ECS.CreateCapacityProvider(ctx, &ecs.CreateCapacityProviderInput{
		Name: aws.String(name),
		AutoScalingGroupProvider: &ecstypes.AutoScalingGroupProvider{
			AutoScalingGroupArn: aws.String(asg),
			ManagedScaling:      managedScaling(p.ManagedScaling),
			// Off: mvi down must be able to delete the VMs without waiting
			// for ECS to lift protection.
			ManagedTerminationProtection: ecstypes.ManagedTerminationProtectionDisabled,
		},
		Tags: ecsTags(resource.Tags(env.App, r)),
	})
	if err != nil && isCode(err, "ClientException") && strings.Contains(strings.ToLower(errMessage(err)), "already exists") {
		d, derr := env.Clients.ECS.DescribeCapacityProviders(ctx, &ecs.DescribeCapacityProvidersInput{CapacityProviders: []string{name}, Include: []ecstypes.CapacityProviderField{ecstypes.CapacityProviderFieldTags}})
		if derr != nil || len(d.CapacityProviders) == 0 {
			return resource.Live{}, wrap("create", r.ID, err)
		}
		l := cpLive(h.Describe().Type, d.CapacityProviders[0])
		l.ID = r.ID
		return h.Update(ctx, env, r, l)
	}
	if err != nil {
		return resource.Live{}, wrap("create", r.ID, err)
	}
	l := cpLive(h.Describe().Type, *res.CapacityProvider)
	l.ID, l.Hash = r.ID, arch.Hash(r.Props)
	return l, nil
}

func (h capacityProviderHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	p, err := propsOf[arch.CapacityProviderProps]("update", r)
	if err != nil {
		return resource.Live{}, err
	}
	asg, err := depAttr(env, r.ID, p.AutoScalingGroup, "arn")
	if err != nil {
		return resource.Live{}, err
	}
	if a := live.Attrs["auto_scaling_group_arn"]; a != "" && a != asg {
		return resource.Live{}, resource.ErrReplace
	}
	if _, err := env.Clients.ECS.UpdateCapacityProvider(ctx, &ecs.UpdateCapacityProviderInput{
		Name: aws.String(live.PhysicalID),
		AutoScalingGroupProvider: &ecstypes.AutoScalingGroupProviderUpdate{
			ManagedScaling:               managedScaling(p.ManagedScaling),
			ManagedTerminationProtection: ecstypes.ManagedTerminationProtectionDisabled,
		},
	}); err != nil {
		return resource.Live{}, wrap("update", r.ID, err)
	}
	if live.Hash, err = ecsTag(ctx, env, r, live.ARN); err != nil {
		return resource.Live{}, err
	}
	return live, nil
}

// Delete looks first: ECS answers a missing provider with a generic
// ClientException.
func (h capacityProviderHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	cps, err := describeCPs(ctx, env, []string{live.PhysicalID})
	if err != nil {
		return wrap("delete", live.ID, err)
	}
	if len(cps) == 0 {
		return nil
	}
	_, err = env.Clients.ECS.DeleteCapacityProvider(ctx, &ecs.DeleteCapacityProviderInput{CapacityProvider: aws.String(live.PhysicalID)})
	return wrap("delete", live.ID, err)
}

func (h capacityProviderHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	res, err := env.Clients.ECS.DescribeCapacityProviders(ctx, &ecs.DescribeCapacityProvidersInput{CapacityProviders: []string{live.PhysicalID}})
	if err != nil {
		return false, "", wrap("describe", live.ID, err)
	}
	if len(res.CapacityProviders) == 0 {
		return false, "waiting for capacity provider (not found)", nil
	}
	c := res.CapacityProviders[0]
	if c.Status != ecstypes.CapacityProviderStatusActive {
		return false, "waiting for capacity provider (" + string(c.Status) + ")", nil
	}
	if strings.HasSuffix(string(c.UpdateStatus), "_IN_PROGRESS") {
		return false, "waiting for capacity provider (" + string(c.UpdateStatus) + ")", nil
	}
	return true, "", nil
}
