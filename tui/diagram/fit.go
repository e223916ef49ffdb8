package diagram

// params are the knobs fit turns to make a diagram narrower. The VPC and
// the service row beneath it are fitted apart: a row too wide for the
// width must not shorten the labels inside the VPC, nor the reverse. The
// zero value with indent 1 is the book's picture.
type params struct {
	level  int // the VPC's label abbreviation, full .. tiny
	cols   int // containers per row inside a VM; 0: all in one row, each as wide as its label
	vmCols int // VMs per row inside the VPC; 0: all side by side

	rowLevel int // the service row's label abbreviation: full or shortSvc
	indent   int // the service row starts this far right: 1 lines it up with the LB box, as in the book
	rowMax   int // width the service row may take before it wraps; 0: never wraps
}

// geom is where everything goes for one choice of params: measure computes
// it cheaply so fit can try many, and draw follows it.
type geom struct {
	p          params
	w, h       int // the whole diagram
	rowW       int // the service row's widest line
	vpcY       int // the VPC's top border: 1 when the LB's box pokes above it
	vpcW, vpcH int
	lbLevel    int  // level of the LB's label: the long name only when it fits
	lbRoutes   bool // the LB's label lists its routes
	vmW        int  // outer width of every VM, so rows of VMs line up
	vmsX, vmsY int
	dbY        int
	svcY       int
}

// norm turns "as many as there are" into 0, so equal layouts compare equal
// and draw has one case for the book's single row.
func (sc *scene) norm(p params) params {
	if p.cols >= sc.maxTasks {
		p.cols = 0
	}
	if p.vmCols <= 0 || p.vmCols > len(sc.vms) {
		p.vmCols = len(sc.vms)
	}
	return p
}

// contentW is the width VM i's containers take.
func (sc *scene) contentW(i int, p params) int {
	ts := sc.vms[i].tasks
	if p.cols == 0 {
		w := 0
		for j := range ts {
			w += ts[j].width[p.level] + 2
		}
		return w
	}
	return min(p.cols, len(ts)) * (sc.taskW[p.level] + 2)
}

// vmH is VM i's own height: its rows of containers, its label line and its
// border.
func (sc *scene) vmH(i int, p params) int {
	n := len(sc.vms[i].tasks)
	rows := 0
	switch {
	case n == 0:
	case p.cols == 0:
		rows = 1
	default:
		rows = (n + p.cols - 1) / p.cols
	}
	return 3*rows + 3
}

// rowH is the height of row r of VMs: the VMs side by side are drawn
// equally tall, as in the book, with their labels on one line.
func (sc *scene) rowH(r int, p params) int {
	h := 0
	for i := r * p.vmCols; i < min((r+1)*p.vmCols, len(sc.vms)); i++ {
		h = max(h, sc.vmH(i, p))
	}
	return h
}

// rowLayout flows the service boxes left to right, wrapping before a box
// that would cross rowMax, and reports the widest row and the row count.
// place, when set, receives each box's position.
func (sc *scene) rowLayout(p params, place func(i, x, row int)) (w, rows int) {
	x, row := p.indent, 0
	for i := range sc.row {
		bw := sc.row[i].width[p.rowLevel] + 2
		if p.rowMax > 0 && x+bw > p.rowMax && x > p.indent {
			x, row = p.indent, row+1
		}
		if place != nil {
			place(i, x, row)
		}
		x += bw
		w = max(w, x)
	}
	if len(sc.row) > 0 {
		rows = row + 1
	}
	return w, rows
}

func (sc *scene) measure(p params) geom {
	p = sc.norm(p)
	g := geom{p: p}
	inner := sc.vpc.width[p.level]
	vmInner := 0
	for i := range sc.vms {
		vmInner = max(vmInner, sc.contentW(i, p), sc.vms[i].width[p.level])
	}
	g.vmW = vmInner + 2
	block := p.vmCols * g.vmW
	inner = max(inner, block)
	if len(sc.inside) > 0 {
		inner = max(inner, sc.insideW(p.level))
	}
	if sc.lb != nil {
		// The LB box spans the VPC less its border; its label wants a
		// space each side so it doesn't touch the joins.
		inner = max(inner, sc.lb.width[shortSvc]+4)
		g.lbLevel = shortSvc
		// The book writes "LB" in the narrow Hello World and "Load
		// Balancer" in the wide pictures: the long name needs two spaces
		// each side, or it reads as crammed.
		if p.level == full && sc.lb.width[full]+6 <= inner {
			g.lbLevel = full
			// Its routes ride along where the VPC is wide enough anyway:
			// they never widen the picture.
			g.lbRoutes = sc.lbRoutes != "" && sc.lbRoutesW+6 <= inner
		}
	}
	g.vpcW = inner + 2
	g.vmsX = 1 + (inner-block)/2

	y := 1
	if sc.lb != nil {
		g.vpcY, y = 1, 3
	}
	g.vmsY = y
	for r := 0; r*p.vmCols < len(sc.vms); r++ {
		y += sc.rowH(r, p)
	}
	if len(sc.inside) > 0 {
		g.dbY = y
		y += 3
	}
	y += 2 // the VPC's label line and bottom border
	g.vpcH = y - g.vpcY
	g.svcY = y
	rw, rows := sc.rowLayout(p, nil)
	g.rowW = rw
	g.w = max(g.vpcW, rw)
	g.h = y + 3*rows
	return g
}

// fit picks the layout for a width. The book's picture comes first; when
// it is too wide, the VPC and the row each give up, in order, what costs
// the reader least:
//
//  1. the service row's one-cell indent (the VPC has no padding to spare:
//     the book's boxes already touch);
//  2. long labels: services by short name, then process names cut short;
//  3. the single rows: containers stack in a grid inside each VM and VMs
//     wrap onto more rows; the service row wraps. Among the layouts that
//     fit, the least abbreviated wins, then the shortest, so the diagram
//     stays readable and fits a pane's height.
//
// Boxes are never broken. Below the narrowest layout (about 20 cells for
// most apps) the lines come out wider than asked.
func (sc *scene) fit(width int) geom {
	if width <= 0 {
		return sc.measure(params{indent: 1})
	}
	p := sc.fitVPC(width)
	p.rowLevel, p.indent, p.rowMax = sc.fitRow(width)
	return sc.measure(p)
}

func (sc *scene) fitVPC(width int) params {
	for level := full; level < levels; level++ {
		p := params{level: level}
		if !sc.clash[level] && sc.measure(p).vpcW <= width {
			return p
		}
	}
	for level := full; level < levels; level++ {
		if sc.clash[level] {
			continue
		}
		var best geom
		found := false
		for k := max(len(sc.vms), 1); k >= 1; k-- {
			for cols := max(sc.maxTasks, 1); cols >= 1; cols-- {
				g := sc.measure(params{level: level, cols: cols, vmCols: k})
				if g.vpcW > width {
					continue
				}
				if !found || g.vpcH < best.vpcH || (g.vpcH == best.vpcH && g.vpcW < best.vpcW) {
					best, found = g, true
				}
			}
		}
		if found {
			return best.p
		}
	}
	return params{level: tiny, cols: 1, vmCols: 1}
}

func (sc *scene) fitRow(width int) (level, indent, rowMax int) {
	for _, p := range []params{
		{rowLevel: full, indent: 1}, {rowLevel: full}, {rowLevel: shortSvc, indent: 1}, {rowLevel: shortSvc},
	} {
		if w, _ := sc.rowLayout(p, nil); w <= width {
			return p.rowLevel, p.indent, 0
		}
	}
	// Wrapped, the row has room for the full names again.
	p := params{rowLevel: full, indent: 1, rowMax: width}
	if w, _ := sc.rowLayout(p, nil); w <= width {
		return full, 1, width
	}
	return shortSvc, 0, width
}
