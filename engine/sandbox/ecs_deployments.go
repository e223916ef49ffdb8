package sandbox

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

func (t *tx) serviceTasks(s *ecsService) []*ecsTask {
	var out []*ecsTask
	for _, k := range sortedKeys(t.r.ECS.Tasks) {
		tk := t.r.ECS.Tasks[k]
		if tk.Cluster == s.Cluster && tk.Service == s.Name && tk.Desired == "RUNNING" {
			out = append(out, tk)
		}
	}
	return out
}

// taskHealthy: RUNNING and healthy in every target group of the service.
func (t *tx) taskHealthy(s *ecsService, tk *ecsTask) bool {
	if tk.LastStatus != "RUNNING" {
		return false
	}
	for _, x := range tk.Targets {
		if !t.healthyTarget(x.TG, tk.Instance, x.Port, tk.ARN) {
			return false
		}
	}
	return true
}

// healthyAt is when a task turned healthy (for ordering events).
func (t *tx) healthyAt(s *ecsService, tk *ecsTask) time.Time {
	at := tk.RunningAt
	for _, x := range tk.Targets {
		tg := t.r.ELB.TargetGroups[x.TG]
		if tg == nil {
			continue
		}
		var active time.Time
		for _, a := range t.tgLBs(tg) {
			if lb := t.r.ELB.LoadBalancers[a]; lb != nil && (active.IsZero() || lb.ActiveAt.Before(active)) {
				active = lb.ActiveAt
			}
		}
		at = latest(at, latest(tk.RunningAt, active).Add(t.dur(time.Duration(tg.HCInterval*tg.Healthy)*time.Second)))
	}
	return at
}

func (t *tx) advanceService(s *ecsService) {
	if s.Status == "INACTIVE" {
		return
	}
	c := t.r.ECS.Clusters[s.Cluster]
	p := s.primary()
	tasks := t.serviceTasks(s)
	if s.Status == "DRAINING" {
		last := s.ChangedAt
		for _, tk := range tasks {
			t.stopTask(tk, s.ChangedAt, "ServiceSchedulerInitiated", "Scaling activity initiated by (deployment "+tk.StartedBy+")")
			t.touch()
		}
		for _, tk := range t.r.ECS.Tasks {
			if tk.Cluster == s.Cluster && tk.Service == s.Name {
				if tk.LastStatus != "STOPPED" {
					return
				}
				last = latest(last, tk.StoppedAt)
			}
		}
		if t.reached(last.Add(t.dur(paceServiceDrain))) {
			s.Status, s.InactiveAt, s.Deployments = "INACTIVE", t.now, nil
			t.touch()
		}
		return
	}
	if p == nil || c == nil {
		return
	}
	td := t.taskDefByKey(p.TaskDef)
	var fresh, old []*ecsTask
	for _, tk := range tasks {
		if tk.StartedBy == p.ID {
			fresh = append(fresh, tk)
		} else {
			old = append(old, tk)
		}
	}
	D := int(s.Desired)
	maxTotal := int(math.Floor(float64(D) * float64(s.MaxPercent) / 100))
	if maxTotal < D {
		maxTotal = D
	}
	minHealthy := int(math.Ceil(float64(D) * float64(s.MinHealthy) / 100))

	// Circuit breaker.
	if s.Breaker && p.Rollout == "IN_PROGRESS" {
		threshold := int32(math.Min(math.Max(3, math.Ceil(float64(D)/2)), 200))
		if p.Failed >= threshold {
			p.Rollout, p.Updated = "FAILED", t.now
			p.Reason = "ECS deployment circuit breaker: tasks failed to start."
			s.event(p.LastFail, fmt.Sprintf("(service %s) (deployment %s) deployment failed: tasks failed to start.", s.Name, p.ID))
			t.touch()
			if s.Rollback {
				var prev *ecsDeployment
				for _, d := range s.Deployments[1:] {
					if d.Rollout == "COMPLETED" || d.Status == "ACTIVE" && d.TaskDef != p.TaskDef {
						prev = d
						break
					}
				}
				if prev != nil {
					nd := &ecsDeployment{ID: deploymentID(), Status: "PRIMARY", TaskDef: prev.TaskDef, Strategy: clone(p.Strategy), LaunchType: p.LaunchType,
						Created: t.now, Updated: t.now, Rollout: "IN_PROGRESS"}
					nd.Reason = "ECS deployment circuit breaker: rolling back to deploymentId " + prev.ID + "."
					p.Status = "ACTIVE"
					s.Deployments = append([]*ecsDeployment{nd}, s.Deployments...)
					s.TaskDef, s.ChangedAt = prev.TaskDef, t.now
					s.event(t.now, fmt.Sprintf("(service %s) rolling back to deployment %s.", s.Name, prev.ID))
				}
			}
			return
		}
	}

	// Scale in the primary deployment beyond desired.
	for len(fresh) > D {
		victim := fresh[len(fresh)-1]
		t.stopTask(victim, latest(s.ChangedAt, victim.Created), "ServiceSchedulerInitiated", "Scaling activity initiated by (deployment "+p.ID+")")
		fresh = fresh[:len(fresh)-1]
		s.event(t.now, fmt.Sprintf("(service %s) has stopped 1 running tasks: (task %s).", s.Name, victim.ID))
		t.touch()
	}

	// Replace tasks the load balancer found unhealthy (only a data plane
	// sees health for real; the clock model never fails a check).
	if t.dataPlane() {
		fresh = t.stopUnhealthy(s, p, fresh)
		old = t.stopUnhealthy(s, p, old)
	}

	// Start new tasks.
	// ECS throttles launches of tasks that keep failing: here, at most one
	// doomed task per call.
	canStart := td != nil && td.Status != "DELETE_IN_PROGRESS" && p.Rollout != "FAILED" && !p.FailTry.Equal(t.now)
	var started []string
	for canStart && len(fresh) < D && len(fresh)+len(old) < maxTotal {
		r, why := t.place(s, p, td)
		if r == nil {
			msg := fmt.Sprintf("(service %s) was unable to place a task because no container instance met all of its requirements. Reason: %s", s.Name, why)
			if s.LastPlaceErr != msg {
				s.LastPlaceErr = msg
				s.event(t.now, msg)
				t.touch()
			}
			t.managedScaleOut(s, p)
			break
		}
		at := latest(p.Created, s.ChangedAt, r.ci.Registered)
		for _, tk := range old {
			if !tk.StopAsked.IsZero() {
				at = latest(at, tk.StopAsked)
			}
		}
		if at.After(t.now) {
			at = t.now
		}
		tk := t.startTask(s, p, td, r, at)
		s.LastPlaceErr = ""
		fresh = append(fresh, tk)
		started = append(started, tk.ID)
		t.touch()
		if tk.FailReason != "" {
			p.FailTry = t.now
			break
		}
	}
	if len(started) > 0 {
		s.event(t.now, fmt.Sprintf("(service %s) has started %d tasks: %s.", s.Name, len(started), taskList(started)))
	}

	// Stop old tasks while enough healthy ones remain.
	healthy := 0
	for _, tk := range append(append([]*ecsTask{}, fresh...), old...) {
		if t.taskHealthy(s, tk) {
			healthy++
		}
	}
	sort.SliceStable(old, func(a, b int) bool { return !t.taskHealthy(s, old[a]) && t.taskHealthy(s, old[b]) })
	var stopped []string
	for _, tk := range old {
		h := t.taskHealthy(s, tk)
		if h && healthy-1 < minHealthy && D > 0 {
			break
		}
		at := t.now
		for _, f := range fresh {
			if t.taskHealthy(s, f) {
				at = latest(p.Created, t.healthyAt(s, f))
				break
			}
		}
		if at.After(t.now) || D == 0 {
			at = latest(s.ChangedAt, p.Created)
		}
		t.stopTask(tk, at, "ServiceSchedulerInitiated", "Scaling activity initiated by (deployment "+p.ID+")")
		if h {
			healthy--
		}
		stopped = append(stopped, tk.ID)
		t.touch()
	}
	if len(stopped) > 0 {
		s.event(t.now, fmt.Sprintf("(service %s) has stopped %d running tasks: %s.", s.Name, len(stopped), taskList(stopped)))
	}

	// Retire old deployments without tasks; complete the primary.
	remaining := map[string]bool{}
	for _, tk := range t.r.ECS.Tasks {
		if tk.Cluster == s.Cluster && tk.Service == s.Name && tk.LastStatus != "STOPPED" {
			remaining[tk.StartedBy] = true
		}
	}
	kept := s.Deployments[:1]
	for _, d := range s.Deployments[1:] {
		if remaining[d.ID] {
			kept = append(kept, d)
		} else {
			t.touch()
		}
	}
	s.Deployments = kept
	if p.Rollout == "IN_PROGRESS" && len(s.Deployments) == 1 && len(fresh) == D {
		all := true
		var at time.Time
		for _, tk := range fresh {
			if !t.taskHealthy(s, tk) {
				all = false
				break
			}
			at = latest(at, t.healthyAt(s, tk))
		}
		if all {
			at = latest(at, p.Created)
			if at.After(t.now) {
				at = t.now
			}
			p.Rollout, p.Updated = "COMPLETED", at
			p.Reason = "ECS deployment " + p.ID + " completed."
			s.event(at, fmt.Sprintf("(service %s) (deployment %s) deployment completed.", s.Name, p.ID))
			s.event(at, fmt.Sprintf("(service %s) has reached a steady state.", s.Name))
			t.touch()
		}
	}
}

func taskList(ids []string) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString("(task " + id + ")")
	}
	return b.String()
}
