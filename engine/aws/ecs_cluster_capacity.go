package aws

import (
	"context"
	"fmt"
	"strings"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/minimalinfra/mvi/engine/arch"
)

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
