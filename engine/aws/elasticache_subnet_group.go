package aws

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	ectypes "github.com/aws/aws-sdk-go-v2/service/elasticache/types"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/resource"
)

type cacheSubnetGroupHandler struct{}

// DeleteRank 8: after the replication group (7) that uses it. While the
// group is still going away ElastiCache answers CacheSubnetGroupInUse,
// which the engine waits out as a blocked delete.
func (cacheSubnetGroupHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeCacheSubnetGroup, Service: arch.KV, DeleteRank: 8,
		ARNKinds: []string{"elasticache:subnetgroup"},
		Console:  func(s resource.Site) string { return console(s, "elasticache/home?region="+s.Region+"#/subnet-groups") },
		Lookup: func(s resource.Site) string {
			return "aws elasticache describe-cache-subnet-groups --cache-subnet-group-name " + s.Name() + " " + regionFlag(s)
		},
	}
}

const cacheSubnetsDescription = "the Redis's private subnets"

func cacheSubnetsLive(typ string, g ectypes.CacheSubnetGroup, tags map[string]string) resource.Live {
	l := newLive(typ, str(g.CacheSubnetGroupName), tags)
	l.ARN = str(g.ARN)
	l.State = "available"
	l.Attrs["name"] = l.PhysicalID
	l.Attrs["arn"] = l.ARN
	l.Attrs["vpc_id"] = str(g.VpcId)
	var ids []string
	for _, s := range g.Subnets {
		ids = append(ids, str(s.SubnetIdentifier))
	}
	l.Attrs["subnets"] = strings.Join(ids, ",")
	return l
}

func (h cacheSubnetGroupHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	prefix := appPrefix(env.App)
	var out []resource.Live
	p := elasticache.NewDescribeCacheSubnetGroupsPaginator(env.Clients.ElastiCache, &elasticache.DescribeCacheSubnetGroupsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("list", "cache subnet groups", err)
		}
		for _, g := range page.CacheSubnetGroups {
			if !strings.HasPrefix(str(g.CacheSubnetGroupName), prefix) {
				continue
			}
			t, err := env.Clients.ElastiCache.ListTagsForResource(ctx, &elasticache.ListTagsForResourceInput{ResourceName: g.ARN})
			if isCode(err, "CacheSubnetGroupNotFoundFault") {
				continue
			}
			if err != nil {
				return nil, wrap("list", str(g.CacheSubnetGroupName), err)
			}
			if tags := cacheTagMap(t.TagList); ours(env.App, tags) {
				out = append(out, cacheSubnetsLive(h.Describe().Type, g, tags))
			}
		}
	}
	return out, nil
}

func (h cacheSubnetGroupHandler) subnets(env resource.Env, r arch.Resource) ([]string, error) {
	p, err := propsOf[arch.CacheSubnetGroupProps]("make", r)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, s := range p.Subnets {
		id, err := depAttr(env, r.ID, s, "subnet_id")
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

func (h cacheSubnetGroupHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	subnets, err := h.subnets(env, r)
	if err != nil {
		return resource.Live{}, err
	}
	name := physName(env.App, r.ID, 255)
	tags := resource.Tags(env.App, r)
	res, err := env.Clients.ElastiCache.CreateCacheSubnetGroup(ctx, &elasticache.CreateCacheSubnetGroupInput{
		CacheSubnetGroupName: aws.String(name), CacheSubnetGroupDescription: aws.String("mvi " + env.App + ": " + cacheSubnetsDescription),
		SubnetIds: subnets, Tags: cacheTags(tags),
	})
	if isCode(err, "CacheSubnetGroupAlreadyExists") {
		return h.Update(ctx, env, r, resource.Live{ID: r.ID, Type: h.Describe().Type, PhysicalID: name, Attrs: map[string]string{"name": name}})
	}
	if err != nil {
		return resource.Live{}, wrap("create", r.ID, err)
	}
	return cacheSubnetsLive(h.Describe().Type, *res.CacheSubnetGroup, tags), nil
}

func (h cacheSubnetGroupHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	subnets, err := h.subnets(env, r)
	if err != nil {
		return resource.Live{}, err
	}
	res, err := env.Clients.ElastiCache.ModifyCacheSubnetGroup(ctx, &elasticache.ModifyCacheSubnetGroupInput{
		CacheSubnetGroupName: aws.String(live.PhysicalID), SubnetIds: subnets,
		CacheSubnetGroupDescription: aws.String("mvi " + env.App + ": " + cacheSubnetsDescription),
	})
	if err != nil {
		return resource.Live{}, wrap("update", r.ID, err)
	}
	tags := resource.Tags(env.App, r)
	if _, err := env.Clients.ElastiCache.AddTagsToResource(ctx, &elasticache.AddTagsToResourceInput{ResourceName: res.CacheSubnetGroup.ARN, Tags: cacheTags(tags)}); err != nil {
		return resource.Live{}, wrap("tag", r.ID, err)
	}
	return cacheSubnetsLive(h.Describe().Type, *res.CacheSubnetGroup, tags), nil
}

func (h cacheSubnetGroupHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	_, err := env.Clients.ElastiCache.DeleteCacheSubnetGroup(ctx, &elasticache.DeleteCacheSubnetGroupInput{CacheSubnetGroupName: aws.String(live.PhysicalID)})
	if isCode(err, "CacheSubnetGroupNotFoundFault") {
		return nil
	}
	return wrap("delete", live.ID, err)
}

// Ready: a subnet group is usable as soon as it exists.
func (h cacheSubnetGroupHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	_, err := env.Clients.ElastiCache.DescribeCacheSubnetGroups(ctx, &elasticache.DescribeCacheSubnetGroupsInput{CacheSubnetGroupName: aws.String(live.PhysicalID)})
	if isCode(err, "CacheSubnetGroupNotFoundFault") {
		return false, "waiting for cache subnet group (not found)", nil
	}
	if err != nil {
		return false, "", wrap("describe", live.ID, err)
	}
	return true, "", nil
}
