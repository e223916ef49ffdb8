package aws

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	sdtypes "github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/resource"
)

// namespaceHandler is the Cloud Map HTTP namespace Service Connect keeps
// an app's names in. Cloud Map creates and deletes namespaces as
// operations that finish later: the handler waits for each inside the
// call, so a live namespace always has its id and ARN, and down leaves
// none behind.
type namespaceHandler struct{}

func (namespaceHandler) Describe() resource.Descriptor {
	// After the ECS services (rank 1): Cloud Map refuses to delete a
	// namespace that still holds the services they registered.
	return resource.Descriptor{Type: arch.TypeNamespace, Service: arch.Container, DeleteRank: 2,
		ARNKinds: []string{"servicediscovery:namespace"},
		Console: func(s resource.Site) string {
			return console(s, "cloudmap/home?region="+s.Region+"#namespaces/"+s.PhysicalID)
		},
		Lookup: func(s resource.Site) string {
			return "aws servicediscovery get-namespace --id " + s.PhysicalID + " " + regionFlag(s)
		},
	}
}

// opPoll bounds the wait for one Cloud Map operation: AWS finishes an
// HTTP namespace's in seconds.
const (
	opPollFirst = 500 * time.Millisecond
	opPollMax   = 5 * time.Second
	opPollFor   = 3 * time.Minute
)

func sdTags(m map[string]string) []sdtypes.Tag {
	return toSDK(m, func(k, v *string) sdtypes.Tag { return sdtypes.Tag{Key: k, Value: v} })
}

func sdTagMap(tags []sdtypes.Tag) map[string]string {
	return fromSDK(tags, func(t sdtypes.Tag) (*string, *string) { return t.Key, t.Value })
}

func nsLive(typ, id, arn, name string, services int32, tags map[string]string) resource.Live {
	l := newLive(typ, id, tags)
	l.ARN, l.State = arn, "available"
	l.Attrs["id"], l.Attrs["arn"], l.Attrs["name"] = id, arn, name
	l.Attrs["gauge:names"] = itoa(int(services))
	return l
}

// find is the HTTP namespace named name, nil when there is none.
func (namespaceHandler) find(ctx context.Context, env resource.Env, name string) (*sdtypes.NamespaceSummary, error) {
	p := servicediscovery.NewListNamespacesPaginator(env.Clients.ServiceDiscovery, &servicediscovery.ListNamespacesInput{
		Filters: []sdtypes.NamespaceFilter{{Name: sdtypes.NamespaceFilterNameType, Values: []string{string(sdtypes.NamespaceTypeHttp)}, Condition: sdtypes.FilterConditionEq}}})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for i, n := range page.Namespaces {
			if str(n.Name) == name {
				return &page.Namespaces[i], nil
			}
		}
	}
	return nil, nil
}

func (h namespaceHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	n, err := h.find(ctx, env, arch.NamespaceName(env.App))
	if err != nil || n == nil {
		return nil, wrap("list", "Cloud Map namespaces", err)
	}
	t, err := env.Clients.ServiceDiscovery.ListTagsForResource(ctx, &servicediscovery.ListTagsForResourceInput{ResourceARN: n.Arn})
	if isCode(err, "ResourceNotFoundException", "NamespaceNotFound") {
		return nil, nil
	}
	if err != nil {
		return nil, wrap("list", str(n.Name), err)
	}
	tags := sdTagMap(t.Tags)
	if !ours(env.App, tags) {
		return nil, nil
	}
	return []resource.Live{nsLive(h.Describe().Type, str(n.Id), str(n.Arn), str(n.Name), i32(n.ServiceCount), tags)}, nil
}

func (h namespaceHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	p, err := propsOf[arch.NamespaceProps]("create", r)
	if err != nil {
		return resource.Live{}, err
	}
	// Look first: a create whose answer was lost may have made it.
	n, err := h.find(ctx, env, p.Name)
	if err != nil {
		return resource.Live{}, wrap("create", r.ID, err)
	}
	if n == nil {
		res, err := env.Clients.ServiceDiscovery.CreateHttpNamespace(ctx, &servicediscovery.CreateHttpNamespaceInput{
			Name: aws.String(p.Name), CreatorRequestId: aws.String(clientToken(env, r)),
			Description: aws.String("mvi app " + env.App + ": the names its processes reach each other by"),
			Tags:        sdTags(resource.Tags(env.App, r)),
		})
		op := ""
		var dup *sdtypes.DuplicateRequest
		switch {
		case err == nil:
			op = str(res.OperationId)
		case errors.As(err, &dup):
			op = str(dup.DuplicateOperationId) // the same create, still running
		case !isCode(err, "NamespaceAlreadyExists"):
			return resource.Live{}, wrap("create", r.ID, err)
		}
		if op != "" {
			if _, err := waitOperation(ctx, env, r.ID, op); err != nil {
				return resource.Live{}, err
			}
		}
		if n, err = h.find(ctx, env, p.Name); err != nil {
			return resource.Live{}, wrap("create", r.ID, err)
		}
		if n == nil {
			return resource.Live{}, wrap("create", r.ID, &notFound{what: "Cloud Map namespace " + p.Name})
		}
	}
	t, err := env.Clients.ServiceDiscovery.ListTagsForResource(ctx, &servicediscovery.ListTagsForResourceInput{ResourceARN: n.Arn})
	if err != nil {
		return resource.Live{}, wrap("create", r.ID, err)
	}
	if tags := sdTagMap(t.Tags); tags[resource.TagApp] != env.App || tags[resource.TagID] != r.ID {
		return resource.Live{}, fmt.Errorf("create %s: Cloud Map already has a namespace %s that is not this app's: delete it (aws servicediscovery delete-namespace --id %s) or rename the app", r.ID, p.Name, str(n.Id))
	}
	live := nsLive(h.Describe().Type, str(n.Id), str(n.Arn), str(n.Name), i32(n.ServiceCount), nil)
	live.ID = r.ID
	return h.Update(ctx, env, r, live)
}

// Update can only retag: a namespace's name is for life.
func (h namespaceHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	p, err := propsOf[arch.NamespaceProps]("update", r)
	if err != nil {
		return resource.Live{}, err
	}
	if n := live.Attrs["name"]; n != "" && n != p.Name {
		return resource.Live{}, resource.ErrReplace
	}
	tags := resource.Tags(env.App, r)
	if _, err := env.Clients.ServiceDiscovery.TagResource(ctx, &servicediscovery.TagResourceInput{ResourceARN: aws.String(live.ARN), Tags: sdTags(tags)}); err != nil {
		return resource.Live{}, wrap("tag", r.ID, err)
	}
	l := nsLive(h.Describe().Type, live.PhysicalID, live.ARN, p.Name, 0, tags)
	l.Attrs["gauge:names"] = live.Attrs["gauge:names"]
	return l, nil
}

// Delete first removes the Cloud Map services ECS registered in it (it
// leaves them when its own services go), then the namespace. Either is
// refused with ResourceInUse while something still uses it, which the
// engine waits out as a blocked delete.
func (h namespaceHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	sd := env.Clients.ServiceDiscovery
	p := servicediscovery.NewListServicesPaginator(sd, &servicediscovery.ListServicesInput{
		Filters: []sdtypes.ServiceFilter{{Name: sdtypes.ServiceFilterNameNamespaceId, Values: []string{live.PhysicalID}, Condition: sdtypes.FilterConditionEq}}})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if isCode(err, "NamespaceNotFound") {
			return nil
		}
		if err != nil {
			return wrap("list the names in", live.ID, err)
		}
		for _, s := range page.Services {
			if _, err := sd.DeleteService(ctx, &servicediscovery.DeleteServiceInput{Id: s.Id}); err != nil && !isCode(err, "ServiceNotFound") {
				return wrap("delete name "+str(s.Name)+" of", live.ID, err)
			}
		}
	}
	res, err := sd.DeleteNamespace(ctx, &servicediscovery.DeleteNamespaceInput{Id: aws.String(live.PhysicalID)})
	if isCode(err, "NamespaceNotFound") {
		return nil
	}
	if err != nil {
		return wrap("delete", live.ID, err)
	}
	_, err = waitOperation(ctx, env, live.ID, str(res.OperationId))
	return err
}

func (namespaceHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	return true, "", nil
}

// Changes: a namespace has nothing to change but its tags.
func (namespaceHandler) Changes(r arch.Resource, live resource.Live) []string { return nil }

// OperationError is a Cloud Map operation that ended in FAIL, with
// Cloud Map's own code and message.
type OperationError struct {
	ID, Operation, Code, Message string
}

func (e *OperationError) Error() string {
	return fmt.Sprintf("%s: Cloud Map operation %s failed: %s: %s", e.ID, e.Operation, e.Code, e.Message)
}

// ErrorCode lets the engine classify it as it would the API's error.
func (e *OperationError) ErrorCode() string { return e.Code }

// waitOperation polls one Cloud Map operation until it ends, with
// backoff, and returns its targets.
func waitOperation(ctx context.Context, env resource.Env, id, op string) (map[string]string, error) {
	sleep := env.Sleep
	if sleep == nil {
		sleep = resource.Sleep
	}
	wait, waited := opPollFirst, time.Duration(0)
	for {
		res, err := env.Clients.ServiceDiscovery.GetOperation(ctx, &servicediscovery.GetOperationInput{OperationId: aws.String(op)})
		if err != nil {
			return nil, wrap("wait for", id, err)
		}
		o := res.Operation
		switch o.Status {
		case sdtypes.OperationStatusSuccess:
			out := map[string]string{}
			for k, v := range o.Targets {
				out[string(k)] = v
			}
			return out, nil
		case sdtypes.OperationStatusFail:
			return nil, &OperationError{ID: id, Operation: op, Code: str(o.ErrorCode), Message: str(o.ErrorMessage)}
		}
		if waited >= opPollFor {
			return nil, fmt.Errorf("%s: Cloud Map operation %s still %s after %s: look with `aws servicediscovery get-operation --operation-id %s`", id, op, o.Status, opPollFor, op)
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
		waited += wait
		wait = min(wait*2, opPollMax)
	}
}
