package tui

import (
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/steps"
)

// Catalog is what the wizard needs of the tutorials: what there is, with
// progress, a tutorial's steps to run, and a place to keep progress. The
// tutorials package implements it through an adapter in cmd/mvi, so this
// package depends only on the step contract.
type Catalog interface {
	// List is every tutorial in the order the home screen shows them.
	List() ([]Entry, error)
	// Open loads one tutorial ready to run (or resume).
	Open(id string) (*Tutorial, error)
	// Review loads a finished tutorial at its first step with its saved
	// session (answers, manifest) and Done set, so it is gone through again
	// without losing the progress.
	Review(id string) (*Tutorial, error)
	// Save records that the steps before next are done.
	Save(id string, next int, s *steps.Session) error
	// Reset forgets a tutorial's progress.
	Reset(id string) error
}

// Entry is one line of the home screen.
type Entry struct {
	ID, Title, Summary string
	Steps              int // how many steps it has
	Done               int // how many are done (saved progress)
	// Minutes is how long it takes at the default speed, 0 when unknown.
	Minutes int
}

// Tutorial is one runnable list of steps.
type Tutorial struct {
	ID, Title string
	Steps     []steps.Step
	// Start is the step to resume at (0: the beginning).
	Start int
	// Done is how many steps are done, when more than Start: a finished
	// tutorial reviewed from the start keeps its progress, and its steps
	// are shown rather than run again.
	Done int
	// Session is the resumed session; nil starts a fresh one.
	Session *steps.Session
	// Highlight[i] are services step i draws heavy besides what the last
	// design added (the tutorial's own emphasis); may be short or nil.
	Highlight [][]arch.Service
}
