package tutorials

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/minimalinfra/mvi/steps"
)

// Progress is how far a student got in one tutorial: enough to pick up at
// the next step with the same answers and manifest.
type Progress struct {
	ID string `json:"id"`
	// Next is the index of the step to run next; len(Steps) means done.
	Next     int               `json:"next"`
	Answers  map[string]string `json:"answers,omitempty"`
	Manifest string            `json:"manifest,omitempty"`
	// Terminated are the VMs break steps terminated (see
	// steps.Session.Terminated), so a verify after a resume still waits for
	// the real repair.
	Terminated []string  `json:"terminated,omitempty"`
	Updated    time.Time `json:"updated"`
}

// Done reports whether every step of t has run.
func (p Progress) Done(t Tutorial) bool { return p.Next >= len(t.Steps) }

// Record is the progress of session s, about to run step next of t.
func Record(t Tutorial, next int, s *steps.Session) Progress {
	return Progress{ID: t.ID, Next: next, Answers: maps.Clone(s.Answers), Manifest: s.Manifest,
		Terminated: slices.Clone(s.Terminated), Updated: time.Now().UTC()}
}

// Restore puts saved progress back into s and returns the step to run
// next. The design is made again from the manifest (Arch, with Prev the
// same, so nothing is drawn as new), so a plan or apply step can follow.
func (p Progress) Restore(t Tutorial, s *steps.Session) (int, error) {
	next := min(max(p.Next, 0), len(t.Steps))
	s.Answers = maps.Clone(p.Answers)
	if s.Answers == nil {
		s.Answers = map[string]string{}
	}
	s.Manifest = p.Manifest
	s.Terminated = slices.Clone(p.Terminated)
	if strings.TrimSpace(p.Manifest) != "" {
		a, err := steps.DesignManifest(p.Manifest)
		if err == nil {
			s.Arch, s.Prev = a, a
			s.Engine.App, s.Engine.Region = a.App, a.Region
		} else if designedBefore(t, next) {
			return 0, fmt.Errorf("resume %s: the saved manifest no longer designs: %w", t.ID, err)
		}
	}
	return next, nil
}

// designedBefore reports whether a design step comes before step next.
func designedBefore(t Tutorial, next int) bool {
	for i := 0; i < next && i < len(t.Steps); i++ {
		if t.Steps[i].Kind() == steps.KindDesign {
			return true
		}
	}
	return false
}

// Store keeps progress files, one per tutorial, in Dir. The command
// chooses Dir (beside the sandbox's state, under the user's state
// directory), so this package needs no cloud to know where that is.
type Store struct {
	Dir string
}

func (st Store) path(id string) (string, error) {
	if id == "" || strings.ContainsAny(id, `/\.`) {
		return "", fmt.Errorf("progress: %q is not a tutorial id", id)
	}
	return filepath.Join(st.Dir, id+".json"), nil
}

// Load reads a tutorial's progress; none saved is a fresh start, not an
// error.
func (st Store) Load(id string) (Progress, error) {
	path, err := st.path(id)
	if err != nil {
		return Progress{}, err
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Progress{ID: id}, nil
	}
	if err != nil {
		return Progress{}, fmt.Errorf("progress of %s: %w", id, err)
	}
	var p Progress
	if err := json.Unmarshal(data, &p); err != nil {
		return Progress{}, fmt.Errorf("progress of %s: %s is damaged (%v); `reset` starts over", id, path, err)
	}
	if p.ID != id {
		return Progress{}, fmt.Errorf("progress of %s: %s belongs to %q", id, path, p.ID)
	}
	return p, nil
}

// Save writes progress atomically: a crash leaves the old file or the new
// one, never half of one.
func (st Store) Save(p Progress) error {
	path, err := st.path(p.ID)
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("progress of %s: %w", p.ID, err)
	}
	if err := steps.WriteFileAtomic(path, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("save progress of %s: %w", p.ID, err)
	}
	return nil
}

// Reset forgets a tutorial's progress.
func (st Store) Reset(id string) error {
	path, err := st.path(id)
	if err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("reset progress of %s: %w", id, err)
	}
	return nil
}
