package aws

import (
	ectypes "github.com/aws/aws-sdk-go-v2/service/elasticache/types"
)

// ElastiCache: the KV service's Redis (a replication group) and the
// subnet group that keeps it in the private subnets.

func cacheTags(m map[string]string) []ectypes.Tag {
	return toSDK(m, func(k, v *string) ectypes.Tag { return ectypes.Tag{Key: k, Value: v} })
}

func cacheTagMap(tags []ectypes.Tag) map[string]string {
	return fromSDK(tags, func(t ectypes.Tag) (*string, *string) { return t.Key, t.Value })
}
