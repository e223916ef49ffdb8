package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/NimbleMarkets/ntcharts/sparkline"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/minimalinfra/mvi/engine"
)

// openGauges shows the live gauges: from now on each poll reads them too,
// with one GetMetricData for the whole screen. The poll in flight (read
// without them) is dropped, so the first picture comes at once.
func (in *inspector) openGauges() tea.Cmd {
	in.gauging, in.detail = true, false
	in.gen++
	in.loading = false
	return in.poll()
}

// gaugeEvents is how many of a process's newest ECS service events show
// under its charts.
const gaugeEvents = 3

// gaugeLabelW and gaugeValueW frame each chart: "requests ▁▂▅█ 12/min".
const (
	gaugeLabelW = 9
	gaugeValueW = 10
)

// gaugesView draws every subject's series as one-line charts over the last
// hour, newest on the right, with the newest value beside each.
func (in *inspector) gaugesView() string {
	st := in.env.st
	head := " " + st.Title.Render("Gauges") + st.Muted.Render(" · the last hour, newest on the right")
	switch {
	case in.gerr != nil:
		return head + "\n " + st.Err.Render("✗ ") + in.gerr.Error()
	case in.gauges == nil:
		return head + "\n " + st.Warn.Render("◐") + " Reading the metrics…"
	case len(in.gauges.Subjects) == 0:
		return head + "\n " + st.Muted.Render("Nothing here publishes metrics yet: no load balancer and no process runs.")
	}
	chartW := max(in.w-2-gaugeLabelW-gaugeValueW-2, 10)
	lines := []string{head}
	for _, s := range in.gauges.Subjects {
		title := " " + st.Title.Render(s.Name)
		if s.Running != "" {
			title += st.Muted.Render("  running/desired " + s.Running)
		}
		lines = append(lines, title)
		for _, se := range s.Series {
			val := st.Muted.Render("no data")
			if v, ok := se.Last(); ok {
				val = gaugeValue(v, se.Unit)
			}
			lines = append(lines, fmt.Sprintf("   %-*s%s  %s", gaugeLabelW, se.Metric, chart(se, in.gauges.At, chartW), val))
		}
		for _, e := range in.events[s.Name] {
			lines = append(lines, "   "+st.Muted.Render(e.At.UTC().Format("15:04:05")+" ")+e.Message)
		}
	}
	return strings.Join(lines, "\n")
}

// chart draws a series as a one-line sparkline w cells wide spanning the
// window up to at, so a column always means the same minutes and a minute
// with no point stays blank instead of sliding the rest left.
func chart(s engine.Series, at time.Time, w int) string {
	cols := make([]float64, w)
	start := at.Add(-engine.GaugeWindow)
	for i, t := range s.Times {
		c := int(float64(t.Sub(start)) / float64(engine.GaugeWindow) * float64(w))
		if c < 0 || c >= w {
			continue
		}
		cols[c] = max(cols[c], s.Values[i]) // a column of several minutes shows its worst
	}
	sl := sparkline.New(w, 1)
	sl.PushAll(cols)
	sl.Draw()
	return sl.View()
}

// gaugeValue is a value as a person reads it in its unit.
func gaugeValue(v float64, unit string) string {
	switch unit {
	case "s":
		if v > 0 && v < 0.001 {
			return "<1 ms"
		}
		if v < 1 {
			return fmt.Sprintf("%.0f ms", v*1000)
		}
		return fmt.Sprintf("%.2f s", v)
	case "%":
		return fmt.Sprintf("%.1f%%", v)
	}
	return fmt.Sprintf("%.0f%s", v, unit)
}
