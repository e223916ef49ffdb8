package aws

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/minimalinfra/mvi/engine/arch"
)

type serviceHandler struct{}

func (serviceHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeService, Service: arch.Container, DeleteRank: 1,
		ARNKinds: []string{"ecs:service", "ecs:task"}, // its tasks carry its tags
		Console: func(s resource.Site) string {
			cl := s.Attrs["cluster"]
			return console(s, "ecs/v2/clusters/"+resource.LastPart(cl)+"/services/"+s.Name()+"?region="+s.Region)
		},
		Lookup: func(s resource.Site) string {
			cl := s.Attrs["cluster"]
			return "aws ecs describe-services --cluster " + resource.LastPart(cl) + " --services " + s.Name() + " " + regionFlag(s)
		},
	}
}

func svcLive(typ string, s ecstypes.Service) resource.Live {
	l := newLive(typ, str(s.ServiceArn), ecsTagMap(s.Tags))
	l.ARN = l.PhysicalID
	l.State = str(s.Status)
	l.Attrs["arn"] = l.ARN
	l.Attrs["name"] = str(s.ServiceName)
	l.Attrs["cluster"] = arnName(str(s.ClusterArn))
	l.Attrs["task_definition"] = str(s.TaskDefinition)
	l.Attrs["desired"] = itoa(int(s.DesiredCount))
	l.Attrs["gauge:running"] = itoa(int(s.RunningCount)) + "/" + l.Attrs["desired"]
	l.Attrs["gauge:deployments"] = itoa(len(s.Deployments))
	l.Attrs["connect"] = liveConnectRole(liveConnect(s))
	return l
}

func (h serviceHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	cs, err := appClusters(ctx, env)
	if err != nil {
		return nil, wrap("list", "ECS clusters", err)
	}
	var out []resource.Live
	for _, c := range cs {
		var arns []string
		p := ecs.NewListServicesPaginator(env.Clients.ECS, &ecs.ListServicesInput{Cluster: c.ClusterArn})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, wrap("list", "services of "+str(c.ClusterName), err)
			}
			arns = append(arns, page.ServiceArns...)
		}
		for len(arns) > 0 {
			n := min(len(arns), 10)
			res, err := env.Clients.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{
				Cluster: c.ClusterArn, Services: arns[:n], Include: []ecstypes.ServiceField{ecstypes.ServiceFieldTags}})
			if err != nil {
				return nil, wrap("list", "services of "+str(c.ClusterName), err)
			}
			for _, s := range res.Services {
				if str(s.Status) == "ACTIVE" && ours(env.App, ecsTagMap(s.Tags)) {
					out = append(out, svcLive(h.Describe().Type, s))
				}
			}
			arns = arns[n:]
		}
	}
	return out, nil
}

// svcRefs resolves what a service names. The design lists the cluster
// capacity association and the listener among the dependencies, not the
// cluster, the capacity provider and the target group: those carry them.
type svcRefs struct {
	cluster, cp, td, tg string
}

func (h serviceHandler) refs(env resource.Env, r arch.Resource, p arch.ServiceProps) (svcRefs, error) {
	var s svcRefs
	var err error
	if s.cluster, err = depAttrVia(env, r.ID, p.Cluster, "name", arch.TypeClusterCapacity, "cluster"); err != nil {
		return s, err
	}
	if s.cp, err = depAttrVia(env, r.ID, p.CapacityProvider, "name", arch.TypeClusterCapacity, "capacity_provider"); err != nil {
		return s, err
	}
	if s.td, err = depAttr(env, r.ID, p.TaskDefinition, "arn"); err != nil {
		return s, err
	}
	if p.TargetGroup != "" {
		if s.tg, err = depAttrVia(env, r.ID, p.TargetGroup, "arn", arch.TypeListener, "target_group_arn"); err != nil {
			return s, err
		}
	}
	return s, nil
}

func deploymentConfig(p arch.ServiceProps) *ecstypes.DeploymentConfiguration {
	return &ecstypes.DeploymentConfiguration{
		MinimumHealthyPercent: aws.Int32(int32(p.MinHealthyPercent)),
		MaximumPercent:        aws.Int32(int32(p.MaxPercent)),
		DeploymentCircuitBreaker: &ecstypes.DeploymentCircuitBreaker{
			Enable: p.CircuitBreaker, Rollback: p.Rollback,
		},
	}
}

// spreadAcrossZones puts a process's containers in different zones first,
// then on different VMs: when one fails, the others still answer.
func spreadAcrossZones() []ecstypes.PlacementStrategy {
	return []ecstypes.PlacementStrategy{
		{Type: ecstypes.PlacementStrategyTypeSpread, Field: aws.String("attribute:ecs.availability-zone")},
		{Type: ecstypes.PlacementStrategyTypeSpread, Field: aws.String("instanceId")},
	}
}

func (h serviceHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	p, err := propsOf[arch.ServiceProps]("create", r)
	if err != nil {
		return resource.Live{}, err
	}
	s, err := h.refs(env, r, p)
	if err != nil {
		return resource.Live{}, err
	}
	name := physName(env.App, r.ID, 255)
	// Look first: a service of that name may be left by a create whose
	// answer was lost (and AWS refuses a second create with another token).
	d, err := env.Clients.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(s.cluster), Services: []string{name},
		Include: []ecstypes.ServiceField{ecstypes.ServiceFieldTags}})
	if err != nil {
		return resource.Live{}, wrap("create", r.ID, err)
	}
	for _, sv := range d.Services {
		if str(sv.Status) != "ACTIVE" {
			continue
		}
		if t := ecsTagMap(sv.Tags); t[resource.TagApp] != env.App || t[resource.TagID] != r.ID {
			return resource.Live{}, fmt.Errorf("create %s: cluster %s already runs a service %s that is not this one", r.ID, s.cluster, name)
		}
		l := svcLive(h.Describe().Type, sv)
		l.ID = r.ID
		return h.Update(ctx, env, r, l)
	}
	in := &ecs.CreateServiceInput{
		Cluster:                  aws.String(s.cluster),
		ServiceName:              aws.String(name),
		TaskDefinition:           aws.String(s.td),
		DesiredCount:             aws.Int32(int32(p.Count)),
		CapacityProviderStrategy: []ecstypes.CapacityProviderStrategyItem{{CapacityProvider: aws.String(s.cp), Weight: 1}},
		DeploymentConfiguration:  deploymentConfig(p),
		PlacementStrategy:        spreadAcrossZones(),
		SchedulingStrategy:       ecstypes.SchedulingStrategyReplica,
		EnableECSManagedTags:     true,
		PropagateTags:            ecstypes.PropagateTagsService,
		// A retried create with the same design makes no second service.
		ClientToken: aws.String(clientToken(env, r)),
		Tags:        ecsTags(resource.Tags(env.App, r)),
	}
	if s.tg != "" {
		in.LoadBalancers = []ecstypes.LoadBalancer{{TargetGroupArn: aws.String(s.tg), ContainerName: aws.String(p.Process), ContainerPort: aws.Int32(int32(p.Port))}}
		in.HealthCheckGracePeriodSeconds = aws.Int32(60)
	}
	if in.ServiceConnectConfiguration, err = connectConfig(env, r, p); err != nil {
		return resource.Live{}, err
	}
	res, err := env.Clients.ECS.CreateService(ctx, in)
	if err != nil {
		return resource.Live{}, wrap("create", r.ID, err)
	}
	l := svcLive(h.Describe().Type, *res.Service)
	l.ID, l.Hash = r.ID, arch.Hash(r.Props)
	return l, nil
}

// Update changes count, task definition, deployment settings and placement
// in place; a new capacity provider strategy forces a new deployment.
func (h serviceHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	p, err := propsOf[arch.ServiceProps]("update", r)
	if err != nil {
		return resource.Live{}, err
	}
	s, err := h.refs(env, r, p)
	if err != nil {
		return resource.Live{}, err
	}
	if c := live.Attrs["cluster"]; c != "" && c != s.cluster {
		return resource.Live{}, resource.ErrReplace
	}
	d, err := env.Clients.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(s.cluster), Services: []string{live.PhysicalID}})
	if err != nil {
		return resource.Live{}, wrap("describe", r.ID, err)
	}
	if len(d.Services) == 0 {
		return resource.Live{}, wrap("update", r.ID, &notFound{what: "service " + live.PhysicalID})
	}
	cur := d.Services[0]
	in := &ecs.UpdateServiceInput{
		Cluster: aws.String(s.cluster), Service: aws.String(live.PhysicalID),
		DesiredCount: aws.Int32(int32(p.Count)), TaskDefinition: aws.String(s.td),
		DeploymentConfiguration: deploymentConfig(p), PlacementStrategy: spreadAcrossZones(),
	}
	if len(cur.CapacityProviderStrategy) != 1 || str(cur.CapacityProviderStrategy[0].CapacityProvider) != s.cp {
		in.CapacityProviderStrategy = []ecstypes.CapacityProviderStrategyItem{{CapacityProvider: aws.String(s.cp), Weight: 1}}
		in.ForceNewDeployment = true
	}
	wantLB := s.tg != ""
	haveLB := len(cur.LoadBalancers) == 1 && str(cur.LoadBalancers[0].TargetGroupArn) == s.tg
	if wantLB && !haveLB {
		in.LoadBalancers = []ecstypes.LoadBalancer{{TargetGroupArn: aws.String(s.tg), ContainerName: aws.String(p.Process), ContainerPort: aws.Int32(int32(p.Port))}}
		in.HealthCheckGracePeriodSeconds = aws.Int32(60)
	} else if !wantLB && len(cur.LoadBalancers) > 0 {
		in.LoadBalancers = []ecstypes.LoadBalancer{}
	}
	sc, err := connectConfig(env, r, p)
	if err != nil {
		return resource.Live{}, err
	}
	// Sent only when it changes: every UpdateService that carries one
	// starts a new deployment.
	ns := namespaceRefs(env, p)
	if have := liveConnect(cur); connectKey(have, ns...) != connectKey(sc, ns...) {
		in.ServiceConnectConfiguration = sc
		if sc == nil {
			in.ServiceConnectConfiguration = &ecstypes.ServiceConnectConfiguration{Enabled: false}
		}
	}
	res, err := env.Clients.ECS.UpdateService(ctx, in)
	if err != nil {
		return resource.Live{}, wrap("update", r.ID, err)
	}
	l := svcLive(h.Describe().Type, *res.Service)
	l.ID = r.ID
	if l.Hash, err = ecsTag(ctx, env, r, l.ARN); err != nil {
		return resource.Live{}, err
	}
	return l, nil
}

// Delete scales the service to 0, then deletes it with Force; ECS drains
// the tasks on its own. A scale-down ECS refuses as invalid (its target
// group's listener went to another process: UpdateService checks the
// service's load balancers) is left to the forced delete, which needs none.
func (h serviceHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	cluster := aws.String(live.Attrs["cluster"])
	gone := func(err error) bool {
		return isCode(err, "ServiceNotFoundException", "ServiceNotActiveException", "ClusterNotFoundException")
	}
	_, err := env.Clients.ECS.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: cluster, Service: aws.String(live.PhysicalID), DesiredCount: aws.Int32(0)})
	if gone(err) {
		return nil
	}
	if err != nil && !isCode(err, "InvalidParameterException") {
		return wrap("scale down", live.ID, err)
	}
	_, err = env.Clients.ECS.DeleteService(ctx, &ecs.DeleteServiceInput{Cluster: cluster, Service: aws.String(live.PhysicalID), Force: aws.Bool(true)})
	if gone(err) {
		return nil
	}
	return wrap("delete", live.ID, err)
}

// Ready: every desired container runs and the one deployment finished.
func (h serviceHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	d, err := env.Clients.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(live.Attrs["cluster"]), Services: []string{live.PhysicalID}})
	if err != nil {
		return false, "", wrap("describe", live.ID, err)
	}
	if len(d.Services) == 0 {
		return false, "waiting for service (not found)", nil
	}
	s := d.Services[0]
	if str(s.Status) != "ACTIVE" {
		return false, "waiting for service (" + str(s.Status) + ")", nil
	}
	if len(s.Deployments) != 1 {
		return false, fmt.Sprintf("waiting for service (%d deployments in flight)", len(s.Deployments)), nil
	}
	dep := s.Deployments[0]
	if dep.RolloutState == ecstypes.DeploymentRolloutStateFailed {
		return false, "", &resource.DeploymentFailedError{ID: live.ID, Reason: str(dep.RolloutStateReason),
			Stopped: stoppedReason(ctx, env, str(s.ClusterArn), str(s.ServiceName), str(dep.TaskDefinition))}
	}
	if dep.RolloutState != "" && dep.RolloutState != ecstypes.DeploymentRolloutStateCompleted {
		return false, fmt.Sprintf("waiting for service (%d/%d running, deployment %s)", s.RunningCount, s.DesiredCount, dep.RolloutState), nil
	}
	if dep.RolloutState == "" && str(dep.Status) != "PRIMARY" {
		return false, "waiting for service (deployment " + str(dep.Status) + ")", nil
	}
	if want, runs := live.Attrs["task_definition"], str(dep.TaskDefinition); want != "" && runs != "" && runs != want {
		return false, "", h.rolledBack(ctx, env, live, s, want, runs)
	}
	if s.RunningCount != s.DesiredCount {
		return false, fmt.Sprintf("waiting for service (%d/%d running)", s.RunningCount, s.DesiredCount), nil
	}
	return true, "", nil
}

// rolledBack marks the service's hash pending, so the next plan sees that
// what runs is not what was asked for and deploys again, instead of
// trusting a tag written for a release that isn't running.
func (h serviceHandler) rolledBack(ctx context.Context, env resource.Env, live resource.Live, s ecstypes.Service, want, runs string) error {
	e := &resource.RolledBackError{ID: live.ID, Wanted: want, Running: runs}
	// The newest event about the failure, not "has reached a steady state".
	for _, ev := range s.Events {
		if m := str(ev.Message); strings.Contains(strings.ToLower(m), "fail") || strings.Contains(strings.ToLower(m), "roll") {
			e.Reason = m
			break
		}
	}
	e.Stopped = stoppedReason(ctx, env, str(s.ClusterArn), str(s.ServiceName), want)
	if _, err := env.Clients.ECS.TagResource(ctx, &ecs.TagResourceInput{ResourceArn: aws.String(live.ARN),
		Tags: []ecstypes.Tag{{Key: aws.String(resource.TagHash), Value: aws.String(hashPending)}}}); err != nil {
		return errors.Join(e, wrap("tag", live.ID, err))
	}
	return e
}

// stoppedReason is ECS's own word on why a task of the failed release
// stopped (stoppedReason and each container's reason): the cause a person
// can act on, like CannotPullContainerError or invalid ssm parameters. ""
// when ECS no longer remembers one; the error still stands without it.
func stoppedReason(ctx context.Context, env resource.Env, cluster, service, taskDef string) string {
	ls, err := env.Clients.ECS.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String(cluster), ServiceName: aws.String(service),
		DesiredStatus: ecstypes.DesiredStatusStopped})
	if err != nil || len(ls.TaskArns) == 0 {
		return ""
	}
	d, err := env.Clients.ECS.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: ls.TaskArns})
	if err != nil {
		return ""
	}
	for _, t := range d.Tasks {
		if taskDef != "" && str(t.TaskDefinitionArn) != taskDef {
			continue
		}
		why := str(t.StoppedReason)
		for _, c := range t.Containers {
			if r := str(c.Reason); r != "" && !strings.Contains(why, r) {
				why += ": " + r
			}
		}
		if why != "" {
			return why
		}
	}
	return ""
}

// Changes names a new container count.
func (serviceHandler) Changes(r arch.Resource, live resource.Live) []string {
	p, ok := r.Props.(arch.ServiceProps)
	if !ok {
		return nil
	}
	return changes(change("count", live.Attrs["desired"], itoa(p.Count)), change("service connect", live.Attrs["connect"], connectRole(p.Connect)))
}
