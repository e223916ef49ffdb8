package main

import (
	"fmt"
	"io"
	"sync"

	"github.com/minimalinfra/mvi/engine"
)

// printEvents writes one plain line per event until the channel closes;
// the returned wait blocks until the last line is out.
func printEvents(w io.Writer, events <-chan engine.Event) (wait func()) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for e := range events {
			fmt.Fprintln(w, e.String())
		}
	}()
	return wg.Wait
}
