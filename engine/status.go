package engine

import (
	"context"
	"fmt"
	"sort"
	"strings"

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

// Status finds the app's resources through the Tagging API (one paged
// call), then lists only the types present: one describe per type, not
// per resource.
func Status(ctx context.Context, cfg Config) (Snapshot, error) {
	types, err := discover(ctx, cfg)
	if err != nil {
		return Snapshot{}, fmt.Errorf("status %s: %w", cfg.App, err)
	}
	live, err := listAll(ctx, cfg, types)
	if err != nil {
		return Snapshot{}, fmt.Errorf("status %s: %w", cfg.App, err)
	}
	snap := Snapshot{App: cfg.App, Region: cfg.Region, Total: len(live), Services: []ServiceStatus{}} // [] in JSON, never null
	groups := map[arch.Service]*ServiceStatus{}
	for _, l := range live {
		svc := cfg.Handlers.Describe(l.Type).Service
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

// discover returns the handled types the app has resources of.
func discover(ctx context.Context, cfg Config) ([]string, error) {
	want := map[string]bool{}
	for _, t := range cfg.Handlers.Untagged() {
		want[t] = true
	}
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
			for _, t := range cfg.Handlers.TypesOfARN(sdkaws.ToString(m.ResourceARN)) {
				want[t] = true
			}
		}
	}
	var out []string
	for t := range want {
		if _, ok := cfg.Handlers[t]; ok {
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return out, nil
}
