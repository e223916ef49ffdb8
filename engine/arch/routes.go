package arch

import (
	"fmt"
	"strings"

	"github.com/minimalinfra/mvi/engine/manifest"
)

// Several public processes share the app's one load balancer and its one
// listener on 80: the default process (manifest.DefaultProcess) takes the
// listener's default action, and every other public process gets a
// listener rule matching its path and/or host.

// checkRoutable refuses routes with no default process to hang their
// rules on (manifest validation says the same, with a position; a
// manifest built in code skips it).
func checkRoutable(m *manifest.Manifest) error {
	if r := m.Routes(); len(r) > 0 && m.DefaultProcess() == "" {
		return fmt.Errorf("design %s: every public process has a route (%s), so none takes the requests no rule matches: remove path and host from the one that should", m.Name, strings.Join(r, ", "))
	}
	return nil
}

// lbPorts are the ports the load balancer listens on, the only ones sg/lb
// opens to the internet.
func lbPorts() []int { return []int{80} }

func lbIngress() []Rule {
	var out []Rule
	for _, p := range lbPorts() {
		out = append(out, Rule{Protocol: "tcp", FromPort: p, ToPort: p, CIDR: "0.0.0.0/0", Description: "HTTP from the internet"})
	}
	return out
}

// lbGroupReason names exactly the ports lbIngress opens.
func lbGroupReason() string {
	ports := lbPorts()
	words := make([]string, len(ports))
	for i, p := range ports {
		words[i] = fmt.Sprint(p)
	}
	noun := "port " + strings.Join(words, " and ")
	if len(ports) > 1 {
		noun = "ports " + strings.Join(words, " and ")
	}
	return "lets the internet reach the load balancer on " + noun + " only, and the load balancer reach only the containers"
}

// routeText is how a person reads a process's route: "/api/*",
// "api.example.com", or "api.example.com/api/*".
func routeText(p *manifest.Process) string {
	switch {
	case p.Host != "" && p.Path != "":
		return p.Host + p.Path
	case p.Host != "":
		return p.Host
	}
	return p.Path
}

// routesText lists the routes and where the rest goes: "/api/* to api,
// everything else to web", or "" when the default process is alone.
func (d *design) routesText() string {
	routes := d.m.Routes()
	if len(routes) == 0 {
		return ""
	}
	var parts []string
	for _, name := range routes {
		parts = append(parts, routeText(d.m.Processes[name])+" to "+name)
	}
	return strings.Join(parts, ", ") + ", everything else to " + d.m.DefaultProcess()
}

func (d *design) lbReason() string {
	r := "one stable address on the internet that forwards each request to a healthy container"
	if rt := d.routesText(); rt != "" {
		r += ": " + rt
	}
	return r
}

func (d *design) listenerReason(def string) string {
	if rt := d.routesText(); rt != "" {
		return "accepts HTTP on port 80; its rules send " + rt
	}
	return "accepts HTTP on port 80 and forwards it to " + def
}

// forwarder is the resource that makes the load balancer send to a public
// process: the listener for the default process, its rule for the others.
// ECS won't put a service behind a target group nothing forwards to.
func (d *design) forwarder(name string) string {
	if name == d.m.DefaultProcess() {
		return ListenerID(name)
	}
	return ListenerRuleID(name)
}

// listenerRule sends a routed process its requests. Priorities follow
// manifest.Routes (name order): 1, 2, … The same manifest always gives the
// same numbers, so a second plan changes nothing, and a person can tell
// from the names alone which of two overlapping patterns (/api/* and
// /api/v2/*) wins: the lower number, the name first in order.
func (d *design) listenerRule(name string, p *manifest.Process) {
	def := d.m.DefaultProcess()
	priority := 0
	for i, r := range d.m.Routes() {
		if r == name {
			priority = i + 1
		}
	}
	deps := []string{ListenerID(def), TargetGroupID(name)}
	// Rules change one at a time: a rule taking a number another still
	// holds moves that one aside (engine/aws), which two at once would race.
	for i := len(d.out) - 1; i >= 0; i-- {
		if d.out[i].Type == TypeListenerRule {
			deps = append(deps, d.out[i].ID)
			break
		}
	}
	d.add(LoadBalancer, ListenerRuleID(name), TypeListenerRule, ListenerRuleProps{
		Listener: ListenerID(def), TargetGroup: TargetGroupID(name), Priority: priority, Path: p.Path, Host: p.Host,
	}, fmt.Sprintf("sends requests for %s to %s rather than %s (priority %d: mvi numbers the rules in process name order, and the lowest is tried first)",
		routeText(p), name, def, priority), deps...)
}
