package engine

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/minimalinfra/mvi/engine/cloud"
	"github.com/minimalinfra/mvi/engine/sandbox"
)

// blindTagging is a Tagging API that indexes nothing, as moto's misses
// launch templates, listeners, capacity providers and DB subnet groups.
type blindTagging struct{ cloud.Tagging }

func (blindTagging) GetResources(context.Context, *resourcegroupstaggingapi.GetResourcesInput, ...func(*resourcegroupstaggingapi.Options)) (*resourcegroupstaggingapi.GetResourcesOutput, error) {
	return &resourcegroupstaggingapi.GetResourcesOutput{}, nil
}

// Status trusted the Tagging API alone and showed 38 of 43 on moto: it
// lists every type itself, and an empty app's lists are [] in JSON.
func TestStatusDoesNotTrustTheTaggingAPIAlone(t *testing.T) {
	_, cfg := openSandbox(t, sandbox.Options{})
	ctx := context.Background()
	a := fullArch(t)
	if _, err := planApply(t, ctx, cfg, a, nil); err != nil {
		t.Fatal(err)
	}
	clients := *cfg.Clients
	clients.Tagging = blindTagging{clients.Tagging}
	blind := cfg
	blind.Clients = &clients
	snap, err := Status(ctx, blind)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Total != len(a.Resources) {
		shown := map[string]bool{}
		for _, g := range snap.Services {
			for _, r := range g.Resources {
				shown[r.ID] = true
			}
		}
		for _, r := range a.Resources {
			if !shown[r.ID] {
				t.Errorf("missing %s (%s)", r.ID, r.Type)
			}
		}
		t.Errorf("with a Tagging API that indexes nothing, status shows %d of %d", snap.Total, len(a.Resources))
	}
	// Issue 10 item 11: Inspect groups each resource where the design
	// draws it (role/instance is the VMs', though roles are mostly the
	// containers').
	grouped := map[string]string{}
	for _, g := range snap.Services {
		for _, r := range g.Resources {
			grouped[r.ID] = string(g.Service)
		}
	}
	for _, r := range a.Resources {
		if grouped[r.ID] != string(r.Service) {
			t.Errorf("%s is under %s in status, under %s in the design", r.ID, grouped[r.ID], r.Service)
		}
	}
	if err := Destroy(ctx, cfg, nil); err != nil {
		t.Fatal(err)
	}
	snap, err = Status(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(snap)
	if !strings.Contains(string(js), `"services":[]`) || !strings.Contains(string(js), `"unhandled":[]`) {
		t.Errorf("empty app's JSON: %s", js)
	}
}
