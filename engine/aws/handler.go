// Package aws holds one handler per AWS resource type that arch designs:
// how to find it by its tags, create it (tagged at creation), update it,
// delete it and tell when it is ready, and beside each its descriptor (the
// type's service, delete order, ARN kinds and how a person looks at it).
// Handlers speak only to cloud.Clients, so they drive AWS and the embedded
// sandbox alike.
package aws

import (
	"context"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/resource"
)

// Handlers returns one handler per AWS type arch.Design emits, keyed by
// type: the registry the engine plans, applies and reports with.
func Handlers() resource.Registry {
	hs := []resource.Handler{
		kmsKey{}, kmsAlias{},
		vpcHandler{}, igwHandler{}, subnetHandler{}, routeTableHandler{}, securityGroupHandler{},
		logGroupHandler{}, repositoryHandler{}, tableHandler{}, bucketHandler{},
		fileSystemHandler{}, mountTargetHandler{},
		dbSubnetGroupHandler{}, parameterHandler{}, dbInstanceHandler{},
		cacheSubnetGroupHandler{}, replicationGroupHandler{},
		roleHandler{}, instanceProfileHandler{},
		listenerRuleHandler{},
		clusterHandler{}, launchTemplateHandler{}, asgHandler{}, capacityProviderHandler{},
		clusterCapacityHandler{}, taskDefinitionHandler{}, serviceHandler{}, namespaceHandler{},
		loadBalancerHandler{}, targetGroupHandler{}, listenerHandler{},
		alarmHandler{}, dashboardHandler{}, healthCheckHandler{}, topicHandler{},
	}
	out := make(resource.Registry, len(hs))
	for _, h := range hs {
		out[h.Describe().Type] = stamp(h)
	}
	return out
}

// stamp makes sure what Create and Update return names the resource they
// were asked about, whatever the cloud's answer carried.
func stamp(h resource.Handler) resource.Handler { return stamped{h} }

type stamped struct{ resource.Handler }

// Unwrap lets the engine find what else the handler can do (Replacer,
// Finisher).
func (s stamped) Unwrap() resource.Handler { return s.Handler }

func (s stamped) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	l, err := s.Handler.Create(ctx, env, r)
	return named(l, r, err)
}

func (s stamped) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	l, err := s.Handler.Update(ctx, env, r, live)
	return named(l, r, err)
}

func named(l resource.Live, r arch.Resource, err error) (resource.Live, error) {
	if err != nil {
		return resource.Live{}, err
	}
	l.ID, l.Type = r.ID, r.Type
	if l.Attrs == nil {
		l.Attrs = map[string]string{}
	}
	return l, nil
}
