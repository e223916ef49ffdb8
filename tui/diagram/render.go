// Package diagram draws an architecture the way the Minimal Infrastructure
// book does: a VPC box holding VMs that hold containers, the load balancer
// joined into the VPC's top border, the database beneath the VMs, and the
// other services in a row below. It is a pure function of the architecture
// and the options, so the TUI, `mvi diagram` and tests all get the same
// picture.
package diagram

import (
	"github.com/minimalinfra/mvi/engine/arch"
)

// Options say how to draw.
type Options struct {
	// Width is the cells available. Any width from 80 up always fits; below
	// that the diagram shrinks as far as it can without breaking a box.
	// Zero or less means no limit: the book's picture at its natural size.
	Width int
	// Highlight draws a service's boxes heavy (┏━┓), the rest light (┌─┐):
	// how the book shows what a chapter adds.
	Highlight map[arch.Service]bool
	// States by resource logical id. The VPC box shows arch.IDVPC's, the
	// VMs VMKey(n)'s or else arch.IDAutoScalingGroup's, containers
	// TaskKey(process, n)'s or else arch.ServiceID(process)'s, the load balancer arch.IDLoadBalancer's;
	// the database and the services beneath the VPC show ServiceState over
	// all their resources.
	States map[string]State
	// Color paints each box in its state's colour (and highlighted boxes
	// bold). False writes no escape sequences at all, for NO_COLOR; the
	// state glyphs show state either way.
	Color bool
}

// Render draws the architecture as lines of box-drawing text joined by
// "\n", every line the same width, with no trailing newline.
func Render(a arch.Architecture, o Options) string {
	sc := newScene(a, o)
	g := sc.fit(o.Width)
	c := newCanvas(g.w, g.h)
	sc.draw(c, g)
	var pal *[16]sgr
	if o.Color {
		pal = styles()
	}
	return c.String(pal)
}

func (sc *scene) draw(c *canvas, g geom) {
	p, l := g.p, g.p.level
	inner := g.vpcW - 2

	vst := sc.vpc.st()
	c.box(0, g.vpcY, g.vpcW, g.vpcH, weight(sc.vpc.heavy), vst)
	c.centered(1, g.vpcY+g.vpcH-2, inner, sc.vpc.label[l], vst)
	if sc.lb != nil {
		sc.drawLB(c, g)
	}

	y := g.vmsY
	for r := 0; r*p.vmCols < len(sc.vms); r++ {
		h := sc.rowH(r, p)
		for i := r * p.vmCols; i < min((r+1)*p.vmCols, len(sc.vms)); i++ {
			sc.drawVM(c, g, i, g.vmsX+(i-r*p.vmCols)*g.vmW, y, h)
		}
		y += h
	}

	x := 1 + (inner-sc.insideW(l))/2
	for i := range sc.inside {
		n := &sc.inside[i]
		w := n.width[l] + 2
		c.box(x, g.dbY, w, 3, weight(n.heavy), n.st())
		c.text(x+1, g.dbY+1, n.label[l], n.st())
		x += w
	}

	sc.rowLayout(p, func(i, x, row int) {
		n := &sc.row[i]
		y := g.svcY + 3*row
		c.box(x, y, n.width[p.rowLevel]+2, 3, weight(n.heavy), n.st())
		c.text(x+1, y+1, n.label[p.rowLevel], n.st())
	})
}

// drawLB draws the load balancer as the book does: its box spans the VPC,
// its top pokes out above, and its label line is the VPC's top border, the
// box's sides joined into it (┌┤ LB ├┐).
func (sc *scene) drawLB(c *canvas, g geom) {
	lb := sc.lb
	st := lb.st()
	w := g.vpcW - 2
	c.box(1, 0, w, 3, weight(lb.heavy), st)
	for x := 2; x < w; x++ {
		c.set(x, 1, ' ', 0)
	}
	left, right := joins(lb.heavy, sc.vpc.heavy)
	c.set(1, 1, left, st)
	c.set(w, 1, right, st)
	label := lb.label[g.lbLevel]
	if g.lbRoutes {
		label = sc.lbRoutes
	}
	c.centered(2, 1, w-2, label, st)
}

// joins are the LB's sides where they cross the VPC's top border. A heavy
// LB uses ┫ ┣ on any border, as the book's load balancer chapter does; a
// light one on a heavy VPC keeps the border's stub heavy (┥ ┝).
func joins(lbHeavy, vpcHeavy bool) (rune, rune) {
	switch {
	case lbHeavy:
		return '┫', '┣'
	case vpcHeavy:
		return '┥', '┝'
	}
	return '┤', '├'
}

// drawVM draws VM i at x, y, h tall, with its containers along the top and
// its label on the bottom line, as in the book.
func (sc *scene) drawVM(c *canvas, g geom, i, x, y, h int) {
	p, l := g.p, g.p.level
	v := &sc.vms[i]
	inner := g.vmW - 2
	c.box(x, y, g.vmW, h, weight(v.heavy), v.st())
	c.centered(x+1, y+h-2, inner, v.label[l], v.st())

	ts := v.tasks
	if p.cols == 0 {
		// The book's single row: each box as wide as its own label, the
		// row centered in the VM ("     ┌─────┐     " under VM 2).
		cx := x + 1 + (inner-sc.contentW(i, p))/2
		for j := range ts {
			t := &ts[j]
			w := t.width[l] + 2
			c.box(cx, y+1, w, 3, borderOf(t.heavy, t.private), t.st())
			c.text(cx+1, y+2, t.label[l], t.st())
			cx += w
		}
		return
	}
	// A grid of equal boxes, so the columns line up across rows and VMs;
	// a last short row stays left-aligned under the full ones.
	cw := sc.taskW[l] + 2
	x0 := x + 1 + (inner-sc.contentW(i, p))/2
	for j := range ts {
		t := &ts[j]
		cx, cy := x0+(j%p.cols)*cw, y+1+(j/p.cols)*3
		c.box(cx, cy, cw, 3, borderOf(t.heavy, t.private), t.st())
		c.centered(cx+1, cy+1, cw-2, t.label[l], t.st())
	}
}
