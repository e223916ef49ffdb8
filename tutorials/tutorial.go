package tutorials

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/minimalinfra/mvi/assets"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/steps"
)

// InitID is the hidden definition behind "set up my app" and `mvi init`.
const InitID = "init"

// Tutorial is one loaded definition.
type Tutorial struct {
	ID      string
	Title   string
	Summary string
	// Chapter names the book chapter the tutorial follows.
	Chapter string
	// Order sorts the list (the book's order); Hidden keeps it out of List.
	Order  int
	Hidden bool
	Steps  []steps.Step
	// Meta[i] describes Steps[i].
	Meta []StepMeta
	// File is the definition's name, for messages.
	File string

	pos positions
}

// StepMeta is what the definition says about a step beyond the step itself.
type StepMeta struct {
	Kind  steps.Kind
	Title string
	// Highlight names services the runner draws heavy on this step (a
	// design step also highlights what it added).
	Highlight []arch.Service
	// Markdown is the file the step's text came from, "" when none.
	Markdown string
	// Pos is where the step's [[step]] header is.
	Pos Pos
}

// FS is the embedded catalog, rooted at the tutorials directory.
func FS() fs.FS {
	sub, err := fs.Sub(assets.Tutorials, "tutorials")
	if err != nil {
		// fs.Sub only fails on an invalid name; "tutorials" is valid.
		panic(err)
	}
	return sub
}

// List loads every tutorial a student can pick (not the hidden ones), in
// the book's order.
func List() ([]Tutorial, error) {
	all, err := LoadAll(FS())
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, t := range all {
		if !t.Hidden {
			out = append(out, t)
		}
	}
	return out, nil
}

// Load loads one embedded tutorial by id (hidden ones too).
func Load(id string) (Tutorial, error) { return LoadFS(FS(), id) }

// IDs lists the ids of the definitions in fsys, sorted.
func IDs(fsys fs.FS) ([]string, error) {
	ms, err := fs.Glob(fsys, "*.toml")
	if err != nil {
		return nil, fmt.Errorf("tutorials: %w", err)
	}
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = strings.TrimSuffix(m, ".toml")
	}
	return ids, nil
}

// LoadAll loads every definition in fsys, sorted by Order then ID.
func LoadAll(fsys fs.FS) ([]Tutorial, error) {
	ids, err := IDs(fsys)
	if err != nil {
		return nil, err
	}
	var out []Tutorial
	for _, id := range ids {
		t, err := LoadFS(fsys, id)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	slices.SortStableFunc(out, func(a, b Tutorial) int {
		if a.Order != b.Order {
			return a.Order - b.Order
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// LoadFS loads the definition <id>.toml from fsys. Mistakes come back as
// Errors with their file:line:col.
func LoadFS(fsys fs.FS, id string) (Tutorial, error) {
	if id == "" || strings.ContainsAny(id, `/\.`) {
		return Tutorial{}, fmt.Errorf("tutorials: %q is not a tutorial id", id)
	}
	file := id + ".toml"
	data, err := fs.ReadFile(fsys, file)
	if err != nil {
		return Tutorial{}, fmt.Errorf("tutorials: no tutorial %q: %w", id, err)
	}
	return decode(fsys, id, file, data)
}
