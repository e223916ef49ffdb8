package engine

import (
	"context"
	"fmt"

	"github.com/minimalinfra/mvi/engine/resource"
)

// Find returns the app's live resource with a logical id, through the same
// handler (and retries) the plan uses, so a step that looks at one resource
// works on every cloud.
func Find(ctx context.Context, cfg Config, typ, id string) (resource.Live, error) {
	h, ok := cfg.Handlers[typ]
	if !ok {
		return resource.Live{}, fmt.Errorf("find %s: no handler for %s; this mvi can't look at it", id, typ)
	}
	var ls []resource.Live
	err := retrying(ctx, cfg.retry(), func() (err error) { ls, err = h.List(ctx, cfg.env(nil)); return err }, nil)
	if err != nil {
		return resource.Live{}, fmt.Errorf("list %s: %w", typ, err)
	}
	for _, l := range ls {
		if l.ID == id {
			return l, nil
		}
	}
	return resource.Live{}, &NotFoundError{App: cfg.App, ID: id, Type: typ}
}

// NotFoundError is a resource the design has and the cloud doesn't (yet).
type NotFoundError struct{ App, ID, Type string }

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("%s (%s) of %s is not there", e.ID, e.Type, e.App)
}

// Remove deletes one live resource behind the plan's back, as a tutorial
// breaks something on purpose; the next plan finds it missing.
func Remove(ctx context.Context, cfg Config, l resource.Live) error {
	h, ok := cfg.Handlers[l.Type]
	if !ok {
		return fmt.Errorf("remove %s: no handler for %s", l.ID, l.Type)
	}
	return retrying(ctx, cfg.retry(), func() error { return h.Delete(ctx, cfg.env(nil), l) }, nil)
}
