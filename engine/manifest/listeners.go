package manifest

import "fmt"

// checkListeners keeps two public processes off one load balancer port.
// The first process with a port (web, else the first by name) answers on
// the load balancer's port 80; every other one on its own port, so a
// second port = 80, or two processes on one port, would both claim one
// listener: AWS refuses the second at apply time, 40 resources in.
func (d *decoder) checkListeners(m *Manifest) {
	taken := map[int]string{}
	first := true
	for _, name := range m.ProcessNames() {
		p := m.Processes[name]
		if p == nil || p.Port == 0 {
			continue
		}
		listen := p.Port
		if first {
			listen, first = 80, false
		}
		if other, ok := taken[listen]; ok {
			path := []string{"processes", name, "port"}
			at := pos{1, 1}
			if n := d.nodes[joinPath(path)]; n != nil {
				at = n.at
			}
			d.c.add(at, path, fmt.Sprintf("give %s a port of its own, e.g. port = %d: the load balancer answers for it there", name, freePort(taken)),
				"the load balancer's port %d is already %s's: %s would need the same listener", listen, other, name)
			continue
		}
		taken[listen] = name
	}
}

func freePort(taken map[int]string) int {
	for p := 8080; ; p++ {
		if _, ok := taken[p]; !ok {
			return p
		}
	}
}
