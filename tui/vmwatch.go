package tui

import (
	"context"
	"slices"
	"sort"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/tui/diagram"
)

// vmView is the app's VMs as the diagram draws them: each VM box's state,
// and the zones in the order the boxes take them (box k is in zone
// zones[k % len(zones)]), so containers can be put on the VM of their zone.
type vmView struct {
	states map[string]diagram.State
	zones  []string
}

// vmStates maps the Auto Scaling group's instances onto the diagram's VM
// boxes. The design spreads VMs over the zones in turn (VM 1 in the first
// zone, VM 2 in the second, …), and the group replaces a lost VM in its
// own zone, so box k is the (k / zones)-th VM of zone k mod zones: ready
// when one is in service, coming up when one is pending, failed when the
// zone has only a terminating, unhealthy or terminated VM for it. gone are
// the VMs a break terminated: right after a terminate AWS may still list
// one in service, and it must not be drawn ready.
func vmStates(ctx context.Context, cfg engine.Config, n int, gone []string) (vmView, error) {
	out, err := cfg.Clients.AutoScaling.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{
		AutoScalingGroupNames: []string{arch.PhysicalName(cfg.App, arch.IDAutoScalingGroup)}})
	if err != nil || len(out.AutoScalingGroups) == 0 {
		return vmView{}, err
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
	v := vmView{states: make(map[string]diagram.State, n), zones: names}
	for k := 0; k < n && len(names) > 0; k++ {
		z, slot := zones[names[k%len(names)]], k/len(names)
		switch {
		case slot < z.ready:
			v.states[diagram.VMKey(k+1)] = diagram.Ready
		case slot < z.ready+z.coming:
			v.states[diagram.VMKey(k+1)] = diagram.Creating
		default:
			v.states[diagram.VMKey(k+1)] = diagram.Failed
		}
	}
	return v, nil
}
