package sandbox

import (
	"fmt"
	"net/netip"
	"slices"
)

// lbBlocked says why the load balancer at lbARN can't reach an instance
// target on port, "" when it can: its own groups must let the connection
// out, and the instance's groups must let it in (from one of the load
// balancer's groups, or a range holding its subnets). AWS drops what
// neither allows, so the health check times out; the sandbox's checks do
// the same, and a design that forgot a rule fails here as it would there.
// A target that is not an instance of this sandbox (an IP target) is not
// judged.
func (t *tx) lbBlocked(lbARN, id string, port int32) string {
	lb := t.r.ELB.LoadBalancers[lbARN]
	inst := t.r.EC2.Instances[id]
	if lb == nil || inst == nil || inst.PrivateIP == "" {
		return ""
	}
	ip, err := netip.ParseAddr(inst.PrivateIP)
	if err != nil {
		return ""
	}
	out := false
	for _, g := range lb.SGs {
		sg, err := t.sgByID(g)
		if err != nil {
			continue
		}
		for _, r := range sg.Rules {
			if r.Egress && r.admitsPort(port) && (r.Group != "" && slices.Contains(inst.SGs, r.Group) || r.CIDR != "" && cidrHolds(r.CIDR, ip)) {
				out = true
			}
		}
	}
	if !out {
		return fmt.Sprintf("no egress rule of %v lets the load balancer reach %s:%d", lb.SGs, inst.PrivateIP, port)
	}
	for _, g := range inst.SGs {
		sg, err := t.sgByID(g)
		if err != nil {
			continue
		}
		for _, r := range sg.Rules {
			if r.Egress || !r.admitsPort(port) {
				continue
			}
			if r.Group != "" && slices.Contains(lb.SGs, r.Group) || r.CIDR != "" && t.holdsSubnets(r.CIDR, lb.Subnets) {
				return ""
			}
		}
	}
	return fmt.Sprintf("no ingress rule of %v lets the load balancer in on port %d", inst.SGs, port)
}

// admitsPort reports whether a TCP connection to port matches the rule.
func (r sgRule) admitsPort(port int32) bool {
	if r.Proto == "-1" {
		return true
	}
	return (r.Proto == "tcp" || r.Proto == "6") && port >= r.From && port <= r.To
}

func cidrHolds(cidr string, ip netip.Addr) bool {
	p, err := netip.ParsePrefix(cidr)
	return err == nil && p.Contains(ip)
}

// holdsSubnets reports whether cidr holds every one of the subnets (where
// the load balancer's nodes take their addresses).
func (t *tx) holdsSubnets(cidr string, subnets []string) bool {
	p, err := netip.ParsePrefix(cidr)
	if err != nil || len(subnets) == 0 {
		return false
	}
	for _, id := range subnets {
		sn := t.r.EC2.Subnets[id]
		if sn == nil {
			return false
		}
		q, err := netip.ParsePrefix(sn.CIDR)
		if err != nil || q.Bits() < p.Bits() || !p.Contains(q.Addr()) {
			return false
		}
	}
	return true
}
