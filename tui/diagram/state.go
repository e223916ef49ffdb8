package diagram

import (
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/charmbracelet/lipgloss"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/muesli/termenv"
)

// State is where a resource is in its life, as far as the diagram cares.
// The zero value, Unknown, draws no glyph and no colour: a diagram of a
// design that was never applied.
type State int

// The states a box can show.
const (
	Unknown State = iota
	Planned
	Creating
	Ready
	Failed
	Deleting
	// Drifted: changed outside mvi; the next apply puts it back.
	Drifted
)

var stateNames = [...]string{"unknown", "planned", "creating", "ready", "failed", "deleting", "drifted"}

func (s State) String() string {
	if s < 0 || int(s) >= len(stateNames) {
		return "state(" + strconv.Itoa(int(s)) + ")"
	}
	return stateNames[s]
}

// Glyph is the one-cell mark put before a label, so state reads without
// colour (NO_COLOR, screen captures, colour-blind readers). The shapes go
// from empty to full as a resource comes up: planned ○, creating ◐, ready ●;
// failed ✗ stands apart, deleting ◌ is the circle fading out, and drifted ≠
// is a box that no longer equals its design. ○ ◐ ● are East Asian "ambiguous"
// width, like every box-drawing rune, so a terminal set to draw ambiguous
// runes wide breaks the whole diagram anyway, not just the glyphs.
func Glyph(s State) string {
	switch s {
	case Planned:
		return "○"
	case Creating:
		return "◐"
	case Ready:
		return "●"
	case Failed:
		return "✗"
	case Deleting:
		return "◌"
	case Drifted:
		return "≠"
	}
	return ""
}

// rank orders states by how much a person needs to see them: a box that
// holds a failed resource must say failed even if the rest is ready, and
// one resource still being made means the service is not ready yet.
func rank(s State) int {
	switch s {
	case Failed:
		return 6
	case Drifted:
		return 5
	case Deleting:
		return 4
	case Creating:
		return 3
	case Planned:
		return 2
	case Ready:
		return 1
	}
	return 0
}

// ServiceState is the state a service's box shows: the worst or most active
// state among its resources (Failed > Deleting > Creating > Planned >
// Ready). Resources without a state are ignored; Unknown when none has one.
func ServiceState(a arch.Architecture, s arch.Service, states map[string]State) State {
	if len(states) == 0 {
		return Unknown
	}
	best := Unknown
	for _, r := range a.Resources {
		if r.Service != s {
			continue
		}
		if st := states[r.ID]; rank(st) > rank(best) {
			best = st
		}
	}
	return best
}

// style is what a cell is painted with: the state's colour in the low bits
// and bold (a highlighted box) in bit 3. Zero is unstyled.
type style uint8

const boldBit style = 8

func styleOf(s State, heavy bool) style {
	st := style(0)
	if s > Unknown && s <= Drifted {
		st = style(s)
	}
	if heavy {
		st |= boldBit
	}
	return st
}

// stateColor is a basic ANSI colour so the diagram follows the person's
// terminal theme rather than fixed RGB.
var stateColor = [...]lipgloss.Color{
	Planned:  "8", // dim gray: not there yet
	Creating: "3", // yellow
	Ready:    "2", // green
	Failed:   "1", // red
	Deleting: "5", // magenta
	Drifted:  "6", // cyan: not mvi's doing
}

// sgr holds the escape sequences around a run of cells of one style.
type sgr struct{ pre, suf string }

var (
	paletteOnce sync.Once
	palette     [16]sgr
)

// styles renders each style once through a lipgloss renderer forced to
// ANSI256 (writing to io.Discard, so it never asks the terminal anything)
// and keeps the sequences around a sample: output is the same on every
// machine, and Render pays for lipgloss once per process, not per cell run.
func styles() *[16]sgr {
	paletteOnce.Do(func() {
		r := lipgloss.NewRenderer(io.Discard)
		r.SetColorProfile(termenv.ANSI256)
		for i := 1; i < len(palette); i++ {
			st := style(i)
			c := State(st &^ boldBit)
			if c > Drifted {
				continue // no state has these bits
			}
			s := r.NewStyle().Bold(st&boldBit != 0)
			if c != Unknown {
				s = s.Foreground(stateColor[c])
			}
			out := s.Render("x")
			if i := strings.Index(out, "x"); i >= 0 {
				palette[st] = sgr{pre: out[:i], suf: out[i+1:]}
			}
		}
	})
	return &palette
}

// vmKeyPrefix starts the States key of one VM as drawn: VMs have no
// logical id of their own (the Auto Scaling group makes them).
const vmKeyPrefix = "vm/"

// VMKey is the States key of the n-th VM drawn (1-based): a VM shows its
// own state under it (the one a "break" step terminated), else its Auto
// Scaling group's.
func VMKey(n int) string { return vmKeyPrefix + strconv.Itoa(n) }

// IsVMKey reports whether a States key is one VM's.
func IsVMKey(k string) bool { return strings.HasPrefix(k, vmKeyPrefix) }

// taskKeyPrefix starts the States key of one container as drawn.
const taskKeyPrefix = "task/"

// TaskKey is the States key of container n of a process as drawn
// (arch.Task's N): a container shows its own state when the caller knows
// it (the cloud's tasks), else its service's.
func TaskKey(process string, n int) string {
	return taskKeyPrefix + process + "/" + strconv.Itoa(n)
}

// IsTaskKey reports whether a States key is one container's.
func IsTaskKey(k string) bool { return strings.HasPrefix(k, taskKeyPrefix) }
