// Package resource is the contract between the engine and the code that
// manages one AWS type: what a live resource looks like, what a handler
// does, and the facts the engine needs about its type. The engine speaks
// only this; engine/aws fills it in.
package resource

import (
	"context"
	"errors"
	"time"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/build"
	"github.com/minimalinfra/mvi/engine/cloud"
)

// Tag keys every mvi resource carries from creation on.
const (
	TagApp  = "mvi:app"
	TagID   = "mvi:id"
	TagHash = "mvi:hash" // digest of the desired props last applied
)

// Live is what exists in the cloud for one logical resource.
type Live struct {
	ID         string `json:"id"`          // logical id, from the mvi:id tag
	Type       string `json:"type"`        // AWS type, CloudFormation spelling
	PhysicalID string `json:"physical_id"` // vpc-0abc…, a name, or an ARN
	ARN        string `json:"arn,omitempty"`
	State      string `json:"state,omitempty"` // AWS's own word: available, running, ACTIVE …
	Hash       string `json:"hash,omitempty"`  // the mvi:hash tag, "" when unknown
	// Attrs are outputs other resources need (dns_name, endpoint, group_id …).
	Attrs map[string]string `json:"attrs,omitempty"`
}

// Env is what a handler call may use: the clients, who and where we are, and
// the live resources this one depends on, by logical id.
type Env struct {
	Clients *cloud.Clients
	App     string
	Region  string
	Account string
	Deps    map[string]Live
	// Dir is the directory holding mvi.toml: build directories are
	// relative to it.
	Dir string
	// Clock is the run's clock (records and names it makes carry its time).
	Clock func() time.Time
	// Say reports one line of a long step as it happens (a build's
	// steps); the engine shows it as the resource's progress. Never nil.
	Say func(string)
	// Use says the step now works with dependency id (a build logging in
	// to the Registry, keeping its log in Blob, recording itself in the
	// KV table); the lines Say gives next carry it, so a picture of the
	// app can light that service while it is used. Never nil.
	Use func(id string)
	// Exec finds and runs a local image builder; nil is this machine's.
	Exec build.Exec
	// Sleep waits between the polls of a step that must wait inside it
	// (a build on the cluster); nil is a real timer.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Tags are the tags every resource is created with.
func Tags(app string, r arch.Resource) map[string]string {
	return map[string]string{TagApp: app, TagID: r.ID, TagHash: arch.Hash(r.Props)}
}

// ErrReplace is returned by Update when a change can't be made in place
// after all (the plan's Replaces didn't foresee it).
var ErrReplace = errors.New("change needs a replacement")

// Handler manages one AWS resource type.
type Handler interface {
	// Describe is the type's facts: its name, service, delete order, how
	// the Tagging API shows it and how a person looks at it.
	Describe() Descriptor
	// List returns every resource of this type that belongs to env.App
	// (mvi:app tag, or mvi's deterministic name or path where the service has
	// no tag filter), in as few calls as the API allows: the engine plans,
	// reports status and destroys from it.
	List(ctx context.Context, env Env) ([]Live, error)
	// Create makes r with the mvi tags set at creation where the API allows.
	Create(ctx context.Context, env Env, r arch.Resource) (Live, error)
	// Update changes live to match r in place, or returns ErrReplace.
	Update(ctx context.Context, env Env, r arch.Resource, live Live) (Live, error)
	// Delete removes live; deleting what is already gone is not an error.
	Delete(ctx context.Context, env Env, live Live) error
	// Ready reports whether live is usable, and if not what is awaited.
	// It is the only place a handler waits: the engine polls it.
	Ready(ctx context.Context, env Env, live Live) (ready bool, waiting string, err error)
}

// Replacer is implemented by handlers of types with settings AWS can't
// change in place. The plan asks it before anything changes, so a
// replacement is announced with its reason, never discovered mid-apply.
type Replacer interface {
	// Replaces names the first setting of r that differs from what live
	// was made with and forces a new resource ("" when none).
	Replaces(r arch.Resource, live Live) string
}

// Finisher is implemented by handlers whose create has a last step that
// needs the resource ready first (point-in-time recovery on an ACTIVE
// table). The engine calls it after Ready, so no handler waits inside
// Create.
type Finisher interface {
	Finish(ctx context.Context, env Env, r arch.Resource, live Live) (Live, error)
}

// As finds an optional interface on a handler, looking through wrappers
// that say what they wrap.
func As[T any](h Handler) (T, bool) {
	for h != nil {
		if t, ok := h.(T); ok {
			return t, true
		}
		u, ok := h.(interface{ Unwrap() Handler })
		if !ok {
			break
		}
		h = u.Unwrap()
	}
	var zero T
	return zero, false
}

// Differ is implemented by handlers that can say what an update changes,
// setting by setting ("image httpd → nginx"), from what the cloud reports:
// the plan shows it instead of "its settings changed".
type Differ interface {
	Changes(r arch.Resource, live Live) []string
}

// Sleep waits d, or until ctx ends: the wall clock's sleep, for an Env
// or a config that was given none of its own.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
