package main

import (
	"fmt"
	"io"
	"sync"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/steps"
)

// lines is steps.Output for the engine commands: every event as the one
// line engine.Event.String makes of it, each note after a blank line so
// a summary stands apart from the events above it.
type lines struct {
	mu sync.Mutex // events and notes come from the engine's goroutines
	w  io.Writer
}

func (l *lines) Event(e engine.Event) { l.printf("%s\n", e) }

func (l *lines) Check(c steps.CheckResult) {
	if c.OK {
		l.printf("ok: %s: %s\n", c.Name, c.Detail)
		return
	}
	l.printf("waiting: %s: %s\n", c.Name, c.Detail)
}

func (l *lines) Note(s string) { l.printf("\n%s\n", s) }

func (l *lines) printf(format string, a ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, format, a...)
}

// printEvents writes the events' lines until the channel closes; the
// returned wait blocks until the last line is out.
func printEvents(w io.Writer, events <-chan engine.Event) (wait func()) {
	out := &lines{w: w}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for e := range events {
			out.Event(e)
		}
	}()
	return wg.Wait
}
