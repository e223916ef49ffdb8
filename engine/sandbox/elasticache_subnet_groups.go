package sandbox

import (
	"context"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	ectypes "github.com/aws/aws-sdk-go-v2/service/elasticache/types"
)

func (t *tx) cacheSubnetGroup(name string) (*cacheSubnetGroup, error) {
	g := t.r.ElastiCache.SubnetGroups[strings.ToLower(name)]
	if g == nil || t.hidden(g.Created) {
		return nil, cacheSubnetGroupNotFound(name)
	}
	return g, nil
}

// cacheSubnets validates a group's subnets: they exist and share a VPC.
// Unlike RDS, ElastiCache takes a group of one zone.
func (t *tx) cacheSubnets(ids []string) ([]string, string, error) {
	if len(ids) == 0 {
		return nil, "", cacheInvalid("The parameter SubnetIds must be provided.")
	}
	seen := map[string]bool{}
	var out []string
	vpc := ""
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		s := t.r.EC2.Subnets[id]
		if s == nil || t.hidden(s.Created) {
			return nil, "", &ectypes.InvalidSubnet{Message: aws.String("The subnet ID " + id + " does not exist")}
		}
		if vpc != "" && s.VPC != vpc {
			return nil, "", &ectypes.InvalidSubnet{Message: aws.String("Subnets must all be in the same VPC: " + id + " is in " + s.VPC + ", not " + vpc + ".")}
		}
		vpc = s.VPC
		out = append(out, id)
	}
	sort.Strings(out)
	return out, vpc, nil
}

func (t *tx) cacheSubnetGroupOut(g *cacheSubnetGroup) *ectypes.CacheSubnetGroup {
	out := &ectypes.CacheSubnetGroup{
		CacheSubnetGroupName: aws.String(g.Name), CacheSubnetGroupDescription: aws.String(g.Description),
		VpcId: aws.String(g.VPC), ARN: aws.String(g.ARN), SupportedNetworkTypes: []ectypes.NetworkType{ectypes.NetworkTypeIpv4},
	}
	for _, id := range g.Subnets {
		sn := ectypes.Subnet{SubnetIdentifier: aws.String(id), SupportedNetworkTypes: []ectypes.NetworkType{ectypes.NetworkTypeIpv4}}
		if s := t.r.EC2.Subnets[id]; s != nil {
			sn.SubnetAvailabilityZone = &ectypes.AvailabilityZone{Name: aws.String(s.AZ)}
		}
		out.Subnets = append(out.Subnets, sn)
	}
	return out
}

func (a *elasticacheAPI) CreateCacheSubnetGroup(ctx context.Context, in *elasticache.CreateCacheSubnetGroupInput, _ ...func(*elasticache.Options)) (*elasticache.CreateCacheSubnetGroupOutput, error) {
	return call(ctx, a.s, svcElastiCache, "CreateCacheSubnetGroup", func(t *tx) (*elasticache.CreateCacheSubnetGroupOutput, error) {
		name := strings.ToLower(aws.ToString(in.CacheSubnetGroupName))
		if name == "" || len(name) > 255 || !cacheGroupRE.MatchString(name) {
			return nil, cacheInvalid("The parameter CacheSubnetGroupName must be provided and must contain no more than 255 alphanumeric characters or hyphens.")
		}
		if name == "default" {
			return nil, cacheInvalid("CacheSubnetGroupName must not be 'default'.")
		}
		if in.CacheSubnetGroupDescription == nil {
			return nil, cacheInvalid("The parameter CacheSubnetGroupDescription must be provided.")
		}
		if t.r.ElastiCache.SubnetGroups[name] != nil {
			return nil, &ectypes.CacheSubnetGroupAlreadyExistsFault{Message: aws.String("Cache subnet group " + name + " already exists.")}
		}
		subnets, vpc, err := t.cacheSubnets(in.SubnetIds)
		if err != nil {
			return nil, err
		}
		tags, err := cacheTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		g := &cacheSubnetGroup{Meta: Meta{ID: name, ARN: t.cacheARN(cacheTypeSubnetGroup, name), Created: t.now},
			Name: name, Description: aws.ToString(in.CacheSubnetGroupDescription), VPC: vpc, Subnets: subnets}
		if err := setCacheTags(&g.Meta, tags); err != nil {
			return nil, err
		}
		t.r.ElastiCache.SubnetGroups[name] = g
		return &elasticache.CreateCacheSubnetGroupOutput{CacheSubnetGroup: t.cacheSubnetGroupOut(g)}, nil
	})
}

func (a *elasticacheAPI) ModifyCacheSubnetGroup(ctx context.Context, in *elasticache.ModifyCacheSubnetGroupInput, _ ...func(*elasticache.Options)) (*elasticache.ModifyCacheSubnetGroupOutput, error) {
	return call(ctx, a.s, svcElastiCache, "ModifyCacheSubnetGroup", func(t *tx) (*elasticache.ModifyCacheSubnetGroupOutput, error) {
		g, err := t.cacheSubnetGroup(aws.ToString(in.CacheSubnetGroupName))
		if err != nil {
			return nil, err
		}
		if len(in.SubnetIds) > 0 {
			subnets, vpc, err := t.cacheSubnets(in.SubnetIds)
			if err != nil {
				return nil, err
			}
			keep := map[string]bool{}
			for _, s := range subnets {
				keep[s] = true
			}
			for _, id := range sortedKeys(t.r.ElastiCache.Groups) {
				c := t.r.ElastiCache.Groups[id]
				if c.SubnetGroup != g.Name {
					continue
				}
				for _, e := range t.r.EC2.ENIs {
					if e.Owner == c.ARN && e.ReleaseAt.IsZero() && (!keep[e.Subnet] || vpc != g.VPC) {
						return nil, &ectypes.SubnetInUse{Message: aws.String("The subnet " + e.Subnet + " is in use by replication group " + c.ID + ".")}
					}
				}
			}
			g.Subnets, g.VPC = subnets, vpc
		}
		if in.CacheSubnetGroupDescription != nil {
			g.Description = *in.CacheSubnetGroupDescription
		}
		return &elasticache.ModifyCacheSubnetGroupOutput{CacheSubnetGroup: t.cacheSubnetGroupOut(g)}, nil
	})
}

func (a *elasticacheAPI) DeleteCacheSubnetGroup(ctx context.Context, in *elasticache.DeleteCacheSubnetGroupInput, _ ...func(*elasticache.Options)) (*elasticache.DeleteCacheSubnetGroupOutput, error) {
	return call(ctx, a.s, svcElastiCache, "DeleteCacheSubnetGroup", func(t *tx) (*elasticache.DeleteCacheSubnetGroupOutput, error) {
		g, err := t.cacheSubnetGroup(aws.ToString(in.CacheSubnetGroupName))
		if err != nil {
			return nil, err
		}
		// A group being deleted still holds it, until it is gone.
		for _, id := range sortedKeys(t.r.ElastiCache.Groups) {
			if t.r.ElastiCache.Groups[id].SubnetGroup == g.Name {
				return nil, &ectypes.CacheSubnetGroupInUse{Message: aws.String("Cache subnet group " + g.Name + " is currently in use by replication group " + id + ".")}
			}
		}
		delete(t.r.ElastiCache.SubnetGroups, g.Name)
		return &elasticache.DeleteCacheSubnetGroupOutput{}, nil
	})
}

func (a *elasticacheAPI) DescribeCacheSubnetGroups(ctx context.Context, in *elasticache.DescribeCacheSubnetGroupsInput, _ ...func(*elasticache.Options)) (*elasticache.DescribeCacheSubnetGroupsOutput, error) {
	return call(ctx, a.s, svcElastiCache, "DescribeCacheSubnetGroups", func(t *tx) (*elasticache.DescribeCacheSubnetGroupsOutput, error) {
		limit, err := cacheMaxRecords(in.MaxRecords)
		if err != nil {
			return nil, err
		}
		var all []ectypes.CacheSubnetGroup
		if n := aws.ToString(in.CacheSubnetGroupName); n != "" {
			g, err := t.cacheSubnetGroup(n)
			if err != nil {
				return nil, err
			}
			all = append(all, *t.cacheSubnetGroupOut(g))
		} else {
			for _, k := range sortedKeys(t.r.ElastiCache.SubnetGroups) {
				if g := t.r.ElastiCache.SubnetGroups[k]; !t.hidden(g.Created) {
					all = append(all, *t.cacheSubnetGroupOut(g))
				}
			}
		}
		items, next, err := page(all, in.Marker, limit)
		if err != nil {
			return nil, cacheInvalid("The marker is not valid.")
		}
		return &elasticache.DescribeCacheSubnetGroupsOutput{CacheSubnetGroups: items, Marker: next}, nil
	})
}

// cacheMaxRecords checks MaxRecords (20–100, default 100).
func cacheMaxRecords(n *int32) (int, error) {
	if n == nil {
		return 100, nil
	}
	if *n < 20 || *n > 100 {
		return 0, cacheInvalid("Invalid value %d for MaxRecords. Must be between 20 and 100", *n)
	}
	return int(*n), nil
}
