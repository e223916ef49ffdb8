package steps

import (
	"context"
	"fmt"
	"slices"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/minimalinfra/mvi/engine"
)

// BreakAction names the damage a break step does.
type BreakAction string

// The actions.
const (
	// BreakTerminateVM terminates one VM of the app's group, the way a
	// hardware failure would: the group notices and starts another, the
	// container service moves the containers, the load balancer routes
	// around the gap.
	BreakTerminateVM BreakAction = "terminate-vm"
	// BreakDelete deletes one resource (Target, a logical id) by hand, the
	// way someone clicking in the console would; the next plan notices.
	BreakDelete BreakAction = "delete"
	// BreakBadRelease ships Change (a manifest fragment, e.g. an image tag
	// that doesn't exist) as a new release through design, plan and apply,
	// while a watcher calls the page: the new containers never turn
	// healthy, the deployment circuit breaker fails the release and rolls
	// the service back, and the old containers serve throughout.
	BreakBadRelease BreakAction = "bad-release"
)

// BreakActions lists the actions.
func BreakActions() []BreakAction {
	return []BreakAction{BreakTerminateVM, BreakDelete, BreakBadRelease}
}

// Break does damage on purpose, so the next verify shows the system
// coping.
type Break struct {
	Base
	Action BreakAction
	// Target is the logical id a delete removes ("log-group").
	Target string
	// Change is the bad release: a manifest fragment template, as an ask
	// step's, merged into the manifest.
	Change string
	// Watch is the path a bad release's watcher calls (default "/").
	Watch string
}

// Kind is KindBreak.
func (Break) Kind() Kind { return KindBreak }

// Run breaks.
func (b Break) Run(ctx context.Context, s *Session, out Output) error {
	if err := s.connect(ctx); err != nil {
		return err
	}
	switch b.Action {
	case BreakTerminateVM:
		return b.terminateVM(ctx, s, out)
	case BreakDelete:
		return b.delete(ctx, s, out)
	case BreakBadRelease:
		return b.badRelease(ctx, s, out)
	}
	return fmt.Errorf("break: unknown action %q", b.Action)
}

// terminateVM terminates the first VM in service (by id, so a rerun picks
// the same kind of victim).
func (b Break) terminateVM(ctx context.Context, s *Session, out Output) error {
	g, err := asg(ctx, s)
	if err != nil {
		return fmt.Errorf("break: %w", err)
	}
	var ids []string
	for _, i := range g.Instances {
		if i.LifecycleState == astypes.LifecycleStateInService && !slices.Contains(s.Terminated, sdkaws.ToString(i.InstanceId)) {
			ids = append(ids, sdkaws.ToString(i.InstanceId))
		}
	}
	if len(ids) == 0 {
		return fmt.Errorf("break: the VM group %s has no VM in service to terminate", sdkaws.ToString(g.AutoScalingGroupName))
	}
	slices.Sort(ids)
	victim := ids[0]
	if _, err := s.Engine.Clients.EC2.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{victim}}); err != nil {
		return fmt.Errorf("break: terminate %s: %w", victim, err)
	}
	s.Terminated = append(s.Terminated, victim)
	note(out, fmt.Sprintf("terminated %s, one of %d VMs in service; the group will notice it is short and start a replacement", victim, len(ids)))
	return nil
}

func (b Break) delete(ctx context.Context, s *Session, out Output) error {
	r, ok := s.Arch.Get(b.Target)
	if !ok {
		return fmt.Errorf("break: the design has no %q to delete", b.Target)
	}
	l, err := s.live(ctx, r.Type, r.ID)
	if err != nil {
		return fmt.Errorf("break: %w", err)
	}
	if err := engine.Remove(ctx, s.Engine, l); err != nil {
		return fmt.Errorf("break: delete %s (%s): %w", r.ID, l.PhysicalID, err)
	}
	note(out, fmt.Sprintf("deleted %s (%s) behind mvi's back; the next plan will find it missing", r.ID, l.PhysicalID))
	return nil
}
