package cloud

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/elasticache"
)

// ElastiCache is the KV service's Redis: a replication group in a cache
// subnet group.
type ElastiCache interface {
	CreateCacheSubnetGroup(ctx context.Context, in *elasticache.CreateCacheSubnetGroupInput, opts ...func(*elasticache.Options)) (*elasticache.CreateCacheSubnetGroupOutput, error)
	ModifyCacheSubnetGroup(ctx context.Context, in *elasticache.ModifyCacheSubnetGroupInput, opts ...func(*elasticache.Options)) (*elasticache.ModifyCacheSubnetGroupOutput, error)
	DeleteCacheSubnetGroup(ctx context.Context, in *elasticache.DeleteCacheSubnetGroupInput, opts ...func(*elasticache.Options)) (*elasticache.DeleteCacheSubnetGroupOutput, error)
	DescribeCacheSubnetGroups(ctx context.Context, in *elasticache.DescribeCacheSubnetGroupsInput, opts ...func(*elasticache.Options)) (*elasticache.DescribeCacheSubnetGroupsOutput, error)
	CreateReplicationGroup(ctx context.Context, in *elasticache.CreateReplicationGroupInput, opts ...func(*elasticache.Options)) (*elasticache.CreateReplicationGroupOutput, error)
	ModifyReplicationGroup(ctx context.Context, in *elasticache.ModifyReplicationGroupInput, opts ...func(*elasticache.Options)) (*elasticache.ModifyReplicationGroupOutput, error)
	IncreaseReplicaCount(ctx context.Context, in *elasticache.IncreaseReplicaCountInput, opts ...func(*elasticache.Options)) (*elasticache.IncreaseReplicaCountOutput, error)
	DecreaseReplicaCount(ctx context.Context, in *elasticache.DecreaseReplicaCountInput, opts ...func(*elasticache.Options)) (*elasticache.DecreaseReplicaCountOutput, error)
	DeleteReplicationGroup(ctx context.Context, in *elasticache.DeleteReplicationGroupInput, opts ...func(*elasticache.Options)) (*elasticache.DeleteReplicationGroupOutput, error)
	DescribeReplicationGroups(ctx context.Context, in *elasticache.DescribeReplicationGroupsInput, opts ...func(*elasticache.Options)) (*elasticache.DescribeReplicationGroupsOutput, error)
	AddTagsToResource(ctx context.Context, in *elasticache.AddTagsToResourceInput, opts ...func(*elasticache.Options)) (*elasticache.AddTagsToResourceOutput, error)
	ListTagsForResource(ctx context.Context, in *elasticache.ListTagsForResourceInput, opts ...func(*elasticache.Options)) (*elasticache.ListTagsForResourceOutput, error)
}

var _ ElastiCache = (*elasticache.Client)(nil)
