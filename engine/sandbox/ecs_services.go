package sandbox

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func (t *tx) serviceOut(s *ecsService, withTags bool) ecstypes.Service {
	c := t.r.ECS.Clusters[s.Cluster]
	out := ecstypes.Service{ServiceArn: aws.String(s.ARN), ServiceName: aws.String(s.Name), ClusterArn: aws.String(c.ARN),
		Status: aws.String(s.Status), DesiredCount: s.Desired, TaskDefinition: aws.String(s.TaskDef), CreatedAt: tp(s.Created),
		CreatedBy: aws.String(rootARN(t.account())), SchedulingStrategy: ecstypes.SchedulingStrategy(s.Scheduling),
		LoadBalancers: clone(s.LBs), CapacityProviderStrategy: clone(s.Strategy), PlacementStrategy: clone(s.Placement),
		PlacementConstraints: clone(s.Constraints), EnableECSManagedTags: s.ManagedTags, EnableExecuteCommand: s.ExecCommand,
		PropagateTags: ecstypes.PropagateTags(s.Propagate), ServiceRegistries: []ecstypes.ServiceRegistry{},
		DeploymentController: &ecstypes.DeploymentController{Type: ecstypes.DeploymentControllerTypeEcs},
		DeploymentConfiguration: &ecstypes.DeploymentConfiguration{MaximumPercent: aws.Int32(s.MaxPercent), MinimumHealthyPercent: aws.Int32(s.MinHealthy),
			DeploymentCircuitBreaker: &ecstypes.DeploymentCircuitBreaker{Enable: s.Breaker, Rollback: s.Rollback},
			Strategy:                 ecstypes.DeploymentStrategyRolling},
		Events: []ecstypes.ServiceEvent{},
	}
	if out.LoadBalancers == nil {
		out.LoadBalancers = []ecstypes.LoadBalancer{}
	}
	if out.PlacementStrategy == nil {
		out.PlacementStrategy = []ecstypes.PlacementStrategy{}
	}
	if out.PlacementConstraints == nil {
		out.PlacementConstraints = []ecstypes.PlacementConstraint{}
	}
	if s.LaunchType != "" {
		out.LaunchType = ecstypes.LaunchType(s.LaunchType)
	}
	if s.HealthGrace > 0 || len(s.LBs) > 0 {
		out.HealthCheckGracePeriodSeconds = aws.Int32(s.HealthGrace)
	}
	if len(s.LBs) > 0 {
		out.RoleArn = aws.String(serviceRoleARN(t.account(), "ecs.amazonaws.com", "AWSServiceRoleForECS"))
	}
	for _, d := range s.Deployments {
		dd := ecstypes.Deployment{Id: aws.String(d.ID), Status: aws.String(d.Status), TaskDefinition: aws.String(d.TaskDef),
			CreatedAt: tp(d.Created), UpdatedAt: tp(d.Updated), RolloutState: ecstypes.DeploymentRolloutState(d.Rollout),
			FailedTasks: d.Failed, CapacityProviderStrategy: clone(d.Strategy)}
		if d.LaunchType != "" {
			dd.LaunchType = ecstypes.LaunchType(d.LaunchType)
		}
		if d.Reason != "" {
			dd.RolloutStateReason = aws.String(d.Reason)
		}
		if d.Status == "PRIMARY" {
			dd.DesiredCount = s.Desired
		}
		dd.ServiceConnectConfiguration = d.Connect.out()
		for _, tk := range t.r.ECS.Tasks {
			if tk.Service != s.Name || tk.Cluster != s.Cluster || tk.StartedBy != d.ID || tk.Desired != "RUNNING" {
				continue
			}
			switch tk.LastStatus {
			case "RUNNING":
				dd.RunningCount++
			case "PROVISIONING", "PENDING", "ACTIVATING":
				dd.PendingCount++
			}
		}
		out.RunningCount += dd.RunningCount
		out.PendingCount += dd.PendingCount
		out.Deployments = append(out.Deployments, dd)
	}
	if out.Deployments == nil {
		out.Deployments = []ecstypes.Deployment{}
	}
	for i := len(s.Events) - 1; i >= 0; i-- {
		e := s.Events[i]
		out.Events = append(out.Events, ecstypes.ServiceEvent{Id: aws.String(e.ID), CreatedAt: tp(e.At), Message: aws.String(e.Message)})
	}
	if withTags {
		out.Tags = ecsTags(s.Tags)
	}
	return out
}

// checkServiceLBs validates the load balancers of a service against its
// task definition, as CreateService/UpdateService do.
func (t *tx) checkServiceLBs(lbs []ecstypes.LoadBalancer, td *taskDef) error {
	for _, lb := range lbs {
		if lb.LoadBalancerName != nil {
			return ecsInvalid("Classic load balancers are not supported by the sandbox; use targetGroupArn")
		}
		a := aws.ToString(lb.TargetGroupArn)
		tg := t.r.ELB.TargetGroups[a]
		if tg == nil {
			return ecsInvalid("Unable to assume role and validate the specified targetGroupArn. Please verify that the ECS service role being passed has the proper permissions.")
		}
		if len(t.tgLBs(tg)) == 0 {
			return ecsInvalid("The target group with targetGroupArn %s does not have an associated load balancer.", a)
		}
		if tg.TargetType == "ip" && td.NetworkMode != "awsvpc" {
			return ecsInvalid("The provided target group %s has target type ip, which is incompatible with the %s network mode specified in the task definition.", a, td.NetworkMode)
		}
		if tg.TargetType == "instance" && td.NetworkMode == "awsvpc" {
			return ecsInvalid("The provided target group %s has target type instance, which is incompatible with the awsvpc network mode specified in the task definition.", a)
		}
		name, port := aws.ToString(lb.ContainerName), aws.ToInt32(lb.ContainerPort)
		found := false
		for _, c := range td.Containers {
			if aws.ToString(c.Name) != name {
				continue
			}
			for _, pm := range c.PortMappings {
				if aws.ToInt32(pm.ContainerPort) == port {
					found = true
				}
			}
		}
		if !found {
			return ecsInvalid("The container %s did not have a container port %d defined.", name, port)
		}
	}
	return nil
}

// serviceStrategy settles a service's launch type / capacity provider strategy.
func (t *tx) serviceStrategy(c *ecsCluster, lt ecstypes.LaunchType, strat []ecstypes.CapacityProviderStrategyItem) (string, []ecstypes.CapacityProviderStrategyItem, error) {
	if lt != "" && len(strat) > 0 {
		return "", nil, ecsInvalid("Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.")
	}
	if lt != "" {
		if lt != ecstypes.LaunchTypeEc2 {
			return "", nil, ecsInvalid("The sandbox supports the EC2 launch type only, not %s", lt)
		}
		return string(lt), nil, nil
	}
	if len(strat) == 0 {
		if len(c.Strategy) == 0 {
			return "EC2", nil, nil
		}
		strat = c.Strategy
	}
	assoc := map[string]bool{}
	for _, x := range c.CPs {
		assoc[x] = true
	}
	weight := int32(0)
	for _, it := range strat {
		n := aws.ToString(it.CapacityProvider)
		if !assoc[n] {
			return "", nil, ecsInvalid("The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.")
		}
		if n == "FARGATE" || n == "FARGATE_SPOT" {
			return "", nil, ecsInvalid("The sandbox supports EC2 capacity providers only")
		}
		weight += it.Weight
	}
	if weight == 0 && len(strat) > 0 {
		return "", nil, ecsInvalid("The capacity provider strategy must have at least one capacity provider with a weight greater than 0.")
	}
	return "", clone(strat), nil
}

func (a *ecsAPI) CreateService(ctx context.Context, in *ecs.CreateServiceInput, _ ...func(*ecs.Options)) (*ecs.CreateServiceOutput, error) {
	return call(ctx, a.s, svcECS, "CreateService", func(t *tx) (*ecs.CreateServiceOutput, error) {
		c, err := t.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		name := aws.ToString(in.ServiceName)
		if !ecsNameRE.MatchString(name) {
			return nil, ecsInvalid("Service name is invalid: up to 255 letters, numbers, hyphens, and underscores are allowed.")
		}
		if old := t.r.ECS.Services[t.ecsServiceARN(c.Name, name)]; old != nil {
			switch old.Status {
			case "ACTIVE":
				return nil, ecsInvalid("Creation of service was not idempotent.")
			case "DRAINING":
				return nil, ecsInvalid("Unable to Start a service that is still Draining.")
			}
		}
		if in.TaskDefinition == nil {
			return nil, ecsInvalid("TaskDefinition can not be blank.")
		}
		td := t.taskDefByRef(*in.TaskDefinition)
		if td == nil {
			return nil, ecsInvalid("Unable to find task definition '%s'.", *in.TaskDefinition)
		}
		if td.Status != "ACTIVE" {
			return nil, ecsInvalid("TaskDefinition is inactive")
		}
		if td.NetworkMode == "awsvpc" {
			return nil, ecsInvalid("The sandbox supports the bridge and host network modes; awsvpc tasks are not simulated")
		}
		sched := string(in.SchedulingStrategy)
		if sched == "" {
			sched = "REPLICA"
		}
		if sched != "REPLICA" {
			return nil, ecsInvalid("The sandbox supports the REPLICA scheduling strategy only")
		}
		if in.DesiredCount == nil {
			return nil, ecsInvalid("desiredCount is required for the REPLICA scheduling strategy.")
		}
		if *in.DesiredCount < 0 {
			return nil, ecsInvalid("desiredCount must be non-negative")
		}
		lt, strat, err := t.serviceStrategy(c, in.LaunchType, in.CapacityProviderStrategy)
		if err != nil {
			return nil, err
		}
		if err := t.checkServiceLBs(in.LoadBalancers, td); err != nil {
			return nil, err
		}
		if in.HealthCheckGracePeriodSeconds != nil && len(in.LoadBalancers) == 0 {
			return nil, ecsInvalid("Health check grace period is only valid for services configured to use load balancers")
		}
		sc, err := t.serviceConnect(in.ServiceConnectConfiguration, nil, td, t.ecsServiceARN(c.Name, name))
		if err != nil {
			return nil, err
		}
		tags, err := ecsTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		s := &ecsService{Meta: Meta{ID: name, ARN: t.ecsServiceARN(c.Name, name), Created: t.now, Tags: tags},
			Name: name, Cluster: c.Name, TaskDef: td.ARN, Desired: *in.DesiredCount, Status: "ACTIVE", LaunchType: lt, Strategy: strat,
			LBs: clone(in.LoadBalancers), MaxPercent: 200, MinHealthy: 100, Scheduling: sched, ChangedAt: t.now,
			Placement: clone(in.PlacementStrategy), Constraints: clone(in.PlacementConstraints), HealthGrace: aws.ToInt32(in.HealthCheckGracePeriodSeconds),
			Propagate: string(in.PropagateTags), ManagedTags: in.EnableECSManagedTags, ExecCommand: in.EnableExecuteCommand}
		if s.Propagate == "" {
			s.Propagate = "NONE"
		}
		if err := s.applyDeployConfig(in.DeploymentConfiguration); err != nil {
			return nil, err
		}
		s.Deployments = []*ecsDeployment{{ID: deploymentID(), Status: "PRIMARY", TaskDef: td.ARN, Strategy: clone(strat), LaunchType: lt,
			Created: t.now, Updated: t.now, Rollout: "IN_PROGRESS", Reason: "ECS deployment " + "in progress."}}
		s.Deployments[0].Reason = "ECS deployment " + s.Deployments[0].ID + " in progress."
		s.Connect, s.Deployments[0].Connect = sc, sc
		t.registerConnect(s)
		t.r.ECS.Services[s.ARN] = s
		return &ecs.CreateServiceOutput{Service: ptr(t.serviceOut(s, true))}, nil
	})
}

func (s *ecsService) applyDeployConfig(dc *ecstypes.DeploymentConfiguration) error {
	if dc == nil {
		return nil
	}
	if dc.MaximumPercent != nil {
		s.MaxPercent = *dc.MaximumPercent
	}
	if dc.MinimumHealthyPercent != nil {
		s.MinHealthy = *dc.MinimumHealthyPercent
	}
	if s.MaxPercent < 100 || s.MaxPercent > 200 && s.MaxPercent > 2000 {
		return ecsInvalid("maximumPercent must be at least 100")
	}
	if s.MinHealthy < 0 || s.MinHealthy > 100 {
		return ecsInvalid("minimumHealthyPercent must be between 0 and 100")
	}
	if s.MaxPercent == 100 && s.MinHealthy == 100 {
		return ecsInvalid("The deployment configuration is invalid: maximumPercent and minimumHealthyPercent can't both be 100.")
	}
	if cb := dc.DeploymentCircuitBreaker; cb != nil {
		s.Breaker, s.Rollback = cb.Enable, cb.Rollback
	}
	return nil
}

func (a *ecsAPI) UpdateService(ctx context.Context, in *ecs.UpdateServiceInput, _ ...func(*ecs.Options)) (*ecs.UpdateServiceOutput, error) {
	return call(ctx, a.s, svcECS, "UpdateService", func(t *tx) (*ecs.UpdateServiceOutput, error) {
		c, err := t.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		s := t.serviceByRef(c, aws.ToString(in.Service))
		if s == nil {
			return nil, &ecstypes.ServiceNotFoundException{Message: aws.String("Service not found.")}
		}
		if s.Status != "ACTIVE" {
			return nil, &ecstypes.ServiceNotActiveException{Message: aws.String("Service was not ACTIVE.")}
		}
		td := t.r.ECS.TaskDefs[taskDefKey(s.TaskDef)]
		newTD := td
		if in.TaskDefinition != nil {
			newTD = t.taskDefByRef(*in.TaskDefinition)
			if newTD == nil {
				return nil, ecsInvalid("Unable to find task definition '%s'.", *in.TaskDefinition)
			}
			if newTD.Status != "ACTIVE" {
				return nil, ecsInvalid("TaskDefinition is inactive")
			}
			if newTD.NetworkMode == "awsvpc" {
				return nil, ecsInvalid("The sandbox supports the bridge and host network modes; awsvpc tasks are not simulated")
			}
		}
		if in.DesiredCount != nil && *in.DesiredCount < 0 {
			return nil, ecsInvalid("desiredCount must be non-negative")
		}
		lbs := s.LBs
		if in.LoadBalancers != nil {
			lbs = clone(in.LoadBalancers)
		}
		if err := t.checkServiceLBs(lbs, newTD); err != nil {
			return nil, err
		}
		strat, lt := s.Strategy, s.LaunchType
		if in.CapacityProviderStrategy != nil {
			_, st, err := t.serviceStrategy(c, "", in.CapacityProviderStrategy)
			if err != nil {
				return nil, err
			}
			strat, lt = st, ""
		}
		sc, err := t.serviceConnect(in.ServiceConnectConfiguration, s.Connect, newTD, s.ARN)
		if err != nil {
			return nil, err
		}
		save := *s
		if err := s.applyDeployConfig(in.DeploymentConfiguration); err != nil {
			*s = save
			return nil, err
		}
		redeploy := in.ForceNewDeployment || newTD.ARN != s.TaskDef || in.LoadBalancers != nil || in.CapacityProviderStrategy != nil ||
			in.ServiceConnectConfiguration != nil
		s.Connect = sc
		t.registerConnect(s)
		if in.DesiredCount != nil && *in.DesiredCount != s.Desired {
			s.Desired, s.ChangedAt = *in.DesiredCount, t.now
			if p := s.primary(); p != nil && !redeploy && p.Rollout == "COMPLETED" {
				// a scale change keeps the deployment but rolls it again
				p.Rollout, p.Updated, p.Reason = "IN_PROGRESS", t.now, "ECS deployment "+p.ID+" in progress."
			}
		}
		s.LBs, s.Strategy, s.LaunchType = lbs, strat, lt
		if in.HealthCheckGracePeriodSeconds != nil {
			s.HealthGrace = *in.HealthCheckGracePeriodSeconds
		}
		if in.PlacementStrategy != nil {
			s.Placement = clone(in.PlacementStrategy)
		}
		if in.PlacementConstraints != nil {
			s.Constraints = clone(in.PlacementConstraints)
		}
		if in.EnableExecuteCommand != nil {
			s.ExecCommand = *in.EnableExecuteCommand
		}
		if in.EnableECSManagedTags != nil {
			s.ManagedTags = *in.EnableECSManagedTags
		}
		if in.PropagateTags != "" {
			s.Propagate = string(in.PropagateTags)
		}
		if redeploy {
			s.TaskDef = newTD.ARN
			for _, d := range s.Deployments {
				d.Status = "ACTIVE"
				if d.Rollout == "IN_PROGRESS" {
					d.Rollout, d.Reason = "FAILED", "ECS deployment "+d.ID+" was replaced by a newer deployment."
				}
			}
			d := &ecsDeployment{ID: deploymentID(), Status: "PRIMARY", TaskDef: newTD.ARN, Strategy: clone(strat), LaunchType: lt,
				Created: t.now, Updated: t.now, Rollout: "IN_PROGRESS", Connect: sc}
			d.Reason = "ECS deployment " + d.ID + " in progress."
			s.Deployments = append([]*ecsDeployment{d}, s.Deployments...)
			s.ChangedAt = t.now
		}
		return &ecs.UpdateServiceOutput{Service: ptr(t.serviceOut(s, false))}, nil
	})
}

func (a *ecsAPI) DeleteService(ctx context.Context, in *ecs.DeleteServiceInput, _ ...func(*ecs.Options)) (*ecs.DeleteServiceOutput, error) {
	return call(ctx, a.s, svcECS, "DeleteService", func(t *tx) (*ecs.DeleteServiceOutput, error) {
		c, err := t.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		s := t.serviceByRef(c, aws.ToString(in.Service))
		if s == nil || s.Status == "INACTIVE" {
			return nil, &ecstypes.ServiceNotFoundException{Message: aws.String("Service not found.")}
		}
		if s.Status == "DRAINING" {
			return &ecs.DeleteServiceOutput{Service: ptr(t.serviceOut(s, false))}, nil
		}
		if s.Desired > 0 && !aws.ToBool(in.Force) {
			return nil, ecsInvalid("The service cannot be stopped while it is scaled above 0.")
		}
		s.Status, s.Desired, s.ChangedAt = "DRAINING", 0, t.now
		return &ecs.DeleteServiceOutput{Service: ptr(t.serviceOut(s, false))}, nil
	})
}

func (a *ecsAPI) DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, _ ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	return call(ctx, a.s, svcECS, "DescribeServices", func(t *tx) (*ecs.DescribeServicesOutput, error) {
		c, err := t.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		if len(in.Services) == 0 || len(in.Services) > 10 {
			return nil, ecsInvalid("Services cannot be empty and cannot have more than 10 elements.")
		}
		withTags := false
		for _, f := range in.Include {
			withTags = withTags || f == ecstypes.ServiceFieldTags
		}
		out := &ecs.DescribeServicesOutput{Services: []ecstypes.Service{}, Failures: []ecstypes.Failure{}}
		for _, r := range in.Services {
			s := t.serviceByRef(c, r)
			if s == nil {
				a := orARN(r, func(name string) string { return t.ecsServiceARN(c.Name, name) })
				out.Failures = append(out.Failures, ecstypes.Failure{Arn: aws.String(a), Reason: aws.String("MISSING")})
				continue
			}
			out.Services = append(out.Services, t.serviceOut(s, withTags))
		}
		return out, nil
	})
}

func (a *ecsAPI) ListServices(ctx context.Context, in *ecs.ListServicesInput, _ ...func(*ecs.Options)) (*ecs.ListServicesOutput, error) {
	return call(ctx, a.s, svcECS, "ListServices", func(t *tx) (*ecs.ListServicesOutput, error) {
		c, err := t.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		var arns []string
		for _, k := range sortedKeys(t.r.ECS.Services) {
			s := t.r.ECS.Services[k]
			if s.Cluster != c.Name || s.Status == "INACTIVE" || t.hidden(s.Created) {
				continue
			}
			if in.LaunchType != "" && s.LaunchType != string(in.LaunchType) {
				continue
			}
			arns = append(arns, s.ARN)
		}
		max := in.MaxResults
		if max == nil {
			max = aws.Int32(10)
		}
		items, next, err := ecsPage(arns, in.NextToken, max)
		if err != nil {
			return nil, err
		}
		return &ecs.ListServicesOutput{ServiceArns: items, NextToken: next}, nil
	})
}
