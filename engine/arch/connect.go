package arch

import (
	"fmt"
	"sort"
	"strings"

	"github.com/minimalinfra/mvi/engine/manifest"
)

// How the processes of an app find each other: ECS Service Connect. Each
// ECS service of the app joins one Cloud Map namespace; a process with a
// port is served there under its own name, so a container of any other
// process dials redis:6379 or http://api:8000 (what ${processes.NAME.url}
// gives) and the Service Connect proxy in its task carries the
// connection to a healthy container of that process. Nothing outside the
// app's tasks knows the name: it is no DNS record, only an entry the
// proxy writes into the tasks of the namespace.
//
// Each service names the namespace itself, and the cluster keeps no
// Service Connect default: a default only serves services that leave the
// namespace out, mvi makes none, and the cluster would otherwise have to
// wait for the namespace and change when it comes or goes.
//
// Containers keep bridge networking. Service Connect works with bridge
// and awsvpc alike on EC2; awsvpc would give every task a network card of
// its own, and a t3.small takes 3 in all (one is the VM's), so two
// containers per VM instead of a dozen, and the load balancer's targets
// would become addresses instead of VM ports. In bridge mode the proxy
// listens on a dynamic host port of the VM, which sg/app's rule for the
// app's own VMs already admits.

// NamespaceName is the Cloud Map namespace an app's names live in. The
// names containers dial are short (redis, api), set as each server's
// alias; the namespace name only has to be one per app and never clash:
// "mvi" keeps it apart from namespaces the person made, and .internal is
// the top-level domain set aside for private networks, so the long form
// Cloud Map also knows (redis.shop.mvi.internal) can never be a name on
// the internet.
func NamespaceName(app string) string { return app + ".mvi.internal" }

// connects reports whether one process of the app can reach another by
// name: there are two or more, and one listens on a port. An app of one
// process (the book's Hello World) gets no namespace.
func connects(m *manifest.Manifest) bool {
	if len(m.Processes) < 2 {
		return false
	}
	for _, p := range m.Processes {
		if p != nil && p.Port != 0 {
			return true
		}
	}
	return false
}

func (d *design) namespace() {
	if !connects(d.m) {
		return
	}
	d.add(Container, IDNamespace, TypeNamespace, NamespaceProps{Name: NamespaceName(d.m.Name)},
		"the app's own list of names: each process with a port is found there by its name, so the others reach it as NAME:PORT, and nothing outside the app can look it up")
}

// connectProps is a service's part in Service Connect, nil without a
// namespace. Every process with a port serves, public ones too:
// ${processes.web.url} is http://web:80 for any process with a port, and
// a name nothing answered would be a broken promise.
func (d *design) connectProps(name string, p *manifest.Process) *ConnectProps {
	if !d.has(IDNamespace) {
		return nil
	}
	c := &ConnectProps{Namespace: IDNamespace, LogGroup: IDLogGroup}
	if p.Port != 0 {
		c.PortName, c.Alias, c.Port = portName(name), name, p.Port
	}
	return c
}

// portName names a process's port mapping: Service Connect serves a
// port by the name its task definition gives it.
func portName(process string) string { return process }

// Container health checks: ECS runs the command inside the container
// and replaces a task whose check fails Retries times in a row. It is the
// only probe ECS has of its own (no TCP or HTTP check), so a process the
// load balancer doesn't check is checked this way or not at all.
const (
	healthInterval    = 10
	healthTimeout     = 5
	healthRetries     = 3
	healthStartPeriod = 30
)

// imageHealth are the checks the official images of common private
// servers can run with the tools they ship. Each exits 0 only when the
// server answers. redis-cli's exit code doesn't say whether the server
// answered, so its answer is read; a server with a password answers
// NOAUTH, which is an answer too (the check has no password to give).
var imageHealth = map[string]string{
	"redis":    "redis-cli ping | grep -qE 'PONG|NOAUTH'",
	"valkey":   "valkey-cli ping | grep -qE 'PONG|NOAUTH'",
	"postgres": "pg_isready",
	"mysql":    "mysqladmin ping -h 127.0.0.1",
	"mariadb":  "healthcheck.sh --connect",
	"rabbitmq": "rabbitmq-diagnostics -q ping",
}

// healthCheck is the container check of a process: the manifest's
// health_command, else for a process the load balancer doesn't check the
// ping of its image, else none.
func (d *design) healthCheck(name string, p *manifest.Process) *HealthCheckProps {
	cmd := p.HealthCommand
	if cmd == "" && !d.m.IsPublic(name) {
		cmd = imageHealth[imageName(p.Image)]
	}
	if cmd == "" {
		return nil
	}
	return &HealthCheckProps{Command: cmd, Interval: healthInterval, Timeout: healthTimeout, Retries: healthRetries, StartPeriod: healthStartPeriod}
}

// imageName is an image reference's repository, without registry, tag or
// digest: "redis" for "redis:7" and "public.ecr.aws/docker/library/redis".
func imageName(image string) string {
	if i := strings.LastIndex(image, "/"); i >= 0 {
		image = image[i+1:]
	}
	if i := strings.IndexAny(image, ":@"); i >= 0 {
		image = image[:i]
	}
	return image
}

// privateReason is why a private process's service exists and how it is
// checked: it has no load balancer to watch it.
func privateReason(name string, p *manifest.Process, hc *HealthCheckProps) string {
	checked := "replacing any that stop; no load balancer checks a private process and its image has no check mvi knows, so only stopping is seen: set health_command to have ECS check it answers"
	if hc != nil {
		checked = fmt.Sprintf("replacing any that stop or fail `%s` (run in the container every %d s)", hc.Command, hc.Interval)
	}
	return fmt.Sprintf("keeps %d %s container(s) running, %s; the app's other processes reach it as %s:%d, the internet never does",
		p.Count, name, checked, name, p.Port)
}

// Service Connect tells a task the names that exist when it starts: a
// task started before the service it dials made its name never learns
// it. So a process's service waits for the services of the processes it
// references (${processes.NAME.…}), and a second up that adds one rolls
// the referencing process (its environment changed). A cycle of
// references can't be ordered: its last link is left out, and that
// process learns the name at its next deployment.

// references are the processes whose ${processes.NAME.…} the process's
// environment names, other than itself, that have a port.
func references(m *manifest.Manifest, name string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range mergeEnv(m.Env, m.Processes[name].Env) {
		parts, err := manifest.SplitRefs(v)
		if err != nil {
			continue
		}
		for _, p := range parts {
			if r := p.Ref; r != nil && r.Kind == "processes" && r.Name != name && !seen[r.Name] {
				if q := m.Processes[r.Name]; q != nil && q.Port != 0 {
					seen[r.Name] = true
					out = append(out, r.Name)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// serverDeps are the services a process's service waits for: those of
// the processes it references, unless that would close a cycle.
func (d *design) serverDeps(name string) []string {
	if !d.has(IDNamespace) {
		return nil
	}
	var out []string
	for _, q := range references(d.m, name) {
		if !d.waitsFor(q, name, map[string]bool{}) {
			d.waits = append(d.waits, [2]string{name, q})
			out = append(out, ServiceID(q))
		}
	}
	return out
}

// waitsFor reports whether from already waits, through the edges kept so
// far, for to.
func (d *design) waitsFor(from, to string, seen map[string]bool) bool {
	if from == to {
		return true
	}
	if seen[from] {
		return false
	}
	seen[from] = true
	for _, e := range d.waits {
		if e[0] == from && d.waitsFor(e[1], to, seen) {
			return true
		}
	}
	return false
}

// dependencyOrder puts every resource after what it depends on, keeping
// the rules' order otherwise: a service that waits for another process's
// service moves after it.
func dependencyOrder(rs []Resource) []Resource {
	out := make([]Resource, 0, len(rs))
	done := map[string]bool{}
	left := rs
	for len(left) > 0 {
		var later []Resource
		for _, r := range left {
			ready := true
			for _, dep := range r.DependsOn {
				ready = ready && done[dep]
			}
			if ready {
				out = append(out, r)
				done[r.ID] = true
				continue
			}
			later = append(later, r)
		}
		if len(later) == len(left) {
			return append(out, later...) // a dangling dependency: Check names it
		}
		left = later
	}
	return out
}
