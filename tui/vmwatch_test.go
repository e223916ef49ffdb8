package tui

import (
	"context"
	"testing"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/cloud"
	"github.com/minimalinfra/mvi/tui/diagram"
)

// groupOf answers DescribeAutoScalingGroups with fixed instances.
type groupOf struct {
	cloud.AutoScaling
	name      string
	instances []astypes.Instance
}

func (g groupOf) DescribeAutoScalingGroups(_ context.Context, in *autoscaling.DescribeAutoScalingGroupsInput, _ ...func(*autoscaling.Options)) (*autoscaling.DescribeAutoScalingGroupsOutput, error) {
	if len(in.AutoScalingGroupNames) != 1 || in.AutoScalingGroupNames[0] != g.name {
		return &autoscaling.DescribeAutoScalingGroupsOutput{}, nil
	}
	return &autoscaling.DescribeAutoScalingGroupsOutput{AutoScalingGroups: []astypes.AutoScalingGroup{{
		AvailabilityZones: []string{"us-east-1a", "us-east-1b"}, Instances: g.instances}}}, nil
}

func inst(id, az string, life astypes.LifecycleState) astypes.Instance {
	return astypes.Instance{InstanceId: sdkaws.String(id), AvailabilityZone: sdkaws.String(az), LifecycleState: life, HealthStatus: sdkaws.String("Healthy")}
}

// The picture follows a VM through its loss and replacement.
func TestVMStatesFollowALostVM(t *testing.T) {
	cases := []struct {
		name      string
		instances []astypes.Instance
		gone      []string
		want      map[string]diagram.State
	}{
		{"both in service", []astypes.Instance{inst("i-a", "us-east-1a", astypes.LifecycleStateInService), inst("i-b", "us-east-1b", astypes.LifecycleStateInService)}, nil,
			map[string]diagram.State{"vm/1": diagram.Ready, "vm/2": diagram.Ready}},
		{"terminated but still listed in service", []astypes.Instance{inst("i-a", "us-east-1a", astypes.LifecycleStateInService), inst("i-b", "us-east-1b", astypes.LifecycleStateInService)}, []string{"i-a"},
			map[string]diagram.State{"vm/1": diagram.Failed, "vm/2": diagram.Ready}},
		{"terminating", []astypes.Instance{inst("i-a", "us-east-1a", astypes.LifecycleStateTerminating), inst("i-b", "us-east-1b", astypes.LifecycleStateInService)}, nil,
			map[string]diagram.State{"vm/1": diagram.Failed, "vm/2": diagram.Ready}},
		{"gone from the group", []astypes.Instance{inst("i-b", "us-east-1b", astypes.LifecycleStateInService)}, nil,
			map[string]diagram.State{"vm/1": diagram.Failed, "vm/2": diagram.Ready}},
		{"replacement pending", []astypes.Instance{inst("i-a", "us-east-1a", astypes.LifecycleStateTerminating), inst("i-c", "us-east-1a", astypes.LifecycleStatePending), inst("i-b", "us-east-1b", astypes.LifecycleStateInService)}, nil,
			map[string]diagram.State{"vm/1": diagram.Creating, "vm/2": diagram.Ready}},
		{"healed", []astypes.Instance{inst("i-c", "us-east-1a", astypes.LifecycleStateInService), inst("i-b", "us-east-1b", astypes.LifecycleStateInService)}, []string{"i-a"},
			map[string]diagram.State{"vm/1": diagram.Ready, "vm/2": diagram.Ready}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := engine.Config{App: "hello", Clients: &cloud.Clients{AutoScaling: groupOf{name: "mvi-hello-asg", instances: c.instances}}}
			v, err := vmStates(context.Background(), cfg, 2, c.gone)
			if err != nil {
				t.Fatal(err)
			}
			got := v.states
			for k, v := range c.want {
				if got[k] != v {
					t.Errorf("%s = %v, want %v (all: %v)", k, got[k], v, got)
				}
			}
		})
	}
}
