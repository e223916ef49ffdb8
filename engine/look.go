package engine

import "github.com/minimalinfra/mvi/engine/resource"

// SeeItYourself is how a person finds a resource without mvi: its page in
// the AWS console and the aws CLI command that shows it. The wizard
// teaches the cloud, not itself, so every detail view ends with these.
func SeeItYourself(cfg Config, app, region string, r ResourceStatus) (console, cli string) {
	return cfg.Handlers.Describe(r.Type).See(resource.Site{App: app, Region: region, ID: r.ID,
		PhysicalID: r.PhysicalID, ARN: r.ARN, Attrs: r.Attrs})
}
