package steps

import (
	"context"
	"fmt"
	"strings"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/release"
)

// RecordsStep reads the app's build and release records where the engine
// keeps them (the KV table and the Blob bucket) and narrates them, with
// the newest build's log: the real records of this app, not an example.
type RecordsStep struct {
	Base
}

// Records is what a records step read.
type Records struct {
	Table, Bucket string
	Builds        []release.Build
	Releases      []release.Release
	// Log is the newest build's log, read back from Blob.
	Log string
}

// Kind is KindRecords.
func (RecordsStep) Kind() Kind { return KindRecords }

// Run reads and narrates the records.
func (r RecordsStep) Run(ctx context.Context, s *Session, out Output) error {
	if err := s.connect(ctx); err != nil {
		return err
	}
	store, err := engine.Records(ctx, s.Engine)
	if err != nil {
		return fmt.Errorf("records: %w", err)
	}
	rec := &Records{Table: store.Table, Bucket: store.Bucket}
	if rec.Builds, err = store.Builds(ctx); err != nil {
		return fmt.Errorf("records: builds in %s: %w", store.Table, err)
	}
	if rec.Releases, err = store.Releases(ctx); err != nil {
		return fmt.Errorf("records: releases in %s: %w", store.Table, err)
	}
	note(out, fmt.Sprintf("KV table %s: %d builds, %d releases", store.Table, len(rec.Builds), len(rec.Releases)))
	for _, b := range rec.Builds {
		note(out, fmt.Sprintf("build %s  %s  %s  %s → %s  log %s", b.ID, b.Process, b.Status,
			b.Started.Format("15:04:05"), b.Image, b.Log))
	}
	for _, rl := range rec.Releases {
		var ps []string
		for _, p := range sortedKeys(anyMap(rl.Processes)) {
			pr := rl.Processes[p]
			ps = append(ps, p+"="+firstOf(pr.Build, pr.Image))
		}
		line := fmt.Sprintf("release %d  %s  %s  config %s", rl.Number, rl.Time.Format("15:04:05"), strings.Join(ps, " "), short(rl.Config))
		if rl.RollbackOf != 0 {
			line += fmt.Sprintf("  (rollback to release %d)", rl.RollbackOf)
		}
		note(out, line)
	}
	if n := len(rec.Builds); n > 0 {
		last := rec.Builds[n-1]
		log, err := store.Log(ctx, last.ID)
		if err != nil {
			return fmt.Errorf("records: the log of build %s in %s: %w", last.ID, store.Bucket, err)
		}
		rec.Log = string(log)
		note(out, fmt.Sprintf("Blob %s: the log of build %s (%d bytes):", last.Log, last.ID, len(log)))
		for _, l := range strings.Split(strings.TrimRight(rec.Log, "\n"), "\n") {
			note(out, "  "+l)
		}
	}
	s.Records = rec
	return nil
}

func anyMap[V any](m map[string]V) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func short(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}
