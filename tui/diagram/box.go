package diagram

import (
	"strings"

	"github.com/mattn/go-runewidth"
)

// cell is one terminal cell. Boxes are drawn into a grid of cells rather
// than by joining strings, because the book's pictures overlap: the load
// balancer's box sits on the VPC's top border, and joins replace corners.
type cell struct {
	r  rune // 0: the second half of a wide rune, printed by its first half
	st style
}

type canvas struct {
	w, h  int
	cells []cell
}

func newCanvas(w, h int) *canvas {
	c := &canvas{w: w, h: h, cells: make([]cell, w*h)}
	for i := range c.cells {
		c.cells[i].r = ' '
	}
	return c
}

// set ignores cells outside the canvas so a layout mistake shows as a
// clipped box in a test, never as a panic in someone's terminal.
func (c *canvas) set(x, y int, r rune, st style) {
	if x < 0 || y < 0 || x >= c.w || y >= c.h {
		return
	}
	c.cells[y*c.w+x] = cell{r: r, st: st}
}

// text writes s from x and returns the cells it took.
func (c *canvas) text(x, y int, s string, st style) int {
	n := 0
	for _, r := range s {
		w := runewidth.RuneWidth(r)
		if w == 0 {
			continue // combining marks and controls have no cell of their own
		}
		c.set(x+n, y, r, st)
		if w == 2 {
			c.set(x+n+1, y, 0, st)
		}
		n += w
	}
	return n
}

// centered writes s in the middle of the inner width of a box at x, with
// the odd cell of slack on the right, as the book's pictures do ("VM 1 ").
func (c *canvas) centered(x, y, inner int, s string, st style) {
	c.text(x+(inner-textWidth(s))/2, y, s, st)
}

// lines are the runes of one box weight.
type lines struct{ h, v, tl, tr, bl, br rune }

var (
	light = lines{'─', '│', '┌', '┐', '└', '┘'}
	heavy = lines{'━', '┃', '┏', '┓', '┗', '┛'}
	// dashed borders are a private process's containers: inside the app,
	// out of the load balancer's reach.
	lightDashed = lines{'╌', '╎', '┌', '┐', '└', '┘'}
	heavyDashed = lines{'╍', '╏', '┏', '┓', '┗', '┛'}
)

// borderOf is the border of a box: its weight, dashed when private.
func borderOf(heavyBox, private bool) lines {
	switch {
	case private && heavyBox:
		return heavyDashed
	case private:
		return lightDashed
	}
	return weight(heavyBox)
}

func weight(h bool) lines {
	if h {
		return heavy
	}
	return light
}

// box draws the border of a w×h box whose top-left corner is at x, y.
// The inside is left as it is: boxes nest.
func (c *canvas) box(x, y, w, h int, ln lines, st style) {
	if w < 2 || h < 2 {
		return
	}
	for i := x + 1; i < x+w-1; i++ {
		c.set(i, y, ln.h, st)
		c.set(i, y+h-1, ln.h, st)
	}
	for j := y + 1; j < y+h-1; j++ {
		c.set(x, j, ln.v, st)
		c.set(x+w-1, j, ln.v, st)
	}
	c.set(x, y, ln.tl, st)
	c.set(x+w-1, y, ln.tr, st)
	c.set(x, y+h-1, ln.bl, st)
	c.set(x+w-1, y+h-1, ln.br, st)
}

// String prints the canvas, one line per row, every row the same width so
// the diagram is a rectangle a pane can place. Runs of a style are wrapped
// in its escape sequences once; pal nil means no escapes at all.
func (c *canvas) String(pal *[16]sgr) string {
	var b strings.Builder
	b.Grow(c.h * (c.w*3 + 1))
	for y := 0; y < c.h; y++ {
		if y > 0 {
			b.WriteByte('\n')
		}
		row := c.cells[y*c.w : (y+1)*c.w]
		cur := style(0)
		for _, cl := range row {
			if pal != nil && cl.r != 0 && cl.st != cur {
				if cur != 0 {
					b.WriteString(pal[cur].suf)
				}
				if cl.st != 0 {
					b.WriteString(pal[cl.st].pre)
				}
				cur = cl.st
			}
			if cl.r != 0 {
				b.WriteRune(cl.r)
			}
		}
		if cur != 0 {
			b.WriteString(pal[cur].suf)
		}
	}
	return b.String()
}

func textWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runewidth.RuneWidth(r)
	}
	return n
}

// truncate shortens s to at most max cells, ending in "…" when it cuts.
func truncate(s string, max int) string {
	if textWidth(s) <= max {
		return s
	}
	if max < 1 {
		return ""
	}
	n := 0
	for i, r := range s {
		w := runewidth.RuneWidth(r)
		if n+w+1 > max {
			return s[:i] + "…"
		}
		n += w
	}
	return s
}
