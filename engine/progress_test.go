package engine

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/resource"
)

// slowReady is ready after a number of polls, always saying the same.
type slowReady struct {
	fakeHandler
	polls *int
	after int
}

func (h slowReady) Ready(context.Context, resource.Env, resource.Live) (bool, string, error) {
	*h.polls++
	return *h.polls > h.after, "waiting for the database (creating)", nil
}

// A long wait with nothing new to say still says it at least every 10 s.
func TestLongWaitsKeepSayingWhatTheyWaitFor(t *testing.T) {
	c := newFake()
	a := arch.Architecture{App: "shop", Region: "us-east-1", Resources: []arch.Resource{{ID: "database", Type: arch.TypeDBInstance, Service: arch.Database}}}
	cfg := fakeConfig(c, a)
	polls := 0
	cfg.Handlers[arch.TypeDBInstance] = slowReady{fakeHandler: fakeHandler{c: c, typ: arch.TypeDBInstance}, polls: &polls, after: 60}
	// Every poll waits 5 s of (instant) backoff: 60 polls are 5 minutes.
	cfg.Retry = Retry{Base: 5 * time.Second, Max: 5 * time.Second, Sleep: func(context.Context, time.Duration) error { return nil }}
	events := make(chan Event, 1000)
	if _, err := planApply(t, context.Background(), cfg, a, events); err != nil {
		t.Fatal(err)
	}
	close(events)
	waits := 0
	for e := range events {
		if e.Phase == PhaseWait && strings.Contains(e.Detail, "waiting for the database") {
			waits++
		}
	}
	if waits < 5*60/10 {
		t.Errorf("%d progress lines over 5 minutes of waiting, want one at least every 10 s (30)", waits)
	}
}
