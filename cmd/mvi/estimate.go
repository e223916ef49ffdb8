package main

import (
	"strings"
	"time"

	"github.com/minimalinfra/mvi/engine/sandbox"
	"github.com/minimalinfra/mvi/steps"
	"github.com/minimalinfra/mvi/tutorials"
)

// readingWPM is a careful reader of technical prose.
const readingWPM = 200

// estimate is how long a tutorial takes at the default speed: its text
// read at readingWPM, a few seconds per question, and what the sandbox
// takes for each step that waits on it (sandbox.TypicalWait). It is an
// estimate from the definition, not a number typed beside it, so it
// follows the tutorial as it changes.
func estimate(t tutorials.Tutorial) time.Duration {
	var d time.Duration
	for _, st := range t.Steps {
		words := len(strings.Fields(steps.Text(st)))
		if a, ok := st.(steps.Ask); ok {
			for _, f := range a.Fields {
				words += len(strings.Fields(f.Prompt + " " + f.Help))
				d += 5 * time.Second // to choose and type an answer
			}
		}
		d += time.Duration(words) * time.Minute / readingWPM
		d += sandbox.TypicalWait(string(st.Kind()))
	}
	return d
}

// minutes rounds an estimate up to whole minutes, at least one.
func minutes(d time.Duration) int { return max(int((d+time.Minute-1)/time.Minute), 1) }
