package sandbox

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func (t *tx) ecsMeta(a string) *Meta {
	p, ok := parseARN(a)
	if !ok || p.Service != "ecs" {
		return nil
	}
	switch {
	case p.is(ecsTypeCluster):
		if c := t.r.ECS.Clusters[p.name(ecsTypeCluster)]; c != nil && c.Status == "ACTIVE" {
			return &c.Meta
		}
	case p.is(ecsTypeService):
		if s := t.r.ECS.Services[a]; s != nil && s.Status != "INACTIVE" {
			return &s.Meta
		}
	case p.is(ecsTypeTaskDef):
		if td := t.r.ECS.TaskDefs[p.name(ecsTypeTaskDef)]; td != nil {
			return &td.Meta
		}
	case p.is(ecsTypeCapacityProvider):
		if cp := t.r.ECS.CapacityProviders[p.name(ecsTypeCapacityProvider)]; cp != nil && cp.Status == "ACTIVE" {
			return &cp.Meta
		}
	case p.is(ecsTypeTask):
		if tk := t.r.ECS.Tasks[a]; tk != nil {
			return &tk.Meta
		}
	case p.is(ecsTypeContainerInstance):
		if ci := t.r.ECS.ContainerInstances[a]; ci != nil {
			return &ci.Meta
		}
	}
	return nil
}

func (a *ecsAPI) TagResource(ctx context.Context, in *ecs.TagResourceInput, _ ...func(*ecs.Options)) (*ecs.TagResourceOutput, error) {
	return call(ctx, a.s, svcECS, "TagResource", func(t *tx) (*ecs.TagResourceOutput, error) {
		m := t.ecsMeta(aws.ToString(in.ResourceArn))
		if m == nil {
			return nil, &ecstypes.ResourceNotFoundException{Message: aws.String("The specified resource could not be found.")}
		}
		kv, err := ecsTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		if err := mergeTags(&m.Tags, kv, ecsTooManyTags()); err != nil {
			return nil, err
		}
		return &ecs.TagResourceOutput{}, nil
	})
}

func (a *ecsAPI) ListTagsForResource(ctx context.Context, in *ecs.ListTagsForResourceInput, _ ...func(*ecs.Options)) (*ecs.ListTagsForResourceOutput, error) {
	return call(ctx, a.s, svcECS, "ListTagsForResource", func(t *tx) (*ecs.ListTagsForResourceOutput, error) {
		m := t.ecsMeta(aws.ToString(in.ResourceArn))
		if m == nil || t.hidden(m.Created) {
			return nil, &ecstypes.ResourceNotFoundException{Message: aws.String("The specified resource could not be found.")}
		}
		return &ecs.ListTagsForResourceOutput{Tags: ecsTags(m.Tags)}, nil
	})
}

// ============================================================ the clock ==
