package engine

import (
	"fmt"
	"time"

	"github.com/minimalinfra/mvi/engine/arch"
)

// Action is what a plan does to one resource.
type Action string

const (
	Create  Action = "create"
	Update  Action = "update"
	Replace Action = "replace"
	Delete  Action = "delete"
	NoOp    Action = "no-op"
)

// Symbol is the one-character mark plans and progress lines use.
func (a Action) Symbol() string {
	switch a {
	case Create:
		return "+"
	case Update:
		return "~"
	case Replace:
		return "±"
	case Delete:
		return "-"
	}
	return "="
}

// Phase is where an action is.
type Phase string

const (
	PhaseStart  Phase = "start"  // the first call is being made
	PhaseWait   Phase = "wait"   // made; waiting for the cloud to finish
	PhaseRetry  Phase = "retry"  // a call failed in a way worth trying again
	PhaseDone   Phase = "done"   // finished and ready
	PhaseFailed Phase = "failed" // gave up; Err says why
)

// Event is one step of progress. The TUI and the plain printer read the
// fields; nothing parses String.
type Event struct {
	ID      string        `json:"id"`
	Service arch.Service  `json:"service"`
	Type    string        `json:"type"`
	Action  Action        `json:"action"`
	Phase   Phase         `json:"phase"`
	Detail  string        `json:"detail,omitempty"`
	Time    time.Time     `json:"time"`
	Elapsed time.Duration `json:"elapsed"` // since this resource started
	Err     error         `json:"-"`
	// Log marks Detail as a line of the step's own output (a build's
	// log), not a word about the step's state.
	Log bool `json:"log,omitempty"`
	// Uses is the resource the step was working with when it said Detail:
	// a build's Registry, KV table or Blob bucket.
	Uses  string `json:"uses,omitempty"`
	Done  int    `json:"done"`  // resources finished so far
	Total int    `json:"total"` // resources this run touches
}

// String is one readable line, for logs and non-terminal output.
func (e Event) String() string {
	s := fmt.Sprintf("%s %-7s %-28s %-6s", e.Action.Symbol(), e.Action, e.ID, e.Phase)
	if e.Detail != "" {
		s += " " + e.Detail
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	if e.Phase == PhaseDone || e.Phase == PhaseFailed {
		s += fmt.Sprintf(" (%d/%d, %.1fs)", e.Done, e.Total, e.Elapsed.Seconds())
	}
	return s
}
