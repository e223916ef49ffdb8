package diagram

import (
	"strconv"
	"strings"

	"github.com/minimalinfra/mvi/engine/arch"
)

// levels of label abbreviation fit may ask for, from the book's words to
// the tersest that still tells boxes apart.
const (
	full      = iota // "Load Balancer", "Database", "worker 1"
	shortSvc         // services by their short names: "LB", "DB", "Reg"
	shortProc        // and process names cut to 5 cells: "work… 1"
	tiny             // and process names cut to 3 cells: "wo… 1"
	levels
)

// kind says how a box's label shortens.
type kind uint8

const (
	serviceBox kind = iota
	containerBox
)

// node is one labelled box. Labels are built for every level up front:
// fit measures each level many times and draw uses one.
type node struct {
	label [levels]string
	width [levels]int // cells of label, glyph included
	state State
	heavy bool
	// private: a container of a process the load balancer doesn't reach
	// (drawn dashed).
	private bool
}

func (n *node) st() style { return styleOf(n.state, n.heavy) }

// newNode builds the labels of a box. num > 0 is a container's number.
func newNode(k kind, name, short string, num int, s State, heavy bool) node {
	n := node{state: s, heavy: heavy}
	prefix := ""
	if g := Glyph(s); g != "" {
		prefix = g + " "
	}
	suffix := ""
	if num > 0 {
		suffix = " " + strconv.Itoa(num)
	}
	for l := 0; l < levels; l++ {
		text := name
		switch {
		case k == serviceBox && l >= shortSvc && short != "":
			text = short
		case k == containerBox:
			text = cutName(name, l)
		}
		n.label[l] = prefix + text + suffix
		n.width[l] = textWidth(n.label[l])
	}
	return n
}

// vm is a VM box and the containers placed on it.
type vm struct {
	node
	tasks []node
}

// scene is everything the diagram shows, before any geometry: built once
// per Render from the architecture and the options.
type scene struct {
	vpc node
	lb  *node // nil: no load balancer, a plain VPC top border
	// lbRoutes is the load balancer's label with its routes, when it has
	// more than one ("Load Balancer: /api/* api, else web"); drawn instead
	// of the name when the VPC is wide enough.
	lbRoutes  string
	lbRoutesW int
	vms       []vm
	// inside are the rented services in the private subnets, drawn in a
	// row beneath the VMs: the Database, and the KV service when it is a
	// Redis (DynamoDB lives outside the VPC, in the row below it).
	inside []node
	row    []node // the standalone services beneath the VPC, book order

	maxTasks int // most containers on one VM
	// taskW[l] is the widest container label at level l: every container
	// box in a stacked grid gets this width so the grid's columns line up.
	taskW [levels]int
	// clash[l] is set when level l cuts two process names to the same
	// label ("worker" and "workers" both "work…"): fit never picks it,
	// because a diagram that can't tell containers apart teaches nothing.
	clash [levels]bool
}

// rowServices are the services drawn as their own boxes beneath the VPC, in
// the book's order. VPC, VM and Container are the frames above, and the
// Load Balancer and Database sit inside them.
var rowServices = []struct {
	svc   arch.Service
	short string
}{
	{arch.Crypto, ""},
	{arch.Registry, "Reg"},
	{arch.Log, ""},
	{arch.Metric, "Met"},
	{arch.KV, ""},
	{arch.Blob, ""},
	{arch.SharedFS, "FS"},
}

func newScene(a arch.Architecture, o Options) *scene {
	hl := func(s arch.Service) bool { return o.Highlight[s] }
	sc := &scene{
		vpc: newNode(serviceBox, "VPC", "", 0, o.States[arch.IDVPC], hl(arch.VPC)),
	}
	if _, ok := a.Get(arch.IDLoadBalancer); ok {
		lb := newNode(serviceBox, string(arch.LoadBalancer), "LB", 0, o.States[arch.IDLoadBalancer], hl(arch.LoadBalancer))
		sc.lb = &lb
		if rs := a.Routes(); len(rs) > 1 {
			var parts []string
			for _, r := range rs[:len(rs)-1] {
				parts = append(parts, r.Pattern+" "+r.Process)
			}
			sc.lbRoutes = lb.label[full] + ": " + strings.Join(parts, ", ") + ", else " + rs[len(rs)-1].Process
			sc.lbRoutesW = textWidth(sc.lbRoutes)
		}
	}

	// One VM holding one container of each process is the book's Hello
	// World: the containers go by the process name alone ("web").
	bare := len(a.Placement) == 1
	if bare {
		seen := map[string]bool{}
		for _, t := range a.Placement[0] {
			if seen[t.Process] {
				bare = false
			}
			seen[t.Process] = true
		}
	}
	private := privateProcesses(a)
	sc.vms = make([]vm, len(a.Placement))
	for i, tasks := range a.Placement {
		name := "VM"
		if len(a.Placement) > 1 {
			name = "VM " + strconv.Itoa(i+1)
		}
		s, ok := o.States[VMKey(i+1)]
		if !ok {
			s = o.States[arch.IDAutoScalingGroup]
		}
		v := vm{node: newNode(serviceBox, name, "", 0, s, hl(arch.VM))}
		v.tasks = make([]node, len(tasks))
		for j, t := range tasks {
			num := t.N
			if bare {
				num = 0
			}
			ts, own := o.States[TaskKey(t.Process, t.N)]
			if !own {
				ts = o.States[arch.ServiceID(t.Process)]
			}
			if ok && (s == Failed || s == Creating) {
				// No container runs on a lost VM or on one still booting,
				// whatever its service says of the others.
				ts = s
			}
			v.tasks[j] = newNode(containerBox, t.Process, "", num, ts, hl(arch.Container))
			v.tasks[j].private = private[t.Process]
			for l := range sc.taskW {
				sc.taskW[l] = max(sc.taskW[l], v.tasks[j].width[l])
			}
		}
		sc.maxTasks = max(sc.maxTasks, len(tasks))
		sc.vms[i] = v
	}
	for l := shortProc; l < levels; l++ {
		cut := map[string]string{}
		for _, tasks := range a.Placement {
			for _, t := range tasks {
				k := cutName(t.Process, l)
				if p, ok := cut[k]; ok && p != t.Process {
					sc.clash[l] = true
				}
				cut[k] = t.Process
			}
		}
	}
	if a.Has(arch.Database) {
		sc.inside = append(sc.inside, newNode(serviceBox, string(arch.Database), "DB", 0, ServiceState(a, arch.Database, o.States), hl(arch.Database)))
	}
	_, redis := a.Get(arch.IDCache)
	if redis {
		sc.inside = append(sc.inside, newNode(serviceBox, string(arch.KV), "", 0, ServiceState(a, arch.KV, o.States), hl(arch.KV)))
	}
	for _, rs := range rowServices {
		if rs.svc == arch.KV && redis {
			continue
		}
		if a.Has(rs.svc) {
			sc.row = append(sc.row, newNode(serviceBox, string(rs.svc), rs.short, 0, ServiceState(a, rs.svc, o.States), hl(rs.svc)))
		}
	}
	return sc
}

// cutName is a process name as level l prints it.
func cutName(name string, l int) string {
	switch l {
	case shortProc:
		return truncate(name, 5)
	case tiny:
		return truncate(name, 3)
	}
	return name
}

// privateProcesses are the processes with a port that no target group
// serves: other processes reach them by name, the internet can't.
func privateProcesses(a arch.Architecture) map[string]bool {
	out := map[string]bool{}
	for _, r := range a.Resources {
		if p, ok := r.Props.(arch.TaskDefinitionProps); ok && p.Port != 0 {
			out[p.Process] = true
		}
	}
	for _, r := range a.Resources {
		if p, ok := r.Props.(arch.ServiceProps); ok && p.TargetGroup != "" {
			delete(out, p.Process)
		}
	}
	return out
}

// insideW is the cells the row of inside services takes at level l.
func (sc *scene) insideW(l int) int {
	w := 0
	for i := range sc.inside {
		w += sc.inside[i].width[l] + 2
	}
	return w
}
