package tui

import (
	"context"
	"fmt"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/steps"
	"github.com/minimalinfra/mvi/tui/diagram"
	"github.com/minimalinfra/mvi/tutorials"
)

// applyingApp is the wizard mid-apply of the full 12-service example:
// half the resources ready, a few being made, the rest planned.
func applyingApp(tb testing.TB, w, h int) *App {
	return applyingAppWith(tb, Config{Now: fixedNow}, w, h)
}

func applyingAppWith(tb testing.TB, cfg Config, w, h int) *App {
	a := fullArch(tb)
	t := &Tutorial{ID: "full", Title: "Full", Steps: []steps.Step{steps.Apply{Base: steps.Base{Heading: "Build it"}}},
		Session: &steps.Session{Arch: a, Change: diffAll(a)}}
	app := New(context.Background(), cfg)
	app.Update(tea.WindowSizeMsg{Width: w, Height: h})
	r := newRunner(app.env, t)
	r.phase, r.q = phaseRunning, newQueue(1, 0)
	r.run = 1
	app.run, app.screen = r, screenRunner
	r.setSize(w, h)
	var items []item
	for i, res := range a.Resources {
		ph := engine.PhaseDone
		switch {
		case i > len(a.Resources)*3/4:
			continue
		case i > len(a.Resources)/2:
			ph = engine.PhaseWait
		}
		e := event(res, ph, "waiting for it to be available", i, len(a.Resources))
		items = append(items, item{event: &e})
	}
	for _, res := range a.Resources[len(a.Resources)*3/4:] {
		r.states[res.ID] = diagram.Planned
	}
	app.Update(batchMsg{run: 1, items: items})
	return app
}

// BenchmarkApplyView is the frame during an apply of the full example:
// View pastes what Update prepared; Batch is what one event batch costs
// (fold the events, redraw the diagram, rebuild the pane, then View).
func BenchmarkApplyView(b *testing.B) {
	for _, sz := range sizes {
		app := applyingApp(b, sz.w, sz.h)
		b.Run(fmt.Sprintf("View/%dx%d", sz.w, sz.h), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = app.View()
			}
		})
		a := fullArch(b)
		b.Run(fmt.Sprintf("Batch/%dx%d", sz.w, sz.h), func(b *testing.B) {
			b.ReportAllocs()
			e := event(a.Resources[3], engine.PhaseDone, "", 3, len(a.Resources))
			for b.Loop() {
				app.Update(batchMsg{run: 1, items: []item{{event: &e}}})
				_ = app.View()
			}
		})
	}
}

// burst sends n engine events from a goroutine as fast as the engine
// could, while a loop plays tea.Program (run the drain Cmd, Update, View)
// until all have arrived. It returns the batches (= Update+View calls).
func burst(tb testing.TB, n int, window time.Duration) (batches, views int) {
	app := applyingApp(tb, 120, 40)
	r := app.run
	q := newQueue(2, window)
	r.q, r.run = q, 2
	a := fullArch(tb)
	go func() {
		for i := 0; i < n; i++ {
			res := a.Resources[i%len(a.Resources)]
			q.Event(event(res, engine.PhaseWait, "poll", i%len(a.Resources), len(a.Resources)))
		}
	}()
	got := 0
	for got < n {
		msg := q.drain()()
		bm := msg.(batchMsg)
		got += len(bm.items)
		app.Update(bm)
		_ = app.View()
		batches++
		views++
	}
	q.close()
	return batches, views
}

// BenchmarkEventBurst10k is 10 000 events drained in batches: the metric
// to read is frames/op, which one p.Send per event would make 10 000.
func BenchmarkEventBurst10k(b *testing.B) {
	for _, w := range []time.Duration{0, 30 * time.Millisecond} {
		b.Run("window="+w.String(), func(b *testing.B) {
			b.ReportAllocs()
			total := 0
			for b.Loop() {
				n, _ := burst(b, 10000, w)
				total += n
			}
			b.ReportMetric(float64(total)/float64(b.N), "frames/op")
		})
	}
}

// A burst of 10 000 events must not cost a frame per event. This counts
// frames (Update+View calls), never time.
func TestEventBurstIsBatched(t *testing.T) {
	batches, views := burst(t, 10000, 30*time.Millisecond)
	t.Logf("10000 events: %d batches, %d Update+View", batches, views)
	if views > 100 {
		t.Errorf("10000 events took %d frames; the bridge should batch them", views)
	}
}

// tutorialCatalog is the embedded tutorials with no progress, for the
// start-up measurement.
type tutorialCatalog struct{}

func (tutorialCatalog) List() ([]Entry, error) {
	ts, err := tutorials.List()
	out := make([]Entry, len(ts))
	for i, t := range ts {
		out[i] = Entry{ID: t.ID, Title: t.Title, Summary: t.Summary, Steps: len(t.Steps)}
	}
	return out, err
}
func (tutorialCatalog) Open(string) (*Tutorial, error)         { return nil, nil }
func (tutorialCatalog) Review(string) (*Tutorial, error)       { return nil, nil }
func (tutorialCatalog) Save(string, int, *steps.Session) error { return nil }
func (tutorialCatalog) Reset(string) error                     { return nil }

// BenchmarkStartToFirstFrame is building the root model (styles, keys,
// the catalog read from the embedded tutorials) and drawing the home
// screen once the size is known: the process's work before the first
// frame, less the Go runtime and the terminal set-up.
func BenchmarkStartToFirstFrame(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		app := New(context.Background(), Config{Catalog: tutorialCatalog{}, SetupID: tutorials.InitID, Now: fixedNow})
		app.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		if app.View() == "" {
			b.Fatal("empty frame")
		}
	}
}
