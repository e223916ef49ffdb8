// Package engine turns an architecture into running cloud resources and
// back: Plan compares the design with what the cloud holds (found by the
// mvi tags, no local state), Apply walks the plan as a dependency graph,
// Destroy removes everything tagged with the app, and Status reports what
// runs. It talks to the cloud only through cloud.Clients and the handlers,
// so AWS and the embedded sandbox take the same path.
package engine

import (
	"context"
	"time"

	"github.com/minimalinfra/mvi/engine/build"
	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/minimalinfra/mvi/engine/cloud"
)

// Config is everything an engine call needs.
type Config struct {
	Clients  *cloud.Clients
	Handlers resource.Registry // by AWS type; engine/aws.Handlers() in production
	App      string
	Region   string
	Account  string
	// Parallel bounds concurrent resource operations (default 8).
	Parallel int
	// Locker keeps two applies of one app apart; nil means no lock.
	Locker Locker
	// Retry shapes backoff and waiting; zero values take the defaults.
	Retry Retry
	// Prices estimate monthly cost; nil loads the embedded table.
	Prices *Prices
	// NoWait names types whose readiness Apply doesn't wait for, like
	// Terraform's wait_for_steady_state=false for ECS services: nothing
	// depends on them, and the person may prefer to watch status instead.
	NoWait map[string]bool
	// AllowDataLoss lets Apply delete or replace what holds the app's data
	// (the plan marks those steps); without it Apply refuses before
	// changing anything.
	AllowDataLoss bool
	// SkipFinalSnapshot: deleting the database keeps no final snapshot
	// (`--no-final-snapshot`). By default it keeps one, named in the plan.
	SkipFinalSnapshot bool
	// Now is the clock that names what a run makes (a final snapshot's
	// time); nil is time.Now.
	Now func() time.Time
	// ReleaseKeep is [release] keep: a rollback further back than that
	// many releases is refused. 0 sets no window.
	ReleaseKeep int
	// Dir is the directory holding mvi.toml, which build directories are
	// relative to; "" when the app builds nothing.
	Dir string
	// Exec finds and runs a local image builder (docker, podman, buildah)
	// for a Dockerfile that needs RUN; nil is this machine's programs.
	Exec build.Exec
}

// Retry is the backoff policy for throttling, 5xx, eventual consistency
// and readiness polls.
type Retry struct {
	Base    time.Duration // first backoff (default 250ms)
	Max     time.Duration // backoff cap (default 10s)
	Timeout time.Duration // longest wait for one resource (default 40m: RDS)
	// Unreachable is how long an endpoint may give no answer at all before
	// a call stops (default 30s).
	Unreachable time.Duration
	// Sleep waits d or until ctx ends; tests replace it to run instantly.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Clock is the time now on the config's clock.
func (c Config) Clock() time.Time { return c.now() }

func (c Config) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c Config) parallel() int {
	if c.Parallel <= 0 {
		return 8
	}
	return c.Parallel
}

func (c Config) retry() Retry {
	r := c.Retry
	if r.Base <= 0 {
		r.Base = 250 * time.Millisecond
	}
	if r.Max <= 0 {
		r.Max = 10 * time.Second
	}
	if r.Timeout <= 0 {
		r.Timeout = 40 * time.Minute
	}
	if r.Unreachable <= 0 {
		r.Unreachable = 30 * time.Second
	}
	if r.Sleep == nil {
		r.Sleep = resource.Sleep
	}
	return r
}

func (c Config) env(deps map[string]resource.Live) resource.Env {
	return resource.Env{Clients: c.Clients, App: c.App, Region: c.Region, Account: c.Account, Deps: deps,
		Dir: c.Dir, Clock: c.now, Say: func(string) {}, Use: func(string) {}, Exec: c.Exec, Sleep: c.retry().Sleep}
}
