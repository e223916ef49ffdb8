package resource

import (
	"context"

	"github.com/minimalinfra/mvi/engine/arch"
)

// Drifter is implemented by handlers of resources whose security rests on
// settings a person can change by hand (a group's rules, a bucket's
// public access block, a key's rotation, a database's public flag). The
// hash tag only says what mvi last applied; Drift reads the settings back
// and names each one that differs from the design, so the plan can put
// it back with the handler's Update.
type Drifter interface {
	Drift(ctx context.Context, env Env, r arch.Resource, live Live) ([]Drift, error)
}

// Drift is one setting changed outside mvi: what the cloud has now and
// what the design says.
type Drift struct {
	Setting string `json:"setting"`
	Live    string `json:"live"`
	Want    string `json:"want"`
}

func (d Drift) String() string { return d.Setting + " " + d.Live + " → " + d.Want }
