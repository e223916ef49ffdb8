package tui

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/steps"
	"github.com/minimalinfra/mvi/tui/diagram"
)

// taskView is one process's containers as the diagram draws them: the
// designed containers (web 1, web 2) take the tasks that run or start in
// their VM's zone, and what a zone holds beyond them — the new release's
// containers during a rollout, starting or failed — is drawn beside them
// as extra containers on that zone's first VM.
type taskView struct {
	states map[string]diagram.State
	extra  map[int][]arch.Task // by VM box index (0-based)
	failed *taskFailure
}

// taskFailure is a release whose containers stop before they serve: what
// the person must see while it happens, with AWS's reason.
type taskFailure struct {
	Process  string
	Revision string // family:N of the release that fails
	Image    string
	Count    int
	Reason   string
}

// line says what failed and why in the words of the tutorial's lesson.
func (f taskFailure) line() string {
	what := "a container"
	if f.Count > 1 {
		what = fmt.Sprintf("%d containers", f.Count)
	}
	rel := f.Revision
	if f.Image != "" {
		rel += ", " + f.Image
	}
	s := fmt.Sprintf("%s of %s's new release (%s) stopped before serving a request: %s.", what, f.Process, rel, f.Reason)
	if strings.Contains(f.Reason, "CannotPullContainerError") {
		s += " No VM can download that image, so none of the release's containers will ever start;"
	}
	return s + " the containers of the release before keep serving."
}

// containerStates looks at the ECS service of one process. svc is its
// resource in a Status snapshot (its physical id and cluster); a task that
// failed to start before since (the step's start) is old news.
func containerStates(ctx context.Context, cfg engine.Config, svc engine.ResourceStatus, process string, a arch.Architecture, zones []string, since time.Time) (taskView, error) {
	v := taskView{states: map[string]diagram.State{}, extra: map[int][]arch.Task{}}
	cluster := sdkaws.String(svc.Attrs["cluster"])
	out, err := cfg.Clients.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: cluster, Services: []string{svc.PhysicalID}})
	if err != nil || len(out.Services) == 0 {
		return v, err
	}
	s := out.Services[0]
	// A rollout is in flight while the service has more than one
	// deployment (the release going out, or the circuit breaker's rollback
	// of it): then a task that stopped without ever running is a release
	// failing to start.
	rolling := len(s.Deployments) > 1
	tasks, err := serviceTasks(ctx, cfg, cluster, s.ServiceName, rolling)
	if err != nil {
		return v, err
	}
	type zone struct {
		queue  []diagram.State // ready first, then starting
		failed bool
	}
	zs := map[string]*zone{}
	at := func(az string) *zone {
		if zs[az] == nil {
			zs[az] = &zone{}
		}
		return zs[az]
	}
	sort.Slice(tasks, func(i, j int) bool {
		return sdkaws.ToTime(tasks[i].CreatedAt).Before(sdkaws.ToTime(tasks[j].CreatedAt))
	})
	var fail taskFailure
	for _, t := range tasks {
		z := at(sdkaws.ToString(t.AvailabilityZone))
		switch sdkaws.ToString(t.LastStatus) {
		case "RUNNING":
			z.queue = append(z.queue, diagram.Ready)
		case "STOPPED":
			if rolling && failedToStart(t) && !sdkaws.ToTime(t.StoppedAt).Before(since) {
				z.failed = true
				fail.Count++
				fail.Reason, fail.Revision = sdkaws.ToString(t.StoppedReason), sdkaws.ToString(t.TaskDefinitionArn)
			}
		case "DEACTIVATING", "STOPPING", "DEPROVISIONING":
			// On its way out: it no longer counts for its box.
		default: // PROVISIONING, PENDING, ACTIVATING
			z.queue = append(z.queue, diagram.Creating)
		}
	}
	for _, z := range zs {
		// Ready ones take the designed boxes first.
		sort.SliceStable(z.queue, func(i, j int) bool { return z.queue[i] == diagram.Ready && z.queue[j] != diagram.Ready })
	}
	if len(zones) == 0 {
		for az := range zs {
			zones = append(zones, az)
		}
		sort.Strings(zones)
	}
	zoneOf := func(k int) *zone { return at(zones[k%len(zones)]) }
	count := 0
	for k, placed := range a.Placement {
		for _, t := range placed {
			if t.Process != process {
				continue
			}
			count = max(count, t.N)
			z := zoneOf(k)
			if len(z.queue) == 0 {
				// Nothing runs there: drawn without a state, never as
				// its service's (which may be fine on other VMs).
				v.states[diagram.TaskKey(process, t.N)] = diagram.Unknown
				continue
			}
			v.states[diagram.TaskKey(process, t.N)] = z.queue[0]
			z.queue = z.queue[1:]
		}
	}
	n := count
	for k, az := range zones {
		if k >= len(a.Placement) {
			break
		}
		z := zs[az]
		if z == nil {
			continue
		}
		starting := false
		for _, st := range z.queue {
			n++
			v.extra[k] = append(v.extra[k], arch.Task{Process: process, N: n})
			v.states[diagram.TaskKey(process, n)] = st
			starting = starting || st == diagram.Creating
		}
		if z.failed && !starting {
			n++
			v.extra[k] = append(v.extra[k], arch.Task{Process: process, N: n})
			v.states[diagram.TaskKey(process, n)] = diagram.Failed
		}
	}
	if fail.Count > 0 {
		td := fail.Revision
		fail.Process, fail.Revision = process, steps.Revision(td)
		if td, err := cfg.Clients.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: sdkaws.String(td)}); err == nil &&
			td.TaskDefinition != nil && len(td.TaskDefinition.ContainerDefinitions) > 0 {
			fail.Image = sdkaws.ToString(td.TaskDefinition.ContainerDefinitions[0].Image)
		}
		v.failed = &fail
	}
	return v, nil
}

// failedToStart says whether a stopped task never ran: the stops a bad
// release causes, not a container drained by a deployment.
func failedToStart(t ecstypes.Task) bool {
	return t.StopCode == ecstypes.TaskStopCodeTaskFailedToStart || t.StartedAt == nil && sdkaws.ToString(t.StoppedReason) != ""
}

// serviceTasks describes the service's tasks: those meant to run, and
// during a rollout the stopped ones too (only then can a stop mean the
// release fails).
func serviceTasks(ctx context.Context, cfg engine.Config, cluster, service *string, stopped bool) ([]ecstypes.Task, error) {
	wanted := []ecstypes.DesiredStatus{ecstypes.DesiredStatusRunning}
	if stopped {
		wanted = append(wanted, ecstypes.DesiredStatusStopped)
	}
	var arns []string
	for _, d := range wanted {
		p := ecs.NewListTasksPaginator(cfg.Clients.ECS, &ecs.ListTasksInput{Cluster: cluster, ServiceName: service, DesiredStatus: d})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			arns = append(arns, page.TaskArns...)
		}
	}
	var out []ecstypes.Task
	for len(arns) > 0 {
		k := min(len(arns), 100)
		d, err := cfg.Clients.ECS.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: cluster, Tasks: arns[:k]})
		if err != nil {
			return nil, err
		}
		out = append(out, d.Tasks...)
		arns = arns[k:]
	}
	return out, nil
}
