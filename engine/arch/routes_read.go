package arch

import (
	"sort"
	"strings"
)

// Route is one way in through the load balancer, as a picture shows it:
// requests matching Pattern ("" for the rest) go to Process.
type Route struct {
	Pattern string
	Process string
}

// Routes reads the load balancer's routes back from the design: its rules
// by priority, then the default process for everything else. One route
// means the default process alone; none, no load balancer.
func (a Architecture) Routes() []Route {
	var rules []ListenerRuleProps
	def := ""
	for _, r := range a.Resources {
		switch p := r.Props.(type) {
		case ListenerRuleProps:
			rules = append(rules, p)
		case ListenerProps:
			if def == "" {
				def = processOfTargetGroup(p.TargetGroup)
			}
		}
	}
	sort.Slice(rules, func(i, j int) bool { return rules[i].Priority < rules[j].Priority })
	var out []Route
	for _, p := range rules {
		out = append(out, Route{Pattern: p.Host + p.Path, Process: processOfTargetGroup(p.TargetGroup)})
	}
	if def != "" {
		out = append(out, Route{Process: def})
	}
	return out
}

func processOfTargetGroup(id string) string { return strings.TrimPrefix(id, targetGroupIDPrefix) }
