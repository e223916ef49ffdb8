package tui

import (
	"context"
	"slices"
	"sort"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/steps"
	"github.com/minimalinfra/mvi/tui/diagram"
)

// vmStatesMsg is one look at the app's VMs while a break or verify runs,
// so the picture shows the VM that was lost and the one that replaces it
// (● → ✗ → ◐ → ●) instead of the last thing apply said.
type vmStatesMsg struct {
	run    int
	states map[string]diagram.State
}

// watchesVMs says whether a step's kind is about the VMs' fate.
func watchesVMs(k steps.Kind) bool { return k == steps.KindBreak || k == steps.KindVerify }

// watchVMs asks for the VMs' states off the UI thread, one look at a time.
func (r *runner) watchVMs() tea.Cmd {
	n := len(r.seen.arch.Placement)
	if r.watching || !watchesVMs(r.info.kind) || r.eng.Clients == nil || r.eng.Clients.AutoScaling == nil || r.eng.App == "" || n == 0 {
		return nil
	}
	r.watching = true
	cfg, run, gone := r.eng, r.run, slices.Clone(r.gone)
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		st, err := vmStates(ctx, cfg, n, gone)
		if err != nil {
			st = nil // keep what the picture shows; the step reports errors
		}
		return vmStatesMsg{run: run, states: st}
	}
}

// vmStates maps the Auto Scaling group's instances onto the diagram's VM
// boxes. The design spreads VMs over the zones in turn (VM 1 in the first
// zone, VM 2 in the second, …), and the group replaces a lost VM in its
// own zone, so box k is the (k / zones)-th VM of zone k mod zones: ready
// when one is in service, coming up when one is pending, failed when the
// zone has only a terminating, unhealthy or terminated VM for it.
func vmStates(ctx context.Context, cfg engine.Config, n int, gone []string) (map[string]diagram.State, error) {
	out, err := cfg.Clients.AutoScaling.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{
		AutoScalingGroupNames: []string{arch.PhysicalName(cfg.App, arch.IDAutoScalingGroup)}})
	if err != nil || len(out.AutoScalingGroups) == 0 {
		return nil, err
	}
	type zone struct{ ready, coming, lost int }
	zones := map[string]*zone{}
	for _, az := range out.AutoScalingGroups[0].AvailabilityZones {
		zones[az] = &zone{}
	}
	for _, in := range out.AutoScalingGroups[0].Instances {
		az := sdkaws.ToString(in.AvailabilityZone)
		if zones[az] == nil {
			zones[az] = &zone{}
		}
		z := zones[az]
		healthy := sdkaws.ToString(in.HealthStatus) != "Unhealthy" && !slices.Contains(gone, sdkaws.ToString(in.InstanceId))
		switch {
		case in.LifecycleState == astypes.LifecycleStateInService && healthy:
			z.ready++
		case in.LifecycleState == astypes.LifecycleStatePending || in.LifecycleState == astypes.LifecycleStatePendingWait || in.LifecycleState == astypes.LifecycleStatePendingProceed:
			z.coming++
		default:
			z.lost++
		}
	}
	names := make([]string, 0, len(zones))
	for az := range zones {
		names = append(names, az)
	}
	sort.Strings(names)
	states := make(map[string]diagram.State, n)
	for k := 0; k < n && len(names) > 0; k++ {
		z, slot := zones[names[k%len(names)]], k/len(names)
		switch {
		case slot < z.ready:
			states[diagram.VMKey(k+1)] = diagram.Ready
		case slot < z.ready+z.coming:
			states[diagram.VMKey(k+1)] = diagram.Creating
		default:
			states[diagram.VMKey(k+1)] = diagram.Failed
		}
	}
	return states, nil
}
