package sandbox

import (
	"context"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sd "github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	sdtypes "github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"

	"github.com/minimalinfra/mvi/engine/cloud"
)

// Cloud Map's control plane, as far as ECS Service Connect uses it: HTTP
// namespaces, made and deleted as operations that finish later (SUBMITTED
// → SUCCESS on the clock; the namespace is listed only once its create
// succeeded), and the services ECS registers in a namespace for each
// Service Connect server. A namespace that still holds a service can't
// be deleted (ResourceInUse), nor a service with instances: its instances
// are the RUNNING tasks of the ECS service that serves it. ECS leaves the
// Cloud Map service behind when its own service goes, with no instances;
// whoever deletes the namespace deletes it first.

type sdAPI struct{ s *Sandbox }

var _ cloud.ServiceDiscovery = (*sdAPI)(nil)

type sdState struct {
	Namespaces map[string]*sdNamespace `json:"namespaces"`
	Services   map[string]*sdService   `json:"services"`
	Operations map[string]*sdOperation `json:"operations"`
}

type sdNamespace struct {
	Meta
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	Token       string    `json:"creator_request_id,omitempty"`
	ReadyAt     time.Time `json:"ready_at"`
	GoneAt      time.Time `json:"gone_at,omitempty"`
}

type sdService struct {
	Meta
	Name      string `json:"name"`
	Namespace string `json:"namespace"` // id
	// ECSService is the ARN of the ECS service that serves under this
	// name, "" once it is gone.
	ECSService string `json:"ecs_service,omitempty"`
}

type sdOperation struct {
	ID      string            `json:"id"`
	Type    string            `json:"type"`
	Targets map[string]string `json:"targets"`
	Created time.Time         `json:"created"`
	DoneAt  time.Time         `json:"done_at"`
}

const paceNamespace = 3 * time.Second // a namespace's create or delete operation → SUCCESS

func (t *tx) sdARN(typ, id string) string { return t.arn("servicediscovery", typ+"/"+id) }

func sdNotFound(id string) error {
	return &sdtypes.NamespaceNotFound{Message: aws.String("No namespace exists with the specified ID: " + id)}
}

func sdInvalid(format string, args ...any) error {
	return &sdtypes.InvalidInput{Message: aws.String(sprintf(format, args...))}
}

func sdTagMap(ts []sdtypes.Tag) (map[string]string, error) {
	return checkedTagMap(ts, func(t sdtypes.Tag) (string, string) { return aws.ToString(t.Key), aws.ToString(t.Value) }, tagRules{
		size:     sdInvalid("Tag keys must be 1 to 128 characters and values at most 256 characters."),
		reserved: func(k string) error { return sdInvalid("Tag key %s is invalid: the aws: prefix is reserved.", k) },
		tooMany:  &sdtypes.TooManyTagsException{Message: aws.String("A resource can have at most 50 tags.")},
	})
}

// namespaceByRef is a namespace whose create succeeded and whose delete
// hasn't, by id or ARN.
func (t *tx) namespaceByRef(ref string) *sdNamespace {
	if a, ok := parseARN(ref); ok && a.Service == "servicediscovery" {
		ref = lastName(ref)
	}
	n := t.r.ServiceDiscovery.Namespaces[ref]
	if n == nil || !t.reached(n.ReadyAt) || t.hidden(n.ReadyAt) {
		return nil
	}
	return n
}

// namespaceByName finds a live namespace by name (ECS accepts a name, an
// id or an ARN).
func (t *tx) namespaceByName(ref string) *sdNamespace {
	if n := t.namespaceByRef(ref); n != nil {
		return n
	}
	for _, id := range sortedKeys(t.r.ServiceDiscovery.Namespaces) {
		if n := t.r.ServiceDiscovery.Namespaces[id]; n.Name == ref && t.reached(n.ReadyAt) {
			return n
		}
	}
	return nil
}

func (t *tx) newOperation(typ string, targets map[string]string) *sdOperation {
	op := &sdOperation{ID: strings.ToLower(hexID(32)) + "-" + hexID(8), Type: typ, Targets: targets, Created: t.now, DoneAt: t.at(paceNamespace)}
	t.r.ServiceDiscovery.Operations[op.ID] = op
	return op
}

// sdInstances are the instances registered under a Cloud Map service:
// the running tasks of the ECS service that serves it.
func (t *tx) sdInstances(s *sdService) int32 {
	if s.ECSService == "" {
		return 0
	}
	n := int32(0)
	for _, k := range sortedKeys(t.r.ECS.Tasks) {
		tk := t.r.ECS.Tasks[k]
		if tk.LastStatus == "RUNNING" && t.ecsServiceARN(tk.Cluster, tk.Service) == s.ECSService {
			n++
		}
	}
	return n
}

func advanceServiceDiscovery(t *tx) {
	for _, id := range sortedKeys(t.r.ServiceDiscovery.Namespaces) {
		if n := t.r.ServiceDiscovery.Namespaces[id]; t.reached(n.GoneAt) {
			delete(t.r.ServiceDiscovery.Namespaces, id)
			t.touch()
		}
	}
	for _, id := range sortedKeys(t.r.ServiceDiscovery.Services) {
		s := t.r.ServiceDiscovery.Services[id]
		if s.ECSService == "" {
			continue
		}
		if e := t.r.ECS.Services[s.ECSService]; e == nil || e.Status == "INACTIVE" {
			s.ECSService = "" // ECS stopped serving under it, and left it
			t.touch()
		}
	}
}

func (a *sdAPI) CreateHttpNamespace(ctx context.Context, in *sd.CreateHttpNamespaceInput, _ ...func(*sd.Options)) (*sd.CreateHttpNamespaceOutput, error) {
	return call(ctx, a.s, svcServiceDiscovery, "CreateHttpNamespace", func(t *tx) (*sd.CreateHttpNamespaceOutput, error) {
		name := aws.ToString(in.Name)
		if name == "" || len(name) > 1024 || strings.ContainsAny(name, " \t\n") {
			return nil, sdInvalid("Name must be 1 to 1024 printable characters without spaces.")
		}
		token := aws.ToString(in.CreatorRequestId)
		for _, id := range sortedKeys(t.r.ServiceDiscovery.Namespaces) {
			n := t.r.ServiceDiscovery.Namespaces[id]
			if n.Token != "" && n.Token == token && !t.reached(n.ReadyAt) {
				for _, op := range t.r.ServiceDiscovery.Operations {
					if op.Targets["NAMESPACE"] == n.ID && op.Type == string(sdtypes.OperationTypeCreateNamespace) {
						return nil, &sdtypes.DuplicateRequest{Message: aws.String("The operation is already in progress."), DuplicateOperationId: aws.String(op.ID)}
					}
				}
			}
			if n.Name == name && n.GoneAt.IsZero() {
				return nil, withStatus(409, &sdtypes.NamespaceAlreadyExists{Message: aws.String("Namespace " + name + " already exists."),
					NamespaceId: aws.String(n.ID), CreatorRequestId: aws.String(n.Token)})
			}
		}
		tags, err := sdTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		id := "ns-" + hexID(16)
		n := &sdNamespace{Meta: Meta{ID: id, ARN: t.sdARN("namespace", id), Tags: tags, Created: t.now},
			Name: name, Description: aws.ToString(in.Description), Token: token}
		op := t.newOperation(string(sdtypes.OperationTypeCreateNamespace), map[string]string{"NAMESPACE": id})
		n.ReadyAt = op.DoneAt
		t.r.ServiceDiscovery.Namespaces[id] = n
		return &sd.CreateHttpNamespaceOutput{OperationId: aws.String(op.ID)}, nil
	})
}

func (a *sdAPI) GetOperation(ctx context.Context, in *sd.GetOperationInput, _ ...func(*sd.Options)) (*sd.GetOperationOutput, error) {
	return call(ctx, a.s, svcServiceDiscovery, "GetOperation", func(t *tx) (*sd.GetOperationOutput, error) {
		op := t.r.ServiceDiscovery.Operations[aws.ToString(in.OperationId)]
		if op == nil {
			return nil, &sdtypes.OperationNotFound{Message: aws.String("No operation exists with the specified ID: " + aws.ToString(in.OperationId))}
		}
		out := sdtypes.Operation{Id: aws.String(op.ID), Type: sdtypes.OperationType(op.Type), CreateDate: tp(op.Created),
			Status: sdtypes.OperationStatusSubmitted, Targets: copyMap(op.Targets), OwnerAccount: aws.String(t.account())}
		out.UpdateDate = out.CreateDate
		if t.reached(op.DoneAt) {
			out.Status, out.UpdateDate = sdtypes.OperationStatusSuccess, tp(op.DoneAt)
		}
		return &sd.GetOperationOutput{Operation: &out}, nil
	})
}

func (t *tx) namespaceServices(id string) int32 {
	n := int32(0)
	for _, s := range t.r.ServiceDiscovery.Services {
		if s.Namespace == id {
			n++
		}
	}
	return n
}

func (t *tx) namespaceOut(n *sdNamespace) sdtypes.Namespace {
	return sdtypes.Namespace{Id: aws.String(n.ID), Arn: aws.String(n.ARN), Name: aws.String(n.Name), Type: sdtypes.NamespaceTypeHttp,
		Description: aws.String(n.Description), CreateDate: tp(n.Created), CreatorRequestId: aws.String(n.Token),
		ServiceCount: aws.Int32(t.namespaceServices(n.ID)), ResourceOwner: aws.String(t.account()),
		Properties: &sdtypes.NamespaceProperties{HttpProperties: &sdtypes.HttpProperties{HttpName: aws.String(n.Name)}}}
}

func (a *sdAPI) GetNamespace(ctx context.Context, in *sd.GetNamespaceInput, _ ...func(*sd.Options)) (*sd.GetNamespaceOutput, error) {
	return call(ctx, a.s, svcServiceDiscovery, "GetNamespace", func(t *tx) (*sd.GetNamespaceOutput, error) {
		n := t.namespaceByRef(aws.ToString(in.Id))
		if n == nil {
			return nil, sdNotFound(aws.ToString(in.Id))
		}
		return &sd.GetNamespaceOutput{Namespace: ptr(t.namespaceOut(n))}, nil
	})
}

func (a *sdAPI) ListNamespaces(ctx context.Context, in *sd.ListNamespacesInput, _ ...func(*sd.Options)) (*sd.ListNamespacesOutput, error) {
	return call(ctx, a.s, svcServiceDiscovery, "ListNamespaces", func(t *tx) (*sd.ListNamespacesOutput, error) {
		var all []sdtypes.NamespaceSummary
		for _, id := range sortedKeys(t.r.ServiceDiscovery.Namespaces) {
			n := t.namespaceByRef(id)
			if n == nil {
				continue
			}
			keep := true
			for _, f := range in.Filters {
				switch f.Name {
				case sdtypes.NamespaceFilterNameType:
					keep = keep && containsStr(f.Values, string(sdtypes.NamespaceTypeHttp))
				case sdtypes.NamespaceFilterNameName:
					keep = keep && containsStr(f.Values, n.Name)
				default:
					return nil, sdInvalid("The sandbox filters namespaces by TYPE and NAME only, not %s", f.Name)
				}
			}
			if !keep {
				continue
			}
			o := t.namespaceOut(n)
			all = append(all, sdtypes.NamespaceSummary{Id: o.Id, Arn: o.Arn, Name: o.Name, Type: o.Type, Description: o.Description,
				CreateDate: o.CreateDate, ServiceCount: o.ServiceCount, Properties: o.Properties, ResourceOwner: o.ResourceOwner})
		}
		items, next, err := page(all, in.NextToken, int(aws.ToInt32(in.MaxResults)))
		if err != nil {
			return nil, err
		}
		return &sd.ListNamespacesOutput{Namespaces: items, NextToken: next}, nil
	})
}

func (a *sdAPI) DeleteNamespace(ctx context.Context, in *sd.DeleteNamespaceInput, _ ...func(*sd.Options)) (*sd.DeleteNamespaceOutput, error) {
	return call(ctx, a.s, svcServiceDiscovery, "DeleteNamespace", func(t *tx) (*sd.DeleteNamespaceOutput, error) {
		n := t.namespaceByRef(aws.ToString(in.Id))
		if n == nil || !n.GoneAt.IsZero() {
			return nil, sdNotFound(aws.ToString(in.Id))
		}
		if k := t.namespaceServices(n.ID); k > 0 {
			return nil, &sdtypes.ResourceInUse{Message: aws.String(sprintf("The namespace %s can't be deleted because it contains %d service(s): delete them first.", n.ID, k))}
		}
		op := t.newOperation(string(sdtypes.OperationTypeDeleteNamespace), map[string]string{"NAMESPACE": n.ID})
		n.GoneAt = op.DoneAt
		if t.reached(n.GoneAt) {
			delete(t.r.ServiceDiscovery.Namespaces, n.ID)
		}
		return &sd.DeleteNamespaceOutput{OperationId: aws.String(op.ID)}, nil
	})
}

func (a *sdAPI) ListServices(ctx context.Context, in *sd.ListServicesInput, _ ...func(*sd.Options)) (*sd.ListServicesOutput, error) {
	return call(ctx, a.s, svcServiceDiscovery, "ListServices", func(t *tx) (*sd.ListServicesOutput, error) {
		var all []sdtypes.ServiceSummary
		for _, id := range sortedKeys(t.r.ServiceDiscovery.Services) {
			s := t.r.ServiceDiscovery.Services[id]
			keep := true
			for _, f := range in.Filters {
				if f.Name != sdtypes.ServiceFilterNameNamespaceId {
					return nil, sdInvalid("The sandbox filters services by NAMESPACE_ID only, not %s", f.Name)
				}
				keep = keep && containsStr(f.Values, s.Namespace)
			}
			if keep {
				all = append(all, sdtypes.ServiceSummary{Id: aws.String(s.ID), Arn: aws.String(s.ARN), Name: aws.String(s.Name),
					Type: sdtypes.ServiceTypeHttp, CreateDate: tp(s.Created), InstanceCount: aws.Int32(t.sdInstances(s))})
			}
		}
		items, next, err := page(all, in.NextToken, int(aws.ToInt32(in.MaxResults)))
		if err != nil {
			return nil, err
		}
		return &sd.ListServicesOutput{Services: items, NextToken: next}, nil
	})
}

func (a *sdAPI) DeleteService(ctx context.Context, in *sd.DeleteServiceInput, _ ...func(*sd.Options)) (*sd.DeleteServiceOutput, error) {
	return call(ctx, a.s, svcServiceDiscovery, "DeleteService", func(t *tx) (*sd.DeleteServiceOutput, error) {
		id := lastName(aws.ToString(in.Id))
		s := t.r.ServiceDiscovery.Services[id]
		if s == nil {
			return nil, &sdtypes.ServiceNotFound{Message: aws.String("No service exists with the specified ID: " + id)}
		}
		if n := t.sdInstances(s); n > 0 {
			return nil, &sdtypes.ResourceInUse{Message: aws.String(sprintf("The service %s can't be deleted because %d instance(s) are registered with it.", id, n))}
		}
		delete(t.r.ServiceDiscovery.Services, id)
		return &sd.DeleteServiceOutput{}, nil
	})
}

// sdMeta finds a namespace or service by ARN for the tagging calls.
func (t *tx) sdMeta(arn string) *Meta {
	for _, n := range t.r.ServiceDiscovery.Namespaces {
		if n.ARN == arn && t.reached(n.ReadyAt) {
			return &n.Meta
		}
	}
	for _, s := range t.r.ServiceDiscovery.Services {
		if s.ARN == arn {
			return &s.Meta
		}
	}
	return nil
}

func sdNoResource(arn string) error {
	return withStatus(404, &sdtypes.ResourceNotFoundException{Message: aws.String("The operation can't be completed because the resource " + arn + " was not found.")})
}

func (a *sdAPI) ListTagsForResource(ctx context.Context, in *sd.ListTagsForResourceInput, _ ...func(*sd.Options)) (*sd.ListTagsForResourceOutput, error) {
	return call(ctx, a.s, svcServiceDiscovery, "ListTagsForResource", func(t *tx) (*sd.ListTagsForResourceOutput, error) {
		m := t.sdMeta(aws.ToString(in.ResourceARN))
		if m == nil {
			return nil, sdNoResource(aws.ToString(in.ResourceARN))
		}
		out := []sdtypes.Tag{}
		for _, k := range sortedKeys(m.Tags) {
			out = append(out, sdtypes.Tag{Key: aws.String(k), Value: aws.String(m.Tags[k])})
		}
		return &sd.ListTagsForResourceOutput{Tags: out}, nil
	})
}

func (a *sdAPI) TagResource(ctx context.Context, in *sd.TagResourceInput, _ ...func(*sd.Options)) (*sd.TagResourceOutput, error) {
	return call(ctx, a.s, svcServiceDiscovery, "TagResource", func(t *tx) (*sd.TagResourceOutput, error) {
		m := t.sdMeta(aws.ToString(in.ResourceARN))
		if m == nil {
			return nil, sdNoResource(aws.ToString(in.ResourceARN))
		}
		add, err := sdTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		merged := copyMap(m.Tags)
		if merged == nil {
			merged = map[string]string{}
		}
		for k, v := range add {
			merged[k] = v
		}
		if len(merged) > maxTags {
			return nil, &sdtypes.TooManyTagsException{Message: aws.String("A resource can have at most 50 tags."), ResourceName: in.ResourceARN}
		}
		m.Tags = merged
		return &sd.TagResourceOutput{}, nil
	})
}

func containsStr(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
