package aws

import (
	"context"
	"strings"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/minimalinfra/mvi/engine/arch"
)

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
