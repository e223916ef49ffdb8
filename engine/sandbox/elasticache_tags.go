package sandbox

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	ectypes "github.com/aws/aws-sdk-go-v2/service/elasticache/types"
)

func cacheKV(t ectypes.Tag) (string, string) { return aws.ToString(t.Key), aws.ToString(t.Value) }

func cacheTagMap(ts []ectypes.Tag) (map[string]string, error) {
	return checkedTagMap(ts, cacheKV, tagRules{
		size: cacheInvalid("Tag keys must be 1 to 128 characters and values at most 256 characters."),
		reserved: func(k string) error {
			return cacheInvalid("Tag key %s is not valid: keys can't start with 'aws:'.", k)
		},
	})
}

func setCacheTags(m *Meta, kv map[string]string) error {
	return mergeTags(&m.Tags, kv, &ectypes.TagQuotaPerResourceExceeded{Message: aws.String("The quota of 50 tags per resource has been exceeded.")})
}

func cacheTagList(m map[string]string) []ectypes.Tag {
	out := []ectypes.Tag{}
	for _, k := range sortedKeys(m) {
		out = append(out, ectypes.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

// cacheMeta finds the taggable ElastiCache resource an ARN names.
func (t *tx) cacheMeta(ref string) (*Meta, error) {
	p, ok := parseARN(ref)
	if !ok || p.Service != "elasticache" || p.Region != t.regionName() || p.Account != t.account() {
		return nil, &ectypes.InvalidARNFault{Message: aws.String("The ARN " + ref + " is not valid.")}
	}
	kind, name, _ := strings.Cut(p.Resource, ":")
	switch kind {
	case cacheTypeGroup:
		g := t.r.ElastiCache.Groups[name]
		if g == nil || t.hidden(g.Created) {
			return nil, cacheGroupNotFound(name)
		}
		return &g.Meta, nil
	case cacheTypeSubnetGroup:
		g, err := t.cacheSubnetGroup(name)
		if err != nil {
			return nil, err
		}
		return &g.Meta, nil
	}
	return nil, &ectypes.InvalidARNFault{Message: aws.String("The ARN " + ref + " is not valid.")}
}

func (a *elasticacheAPI) AddTagsToResource(ctx context.Context, in *elasticache.AddTagsToResourceInput, _ ...func(*elasticache.Options)) (*elasticache.AddTagsToResourceOutput, error) {
	return call(ctx, a.s, svcElastiCache, "AddTagsToResource", func(t *tx) (*elasticache.AddTagsToResourceOutput, error) {
		m, err := t.cacheMeta(aws.ToString(in.ResourceName))
		if err != nil {
			return nil, err
		}
		tags, err := cacheTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		if err := setCacheTags(m, tags); err != nil {
			return nil, err
		}
		return &elasticache.AddTagsToResourceOutput{TagList: cacheTagList(m.Tags)}, nil
	})
}

func (a *elasticacheAPI) ListTagsForResource(ctx context.Context, in *elasticache.ListTagsForResourceInput, _ ...func(*elasticache.Options)) (*elasticache.ListTagsForResourceOutput, error) {
	return call(ctx, a.s, svcElastiCache, "ListTagsForResource", func(t *tx) (*elasticache.ListTagsForResourceOutput, error) {
		m, err := t.cacheMeta(aws.ToString(in.ResourceName))
		if err != nil {
			return nil, err
		}
		return &elasticache.ListTagsForResourceOutput{TagList: cacheTagList(m.Tags)}, nil
	})
}
