package sandbox

import (
	"fmt"
	"time"
)

// stopUnhealthy stops the RUNNING tasks of s whose target the data plane's
// health checks found unhealthy, past the service's health check grace
// period, as ECS does; a task of the primary deployment counts as a failed
// task for the circuit breaker. It returns the tasks left.
func (t *tx) stopUnhealthy(s *ecsService, p *ecsDeployment, tasks []*ecsTask) []*ecsTask {
	kept := tasks[:0:0]
	for _, tk := range tasks {
		bad := ""
		if tk.LastStatus == "RUNNING" && t.reached(tk.RunningAt.Add(t.dur(time.Duration(s.HealthGrace)*time.Second))) {
			for _, x := range tk.Targets {
				tg := t.r.ELB.TargetGroups[x.TG]
				if tg == nil {
					continue
				}
				if o, ok := tg.Observed[targetKey(tk.Instance, x.Port)]; ok && o.of(tk.ARN) && o.State == "unhealthy" && t.reached(o.At.Add(t.dur(paceELBNotice))) {
					bad = tg.ARN
				}
			}
		}
		if bad == "" {
			kept = append(kept, tk)
			continue
		}
		t.stopTask(tk, t.now, "ServiceSchedulerInitiated", "Task failed ELB health checks in (target-group "+bad+")")
		s.event(t.now, fmt.Sprintf("(service %s) (task %s) failed ELB health checks in (target-group %s)", s.Name, tk.ID, bad))
		if tk.StartedBy == p.ID {
			p.Failed++
			p.LastFail = t.now
		}
		t.touch()
	}
	return kept
}
