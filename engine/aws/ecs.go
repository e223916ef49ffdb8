package aws

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/minimalinfra/mvi/engine/arch"
)

func ecsTags(m map[string]string) []ecstypes.Tag {
	out := make([]ecstypes.Tag, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, ecstypes.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

func ecsTagMap(tags []ecstypes.Tag) map[string]string {
	m := map[string]string{}
	for _, t := range tags {
		m[str(t.Key)] = str(t.Value)
	}
	return m
}

// arnName is the last path element of an ARN.
func arnName(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }

// ecsTag refreshes the mvi tags on an ECS resource.
func ecsTag(ctx context.Context, env resource.Env, r arch.Resource, arn string) (string, error) {
	tags := resource.Tags(env.App, r)
	if _, err := env.Clients.ECS.TagResource(ctx, &ecs.TagResourceInput{ResourceArn: aws.String(arn), Tags: ecsTags(tags)}); err != nil {
		return "", wrap("tag", r.ID, err)
	}
	return tags[resource.TagHash], nil
}

// ---- Cluster ----

type clusterHandler struct{}

func (clusterHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeCluster, Service: arch.Container, DeleteRank: 6,
		ARNKinds: []string{"ecs:cluster"},
		Console:  func(s resource.Site) string { return console(s, "ecs/v2/clusters/"+s.Name()+"?region="+s.Region) },
		Lookup: func(s resource.Site) string {
			return "aws ecs describe-clusters --clusters " + s.Name() + " " + regionFlag(s)
		},
	}
}

// appClusters lists the app's ACTIVE clusters with their tags: ECS has no
// tag filter, so the names (mvi-<app>-…) narrow the list first.
func appClusters(ctx context.Context, env resource.Env) ([]ecstypes.Cluster, error) {
	prefix := appPrefix(env.App)
	var names []string
	p := ecs.NewListClustersPaginator(env.Clients.ECS, &ecs.ListClustersInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, arn := range page.ClusterArns {
			if strings.HasPrefix(arnName(arn), prefix) {
				names = append(names, arn)
			}
		}
	}
	var out []ecstypes.Cluster
	for len(names) > 0 {
		n := min(len(names), 100)
		res, err := env.Clients.ECS.DescribeClusters(ctx, &ecs.DescribeClustersInput{
			Clusters: names[:n], Include: []ecstypes.ClusterField{ecstypes.ClusterFieldTags, ecstypes.ClusterFieldSettings},
		})
		if err != nil {
			return nil, err
		}
		for _, c := range res.Clusters {
			if str(c.Status) == "ACTIVE" && ecsTagMap(c.Tags)[resource.TagApp] == env.App {
				out = append(out, c)
			}
		}
		names = names[n:]
	}
	return out, nil
}

func clusterLive(typ string, c ecstypes.Cluster) resource.Live {
	l := newLive(typ, str(c.ClusterName), ecsTagMap(c.Tags))
	l.ARN = str(c.ClusterArn)
	l.State = str(c.Status)
	l.Attrs["name"] = l.PhysicalID
	l.Attrs["arn"] = l.ARN
	return l
}

func (h clusterHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	cs, err := appClusters(ctx, env)
	if err != nil {
		return nil, wrap("list", "ECS clusters", err)
	}
	var out []resource.Live
	for _, c := range cs {
		if ours(env.App, ecsTagMap(c.Tags)) {
			out = append(out, clusterLive(h.Describe().Type, c))
		}
	}
	return out, nil
}

func insights(on bool) []ecstypes.ClusterSetting {
	v := "disabled"
	if on {
		v = "enabled"
	}
	return []ecstypes.ClusterSetting{{Name: ecstypes.ClusterSettingNameContainerInsights, Value: aws.String(v)}}
}

// Create: CreateCluster is idempotent on the name.
func (h clusterHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	p, err := propsOf[arch.ClusterProps]("create", r)
	if err != nil {
		return resource.Live{}, err
	}
	res, err := env.Clients.ECS.CreateCluster(ctx, &ecs.CreateClusterInput{
		ClusterName: aws.String(physName(env.App, r.ID, 255)),
		Settings:    insights(p.ContainerInsights),
		Tags:        ecsTags(resource.Tags(env.App, r)),
	})
	if err != nil {
		return resource.Live{}, wrap("create", r.ID, err)
	}
	l := clusterLive(h.Describe().Type, *res.Cluster)
	l.ID, l.Hash = r.ID, arch.Hash(r.Props)
	return l, nil
}

func (h clusterHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	p, err := propsOf[arch.ClusterProps]("update", r)
	if err != nil {
		return resource.Live{}, err
	}
	if _, err := env.Clients.ECS.UpdateCluster(ctx, &ecs.UpdateClusterInput{Cluster: aws.String(live.PhysicalID), Settings: insights(p.ContainerInsights)}); err != nil {
		return resource.Live{}, wrap("update", r.ID, err)
	}
	if live.Hash, err = ecsTag(ctx, env, r, live.ARN); err != nil {
		return resource.Live{}, err
	}
	return live, nil
}

func (h clusterHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	_, err := env.Clients.ECS.DeleteCluster(ctx, &ecs.DeleteClusterInput{Cluster: aws.String(live.PhysicalID)})
	if isCode(err, "ClusterNotFoundException") {
		return nil
	}
	return wrap("delete", live.ID, err)
}

func (h clusterHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	res, err := env.Clients.ECS.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: []string{live.PhysicalID}})
	if err != nil {
		return false, "", wrap("describe", live.ID, err)
	}
	if len(res.Clusters) == 0 || str(res.Clusters[0].Status) != "ACTIVE" {
		st := "not found"
		if len(res.Clusters) > 0 {
			st = str(res.Clusters[0].Status)
		}
		return false, "waiting for cluster (" + st + ")", nil
	}
	return true, "", nil
}

// ---- Capacity provider ----

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

// ---- Cluster capacity provider associations ----

// clusterCapacityHandler puts the capacity provider at the cluster's
// disposal as its default strategy. The association is a setting of the
// cluster, so the cluster carries the record: tag "mvi:capacity" =
// "<logical id>@<hash>".
type clusterCapacityHandler struct{}

func (clusterCapacityHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeClusterCapacity, Service: arch.Container, DeleteRank: 3,
		ARNKinds: []string{"ecs:cluster"},
	}
}

const capacityRecordKey = "mvi:capacity"

func (h clusterCapacityHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	cs, err := appClusters(ctx, env)
	if err != nil {
		return nil, wrap("list", "ECS clusters", err)
	}
	var out []resource.Live
	for _, c := range cs {
		id, hash, ok := parseRecord(ecsTagMap(c.Tags)[capacityRecordKey])
		if !ok || len(c.CapacityProviders) == 0 {
			continue
		}
		out = append(out, resource.Live{ID: id, Type: h.Describe().Type, PhysicalID: str(c.ClusterName), ARN: str(c.ClusterArn), Hash: hash,
			State: str(c.AttachmentsStatus), Attrs: map[string]string{
				"cluster": str(c.ClusterName), "cluster_arn": str(c.ClusterArn),
				"capacity_provider": strings.Join(c.CapacityProviders, ","),
			}})
	}
	return out, nil
}

func (h clusterCapacityHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	return h.Update(ctx, env, r, resource.Live{ID: r.ID, Type: h.Describe().Type, Attrs: map[string]string{}})
}

// Update is idempotent: PutClusterCapacityProviders replaces the set.
func (h clusterCapacityHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	p, err := propsOf[arch.ClusterCapacityProps]("update", r)
	if err != nil {
		return resource.Live{}, err
	}
	cluster, err := dep(env, r.ID, p.Cluster)
	if err != nil {
		return resource.Live{}, err
	}
	cp, err := depAttr(env, r.ID, p.CapacityProvider, "name")
	if err != nil {
		return resource.Live{}, err
	}
	name := cluster.Attrs["name"]
	if live.PhysicalID != "" && live.PhysicalID != name {
		return resource.Live{}, resource.ErrReplace
	}
	res, err := env.Clients.ECS.PutClusterCapacityProviders(ctx, &ecs.PutClusterCapacityProvidersInput{
		Cluster:                         aws.String(name),
		CapacityProviders:               []string{cp},
		DefaultCapacityProviderStrategy: []ecstypes.CapacityProviderStrategyItem{{CapacityProvider: aws.String(cp), Weight: 1}},
	})
	if err != nil {
		return resource.Live{}, wrap("update", r.ID, err)
	}
	hash := arch.Hash(r.Props)
	if _, err := env.Clients.ECS.TagResource(ctx, &ecs.TagResourceInput{ResourceArn: aws.String(cluster.ARN), Tags: []ecstypes.Tag{
		{Key: aws.String(capacityRecordKey), Value: aws.String(recordValue(r.ID, hash))},
	}}); err != nil {
		return resource.Live{}, wrap("tag", r.ID, err)
	}
	return resource.Live{ID: r.ID, Type: h.Describe().Type, PhysicalID: name, ARN: cluster.ARN, Hash: hash,
		State: str(res.Cluster.AttachmentsStatus), Attrs: map[string]string{
			"cluster": name, "cluster_arn": cluster.ARN, "capacity_provider": cp,
		}}, nil
}

func (h clusterCapacityHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	_, err := env.Clients.ECS.PutClusterCapacityProviders(ctx, &ecs.PutClusterCapacityProvidersInput{
		Cluster: aws.String(live.PhysicalID), CapacityProviders: []string{}, DefaultCapacityProviderStrategy: []ecstypes.CapacityProviderStrategyItem{},
	})
	if isCode(err, "ClusterNotFoundException") {
		return nil
	}
	return wrap("delete", live.ID, err)
}

func (h clusterCapacityHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	res, err := env.Clients.ECS.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: []string{live.PhysicalID}})
	if err != nil {
		return false, "", wrap("describe", live.ID, err)
	}
	if len(res.Clusters) == 0 {
		return false, "waiting for cluster (not found)", nil
	}
	c := res.Clusters[0]
	switch st := str(c.AttachmentsStatus); st {
	case "UPDATE_FAILED":
		return false, "", fmt.Errorf("%s: attaching the capacity provider failed (%s)", live.ID, st)
	case "", "UPDATE_COMPLETE":
	default:
		return false, "waiting for capacity provider association (" + st + ")", nil
	}
	if len(c.CapacityProviders) == 0 {
		return false, "waiting for capacity provider association (none)", nil
	}
	return true, "", nil
}

// ---- Task definition ----

type taskDefinitionHandler struct{}

func (taskDefinitionHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeTaskDefinition, Service: arch.Container, DeleteRank: 2,
		ARNKinds: []string{"ecs:task-definition"},
		Console:  func(s resource.Site) string { return console(s, "ecs/v2/task-definitions?region="+s.Region) },
		Lookup: func(s resource.Site) string {
			return "aws ecs describe-task-definition --task-definition " + resource.LastPart(s.PhysicalID) + " " + regionFlag(s)
		},
	}
}

func tdLive(typ string, td ecstypes.TaskDefinition, tags []ecstypes.Tag) resource.Live {
	l := newLive(typ, str(td.TaskDefinitionArn), ecsTagMap(tags))
	l.ARN = l.PhysicalID
	l.State = string(td.Status)
	l.Attrs["arn"] = l.ARN
	l.Attrs["family"] = str(td.Family)
	l.Attrs["revision"] = itoa(int(td.Revision))
	return l
}

// familyOf splits a task definition ARN into family and revision.
func familyOf(arn string) (string, int) {
	s := arnName(arn)
	i := strings.LastIndex(s, ":")
	if i < 0 {
		return s, 0
	}
	n, _ := strconv.Atoi(s[i+1:])
	return s[:i], n
}

func (h taskDefinitionHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	prefix := appPrefix(env.App)
	latest := map[string]string{}
	rev := map[string]int{}
	p := ecs.NewListTaskDefinitionsPaginator(env.Clients.ECS, &ecs.ListTaskDefinitionsInput{Status: ecstypes.TaskDefinitionStatusActive})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("list", "task definitions", err)
		}
		for _, arn := range page.TaskDefinitionArns {
			fam, n := familyOf(arn)
			if strings.HasPrefix(fam, prefix) && n > rev[fam] {
				latest[fam], rev[fam] = arn, n
			}
		}
	}
	var out []resource.Live
	for _, fam := range sortedKeys(latest) {
		d, err := env.Clients.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{
			TaskDefinition: aws.String(latest[fam]), Include: []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags}})
		if err != nil {
			return nil, wrap("list", fam, err)
		}
		if ours(env.App, ecsTagMap(d.Tags)) {
			out = append(out, tdLive(h.Describe().Type, *d.TaskDefinition, d.Tags))
		}
	}
	return out, nil
}

// input renders the task definition: bridge networking with a dynamic host
// port, awslogs, secrets from SSM, database settings as plain env, the
// shared file system over TLS with IAM authorization.
func (h taskDefinitionHandler) input(env resource.Env, r arch.Resource, p arch.TaskDefinitionProps) (*ecs.RegisterTaskDefinitionInput, error) {
	exec, err := depAttr(env, r.ID, p.ExecutionRole, "arn")
	if err != nil {
		return nil, err
	}
	task, err := depAttr(env, r.ID, p.TaskRole, "arn")
	if err != nil {
		return nil, err
	}
	group, err := depAttr(env, r.ID, p.LogGroup, "name")
	if err != nil {
		return nil, err
	}
	image := p.Image
	if image == "" {
		uri, err := depAttr(env, r.ID, p.Repository, "uri")
		if err != nil {
			return nil, err
		}
		image = uri + ":" + p.Process
	}
	env2 := map[string]string{}
	for k, v := range p.Env {
		env2[k] = v
	}
	var secrets []ecstypes.Secret
	if p.Database != "" {
		db, err := dep(env, r.ID, p.Database)
		if err != nil {
			return nil, err
		}
		env2["DATABASE_HOST"] = db.Attrs["endpoint"]
		env2["DATABASE_PORT"] = db.Attrs["port"]
		env2["DATABASE_NAME"] = db.Attrs["db_name"]
		env2["DATABASE_USER"] = db.Attrs["username"]
		pw, err := depAttr(env, r.ID, p.DBPassword, "arn")
		if err != nil {
			return nil, err
		}
		secrets = append(secrets, ecstypes.Secret{Name: aws.String("DATABASE_PASSWORD"), ValueFrom: aws.String(pw)})
	}
	names := append([]string(nil), p.Secrets...)
	sort.Strings(names)
	for _, s := range names {
		secrets = append(secrets, ecstypes.Secret{Name: aws.String(s), ValueFrom: aws.String(parameterARN(env, "/mvi/"+env.App+"/secrets/"+s))})
	}
	var kv []ecstypes.KeyValuePair
	for _, k := range sortedKeys(env2) {
		kv = append(kv, ecstypes.KeyValuePair{Name: aws.String(k), Value: aws.String(env2[k])})
	}
	c := ecstypes.ContainerDefinition{
		Name:        aws.String(p.Process),
		Image:       aws.String(image),
		Essential:   aws.Bool(true),
		Command:     p.Command,
		Cpu:         int32(p.CPU),
		Memory:      aws.Int32(int32(p.Memory)),
		Environment: kv,
		Secrets:     secrets,
		LogConfiguration: &ecstypes.LogConfiguration{LogDriver: ecstypes.LogDriverAwslogs, Options: map[string]string{
			"awslogs-group": group, "awslogs-region": env.Region, "awslogs-stream-prefix": p.Process,
		}},
	}
	if p.Port != 0 {
		c.PortMappings = []ecstypes.PortMapping{{ContainerPort: aws.Int32(int32(p.Port)), HostPort: aws.Int32(0), Protocol: ecstypes.TransportProtocolTcp}}
	}
	in := &ecs.RegisterTaskDefinitionInput{
		Family:                  aws.String(physName(env.App, r.ID, 255)),
		NetworkMode:             ecstypes.NetworkModeBridge,
		RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityEc2},
		ExecutionRoleArn:        aws.String(exec),
		TaskRoleArn:             aws.String(task),
		ContainerDefinitions:    []ecstypes.ContainerDefinition{c},
		Tags:                    ecsTags(resource.Tags(env.App, r)),
	}
	if p.FileSystem != "" {
		// The design lists the mount targets, not the file system, among the
		// dependencies: either carries the file system id.
		fs, err := depAttrVia(env, r.ID, p.FileSystem, "file_system_id", arch.TypeMountTarget, "file_system_id")
		if err != nil {
			return nil, err
		}
		in.Volumes = []ecstypes.Volume{{Name: aws.String("shared"), EfsVolumeConfiguration: &ecstypes.EFSVolumeConfiguration{
			FileSystemId: aws.String(fs), RootDirectory: aws.String("/"),
			TransitEncryption:   ecstypes.EFSTransitEncryptionEnabled,
			AuthorizationConfig: &ecstypes.EFSAuthorizationConfig{Iam: ecstypes.EFSAuthorizationConfigIAMEnabled},
		}}}
		in.ContainerDefinitions[0].MountPoints = []ecstypes.MountPoint{{SourceVolume: aws.String("shared"), ContainerPath: aws.String(p.MountPath)}}
	}
	return in, nil
}

func (h taskDefinitionHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	return h.register(ctx, env, r, "create")
}

func (h taskDefinitionHandler) register(ctx context.Context, env resource.Env, r arch.Resource, op string) (resource.Live, error) {
	p, err := propsOf[arch.TaskDefinitionProps](op, r)
	if err != nil {
		return resource.Live{}, err
	}
	in, err := h.input(env, r, p)
	if err != nil {
		return resource.Live{}, err
	}
	res, err := env.Clients.ECS.RegisterTaskDefinition(ctx, in)
	if err != nil {
		return resource.Live{}, wrap(op, r.ID, err)
	}
	l := tdLive(h.Describe().Type, *res.TaskDefinition, res.Tags)
	l.ID, l.Hash = r.ID, arch.Hash(r.Props)
	return l, nil
}

// Update registers a new revision (task definitions are immutable); earlier
// revisions stay until delete, so a circuit-breaker rollback can use them.
func (h taskDefinitionHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	return h.register(ctx, env, r, "update")
}

// Delete deregisters every revision of the family, then deletes them.
func (h taskDefinitionHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	fam := live.Attrs["family"]
	if fam == "" {
		fam, _ = familyOf(live.PhysicalID)
	}
	var arns []string
	p := ecs.NewListTaskDefinitionsPaginator(env.Clients.ECS, &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String(fam), Status: ecstypes.TaskDefinitionStatusActive})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return wrap("delete", live.ID, err)
		}
		for _, arn := range page.TaskDefinitionArns {
			if f, _ := familyOf(arn); f == fam {
				arns = append(arns, arn)
			}
		}
	}
	for _, arn := range arns {
		_, err := env.Clients.ECS.DeregisterTaskDefinition(ctx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String(arn)})
		if err != nil && !isCode(err, "ClientException", "InvalidParameterException") {
			return wrap("deregister", live.ID, err)
		}
	}
	for len(arns) > 0 {
		n := min(len(arns), 10)
		if _, err := env.Clients.ECS.DeleteTaskDefinitions(ctx, &ecs.DeleteTaskDefinitionsInput{TaskDefinitions: arns[:n]}); err != nil {
			return wrap("delete", live.ID, err)
		}
		arns = arns[n:]
	}
	return nil
}

func (h taskDefinitionHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	d, err := env.Clients.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(live.PhysicalID)})
	if err != nil {
		return false, "", wrap("describe", live.ID, err)
	}
	if d.TaskDefinition.Status != ecstypes.TaskDefinitionStatusActive {
		return false, "waiting for task definition (" + string(d.TaskDefinition.Status) + ")", nil
	}
	return true, "", nil
}

// ---- Service ----

type serviceHandler struct{}

func (serviceHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeService, Service: arch.Container, DeleteRank: 1,
		ARNKinds: []string{"ecs:service"},
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
// the tasks on its own.
func (h serviceHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	cluster := aws.String(live.Attrs["cluster"])
	gone := func(err error) bool {
		return isCode(err, "ServiceNotFoundException", "ServiceNotActiveException", "ClusterNotFoundException")
	}
	_, err := env.Clients.ECS.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: cluster, Service: aws.String(live.PhysicalID), DesiredCount: aws.Int32(0)})
	if gone(err) {
		return nil
	}
	if err != nil {
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
		return false, "", fmt.Errorf("%s: deployment failed: %s", live.ID, str(dep.RolloutStateReason))
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
	if _, err := env.Clients.ECS.TagResource(ctx, &ecs.TagResourceInput{ResourceArn: aws.String(live.ARN),
		Tags: []ecstypes.Tag{{Key: aws.String(resource.TagHash), Value: aws.String(hashPending)}}}); err != nil {
		return errors.Join(e, wrap("tag", live.ID, err))
	}
	return e
}
