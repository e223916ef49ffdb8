package sandbox

import (
	"fmt"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// placement candidates: container instances a service may use, with the
// room each has left.
type ciRoom struct {
	ci          *containerInstance
	cpu, mem    int
	ports       map[int32]bool
	mine, total int
}

func (t *tx) rooms(s *ecsService, d *ecsDeployment) []*ciRoom {
	cps := map[string]bool{}
	for _, it := range d.Strategy {
		cps[aws.ToString(it.CapacityProvider)] = true
	}
	var out []*ciRoom
	for _, k := range sortedKeys(t.r.ECS.ContainerInstances) {
		ci := t.r.ECS.ContainerInstances[k]
		if ci.Cluster != s.Cluster || ci.Status != "ACTIVE" {
			continue
		}
		if len(cps) > 0 && !cps[ci.CP] {
			continue
		}
		i := t.r.EC2.Instances[ci.Instance]
		if i == nil || i.State != "running" {
			continue
		}
		r := &ciRoom{ci: ci, cpu: ci.CPU, mem: ci.Mem, ports: map[int32]bool{22: true, 2375: true, 2376: true, 51678: true, 51679: true}}
		for _, tk := range t.r.ECS.Tasks {
			if tk.CI != ci.ARN || tk.LastStatus == "STOPPED" {
				continue
			}
			r.cpu -= tk.CPU
			r.mem -= tk.Mem
			r.total++
			if tk.Service == s.Name && tk.Cluster == s.Cluster {
				r.mine++
			}
			for _, p := range tk.Ports {
				r.ports[p.HostPort] = true
			}
		}
		out = append(out, r)
	}
	return out
}

// place picks a container instance for one task of td, or explains why
// none fits.
func (t *tx) place(s *ecsService, d *ecsDeployment, td *taskDef) (*ciRoom, string) {
	rooms := t.rooms(s, d)
	if len(rooms) == 0 {
		return nil, "No Container Instances were found in your cluster."
	}
	cpu, mem := td.size()
	var fit []*ciRoom
	reason := ""
	for _, r := range rooms {
		switch {
		case r.mem < mem:
			reason = fmt.Sprintf("The closest matching (container-instance %s) has insufficient memory available.", r.ci.ID)
		case r.cpu < cpu:
			reason = fmt.Sprintf("The closest matching (container-instance %s) has insufficient CPU units available.", r.ci.ID)
		case !r.fixedPortsFree(td):
			reason = fmt.Sprintf("The closest matching (container-instance %s) is already using a port required by your task.", r.ci.ID)
		default:
			fit = append(fit, r)
		}
	}
	if len(fit) == 0 {
		return nil, reason
	}
	byAZ := map[string]int{}
	for _, r := range rooms {
		byAZ[r.ci.AZ] += r.mine
	}
	binpack := len(s.Placement) > 0 && s.Placement[0].Type == ecstypes.PlacementStrategyTypeBinpack
	sort.SliceStable(fit, func(a, b int) bool {
		x, y := fit[a], fit[b]
		if binpack {
			if x.mem != y.mem {
				return x.mem < y.mem
			}
			return x.ci.ARN < y.ci.ARN
		}
		if byAZ[x.ci.AZ] != byAZ[y.ci.AZ] {
			return byAZ[x.ci.AZ] < byAZ[y.ci.AZ]
		}
		if x.mine != y.mine {
			return x.mine < y.mine
		}
		return x.ci.Registered.Before(y.ci.Registered) || x.ci.Registered.Equal(y.ci.Registered) && x.ci.ARN < y.ci.ARN
	})
	return fit[0], ""
}

func (r *ciRoom) fixedPortsFree(td *taskDef) bool {
	for _, c := range td.Containers {
		for _, pm := range c.PortMappings {
			if hp := aws.ToInt32(pm.HostPort); hp != 0 && r.ports[hp] {
				return false
			}
		}
	}
	return true
}

// startTask places a new task of deployment d on room r at time at.
func (t *tx) startTask(s *ecsService, d *ecsDeployment, td *taskDef, r *ciRoom, at time.Time) *ecsTask {
	id := hexID(32)
	i := t.r.EC2.Instances[r.ci.Instance]
	cpu, mem := td.size()
	tk := &ecsTask{Meta: Meta{ID: id, ARN: t.ecsTaskARN(s.Cluster, id), Created: at},
		Cluster: s.Cluster, TaskDef: td.ARN, Service: s.Name, StartedBy: d.ID, CI: r.ci.ARN, Instance: r.ci.Instance, AZ: r.ci.AZ,
		CP: r.ci.CP, CPU: cpu, Mem: mem, LastStatus: "PROVISIONING", Desired: "RUNNING",
		PendingAt: at.Add(t.dur(paceTaskPending)), RunningAt: at.Add(t.dur(paceTaskRunning)), Version: 1}
	if s.Propagate == "SERVICE" && len(s.Tags) > 0 {
		tk.Tags = copyMap(s.Tags)
	} else if s.Propagate == "TASK_DEFINITION" && len(td.Tags) > 0 {
		tk.Tags = copyMap(td.Tags)
	}
	if s.ManagedTags {
		if tk.Tags == nil {
			tk.Tags = map[string]string{}
		}
		tk.Tags["aws:ecs:clusterName"] = s.Cluster
		tk.Tags["aws:ecs:serviceName"] = s.Name
	}
	next := int32(32768)
	for _, c := range td.Containers {
		tk.Containers = append(tk.Containers, taskCont{Name: aws.ToString(c.Name), Image: aws.ToString(c.Image), ID: uuid()})
		for _, pm := range c.PortMappings {
			hp := aws.ToInt32(pm.HostPort)
			if td.NetworkMode == "host" {
				hp = aws.ToInt32(pm.ContainerPort)
			}
			if hp == 0 {
				for r.ports[next] {
					next++
				}
				hp = next
			}
			r.ports[hp] = true
			tk.Ports = append(tk.Ports, taskPort{Container: aws.ToString(c.Name), ContainerPort: aws.ToInt32(pm.ContainerPort), HostPort: hp, Protocol: string(pm.Protocol)})
		}
	}
	r.cpu -= cpu
	r.mem -= mem
	r.mine++
	r.total++
	if why := t.startFailure(td, i); why != "" {
		tk.FailReason, tk.FailAt = why, at.Add(t.dur(paceTaskFail))
	}
	t.r.ECS.Tasks[tk.ARN] = tk
	return tk
}

// managedScaleOut raises the group of a capacity provider with managed
// scaling when a task found no room.
func (t *tx) managedScaleOut(s *ecsService, d *ecsDeployment) {
	for _, it := range d.Strategy {
		cp := t.r.ECS.CapacityProviders[aws.ToString(it.CapacityProvider)]
		if cp == nil || cp.Scaling.Status != ecstypes.ManagedScalingStatusEnabled {
			continue
		}
		g := t.asgByRef(cp.ASGARN)
		if g == nil || g.Deleting || g.Desired >= g.Max {
			continue
		}
		// Only when every instance of the group is already in service (the
		// provider waits for launches in flight).
		pending := false
		for _, m := range g.Members {
			if i := t.r.EC2.Instances[m.ID]; i != nil && i.State == "pending" {
				pending = true
			}
		}
		registered := 0
		for _, ci := range t.r.ECS.ContainerInstances {
			if ci.CP == cp.Name && ci.Status == "ACTIVE" {
				registered++
			}
		}
		if pending || registered < int(g.Desired) {
			continue
		}
		g.Desired++
		g.ChangedAt = t.now
		g.activity(t.now, "Successful", "Setting desired capacity", fmt.Sprintf("At %s a monitor alarm TargetTracking-%s-AlarmHigh in state ALARM triggered policy ECSManagedAutoScalingPolicy changing the desired capacity from %d to %d.", t.now.UTC().Format(time.RFC3339), cp.Name, g.Desired-1, g.Desired), "")
		t.touch()
	}
}
