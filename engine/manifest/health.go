package manifest

import "fmt"

// checkPrivateHealth refuses a health path written on a private process:
// the path is what the load balancer requests, and no load balancer
// reaches a private process, so it would check nothing while reading as
// if it did. ECS checks such a process by a command in its container.
func (d *decoder) checkPrivateHealth(m *Manifest) {
	for _, name := range m.ProcessNames() {
		p := m.Processes[name]
		n := d.nodes[joinPath([]string{"processes", name, "health"})]
		if p == nil || n == nil || p.Port == 0 || m.IsPublic(name) {
			continue
		}
		fix := fmt.Sprintf("check it from inside its container instead, e.g. health_command = \"wget -q -O /dev/null http://127.0.0.1:%d%s\" (with a tool its image has), or write public = true", p.Port, p.Health)
		d.c.add(n.at, []string{"processes", name, "health"}, fix,
			"%s is private: health is the path the load balancer checks, and no load balancer reaches %s", name, name)
	}
}
