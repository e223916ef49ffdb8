package sandbox

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
)

func rdsKV(t rdstypes.Tag) (string, string) { return aws.ToString(t.Key), aws.ToString(t.Value) }
func rdsTag(k, v string) rdstypes.Tag       { return rdstypes.Tag{Key: aws.String(k), Value: aws.String(v)} }

func rdsTagMap(ts []rdstypes.Tag) (map[string]string, error) {
	m, err := checkedTagMap(ts, rdsKV, tagRules{
		size: errf("InvalidParameterValue", "Tag keys must be 1 to 128 characters and values at most 256 characters."),
		reserved: func(k string) error {
			return errf("InvalidParameterValue", "Tag key %s is not valid: keys can't start with 'aws:'.", k)
		},
	})
	if err != nil {
		return nil, err
	}
	for k := range m {
		if strings.HasPrefix(strings.ToLower(k), "rds:") {
			return nil, errf("InvalidParameterValue", "Tag key %s is not valid: keys can't start with 'rds:'.", k)
		}
	}
	return m, nil
}

func setRDSTags(m *Meta, kv map[string]string) error {
	return mergeTags(&m.Tags, kv, errf("TagQuotaPerResourceExceeded", "The quota of 50 tags per resource has been exceeded."))
}

// rdsMeta finds the taggable RDS resource an ARN names.
func (t *tx) rdsMeta(ref string) (*Meta, error) {
	p, ok := parseARN(ref)
	if !ok || p.Service != "rds" {
		return nil, errf("InvalidParameterValue", "The specified resource name does not match an RDS resource in this region.")
	}
	if p.Region != t.regionName() || p.Account != t.account() {
		return nil, errf("InvalidParameterValue", "The specified resource name does not match an RDS resource in this region.")
	}
	kind, name, _ := strings.Cut(p.Resource, ":")
	switch kind {
	case rdsTypeDB:
		db, err := t.dbInstance(name)
		if err != nil {
			return nil, err
		}
		return &db.Meta, nil
	case rdsTypeSubnetGroup:
		g, err := t.subnetGroup(name)
		if err != nil {
			return nil, err
		}
		return &g.Meta, nil
	case rdsTypeSnapshot:
		s := t.r.RDS.Snapshots[strings.ToLower(name)]
		if s == nil {
			return nil, snapshotNotFound(name)
		}
		return &s.Meta, nil
	}
	return nil, errf("InvalidParameterValue", "Unsupported resource type %q in %s for the sandbox (db and subgrp are).", kind, ref)
}

func (a *rdsAPI) AddTagsToResource(ctx context.Context, in *rds.AddTagsToResourceInput, _ ...func(*rds.Options)) (*rds.AddTagsToResourceOutput, error) {
	return call(ctx, a.s, svcRDS, "AddTagsToResource", func(t *tx) (*rds.AddTagsToResourceOutput, error) {
		m, err := t.rdsMeta(aws.ToString(in.ResourceName))
		if err != nil {
			return nil, err
		}
		tags, err := rdsTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		if err := setRDSTags(m, tags); err != nil {
			return nil, err
		}
		return &rds.AddTagsToResourceOutput{}, nil
	})
}

func (a *rdsAPI) ListTagsForResource(ctx context.Context, in *rds.ListTagsForResourceInput, _ ...func(*rds.Options)) (*rds.ListTagsForResourceOutput, error) {
	return call(ctx, a.s, svcRDS, "ListTagsForResource", func(t *tx) (*rds.ListTagsForResourceOutput, error) {
		m, err := t.rdsMeta(aws.ToString(in.ResourceName))
		if err != nil {
			return nil, err
		}
		return &rds.ListTagsForResourceOutput{TagList: tagList(m.Tags, rdsTag)}, nil
	})
}
