package sandbox

import (
	"context"
	"reflect"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	tagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	tagtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"

	"github.com/minimalinfra/mvi/engine/cloud"
)

// The Resource Groups Tagging API over every taggable record of the region
// (anything embedding Meta with an ARN, found by reflection) and the S3
// buckets. As on AWS: only resources that carry tags are listed; IAM isn't
// in it; resources that are gone (terminated instances, INACTIVE ECS
// clusters and services) aren't either.

type taggingAPI struct{ s *Sandbox }

var _ cloud.Tagging = (*taggingAPI)(nil)

// goner is implemented by records that linger after deletion (for
// Describe calls) but no longer exist for the Tagging API.
type goner interface{ tagGone() bool }

func (i *instance) tagGone() bool          { return i.State == "terminated" }
func (c *ecsCluster) tagGone() bool        { return c.Status != "ACTIVE" }
func (s *ecsService) tagGone() bool        { return s.Status == "INACTIVE" }
func (c *capacityProvider) tagGone() bool  { return c.Status != "ACTIVE" }
func (c *containerInstance) tagGone() bool { return c.Status == "INACTIVE" }
func (k *ecsTask) tagGone() bool           { return k.LastStatus == "STOPPED" }

var metaType = reflect.TypeOf(Meta{})

// eachMeta calls f for every taggable record under v (a pointer to a
// region or service state), in a stable order.
func eachMeta(v reflect.Value, f func(m *Meta, rec any)) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		if v.Elem().Kind() == reflect.Struct {
			if fld, ok := v.Elem().Type().FieldByName("Meta"); ok && fld.Anonymous && fld.Type == metaType {
				f(v.Elem().FieldByIndex(fld.Index).Addr().Interface().(*Meta), v.Interface())
				return
			}
		}
		eachMeta(v.Elem(), f)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				eachMeta(v.Field(i), f)
			}
		}
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return
		}
		keys := v.MapKeys()
		sort.Slice(keys, func(a, b int) bool { return keys[a].String() < keys[b].String() })
		for _, k := range keys {
			eachMeta(v.MapIndex(k), f)
		}
	}
}

// taggable lists the region's live taggable records.
func (t *tx) taggable(f func(m *Meta)) {
	visit := func(m *Meta, rec any) {
		if m.ARN == "" {
			return
		}
		if g, ok := rec.(goner); ok && g.tagGone() {
			return
		}
		f(m)
	}
	eachMeta(reflect.ValueOf(t.r), visit)
	eachMeta(reflect.ValueOf(&t.st.S3), func(m *Meta, rec any) {
		if r := reflect.ValueOf(rec).Elem().FieldByName("Region"); r.IsValid() && r.Kind() == reflect.String && r.String() != "" && r.String() != t.regionName() {
			return
		}
		visit(m, rec)
	})
}

func (t *tx) metaByARN(a string) *Meta {
	var found *Meta
	t.taggable(func(m *Meta) {
		if m.ARN == a {
			found = m
		}
	})
	return found
}

func typeMatches(a parsedARN, filters []string) bool {
	if len(filters) == 0 {
		return true
	}
	rt := a.resourceType()
	for _, f := range filters {
		if f == a.Service || strings.EqualFold(f, rt) {
			return true
		}
	}
	return false
}

func (a *taggingAPI) GetResources(ctx context.Context, in *tagging.GetResourcesInput, _ ...func(*tagging.Options)) (*tagging.GetResourcesOutput, error) {
	return call(ctx, a.s, svcTagging, "GetResources", func(t *tx) (*tagging.GetResourcesOutput, error) {
		bad := func(msg string) error { return &tagtypes.InvalidParameterException{Message: aws.String(msg)} }
		if len(in.ResourceARNList) > 0 && (len(in.TagFilters) > 0 || len(in.ResourceTypeFilters) > 0) {
			return nil, bad("Specifying ResourceARNList together with TagFilters or ResourceTypeFilters is not allowed.")
		}
		if len(in.TagFilters) > 50 {
			return nil, bad("TagFilters can contain at most 50 filters.")
		}
		filters := map[string][]string{}
		for _, f := range in.TagFilters {
			if aws.ToString(f.Key) == "" {
				return nil, bad("TagFilter Key must not be empty.")
			}
			filters[*f.Key] = f.Values
		}
		for _, rt := range in.ResourceTypeFilters {
			if rt == "" || strings.Count(rt, ":") > 1 {
				return nil, bad("Invalid resource type filter: " + rt)
			}
		}
		per := int(aws.ToInt32(in.ResourcesPerPage))
		if per == 0 {
			per = 100
		}
		if per < 1 || per > 100 {
			return nil, bad("ResourcesPerPage must be between 1 and 100.")
		}
		arns := newIDSet(in.ResourceARNList)
		var all []tagtypes.ResourceTagMapping
		t.taggable(func(m *Meta) {
			if len(m.Tags) == 0 || t.hidden(m.Created) || !arns.has(m.ARN) || !tagsMatch(m.Tags, filters) {
				return
			}
			p, ok := parseARN(m.ARN)
			if !ok || !typeMatches(p, in.ResourceTypeFilters) {
				return
			}
			all = append(all, tagtypes.ResourceTagMapping{ResourceARN: aws.String(m.ARN), Tags: tagList(m.Tags, func(k, v string) tagtypes.Tag {
				return tagtypes.Tag{Key: aws.String(k), Value: aws.String(v)}
			})})
		})
		sort.Slice(all, func(i, j int) bool { return *all[i].ResourceARN < *all[j].ResourceARN })
		items, next, err := page(all, in.PaginationToken, per)
		if err != nil {
			return nil, &tagtypes.PaginationTokenExpiredException{Message: aws.String("The pagination token is invalid or expired.")}
		}
		if items == nil {
			items = []tagtypes.ResourceTagMapping{}
		}
		tok := aws.String("")
		if next != nil {
			tok = next
		}
		return &tagging.GetResourcesOutput{ResourceTagMappingList: items, PaginationToken: tok}, nil
	})
}

func (a *taggingAPI) TagResources(ctx context.Context, in *tagging.TagResourcesInput, _ ...func(*tagging.Options)) (*tagging.TagResourcesOutput, error) {
	return call(ctx, a.s, svcTagging, "TagResources", func(t *tx) (*tagging.TagResourcesOutput, error) {
		if len(in.ResourceARNList) == 0 || len(in.ResourceARNList) > 20 {
			return nil, &tagtypes.InvalidParameterException{Message: aws.String("ResourceARNList must contain between 1 and 20 ARNs.")}
		}
		if len(in.Tags) == 0 {
			return nil, &tagtypes.InvalidParameterException{Message: aws.String("Tags must not be empty.")}
		}
		if k, bad := reservedTag(in.Tags); bad {
			return nil, &tagtypes.InvalidParameterException{Message: aws.String("Tag key " + k + " uses the reserved aws: prefix")}
		}
		out := &tagging.TagResourcesOutput{FailedResourcesMap: map[string]tagtypes.FailureInfo{}}
		for _, a := range in.ResourceARNList {
			m := t.metaByARN(a)
			if m == nil {
				out.FailedResourcesMap[a] = tagtypes.FailureInfo{ErrorCode: tagtypes.ErrorCodeInvalidParameterException, StatusCode: 404,
					ErrorMessage: aws.String("The resource " + a + " does not exist or is not supported by the Tagging API.")}
				continue
			}
			m.setTags(in.Tags)
		}
		return out, nil
	})
}
