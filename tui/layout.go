package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// fitBlock makes s exactly w cells wide and h lines tall: long lines are
// cut (ANSI-aware), short ones padded, extra lines dropped. Every pane
// goes through it, so the frame is always the terminal's size: a taller
// frame scrolls and jitters in the alt screen.
func fitBlock(s string, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	var b strings.Builder
	for i := 0; i < h; i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		l := ""
		if i < len(lines) {
			l = lines[i]
		}
		b.WriteString(fitLine(l, w))
	}
	return b.String()
}

// fitLine cuts or pads one line to w cells.
func fitLine(l string, w int) string {
	if n := ansi.StringWidth(l); n > w {
		l = ansi.Truncate(l, w, "")
	}
	if n := ansi.StringWidth(l); n < w {
		l += strings.Repeat(" ", w-n)
	}
	return l
}

// joinColumns puts blocks of the same height side by side with a
// one-cell separator column.
func joinColumns(left, sep, right string) string {
	ls, rs := strings.Split(left, "\n"), strings.Split(right, "\n")
	var b strings.Builder
	for i := range ls {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(ls[i])
		b.WriteString(sep)
		if i < len(rs) {
			b.WriteString(rs[i])
		}
	}
	return b.String()
}

// wrap breaks text to width, keeping existing line breaks.
func wrap(s string, width int) string {
	if width <= 0 {
		return s
	}
	return ansi.Wrap(s, width, "")
}

// runnerLayout is the step screen's geometry: a header line, the body
// (explanation left, diagram right), a progress line and a help line.
type runnerLayout struct {
	w, h          int
	leftW, rightW int
	bodyH         int
}

func newRunnerLayout(w, h int) runnerLayout {
	l := runnerLayout{w: max(w, 1), h: max(h, 1)}
	l.bodyH = max(l.h-3, 1)
	if l.w >= 60 {
		l.rightW = min(max((l.w-1)*2/5, 24), 64)
	}
	l.leftW = l.w
	if l.rightW > 0 {
		l.leftW = l.w - l.rightW - 1
	}
	return l
}

// formW is the width forms get: the left pane less a margin.
func (l runnerLayout) formW() int { return max(l.leftW-1, 20) }

// indent prefixes every line of s.
func indent(s, pre string) string {
	return pre + strings.ReplaceAll(s, "\n", "\n"+pre)
}
