package sandbox

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"time"

	"github.com/minimalinfra/mvi/engine/cloud"
)

// Service Connect's data plane: a container of a task whose service is
// in a namespace dials NAME:PORT, and the proxy in its task carries the
// connection to a running task of the service that serves that alias, one
// after the other. As on ECS:
//
//   - only a task of a service in the namespace knows the names (the ECS
//     agent writes them into the task); from anywhere else, this machine
//     included, NAME doesn't resolve;
//   - the name answers on the alias's port only;
//   - the connection goes from the caller's VM to the server's VM on the
//     task's host port (bridge mode), so the server VM's security groups
//     must let the caller's VM in: a design without sg/app's rule for
//     the app's own VMs is refused here, with the rule that is missing.
//
// The sandbox's proxy takes the first running task in turn; it runs no
// container health check command (it can't run the image's programs), so
// a task that runs counts as one that answers.

// TaskDialer dials from inside one task (its id or ARN), as the task's
// containers would.
func (dp *DataPlane) TaskDialer(task string) cloud.Dialer { return taskDialer{dp: dp, task: task} }

type taskDialer struct {
	dp   *DataPlane
	task string
}

// noSuchHost is what a name that doesn't resolve gives, with why.
func noSuchHost(host, why string) error {
	return &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host (" + why + ")", Name: host, IsNotFound: true}}
}

func (d taskDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox dial: %w", err)
	}
	port, _ := strconv.Atoi(p)
	var target string
	var hostPort int32
	turn := d.dp.nextTurn(host + ":" + p)
	err = d.dp.s.internal(ctx, func(t *tx) error {
		var err error
		target, hostPort, err = t.connectRoute(d.task, host, int32(port), turn)
		return err
	})
	if err != nil {
		return nil, err
	}
	d.dp.mu.Lock()
	ts := d.dp.tasks[target]
	d.dp.mu.Unlock()
	local := ""
	if ts != nil {
		local = ts.addrFor(hostPort)
	}
	if local == "" {
		return nil, &net.OpError{Op: "dial", Net: network, Err: &refused{fmt.Sprintf("%s:%d: nothing listens in task %s on host port %d", host, port, lastName(target), hostPort)}}
	}
	return (&net.Dialer{Timeout: 5 * time.Second}).DialContext(ctx, network, local)
}

// nextTurn counts the connections to one alias, for round robin.
func (dp *DataPlane) nextTurn(alias string) int {
	dp.mu.Lock()
	defer dp.mu.Unlock()
	if dp.turns == nil {
		dp.turns = map[string]int{}
	}
	n := dp.turns[alias]
	dp.turns[alias]++
	return n
}

// connectRoute finds where a connection from task to host:port goes: the
// task ARN and host port of a server task, or the error the caller sees.
func (t *tx) connectRoute(task, host string, port int32, turn int) (string, int32, error) {
	from := t.r.ECS.Tasks[task]
	if from == nil {
		for _, k := range sortedKeys(t.r.ECS.Tasks) {
			if tk := t.r.ECS.Tasks[k]; tk.ID == task {
				from = tk
			}
		}
	}
	if from == nil || from.LastStatus != "RUNNING" {
		return "", 0, fmt.Errorf("sandbox dial: no running task %s", task)
	}
	caller := t.r.ECS.Services[t.ecsServiceARN(from.Cluster, from.Service)]
	if caller == nil || caller.Connect == nil {
		return "", 0, noSuchHost(host, "task "+from.ID+" is in no Service Connect namespace, so nothing tells its containers the app's names")
	}
	var server *ecsService
	var sv scServer
	wrongPort := int32(0)
	for _, k := range sortedKeys(t.r.ECS.Services) {
		s := t.r.ECS.Services[k]
		if s.Status != "ACTIVE" || s.Connect == nil || s.Connect.Namespace != caller.Connect.Namespace {
			continue
		}
		for _, x := range s.Connect.Servers {
			for _, a := range x.Aliases {
				switch {
				case a.DNS == host && a.Port == port:
					server, sv = s, x
				case a.DNS == host:
					wrongPort = a.Port
				}
			}
		}
	}
	if server == nil && wrongPort != 0 {
		return "", 0, &net.OpError{Op: "dial", Net: "tcp", Err: &refused{fmt.Sprintf("%s answers on port %d, not %d", host, wrongPort, port)}}
	}
	if server == nil {
		return "", 0, noSuchHost(host, "no service of namespace "+caller.Connect.Namespace+" serves it")
	}
	// The agent writes the names into a task when it starts: a name made
	// later is unknown to it until its service deploys again.
	if cm := t.r.ServiceDiscovery.Services[sv.CloudMap]; cm != nil && !from.RunningAt.IsZero() && cm.Created.After(from.RunningAt) {
		return "", 0, noSuchHost(host, fmt.Sprintf("task %s started before %s was served in the namespace, and a task learns the names there when it starts; its service's next deployment does", from.ID, host))
	}
	td := t.taskDefByKey(taskDefKey(server.TaskDef))
	var pm int32
	if td != nil {
		if m := portMapping(td, sv.PortName); m != nil {
			pm = int32(ptrInt(m.ContainerPort))
		}
	}
	var ready []*ecsTask
	for _, k := range sortedKeys(t.r.ECS.Tasks) {
		tk := t.r.ECS.Tasks[k]
		inst := t.r.EC2.Instances[tk.Instance]
		if tk.LastStatus == "RUNNING" && tk.Desired == "RUNNING" && tk.Cluster == server.Cluster && tk.Service == server.Name && inst != nil && inst.State == "running" {
			ready = append(ready, tk)
		}
	}
	if len(ready) == 0 {
		return "", 0, &net.OpError{Op: "dial", Net: "tcp", Err: &refused{fmt.Sprintf("%s:%d: no task of service %s is running", host, port, server.Name)}}
	}
	to := ready[turn%len(ready)]
	var hp int32
	for _, x := range to.Ports {
		if x.ContainerPort == pm {
			hp = x.HostPort
		}
	}
	if why := t.vmBlocked(from.Instance, to.Instance, hp); why != "" {
		return "", 0, &net.OpError{Op: "dial", Net: "tcp", Err: &refused{fmt.Sprintf("%s:%d: %s", host, port, why)}}
	}
	return to.ARN, hp, nil
}

func ptrInt(p *int32) int {
	if p == nil {
		return 0
	}
	return int(*p)
}

// vmBlocked says why a connection from one VM to another's port is
// dropped, "" when the groups let it through: the sender's groups must
// let it out and the receiver's let it in, from a group the sender is in
// or a range holding its address.
func (t *tx) vmBlocked(fromID, toID string, port int32) string {
	from, to := t.r.EC2.Instances[fromID], t.r.EC2.Instances[toID]
	if from == nil || to == nil {
		return "the VM is gone"
	}
	if fromID == toID {
		return "" // to its own address: it never leaves the VM's network card
	}
	ip, err := netip.ParseAddr(from.PrivateIP)
	if err != nil {
		return "the calling VM has no address"
	}
	toIP, _ := netip.ParseAddr(to.PrivateIP)
	out := false
	for _, g := range from.SGs {
		sg, err := t.sgByID(g)
		if err != nil {
			continue
		}
		for _, r := range sg.Rules {
			if r.Egress && r.admitsPort(port) && (r.Group != "" && slices.Contains(to.SGs, r.Group) || r.CIDR != "" && toIP.IsValid() && cidrHolds(r.CIDR, toIP)) {
				out = true
			}
		}
	}
	if !out {
		return fmt.Sprintf("no egress rule of %v lets %s reach %s:%d", from.SGs, fromID, to.PrivateIP, port)
	}
	for _, g := range to.SGs {
		sg, err := t.sgByID(g)
		if err != nil {
			continue
		}
		for _, r := range sg.Rules {
			if !r.Egress && r.admitsPort(port) && (r.Group != "" && slices.Contains(from.SGs, r.Group) || r.CIDR != "" && cidrHolds(r.CIDR, ip)) {
				return ""
			}
		}
	}
	return fmt.Sprintf("no ingress rule of %v lets %s in on port %d", to.SGs, fromID, port)
}

// connectAlias names the namespace whose tasks know host as a Service
// Connect name, "" when none does: what a dial from outside is told.
func (t *tx) connectAlias(host string) string {
	for _, k := range sortedKeys(t.r.ECS.Services) {
		s := t.r.ECS.Services[k]
		if s.Status != "ACTIVE" || s.Connect == nil {
			continue
		}
		for _, x := range s.Connect.Servers {
			for _, a := range x.Aliases {
				if a.DNS == host {
					return s.Connect.Namespace
				}
			}
		}
	}
	return ""
}
