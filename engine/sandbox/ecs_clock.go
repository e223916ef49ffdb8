package sandbox

import (
	"sort"
)

func advanceECS(t *tx) {
	t.registerContainerInstances()
	t.retireContainerInstances()
	t.advanceTasks()
	for _, k := range sortedKeys(t.r.ECS.Services) {
		t.advanceService(t.r.ECS.Services[k])
	}
	t.purgeECS()
}

func (t *tx) purgeECS() {
	// Stopped tasks stay describable for an hour, at most 100 per service.
	perService := map[string][]*ecsTask{}
	for _, k := range sortedKeys(t.r.ECS.Tasks) {
		tk := t.r.ECS.Tasks[k]
		if tk.LastStatus != "STOPPED" {
			continue
		}
		if t.now.Sub(tk.StoppedAt) > paceStoppedVisible {
			delete(t.r.ECS.Tasks, k)
			t.touch()
			continue
		}
		perService[tk.Cluster+"/"+tk.Service] = append(perService[tk.Cluster+"/"+tk.Service], tk)
	}
	for _, k := range sortedKeys(perService) {
		ts := perService[k]
		if len(ts) <= 100 {
			continue
		}
		sort.Slice(ts, func(i, j int) bool { return ts[i].StoppedAt.Before(ts[j].StoppedAt) })
		for _, tk := range ts[:len(ts)-100] {
			delete(t.r.ECS.Tasks, tk.ARN)
		}
		t.touch()
	}
	for _, k := range sortedKeys(t.r.ECS.ContainerInstances) {
		ci := t.r.ECS.ContainerInstances[k]
		if ci.Status == "INACTIVE" && t.now.Sub(ci.GoneAt) > paceStoppedVisible {
			delete(t.r.ECS.ContainerInstances, k)
			t.touch()
		}
	}
	for _, k := range sortedKeys(t.r.ECS.Services) {
		s := t.r.ECS.Services[k]
		if s.Status == "INACTIVE" && t.now.Sub(s.InactiveAt) > paceStoppedVisible {
			delete(t.r.ECS.Services, k)
			t.touch()
		}
	}
	for _, k := range sortedKeys(t.r.ECS.CapacityProviders) {
		cp := t.r.ECS.CapacityProviders[k]
		if cp.UpdateStatus == "DELETE_IN_PROGRESS" && t.reached(cp.DeletedAt.Add(t.dur(paceCPDelete))) {
			cp.UpdateStatus = "DELETE_COMPLETE"
			t.touch()
		}
		if cp.Status == "INACTIVE" && t.now.Sub(cp.DeletedAt) > paceStoppedVisible {
			delete(t.r.ECS.CapacityProviders, k)
			t.touch()
		}
	}
	// Task definitions being deleted go once nothing uses them.
	used := map[string]bool{}
	for _, s := range t.r.ECS.Services {
		for _, d := range s.Deployments {
			used[d.TaskDef] = true
		}
	}
	for _, tk := range t.r.ECS.Tasks {
		if tk.LastStatus != "STOPPED" {
			used[tk.TaskDef] = true
		}
	}
	for _, k := range sortedKeys(t.r.ECS.TaskDefs) {
		td := t.r.ECS.TaskDefs[k]
		if td.Status == "DELETE_IN_PROGRESS" && !used[td.ARN] {
			delete(t.r.ECS.TaskDefs, k)
			t.touch()
		}
	}
}
