package sandbox

import (
	"context"
	"regexp"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

var ecsNameRE = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,255}$`)

func (t *tx) clusterOut(c *ecsCluster, include []ecstypes.ClusterField) ecstypes.Cluster {
	out := ecstypes.Cluster{ClusterArn: aws.String(c.ARN), ClusterName: aws.String(c.Name), Status: aws.String(c.Status),
		CapacityProviders: append([]string{}, c.CPs...), DefaultCapacityProviderStrategy: clone(c.Strategy)}
	if out.DefaultCapacityProviderStrategy == nil {
		out.DefaultCapacityProviderStrategy = []ecstypes.CapacityProviderStrategyItem{}
	}
	for _, ci := range t.r.ECS.ContainerInstances {
		if ci.Cluster == c.Name && (ci.Status == "ACTIVE" || ci.Status == "DRAINING") {
			out.RegisteredContainerInstancesCount++
		}
	}
	for _, tk := range t.r.ECS.Tasks {
		if tk.Cluster != c.Name {
			continue
		}
		switch tk.LastStatus {
		case "RUNNING":
			out.RunningTasksCount++
		case "PROVISIONING", "PENDING", "ACTIVATING":
			out.PendingTasksCount++
		}
	}
	for _, s := range t.r.ECS.Services {
		if s.Cluster == c.Name && s.Status == "ACTIVE" {
			out.ActiveServicesCount++
		}
	}
	for _, f := range include {
		switch f {
		case ecstypes.ClusterFieldSettings:
			out.Settings = clone(c.Settings)
		case ecstypes.ClusterFieldTags:
			out.Tags = ecsTags(c.Tags)
		case ecstypes.ClusterFieldConfigurations:
			if c.Config != nil {
				cfg := clone(*c.Config)
				out.Configuration = &cfg
			}
		case ecstypes.ClusterFieldStatistics:
			out.Statistics = []ecstypes.KeyValuePair{}
		case ecstypes.ClusterFieldAttachments:
			out.Attachments = []ecstypes.Attachment{}
		}
	}
	return out
}

func checkClusterSettings(ss []ecstypes.ClusterSetting) error {
	for _, s := range ss {
		if s.Name != ecstypes.ClusterSettingNameContainerInsights {
			return ecsInvalid("Unsupported setting name %s", s.Name)
		}
		switch aws.ToString(s.Value) {
		case "enabled", "disabled", "enhanced":
		default:
			return ecsInvalid("Invalid value %s for setting containerInsights. Valid values are enabled, disabled, enhanced.", aws.ToString(s.Value))
		}
	}
	return nil
}

func (a *ecsAPI) CreateCluster(ctx context.Context, in *ecs.CreateClusterInput, _ ...func(*ecs.Options)) (*ecs.CreateClusterOutput, error) {
	return call(ctx, a.s, svcECS, "CreateCluster", func(t *tx) (*ecs.CreateClusterOutput, error) {
		name := aws.ToString(in.ClusterName)
		if name == "" {
			name = "default"
		}
		if !ecsNameRE.MatchString(name) {
			return nil, ecsInvalid("Cluster name should be between 1 and 255 characters and can only contain letters, numbers, underscores, and hyphens.")
		}
		if err := checkClusterSettings(in.Settings); err != nil {
			return nil, err
		}
		tags, err := ecsTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		c := t.r.ECS.Clusters[name]
		if c != nil && c.Status == "ACTIVE" {
			// CreateCluster is idempotent: it answers the existing cluster.
			return &ecs.CreateClusterOutput{Cluster: ptr(t.clusterOut(c, []ecstypes.ClusterField{ecstypes.ClusterFieldSettings, ecstypes.ClusterFieldTags}))}, nil
		}
		settings := clone(in.Settings)
		if len(settings) == 0 {
			settings = []ecstypes.ClusterSetting{{Name: ecstypes.ClusterSettingNameContainerInsights, Value: aws.String("disabled")}}
		}
		c = &ecsCluster{Meta: Meta{ID: name, ARN: t.clusterARN(name), Created: t.now, Tags: tags}, Name: name, Status: "ACTIVE", Settings: settings}
		if in.Configuration != nil {
			cfg := clone(*in.Configuration)
			c.Config = &cfg
		}
		t.r.ECS.Clusters[name] = c
		if len(in.CapacityProviders) > 0 || len(in.DefaultCapacityProviderStrategy) > 0 {
			if err := t.putClusterCPs(c, in.CapacityProviders, in.DefaultCapacityProviderStrategy); err != nil {
				return nil, err
			}
		}
		return &ecs.CreateClusterOutput{Cluster: ptr(t.clusterOut(c, []ecstypes.ClusterField{ecstypes.ClusterFieldSettings, ecstypes.ClusterFieldTags}))}, nil
	})
}

func (a *ecsAPI) DeleteCluster(ctx context.Context, in *ecs.DeleteClusterInput, _ ...func(*ecs.Options)) (*ecs.DeleteClusterOutput, error) {
	return call(ctx, a.s, svcECS, "DeleteCluster", func(t *tx) (*ecs.DeleteClusterOutput, error) {
		c, err := t.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		for _, s := range t.r.ECS.Services {
			if s.Cluster == c.Name && s.Status != "INACTIVE" {
				return nil, &ecstypes.ClusterContainsServicesException{Message: aws.String("The Cluster cannot be deleted while Services are active.")}
			}
		}
		for _, ci := range t.r.ECS.ContainerInstances {
			if ci.Cluster == c.Name && (ci.Status == "ACTIVE" || ci.Status == "DRAINING") {
				return nil, &ecstypes.ClusterContainsContainerInstancesException{Message: aws.String("The Cluster cannot be deleted while Container Instances are active or draining.")}
			}
		}
		for _, tk := range t.r.ECS.Tasks {
			if tk.Cluster == c.Name && tk.LastStatus != "STOPPED" {
				return nil, &ecstypes.ClusterContainsTasksException{Message: aws.String("The Cluster cannot be deleted while Tasks are active.")}
			}
		}
		c.Status, c.InactiveAt, c.CPs, c.Strategy = "INACTIVE", t.now, nil, nil
		return &ecs.DeleteClusterOutput{Cluster: ptr(t.clusterOut(c, nil))}, nil
	})
}

func (a *ecsAPI) DescribeClusters(ctx context.Context, in *ecs.DescribeClustersInput, _ ...func(*ecs.Options)) (*ecs.DescribeClustersOutput, error) {
	return call(ctx, a.s, svcECS, "DescribeClusters", func(t *tx) (*ecs.DescribeClustersOutput, error) {
		refs := in.Clusters
		if len(refs) == 0 {
			refs = []string{"default"}
		}
		if len(refs) > 100 {
			return nil, ecsInvalid("Clusters cannot have more than 100 elements")
		}
		out := &ecs.DescribeClustersOutput{Clusters: []ecstypes.Cluster{}, Failures: []ecstypes.Failure{}}
		for _, r := range refs {
			name := clusterName(r)
			c := t.r.ECS.Clusters[name]
			if c == nil || t.hidden(c.Created) {
				out.Failures = append(out.Failures, ecstypes.Failure{Arn: aws.String(t.clusterARN(name)), Reason: aws.String("MISSING")})
				continue
			}
			out.Clusters = append(out.Clusters, t.clusterOut(c, in.Include))
		}
		return out, nil
	})
}

func (a *ecsAPI) ListClusters(ctx context.Context, in *ecs.ListClustersInput, _ ...func(*ecs.Options)) (*ecs.ListClustersOutput, error) {
	return call(ctx, a.s, svcECS, "ListClusters", func(t *tx) (*ecs.ListClustersOutput, error) {
		var arns []string
		for _, n := range sortedKeys(t.r.ECS.Clusters) {
			if c := t.r.ECS.Clusters[n]; c.Status == "ACTIVE" && !t.hidden(c.Created) {
				arns = append(arns, c.ARN)
			}
		}
		items, next, err := ecsPage(arns, in.NextToken, in.MaxResults)
		if err != nil {
			return nil, err
		}
		return &ecs.ListClustersOutput{ClusterArns: items, NextToken: next}, nil
	})
}

func ecsPage[T any](items []T, token *string, max *int32) ([]T, *string, error) {
	n := int(aws.ToInt32(max))
	if n == 0 {
		n = 100
	}
	if n < 1 || n > 100 {
		return nil, nil, ecsInvalid("maxResults must be between 1 and 100")
	}
	out, next, err := page(items, token, n)
	if err != nil {
		return nil, nil, ecsInvalid("Invalid token")
	}
	if out == nil {
		out = []T{}
	}
	return out, next, nil
}

func (a *ecsAPI) UpdateCluster(ctx context.Context, in *ecs.UpdateClusterInput, _ ...func(*ecs.Options)) (*ecs.UpdateClusterOutput, error) {
	return call(ctx, a.s, svcECS, "UpdateCluster", func(t *tx) (*ecs.UpdateClusterOutput, error) {
		c, err := t.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		if err := checkClusterSettings(in.Settings); err != nil {
			return nil, err
		}
		for _, s := range in.Settings {
			found := false
			for i := range c.Settings {
				if c.Settings[i].Name == s.Name {
					c.Settings[i].Value, found = aws.String(aws.ToString(s.Value)), true
				}
			}
			if !found {
				c.Settings = append(c.Settings, ecstypes.ClusterSetting{Name: s.Name, Value: aws.String(aws.ToString(s.Value))})
			}
		}
		if in.Configuration != nil {
			cfg := clone(*in.Configuration)
			c.Config = &cfg
		}
		return &ecs.UpdateClusterOutput{Cluster: ptr(t.clusterOut(c, []ecstypes.ClusterField{ecstypes.ClusterFieldSettings, ecstypes.ClusterFieldConfigurations}))}, nil
	})
}
