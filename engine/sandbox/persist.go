package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

const (
	stateName    = "state.json"
	tempPrefix   = stateName + ".tmp-"
	stateVersion = 1
)

func (s *Sandbox) statePath() string { return filepath.Join(s.dir, stateName) }

// load makes s.st current: it reads state.json when the generation in the
// lock file differs from the one s.st came from (another writer) or when
// force is set. The caller holds the flock. A missing file starts a fresh
// state (a new account id). Stale temp files of writers that died
// mid-write are removed: nobody else can be writing while we hold the lock.
func (s *Sandbox) load(force bool) error {
	gen, err := s.lock.generation()
	if err != nil {
		return fmt.Errorf("read %s: %w", filepath.Join(s.dir, lockName), err)
	}
	if !force && s.st != nil && gen == s.gen {
		return nil
	}
	s.removeTemps()
	data, err := os.ReadFile(s.statePath())
	if errors.Is(err, os.ErrNotExist) {
		s.st = newState(s.clock.Now())
		s.gen = gen
		return s.save()
	}
	if err != nil {
		return err
	}
	st, err := decodeState(data)
	if err != nil {
		return fmt.Errorf("%s: %w", s.statePath(), err)
	}
	s.st, s.gen, s.good = st, gen, data
	return nil
}

func decodeState(data []byte) (*state, error) {
	var head struct {
		Version int `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("corrupt sandbox state (move the file away to start afresh): %w", err)
	}
	if head.Version > stateVersion {
		return nil, fmt.Errorf("sandbox state version %d is newer than this mvi understands (%d); upgrade mvi", head.Version, stateVersion)
	}
	st := &state{}
	if err := json.Unmarshal(data, st); err != nil {
		return nil, fmt.Errorf("corrupt sandbox state (move the file away to start afresh): %w", err)
	}
	st.init()
	return st, nil
}

// save writes s.st atomically: a temp file in the same directory, fsync,
// generation into the lock file, rename over state.json, fsync of the
// directory. The caller holds the flock.
func (s *Sandbox) save() error {
	s.gen++
	s.st.Version = stateVersion
	s.st.Generation = s.gen
	data, err := json.Marshal(s.st)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(s.dir, tempPrefix+"*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("save sandbox state: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		return fail(err)
	}
	if err := s.lock.setGeneration(s.gen); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("save sandbox state: %w", err)
	}
	if err := os.Rename(tmp, s.statePath()); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("save sandbox state: %w", err)
	}
	syncDir(s.dir)
	s.good = data
	return nil
}

// restore drops every change since the last load or save (a failed
// mutating call is rolled back whole).
func (s *Sandbox) restore() {
	if s.good == nil {
		return
	}
	if st, err := decodeState(s.good); err == nil {
		s.st = st
	}
}

func (s *Sandbox) removeTemps() {
	ents, err := os.ReadDir(s.dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), tempPrefix) {
			os.Remove(filepath.Join(s.dir, e.Name()))
		}
	}
}

func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync() // not supported everywhere; the rename is what matters
	d.Close()
}

func newState(now time.Time) *state {
	st := &state{Version: stateVersion, Account: digits(12), Created: now.UTC()}
	st.init()
	return st
}
