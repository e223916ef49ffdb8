package sandbox

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

func asgBackoff(fails int) time.Duration {
	d := 10 * time.Second
	for i := 1; i < fails && d < 5*time.Minute; i++ {
		d *= 2
	}
	return d
}

func advanceAutoScaling(t *tx) {
	for _, n := range sortedKeys(t.r.AutoScale.Groups) {
		g := t.r.AutoScale.Groups[n]
		// Notice members that stopped, and let go of terminated ones.
		kept := g.Members[:0]
		for k := range g.Members {
			m := &g.Members[k]
			i := t.r.EC2.Instances[m.ID]
			if i == nil || i.State == "terminated" {
				if !m.Leaving && !m.Lost && i != nil {
					g.LostAt = latest(g.LostAt, i.StopAt.Add(t.dur(paceASGReplace)))
				}
				t.touch()
				continue
			}
			if i.State == "shutting-down" && !m.Leaving && !m.Lost {
				m.Lost = true
				g.LostAt = latest(g.LostAt, i.StopAt.Add(t.dur(paceASGReplace)))
				g.activity(i.StopAt, "InProgress", "Terminating EC2 instance: "+i.ID,
					fmt.Sprintf("At %s an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped.", i.StopAt.UTC().Format(time.RFC3339)), "")
				t.touch()
			}
			kept = append(kept, *m)
		}
		g.Members = kept
		if g.Deleting {
			if len(g.Members) == 0 && t.reached(g.ChangedAt.Add(t.dur(paceASGDelete))) {
				delete(t.r.AutoScale.Groups, n)
				t.touch()
			}
			continue
		}
		var active []*instance
		for _, m := range g.Members {
			if i := t.r.EC2.Instances[m.ID]; i != nil && (i.State == "pending" || i.State == "running") && !m.Leaving {
				active = append(active, i)
			}
		}
		t.syncASGTargets(g, active)
		need := int(g.Desired) - len(active)
		switch {
		case need > 0:
			base := latest(g.ChangedAt, g.LostAt)
			if g.Fails > 0 {
				if g.FailAt.Equal(t.now) {
					continue
				}
				base = latest(base, g.FailAt.Add(t.dur(asgBackoff(g.Fails))))
			}
			if base.After(t.now) {
				continue
			}
			lt := t.r.EC2.LaunchTemplates[g.LT.ID]
			for k := 0; k < need; k++ {
				var err error
				var inst *instance
				if lt == nil {
					err = errf("InvalidLaunchTemplateId.NotFound", "The specified launch template, with template ID %s, does not exist.", g.LT.ID)
				} else {
					s := t.pickSubnet(g, active)
					inst, err = t.launch(launchSpec{LT: lt, Version: g.LT.Version, Subnet: s, ASG: g.Name, Tags: g.launchTags()}, base)
				}
				if err != nil {
					g.Fails++
					g.FailAt = t.now
					msg := ErrorCode(err) + ": " + apiMessage(err) + ". Launching EC2 instance failed."
					g.activity(t.now, "Failed", "Launching a new EC2 instance.  Status Reason: "+msg,
						"At "+t.now.UTC().Format(time.RFC3339)+" an instance was started in response to a difference between desired and actual capacity.", msg)
					t.touch()
					break
				}
				g.Members = append(g.Members, asgMember{ID: inst.ID, Protected: g.Protected})
				if inst.State != "pending" {
					// EC2 accepted the launch but the instance died at once
					// (Client.InternalError: an unusable KMS key).
					g.Members[len(g.Members)-1].Lost = true
					g.Fails++
					g.FailAt = t.now
					msg := inst.Reason + ". Launching EC2 instance failed."
					g.activity(t.now, "Failed", "Launching a new EC2 instance: "+inst.ID+".  Status Reason: "+msg,
						"At "+t.now.UTC().Format(time.RFC3339)+" an instance was started in response to a difference between desired and actual capacity.", msg)
					t.touch()
					break
				}
				g.Fails = 0
				active = append(active, inst)
				g.activity(base, "Successful", "Launching a new EC2 instance: "+inst.ID,
					fmt.Sprintf("At %s an instance was started in response to a difference between desired and actual capacity, increasing the capacity from %d to %d.",
						base.UTC().Format(time.RFC3339), len(active)-1, len(active)), "")
				t.touch()
			}
		case need < 0:
			for k := 0; k < -need; k++ {
				victim := t.pickVictim(g, active)
				if victim == nil {
					break
				}
				for j := range g.Members {
					if g.Members[j].ID == victim.ID {
						g.Members[j].Leaving = true
					}
				}
				at := latest(g.ChangedAt, victim.Launched)
				t.stopInstance(victim, at, "Client.UserInitiatedShutdown: User initiated shutdown", "Terminated by Auto Scaling")
				g.activity(at, "InProgress", "Terminating EC2 instance: "+victim.ID,
					fmt.Sprintf("At %s a user request explicitly set group desired capacity changing the desired capacity, shrinking the capacity.", at.UTC().Format(time.RFC3339)), "")
				var rest []*instance
				for _, i := range active {
					if i != victim {
						rest = append(rest, i)
					}
				}
				active = rest
				t.touch()
			}
		}
	}
}

func apiMessage(err error) string {
	s := err.Error()
	if i := strings.Index(s, ", "); i >= 0 && strings.HasPrefix(s, "api error") {
		return s[i+2:]
	}
	if i := strings.Index(s, ": "); i >= 0 {
		return s[i+2:]
	}
	return s
}

func (g *asg) launchTags() map[string]string {
	out := map[string]string{"aws:autoscaling:groupName": g.Name}
	for k, v := range g.Tags {
		if g.Propagate[k] {
			out[k] = v
		}
	}
	return out
}

// pickSubnet balances zones: the subnet whose zone runs the fewest of the
// group's instances, in the order the group lists them.
func (t *tx) pickSubnet(g *asg, active []*instance) *subnet {
	count := map[string]int{}
	for _, i := range active {
		count[i.AZ]++
	}
	var best *subnet
	for _, id := range g.Subnets {
		s := t.r.EC2.Subnets[id]
		if s == nil {
			continue
		}
		if best == nil || count[s.AZ] < count[best.AZ] {
			best = s
		}
	}
	if best == nil {
		// every subnet is gone: EC2 would refuse; launch() will fail on the
		// first one, so return a placeholder that fails cleanly.
		return &subnet{Meta: Meta{ID: strings.Join(g.Subnets, ",")}, CIDR: "0.0.0.0/32"}
	}
	return best
}

// pickVictim applies the default termination policy: the zone with the most
// instances, then the oldest launch template version, then the oldest
// instance; instances protected from scale-in are spared.
func (t *tx) pickVictim(g *asg, active []*instance) *instance {
	prot := map[string]bool{}
	for _, m := range g.Members {
		prot[m.ID] = m.Protected
	}
	count := map[string]int{}
	for _, i := range active {
		count[i.AZ]++
	}
	var cands []*instance
	for _, i := range active {
		if !prot[i.ID] {
			cands = append(cands, i)
		}
	}
	if len(cands) == 0 {
		return nil
	}
	sort.SliceStable(cands, func(a, b int) bool {
		x, y := cands[a], cands[b]
		if count[x.AZ] != count[y.AZ] {
			return count[x.AZ] > count[y.AZ]
		}
		if x.LT != nil && y.LT != nil && x.LT.Version != y.LT.Version {
			return x.LT.Version < y.LT.Version
		}
		if !x.Launched.Equal(y.Launched) {
			return x.Launched.Before(y.Launched)
		}
		return x.ID < y.ID
	})
	return cands[0]
}

// syncASGTargets registers the group's running instances in its target
// groups (instance targets on the group's port), and deregisters the rest.
func (t *tx) syncASGTargets(g *asg, active []*instance) {
	for _, a := range g.TGs {
		tg := t.r.ELB.TargetGroups[a]
		if tg == nil || tg.TargetType != "instance" {
			continue
		}
		want := map[string]bool{}
		for _, i := range active {
			if i.State == "running" {
				want[i.ID] = true
				if t.registerTarget(tg, i.ID, tg.Port, i.RunningAt) {
					t.touch()
				}
			}
		}
		for _, m := range g.Members {
			if !want[m.ID] {
				if t.deregisterTarget(tg, m.ID, tg.Port) {
					t.touch()
				}
			}
		}
	}
}
