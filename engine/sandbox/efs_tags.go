package sandbox

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"
)

func (a *efsAPI) TagResource(ctx context.Context, in *efs.TagResourceInput, _ ...func(*efs.Options)) (*efs.TagResourceOutput, error) {
	return call(ctx, a.s, svcEFS, "TagResource", func(t *tx) (*efs.TagResourceOutput, error) {
		f, err := t.efsTaggable(aws.ToString(in.ResourceId))
		if err != nil {
			return nil, err
		}
		tags, err := efsTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		if err := mergeTags(&f.Tags, tags, efsTooManyTags()); err != nil {
			return nil, err
		}
		return &efs.TagResourceOutput{}, nil
	})
}

func (t *tx) efsTaggable(ref string) (*fileSystem, error) {
	id := ref
	if a, ok := parseARN(ref); ok && a.Service == "elasticfilesystem" {
		id = a.Resource[strings.LastIndex(a.Resource, "/")+1:]
	}
	switch {
	case strings.HasPrefix(id, "fs-"):
		return t.fileSystem(id)
	case strings.HasPrefix(id, "fsap-"):
		return nil, &efstypes.AccessPointNotFound{Message: aws.String("Access point '" + id + "' does not exist."), ErrorCode_: aws.String("AccessPointNotFound")}
	}
	return nil, efsBadRequest("Invalid resource ID %s.", ref)
}

func (a *efsAPI) ListTagsForResource(ctx context.Context, in *efs.ListTagsForResourceInput, _ ...func(*efs.Options)) (*efs.ListTagsForResourceOutput, error) {
	return call(ctx, a.s, svcEFS, "ListTagsForResource", func(t *tx) (*efs.ListTagsForResourceOutput, error) {
		f, err := t.efsTaggable(aws.ToString(in.ResourceId))
		if err != nil {
			return nil, err
		}
		limit := int(aws.ToInt32(in.MaxResults))
		if limit == 0 {
			limit = 100
		}
		if limit < 1 || limit > 100 {
			return nil, efsBadRequest("MaxResults must be between 1 and 100.")
		}
		items, next, err := page(tagList(f.Tags, efsTag), in.NextToken, limit)
		if err != nil {
			return nil, efsBadRequest("Invalid NextToken.")
		}
		return &efs.ListTagsForResourceOutput{Tags: items, NextToken: next}, nil
	})
}
