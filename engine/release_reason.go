package engine

import "github.com/minimalinfra/mvi/engine/arch"

// genericUpdate is the reason of an update no handler could name.
const genericUpdate = "its settings in mvi.toml changed since the last apply"

// releaseReasons says why a service rolls: a service names its task
// definition's digest (ServiceProps.Release), so a changed task
// definition changes the service too, which on its own could only say
// "its settings changed". It says which revision it rolls out and why.
func releaseReasons(p *Plan) {
	why := map[string]string{}
	for _, s := range p.Steps {
		if s.Type == arch.TypeTaskDefinition && (s.Action == Update || s.Action == Replace || s.Action == Create) {
			why[s.ID] = s.Reason
		}
	}
	for i := range p.Steps {
		s := &p.Steps[i]
		if s.Resource == nil || s.Action != Update {
			continue
		}
		sp, ok := s.Resource.Props.(arch.ServiceProps)
		if !ok {
			continue
		}
		r, ok := why[sp.TaskDefinition]
		if !ok {
			continue
		}
		roll := "a rolling deployment of the new " + sp.TaskDefinition + " (" + r + ")"
		if s.Reason == genericUpdate {
			s.Reason = roll
		} else {
			s.Reason += ", and " + roll
		}
	}
}
