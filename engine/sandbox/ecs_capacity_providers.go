package sandbox

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func (t *tx) putClusterCPs(c *ecsCluster, cps []string, strategy []ecstypes.CapacityProviderStrategyItem) error {
	set := map[string]bool{}
	for _, n := range cps {
		if n == "FARGATE" || n == "FARGATE_SPOT" {
			set[n] = true
			continue
		}
		cp := t.r.ECS.CapacityProviders[n]
		if cp == nil {
			if a, ok := parseARN(n); ok {
				cp = t.r.ECS.CapacityProviders[a.name(ecsTypeCapacityProvider)]
			}
		}
		if cp == nil || cp.Status != "ACTIVE" {
			return ecsInvalid("The specified capacity provider does not exist. Specify a valid capacity provider and try again.")
		}
		for _, o := range t.r.ECS.Clusters {
			if o.Name == c.Name || o.Status != "ACTIVE" {
				continue
			}
			for _, x := range o.CPs {
				if x == cp.Name {
					return ecsInvalid("The specified capacity provider is already associated with cluster %s. A capacity provider can only be associated with one cluster.", o.Name)
				}
			}
		}
		set[cp.Name] = true
	}
	for _, s := range strategy {
		if !set[aws.ToString(s.CapacityProvider)] {
			return ecsInvalid("The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.")
		}
		if s.Weight < 0 || s.Weight > 1000 || s.Base < 0 || s.Base > 100000 {
			return ecsInvalid("Capacity provider strategy weight must be 0-1000 and base 0-100000.")
		}
	}
	// Removing a provider that a service still uses is refused.
	for _, old := range c.CPs {
		if set[old] {
			continue
		}
		for _, s := range t.r.ECS.Services {
			if s.Cluster != c.Name || s.Status == "INACTIVE" {
				continue
			}
			for _, it := range s.Strategy {
				if aws.ToString(it.CapacityProvider) == old {
					return &ecstypes.ResourceInUseException{Message: aws.String("The specified capacity provider is in use and cannot be removed.")}
				}
			}
		}
	}
	c.CPs = sortedKeys(set)
	c.Strategy = clone(strategy)
	return nil
}

func (a *ecsAPI) PutClusterCapacityProviders(ctx context.Context, in *ecs.PutClusterCapacityProvidersInput, _ ...func(*ecs.Options)) (*ecs.PutClusterCapacityProvidersOutput, error) {
	return call(ctx, a.s, svcECS, "PutClusterCapacityProviders", func(t *tx) (*ecs.PutClusterCapacityProvidersOutput, error) {
		c, err := t.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		if in.CapacityProviders == nil || in.DefaultCapacityProviderStrategy == nil {
			return nil, ecsInvalid("capacityProviders and defaultCapacityProviderStrategy are required (use empty lists to clear them)")
		}
		if err := t.putClusterCPs(c, in.CapacityProviders, in.DefaultCapacityProviderStrategy); err != nil {
			return nil, err
		}
		// Container instances of the new providers' groups now belong to them.
		for _, ci := range t.r.ECS.ContainerInstances {
			if ci.Cluster == c.Name {
				ci.CP = t.cpForInstance(c, ci.Instance)
			}
		}
		return &ecs.PutClusterCapacityProvidersOutput{Cluster: ptr(t.clusterOut(c, nil))}, nil
	})
}

func (t *tx) asgByRef(ref string) *asg {
	for _, n := range sortedKeys(t.r.AutoScale.Groups) {
		g := t.r.AutoScale.Groups[n]
		if g.ARN == ref || g.Name == ref {
			return g
		}
	}
	return nil
}

func (t *tx) cpOut(cp *capacityProvider, withTags bool) ecstypes.CapacityProvider {
	ms := cp.Scaling
	out := ecstypes.CapacityProvider{CapacityProviderArn: aws.String(cp.ARN), Name: aws.String(cp.Name),
		Status: ecstypes.CapacityProviderStatus(cp.Status), Type: ecstypes.CapacityProviderTypeEc2Autoscaling,
		AutoScalingGroupProvider: &ecstypes.AutoScalingGroupProvider{AutoScalingGroupArn: aws.String(cp.ASGARN), ManagedScaling: &ms,
			ManagedTerminationProtection: ecstypes.ManagedTerminationProtection(cp.Termination), ManagedDraining: ecstypes.ManagedDraining(cp.Draining)}}
	if cp.UpdateStatus != "" {
		out.UpdateStatus = ecstypes.CapacityProviderUpdateStatus(cp.UpdateStatus)
	}
	if cp.Reason != "" {
		out.UpdateStatusReason = aws.String(cp.Reason)
	}
	if withTags {
		out.Tags = ecsTags(cp.Tags)
	}
	return out
}

func defaultScaling(in *ecstypes.ManagedScaling) ecstypes.ManagedScaling {
	ms := ecstypes.ManagedScaling{Status: ecstypes.ManagedScalingStatusDisabled, TargetCapacity: aws.Int32(100),
		MinimumScalingStepSize: aws.Int32(1), MaximumScalingStepSize: aws.Int32(10000), InstanceWarmupPeriod: aws.Int32(300)}
	if in == nil {
		return ms
	}
	if in.Status != "" {
		ms.Status = in.Status
	}
	if in.TargetCapacity != nil {
		ms.TargetCapacity = aws.Int32(*in.TargetCapacity)
	}
	if in.MinimumScalingStepSize != nil {
		ms.MinimumScalingStepSize = aws.Int32(*in.MinimumScalingStepSize)
	}
	if in.MaximumScalingStepSize != nil {
		ms.MaximumScalingStepSize = aws.Int32(*in.MaximumScalingStepSize)
	}
	if in.InstanceWarmupPeriod != nil {
		ms.InstanceWarmupPeriod = aws.Int32(*in.InstanceWarmupPeriod)
	}
	return ms
}

func checkScaling(ms ecstypes.ManagedScaling) error {
	if tc := aws.ToInt32(ms.TargetCapacity); tc < 1 || tc > 100 {
		return ecsInvalid("The managed scaling target capacity must be between 1 and 100.")
	}
	return nil
}

func (a *ecsAPI) CreateCapacityProvider(ctx context.Context, in *ecs.CreateCapacityProviderInput, _ ...func(*ecs.Options)) (*ecs.CreateCapacityProviderOutput, error) {
	return call(ctx, a.s, svcECS, "CreateCapacityProvider", func(t *tx) (*ecs.CreateCapacityProviderOutput, error) {
		name := aws.ToString(in.Name)
		if !ecsNameRE.MatchString(name) {
			return nil, ecsClient("The specified capacity provider name is invalid. Up to 255 characters are allowed, including letters (upper and lowercase), numbers, underscores, and hyphens.")
		}
		low := strings.ToLower(name)
		if strings.HasPrefix(low, "aws") || strings.HasPrefix(low, "ecs") || strings.HasPrefix(low, "fargate") {
			return nil, ecsClient("The specified capacity provider name is invalid. Capacity provider names can't begin with aws, ecs, or fargate.")
		}
		if in.AutoScalingGroupProvider == nil {
			return nil, ecsInvalid("autoScalingGroupProvider is required (the sandbox has no managed instances)")
		}
		if old := t.r.ECS.CapacityProviders[name]; old != nil && (old.Status == "ACTIVE" || old.UpdateStatus == "DELETE_IN_PROGRESS") {
			return nil, ecsClient("The specified capacity provider already exists. To change the configuration of an existing capacity provider, update the capacity provider.")
		}
		g := t.asgByRef(aws.ToString(in.AutoScalingGroupProvider.AutoScalingGroupArn))
		if g == nil || g.Deleting {
			return nil, ecsClient("The specified Auto Scaling group ARN is not valid or the Auto Scaling group could not be found.")
		}
		for _, o := range t.r.ECS.CapacityProviders {
			if o.ASGARN == g.ARN && o.Status == "ACTIVE" {
				return nil, ecsClient("The specified Auto Scaling group ARN is already being used by another capacity provider. Specify a unique Auto Scaling group and try again.")
			}
		}
		ms := defaultScaling(in.AutoScalingGroupProvider.ManagedScaling)
		if err := checkScaling(ms); err != nil {
			return nil, err
		}
		term := string(in.AutoScalingGroupProvider.ManagedTerminationProtection)
		if term == "" {
			term = "DISABLED"
		}
		if term == "ENABLED" {
			if ms.Status != ecstypes.ManagedScalingStatusEnabled {
				return nil, ecsClient("The managed termination protection setting for the capacity provider is invalid. To enable managed termination protection for a capacity provider, managed scaling must also be enabled.")
			}
			if !g.Protected {
				return nil, ecsClient("The managed termination protection setting for the capacity provider is invalid. To enable managed termination protection for a capacity provider, the Auto Scaling group must have instance protection from scale in enabled.")
			}
		}
		drain := string(in.AutoScalingGroupProvider.ManagedDraining)
		if drain == "" {
			drain = "ENABLED"
		}
		tags, err := ecsTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		cp := &capacityProvider{Meta: Meta{ID: name, ARN: t.capacityProviderARN(name), Created: t.now, Tags: tags},
			Name: name, ASGARN: g.ARN, Scaling: ms, Termination: term, Draining: drain, Status: "ACTIVE"}
		t.r.ECS.CapacityProviders[name] = cp
		return &ecs.CreateCapacityProviderOutput{CapacityProvider: ptr(t.cpOut(cp, true))}, nil
	})
}

func (t *tx) cpByRef(ref string) *capacityProvider {
	cp := t.r.ECS.CapacityProviders[fromECSARN(ref, ecsTypeCapacityProvider)]
	if cp == nil || t.hidden(cp.Created) {
		return nil
	}
	return cp
}

func (a *ecsAPI) DeleteCapacityProvider(ctx context.Context, in *ecs.DeleteCapacityProviderInput, _ ...func(*ecs.Options)) (*ecs.DeleteCapacityProviderOutput, error) {
	return call(ctx, a.s, svcECS, "DeleteCapacityProvider", func(t *tx) (*ecs.DeleteCapacityProviderOutput, error) {
		cp := t.cpByRef(aws.ToString(in.CapacityProvider))
		if cp == nil || cp.Status != "ACTIVE" {
			return nil, ecsClient("The specified capacity provider does not exist. Specify a valid name or ARN and try again.")
		}
		for _, n := range sortedKeys(t.r.ECS.Clusters) {
			c := t.r.ECS.Clusters[n]
			if c.Status != "ACTIVE" {
				continue
			}
			for _, x := range c.CPs {
				if x == cp.Name {
					return nil, &ecstypes.ResourceInUseException{Message: aws.String("The capacity provider cannot be deleted because it is associated with cluster: " + c.Name + ". Remove the capacity provider from the cluster and try again.")}
				}
			}
		}
		cp.Status, cp.UpdateStatus, cp.DeletedAt = "INACTIVE", "DELETE_IN_PROGRESS", t.now
		return &ecs.DeleteCapacityProviderOutput{CapacityProvider: ptr(t.cpOut(cp, false))}, nil
	})
}

func (a *ecsAPI) DescribeCapacityProviders(ctx context.Context, in *ecs.DescribeCapacityProvidersInput, _ ...func(*ecs.Options)) (*ecs.DescribeCapacityProvidersOutput, error) {
	return call(ctx, a.s, svcECS, "DescribeCapacityProviders", func(t *tx) (*ecs.DescribeCapacityProvidersOutput, error) {
		withTags := false
		for _, f := range in.Include {
			withTags = withTags || f == ecstypes.CapacityProviderFieldTags
		}
		fargate := func(n string) ecstypes.CapacityProvider {
			return ecstypes.CapacityProvider{Name: aws.String(n), CapacityProviderArn: aws.String(t.capacityProviderARN(n)),
				Status: ecstypes.CapacityProviderStatusActive, Type: ecstypes.CapacityProviderType(n), Tags: []ecstypes.Tag{}}
		}
		out := &ecs.DescribeCapacityProvidersOutput{CapacityProviders: []ecstypes.CapacityProvider{}, Failures: []ecstypes.Failure{}}
		if len(in.CapacityProviders) == 0 {
			all := []ecstypes.CapacityProvider{fargate("FARGATE"), fargate("FARGATE_SPOT")}
			for _, n := range sortedKeys(t.r.ECS.CapacityProviders) {
				if cp := t.r.ECS.CapacityProviders[n]; !t.hidden(cp.Created) {
					all = append(all, t.cpOut(cp, withTags))
				}
			}
			items, next, err := ecsPage(all, in.NextToken, in.MaxResults)
			if err != nil {
				return nil, err
			}
			out.CapacityProviders, out.NextToken = items, next
			return out, nil
		}
		for _, r := range in.CapacityProviders {
			if r == "FARGATE" || r == "FARGATE_SPOT" {
				out.CapacityProviders = append(out.CapacityProviders, fargate(r))
				continue
			}
			cp := t.cpByRef(r)
			if cp == nil {
				out.Failures = append(out.Failures, ecstypes.Failure{Arn: aws.String(orARN(r, t.capacityProviderARN)), Reason: aws.String("MISSING")})
				continue
			}
			out.CapacityProviders = append(out.CapacityProviders, t.cpOut(cp, withTags))
		}
		return out, nil
	})
}

func (a *ecsAPI) UpdateCapacityProvider(ctx context.Context, in *ecs.UpdateCapacityProviderInput, _ ...func(*ecs.Options)) (*ecs.UpdateCapacityProviderOutput, error) {
	return call(ctx, a.s, svcECS, "UpdateCapacityProvider", func(t *tx) (*ecs.UpdateCapacityProviderOutput, error) {
		cp := t.cpByRef(aws.ToString(in.Name))
		if cp == nil || cp.Status != "ACTIVE" {
			return nil, ecsClient("The specified capacity provider does not exist. Specify a valid name or ARN and try again.")
		}
		u := in.AutoScalingGroupProvider
		if u == nil {
			return nil, ecsInvalid("autoScalingGroupProvider is required")
		}
		ms := cp.Scaling
		if u.ManagedScaling != nil {
			ms = defaultScaling(u.ManagedScaling)
			if err := checkScaling(ms); err != nil {
				return nil, err
			}
		}
		term := cp.Termination
		if u.ManagedTerminationProtection != "" {
			term = string(u.ManagedTerminationProtection)
		}
		if term == "ENABLED" {
			g := t.asgByRef(cp.ASGARN)
			if ms.Status != ecstypes.ManagedScalingStatusEnabled {
				return nil, ecsClient("The managed termination protection setting for the capacity provider is invalid. To enable managed termination protection for a capacity provider, managed scaling must also be enabled.")
			}
			if g == nil || !g.Protected {
				return nil, ecsClient("The managed termination protection setting for the capacity provider is invalid. To enable managed termination protection for a capacity provider, the Auto Scaling group must have instance protection from scale in enabled.")
			}
		}
		cp.Scaling, cp.Termination = ms, term
		if u.ManagedDraining != "" {
			cp.Draining = string(u.ManagedDraining)
		}
		cp.UpdateStatus = "UPDATE_COMPLETE"
		return &ecs.UpdateCapacityProviderOutput{CapacityProvider: ptr(t.cpOut(cp, false))}, nil
	})
}
