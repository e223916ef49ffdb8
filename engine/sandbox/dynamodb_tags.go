package sandbox

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func (t *tx) ddbTaggable(ref string) (*ddbTable, error) {
	p, ok := parseARN(ref)
	if !ok || p.Service != "dynamodb" || !p.is(dynamoTypeTable) {
		return nil, ddbValidation("Invalid TableArn: Invalid ResourceArn provided as input %s", ref)
	}
	nf := &ddbtypes.ResourceNotFoundException{Message: aws.String("Requested resource not found: ResourceArn: " + ref + " not found")}
	if p.Region != t.regionName() || p.Account != t.account() || strings.Contains(p.name(dynamoTypeTable), "/") {
		return nil, nf
	}
	tb := t.r.DynamoDB.Tables[p.name(dynamoTypeTable)]
	if tb == nil || t.hidden(tb.Created) || tb.Status == "DELETING" {
		return nil, nf
	}
	return tb, nil
}

func (a *dynamodbAPI) TagResource(ctx context.Context, in *dynamodb.TagResourceInput, _ ...func(*dynamodb.Options)) (*dynamodb.TagResourceOutput, error) {
	return call(ctx, a.s, svcDynamoDB, "TagResource", func(t *tx) (*dynamodb.TagResourceOutput, error) {
		tb, err := t.ddbTaggable(aws.ToString(in.ResourceArn))
		if err != nil {
			return nil, err
		}
		tags, err := ddbTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		if err := mergeTags(&tb.Tags, tags, ddbTooManyTags()); err != nil {
			return nil, err
		}
		return &dynamodb.TagResourceOutput{}, nil
	})
}

func (a *dynamodbAPI) ListTagsOfResource(ctx context.Context, in *dynamodb.ListTagsOfResourceInput, _ ...func(*dynamodb.Options)) (*dynamodb.ListTagsOfResourceOutput, error) {
	return call(ctx, a.s, svcDynamoDB, "ListTagsOfResource", func(t *tx) (*dynamodb.ListTagsOfResourceOutput, error) {
		tb, err := t.ddbTaggable(aws.ToString(in.ResourceArn))
		if err != nil {
			return nil, err
		}
		items, next, err := page(tagList(tb.Tags, ddbTag), in.NextToken, 100)
		if err != nil {
			return nil, ddbValidation("Invalid NextToken")
		}
		if items == nil {
			items = []ddbtypes.Tag{}
		}
		return &dynamodb.ListTagsOfResourceOutput{Tags: items, NextToken: next}, nil
	})
}
