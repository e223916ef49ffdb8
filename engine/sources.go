package engine

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/build"
	"github.com/minimalinfra/mvi/engine/build/site"
)

// withSources pins every process built from source to the digest of its
// build directory as it is now. The digest is the build's id, so the plan
// can say before anything runs whether there is anything to build: the
// same files give the same revision (nothing to change), an edited file a
// new build and a rolling release.
//
// A Dockerfile that needs RUN is accepted when a local builder works;
// builders says, by resource id, how an image is built when it isn't
// the plain in-process build of a Dockerfile, for the plan to say.
func withSources(ctx context.Context, cfg Config, a arch.Architecture) (_ arch.Architecture, builders map[string]string, err error) {
	changed := false
	builders = map[string]string{}
	a.Resources = append([]arch.Resource(nil), a.Resources...)
	for i, r := range a.Resources {
		td, ok := r.Props.(arch.TaskDefinitionProps)
		if !ok || td.Build == "" {
			continue
		}
		if cfg.Dir == "" {
			return arch.Architecture{}, nil, fmt.Errorf("process %s builds %s, but the engine was not told where mvi.toml is (Config.Dir)", td.Process, td.Build)
		}
		dir := filepath.Join(cfg.Dir, filepath.FromSlash(td.Build))
		d, err := build.SourceDigest(ctx, dir, td.Dockerfile)
		var df *build.Dockerfile
		if err == nil {
			// What can be refused without the network is refused here,
			// before any change: a bad instruction, a COPY of nothing, a
			// RUN this builder can't run.
			df, err = build.Parse(ctx, dir, td.Dockerfile)
		}
		if df != nil && df.Static {
			builders[r.ID] = "it has no Dockerfile and is a plain static site, so it is built on nginx (" + strings.ReplaceAll(strings.TrimSpace(site.Dockerfile), "\n", "; ") + ")"
		}
		var nb *build.NeedsBuilderError
		if errors.As(err, &nb) {
			if l, ok := build.FindLocal(ctx, cfg.Exec); ok {
				builders[r.ID], err = "its Dockerfile runs programs, so "+l.String()+" builds it", nil
			} else if onCluster(a, &a.Resources[i]) {
				builders[r.ID], err = "its Dockerfile runs programs ("+nb.Lines[0].String()+") and this machine has no working docker, podman or buildah, so a BuildKit task on the app's own cluster builds it (its context and log in the Blob bucket), once the cluster has a VM", nil
			}
		}
		if err != nil {
			return arch.Architecture{}, nil, &SourceError{Process: td.Process, Dir: dir, Err: err}
		}
		td.Source = d
		a.Resources[i].Props = td
		changed = true
	}
	if !changed {
		return a, builders, nil
	}
	return rollOut(a), builders, nil
}

// SourceError is a build directory the plan could not read.
type SourceError struct {
	Process, Dir string
	Err          error
}

func (e *SourceError) Error() string {
	return fmt.Sprintf("read the source of process %s in %s: %v", e.Process, e.Dir, e.Err)
}

func (e *SourceError) Unwrap() error { return e.Err }

// Fix says what to do: the builder's own fix when it has one.
func (e *SourceError) Fix() string {
	if f, ok := e.Err.(build.Fixer); ok && f.Fix() != "" {
		return f.Fix()
	}
	return "check that the build directory exists and can be read, then run mvi plan again"
}

// sayBuilders adds to each task definition that will be built how it
// is built, when that isn't the plain in-process build.
func sayBuilders(p *Plan, builders map[string]string) {
	for i := range p.Steps {
		s := &p.Steps[i]
		if b, ok := builders[s.ID]; ok && (s.Action == Create || s.Action == Update || s.Action == Replace) {
			s.Reason += "; " + b
		}
	}
}

// onCluster makes a task definition wait for the cluster's capacity, so
// its build can run as a task there (engine/aws clusterBuilder reads the
// cluster, capacity provider and key from these dependencies). It
// reports false for a design without a cluster.
func onCluster(a arch.Architecture, r *arch.Resource) bool {
	if _, ok := a.Get(arch.IDClusterCapacity); !ok || r.Type != arch.TypeTaskDefinition {
		return false
	}
	r.DependsOn = append([]string(nil), r.DependsOn...)
	for _, id := range []string{arch.IDCluster, arch.IDCapacityProvider, arch.IDClusterCapacity, arch.IDKey} {
		if !slices.Contains(r.DependsOn, id) {
			r.DependsOn = append(r.DependsOn, id)
		}
	}
	return true
}
