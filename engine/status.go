package engine

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/minimalinfra/mvi/engine/resource"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	tagtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"
	"github.com/minimalinfra/mvi/engine/arch"
)

// Snapshot is one look at everything the app runs.
type Snapshot struct {
	App      string          `json:"app"`
	Region   string          `json:"region"`
	Services []ServiceStatus `json:"services"`
	Total    int             `json:"total"`
	// Unhandled are ARNs tagged with the app that no type of this mvi
	// describes (made by a newer mvi, or tagged by hand).
	Unhandled []string `json:"unhandled"`
	// Kept are the ARNs of final snapshots of the app's database, which
	// a delete left on purpose: not strays, but billed until deleted.
	Kept []string `json:"kept"`
	// Drift is what was changed outside mvi, when the caller compared
	// with the design (engine.Drift); omitted when it didn't.
	Drift []ResourceDrift `json:"drift,omitempty"`
}

// ServiceStatus is one service's live resources.
type ServiceStatus struct {
	Service   arch.Service     `json:"service"`
	Resources []ResourceStatus `json:"resources"`
}

// ResourceStatus is one live resource, its state and gauges.
type ResourceStatus struct {
	ID         string            `json:"id"`
	Type       string            `json:"type"`
	PhysicalID string            `json:"physical_id"`
	ARN        string            `json:"arn,omitempty"`
	State      string            `json:"state,omitempty"`
	Gauges     map[string]string `json:"gauges,omitempty"`
	Attrs      map[string]string `json:"attrs,omitempty"`
}

// Status lists every type mvi handles, one list call per type in
// parallel: the Tagging API alone misses types it doesn't index (moto's
// misses launch templates, listeners, capacity providers…), and a type
// the design no longer has may still hold strays. The Tagging API then
// finds what is tagged with the app and no handler knows.
func Status(ctx context.Context, cfg Config) (Snapshot, error) {
	live, err := listAll(ctx, cfg, cfg.Handlers.Types())
	if err != nil {
		return Snapshot{}, fmt.Errorf("status %s: %w", cfg.App, err)
	}
	unknown, err := unhandled(ctx, cfg)
	if err != nil {
		return Snapshot{}, fmt.Errorf("status %s: %w", cfg.App, err)
	}
	unknown, kept := splitKept(cfg.App, unknown)
	snap := Snapshot{App: cfg.App, Region: cfg.Region, Total: len(live), Services: []ServiceStatus{}, Unhandled: unknown, Kept: kept} // [] in JSON, never null
	groups := map[arch.Service]*ServiceStatus{}
	for _, l := range live {
		svc := serviceOf(cfg, l)
		g := groups[svc]
		if g == nil {
			g = &ServiceStatus{Service: svc}
			groups[svc] = g
		}
		g.Resources = append(g.Resources, toStatus(l))
	}
	for _, s := range arch.Services() {
		if g := groups[s]; g != nil {
			sort.Slice(g.Resources, func(i, j int) bool { return g.Resources[i].ID < g.Resources[j].ID })
			snap.Services = append(snap.Services, *g)
		}
	}
	return snap, nil
}

func toStatus(l resource.Live) ResourceStatus {
	rs := ResourceStatus{ID: l.ID, Type: l.Type, PhysicalID: l.PhysicalID, ARN: l.ARN, State: l.State}
	for k, v := range l.Attrs {
		if g, ok := strings.CutPrefix(k, "gauge:"); ok {
			if rs.Gauges == nil {
				rs.Gauges = map[string]string{}
			}
			rs.Gauges[g] = v
			continue
		}
		if rs.Attrs == nil {
			rs.Attrs = map[string]string{}
		}
		rs.Attrs[k] = v
	}
	return rs
}

// unhandled returns the ARNs tagged with the app whose kind no handler
// knows; [] when there are none.
func unhandled(ctx context.Context, cfg Config) ([]string, error) {
	out := []string{}
	p := resourcegroupstaggingapi.NewGetResourcesPaginator(cfg.Clients.Tagging, &resourcegroupstaggingapi.GetResourcesInput{
		TagFilters: []tagtypes.TagFilter{{Key: sdkaws.String(resource.TagApp), Values: []string{cfg.App}}},
	})
	r := cfg.retry()
	for p.HasMorePages() {
		var page *resourcegroupstaggingapi.GetResourcesOutput
		err := retrying(ctx, r, func() (err error) { page, err = p.NextPage(ctx); return err }, nil)
		if err != nil {
			return nil, fmt.Errorf("find resources tagged %s=%s: %w", resource.TagApp, cfg.App, err)
		}
		for _, m := range page.ResourceTagMappingList {
			if arn := sdkaws.ToString(m.ResourceARN); len(cfg.Handlers.TypesOfARN(arn)) == 0 {
				out = append(out, arn)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// splitKept takes the app's final snapshots out of the unhandled ARNs.
func splitKept(app string, arns []string) (rest, kept []string) {
	rest, kept = []string{}, []string{}
	prefix := ":snapshot:" + strings.TrimSuffix(FinalSnapshotID(app, time.Time{}), "00010101-000000")
	for _, a := range arns {
		if strings.HasPrefix(a, "arn:") && strings.Contains(a, ":rds:") && strings.Contains(a, prefix) {
			kept = append(kept, a)
			continue
		}
		rest = append(rest, a)
	}
	return rest, kept
}

// serviceOf is the service a live resource belongs to: its id's, when
// the type serves several (a role), else its type's.
func serviceOf(cfg Config, l resource.Live) arch.Service {
	if s, ok := arch.ServiceOfID(l.ID); ok {
		return s
	}
	return cfg.Handlers.Describe(l.Type).Service
}
