package sandbox

import (
	"sort"

	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// The data plane's share of listener rules: a request goes to the target
// group of the first rule, by priority, whose conditions it meets
// (ruleMatches), else to the listener's default action, as on ALB. Each
// rule's target group has its own counters, so its 5xx alarm sees its
// own errors.

// ruleView is a forwarding rule as the data plane serves it.
type ruleView struct {
	Priority   int32
	Conditions []elbtypes.RuleCondition
	TG         string
}

// lbRoute is a rule with the healthy backends of its target group now.
type lbRoute struct {
	rule     ruleView
	backends []backend
	counters *lbCounters
}

// ruleViews are a listener's rules that forward to a group that exists,
// lowest priority first.
func (t *tx) ruleViews(listenerARN string) []ruleView {
	var out []ruleView
	for _, r := range t.listenerRules(listenerARN) {
		tgs := actionTGs(r.Actions)
		if len(tgs) == 0 || t.r.ELB.TargetGroups[tgs[0]] == nil || t.hidden(r.Created) {
			continue // a redirect or fixed response: the sandbox serves neither
		}
		out = append(out, ruleView{Priority: r.Priority, Conditions: clone(r.Conditions), TG: tgs[0]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Priority < out[j].Priority })
	return out
}

// servedTGs are the groups a listener sends to: its default's and its
// rules'.
func (lv listenerView) servedTGs() []string {
	out := []string{lv.TG}
	for _, r := range lv.Rules {
		out = append(out, r.TG)
	}
	return out
}

// routeFor picks the backends and counters of the rule a request meets,
// else the listener's own.
func (l *lbListener) routeFor(host, path string) (*[]backend, *lbCounters) {
	if rs := l.routes.Load(); rs != nil {
		for i := range *rs {
			rt := &(*rs)[i]
			if ruleMatches(rt.rule.Conditions, host, path) {
				return &rt.backends, rt.counters
			}
		}
	}
	return l.backends.Load(), l.counters
}

// rebuildRulesLocked recomputes a listener's routes; dp.mu held.
func (dp *DataPlane) rebuildRulesLocked(l *lbListener) {
	routes := make([]lbRoute, 0, len(l.view.Rules))
	for _, r := range l.view.Rules {
		key := l.view.ARN + "|" + r.TG
		c := dp.metrics[key]
		if c == nil {
			c = &lbCounters{lbDim: l.view.LBDim, tgDim: tgDim(r.TG)}
			dp.metrics[key] = c
		}
		routes = append(routes, lbRoute{rule: r, backends: dp.backendsLocked(r.TG), counters: c})
	}
	l.routes.Store(&routes)
}
