package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/release"
	"github.com/minimalinfra/mvi/engine/resource"
)

// recordRelease writes the release an apply started, when it started
// one: any process's task definition changed. Only apps that build keep
// release records (their table exists for it); an image app's release is
// its image tag in mvi.toml.
func recordRelease(ctx context.Context, cfg Config, p Plan, lives map[string]resource.Live) (int, error) {
	changed := false
	var store *release.Store
	var repo string // the logical id of the repository built images go to
	keep := 0
	procs := map[string]release.Process{}
	var configs []arch.TaskDefinitionProps
	for _, s := range p.Steps {
		if s.Type == arch.TypeService && s.Live != nil && strings.HasPrefix(s.Live.Hash, RolledBackHash) {
			changed = true // back from a rollback: what runs changes again
		}
		if s.Resource != nil && s.Action != Delete {
			if rp, ok := s.Resource.Props.(arch.RepositoryProps); ok {
				keep = rp.Keep
			}
		}
		if s.Type != arch.TypeTaskDefinition || s.Action == Delete || s.Resource == nil {
			continue
		}
		td, ok := s.Resource.Props.(arch.TaskDefinitionProps)
		if !ok {
			continue
		}
		changed = changed || s.Action != NoOp
		l := lives[s.ID]
		pr := release.Process{Image: l.Attrs["image"], TaskDefinition: l.PhysicalID}
		if td.Build != "" {
			pr.Build = release.Tag(td.Process, td.Source)
			if st, ok := storeOf(cfg, td, lives); ok {
				store = &st
			}
			repo = td.Repository
		}
		procs[td.Process] = pr
		td.Image, td.Source = "", "" // the settings, not the code
		configs = append(configs, td)
	}
	if !changed || store == nil {
		return 0, nil
	}
	sort.Slice(configs, func(i, j int) bool { return configs[i].Process < configs[j].Process })
	doc, err := json.Marshal(configs)
	if err != nil {
		return 0, err
	}
	sum := sha256.Sum256(doc)
	rel := release.Release{Time: cfg.now(), Processes: procs, Config: hex.EncodeToString(sum[:6])}
	// DynamoDB answers 500 now and then; the release is tried again like
	// any other call, or it would be lost while everything runs.
	var n int
	err = retrying(ctx, cfg.retry(), func() (err error) { n, err = store.AddRelease(ctx, rel); return err }, func(string, time.Duration) {})
	if err != nil {
		return n, err
	}
	return n, keepImages(ctx, cfg, *store, lives[repo], keep, n)
}

// keepImages has the registry keep every image the kept releases run,
// after release n began (engine/release KeepImages says why the newest
// images alone are not enough).
func keepImages(ctx context.Context, cfg Config, store release.Store, repo resource.Live, keep, n int) error {
	if repo.Attrs["name"] == "" {
		return nil
	}
	k := release.Kept{ECR: cfg.Clients.ECR, Transport: cfg.Clients.Registry, Repository: repo.Attrs["name"], URI: repo.Attrs["uri"]}
	err := retrying(ctx, cfg.retry(), func() error {
		rs, err := store.Releases(ctx)
		if err != nil {
			return err
		}
		return k.KeepImages(ctx, rs, keep, nil)
	}, func(string, time.Duration) {})
	if err != nil {
		return fmt.Errorf("release %d runs, but the registry could not be told to keep the images of the kept releases: %w; the next release or rollback tries again", n, err)
	}
	return nil
}

// storeOf is the records store a built process's task definition names.
func storeOf(cfg Config, td arch.TaskDefinitionProps, lives map[string]resource.Live) (release.Store, bool) {
	t, b := lives[td.Records].Attrs["name"], lives[td.Logs].Attrs["name"]
	if t == "" || b == "" {
		return release.Store{}, false
	}
	return release.Store{DB: cfg.Clients.DynamoDB, Blob: cfg.Clients.S3, Table: t, Bucket: b}, true
}
