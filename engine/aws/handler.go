// Package aws holds one handler per AWS resource type that arch designs:
// how to find it by its tags, create it (tagged at creation), update it,
// delete it and tell when it is ready. Handlers speak only to cloud.Clients,
// so they drive AWS and the embedded sandbox alike.
package aws

import (
	"context"
	"errors"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/cloud"
)

// Tag keys every mvi resource carries from creation on.
const (
	TagApp  = "mvi:app"
	TagID   = "mvi:id"
	TagHash = "mvi:hash" // digest of the desired props last applied
)

// Live is what exists in the cloud for one logical resource.
type Live struct {
	ID         string `json:"id"`          // logical id, from the mvi:id tag
	Type       string `json:"type"`        // AWS type, CloudFormation spelling
	PhysicalID string `json:"physical_id"` // vpc-0abc…, a name, or an ARN
	ARN        string `json:"arn,omitempty"`
	State      string `json:"state,omitempty"` // AWS's own word: available, running, ACTIVE …
	Hash       string `json:"hash,omitempty"`  // the mvi:hash tag, "" when unknown
	// Attrs are outputs other resources need (dns_name, endpoint, group_id …).
	Attrs map[string]string `json:"attrs,omitempty"`
}

// Env is what a handler call may use: the clients, who and where we are, and
// the live resources this one depends on, by logical id.
type Env struct {
	Clients *cloud.Clients
	App     string
	Region  string
	Account string
	Deps    map[string]Live
}

// Tags are the tags every resource is created with.
func Tags(app string, r arch.Resource) map[string]string {
	return map[string]string{TagApp: app, TagID: r.ID, TagHash: arch.Hash(r.Props)}
}

// ErrReplace is returned by Update when a change can't be made in place.
var ErrReplace = errors.New("change needs a replacement")

// Handler manages one AWS resource type.
type Handler interface {
	// Type is the AWS type handled, e.g. "AWS::EC2::VPC".
	Type() string
	// List returns every resource of this type that belongs to env.App
	// (mvi:app tag, or mvi's deterministic name or path where the service has
	// no tag filter), in as few calls as the API allows: the engine plans,
	// reports status and destroys from it.
	List(ctx context.Context, env Env) ([]Live, error)
	// Create makes r with the mvi tags set at creation where the API allows.
	Create(ctx context.Context, env Env, r arch.Resource) (Live, error)
	// Update changes live to match r in place, or returns ErrReplace.
	Update(ctx context.Context, env Env, r arch.Resource, live Live) (Live, error)
	// Delete removes live; deleting what is already gone is not an error.
	Delete(ctx context.Context, env Env, live Live) error
	// Ready reports whether live is usable, and if not what is awaited.
	Ready(ctx context.Context, env Env, live Live) (ready bool, waiting string, err error)
}

// Handlers returns one handler per AWS type arch.Design emits, keyed by
// Type().
func Handlers() map[string]Handler {
	hs := []Handler{
		kmsKey{}, kmsAlias{},
		vpcHandler{}, igwHandler{}, subnetHandler{}, routeTableHandler{}, securityGroupHandler{},
		logGroupHandler{}, repositoryHandler{}, tableHandler{}, bucketHandler{},
		fileSystemHandler{}, mountTargetHandler{},
		dbSubnetGroupHandler{}, parameterHandler{}, dbInstanceHandler{},
		roleHandler{}, instanceProfileHandler{},
		clusterHandler{}, launchTemplateHandler{}, asgHandler{}, capacityProviderHandler{},
		clusterCapacityHandler{}, taskDefinitionHandler{}, serviceHandler{},
		loadBalancerHandler{}, targetGroupHandler{}, listenerHandler{},
		alarmHandler{}, dashboardHandler{},
	}
	out := make(map[string]Handler, len(hs))
	for _, h := range hs {
		out[h.Type()] = stamped{h}
	}
	return out
}

// stamped makes sure what Create and Update return names the resource they
// were asked about, whatever the cloud's answer carried.
type stamped struct{ Handler }

func (s stamped) Create(ctx context.Context, env Env, r arch.Resource) (Live, error) {
	l, err := s.Handler.Create(ctx, env, r)
	return stamp(l, r, err)
}

func (s stamped) Update(ctx context.Context, env Env, r arch.Resource, live Live) (Live, error) {
	l, err := s.Handler.Update(ctx, env, r, live)
	return stamp(l, r, err)
}

func stamp(l Live, r arch.Resource, err error) (Live, error) {
	if err != nil {
		return Live{}, err
	}
	l.ID, l.Type = r.ID, r.Type
	if l.Attrs == nil {
		l.Attrs = map[string]string{}
	}
	return l, nil
}
