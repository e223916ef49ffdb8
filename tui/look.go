package tui

import (
	"context"
	"strings"
	"time"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/tui/diagram"
)

// cloudView is one look at the app as the diagram draws it: every live
// resource's state, each VM's and container's, and during a rollout the
// new release's containers and why they fail.
type cloudView struct {
	states map[string]diagram.State // by resource id, VM key and task key
	live   map[string]bool          // the resource ids the cloud has
	extra  map[int][]arch.Task      // containers beside the designed ones, by VM box
	failed []taskFailure
}

// lookAtCloud takes the look: one Status (the engine's, so it works on
// every cloud), the VM group, and each process's service. Containers that
// failed before since are not this step's news.
func lookAtCloud(ctx context.Context, cfg engine.Config, a arch.Architecture, gone []string, since time.Time) (cloudView, error) {
	snap, err := engine.Status(ctx, cfg)
	if err != nil {
		return cloudView{}, err
	}
	v := cloudView{states: map[string]diagram.State{}, live: map[string]bool{}, extra: map[int][]arch.Task{}}
	var services []engine.ResourceStatus
	for _, g := range snap.Services {
		for _, r := range g.Resources {
			v.live[r.ID] = true
			v.states[r.ID] = liveState(r.State)
			if r.Type == arch.TypeService {
				services = append(services, r)
			}
		}
	}
	var zones []string
	if n := len(a.Placement); n > 0 && v.live[arch.IDAutoScalingGroup] && cfg.Clients.AutoScaling != nil {
		vms, err := vmStates(ctx, cfg, n, gone)
		if err != nil {
			return cloudView{}, err
		}
		for k, s := range vms.states {
			v.states[k] = s
		}
		zones = vms.zones
	}
	if cfg.Clients.ECS == nil {
		return v, nil
	}
	for _, svc := range services {
		p, ok := arch.ProcessOfService(svc.ID)
		if !ok {
			continue
		}
		tv, err := containerStates(ctx, cfg, svc, p, a, zones, since)
		if err != nil {
			return cloudView{}, err
		}
		for k, s := range tv.states {
			v.states[k] = s
		}
		for k, ts := range tv.extra {
			v.extra[k] = append(v.extra[k], ts...)
		}
		if tv.failed != nil {
			v.failed = append(v.failed, *tv.failed)
		}
	}
	return v, nil
}

// liveState reads a cloud's state word ("available", "ACTIVE",
// "shutting-down", "backing-up", "ALARM" …) as a box's state. A resource
// that is there and names no trouble is ready. Inspect marks its rows with
// the same reading, so the two screens never disagree.
func liveState(state string) diagram.State {
	s := strings.ToLower(state)
	switch {
	case strings.Contains(s, "fail"), strings.Contains(s, "error"), strings.Contains(s, "unhealthy"), strings.Contains(s, "impaired"),
		s == "alarm", s == "stopped", s == "terminated":
		return diagram.Failed
	case strings.Contains(s, "delet"), strings.Contains(s, "shutting"), strings.Contains(s, "draining"):
		return diagram.Deleting
	case strings.Contains(s, "pend"), strings.Contains(s, "creat"), strings.Contains(s, "provision"), strings.Contains(s, "start"),
		strings.Contains(s, "modif"), strings.Contains(s, "backing"), strings.Contains(s, "progress"), strings.Contains(s, "updat"):
		return diagram.Creating
	}
	return diagram.Ready
}
