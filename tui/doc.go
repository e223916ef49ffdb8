// Package tui is the wizard: a Bubble Tea program whose root model (App)
// routes messages to one active screen — home, the step runner (a
// tutorial, or "set up my app"), or inspect — and lays them out. Screens
// are small models that render; the work (steps, the engine, status
// polls) runs in tea.Cmds and goroutines that report through a queue the
// UI drains in batches, so a burst of engine events costs one frame, not
// one frame per event.
//
// Everything it needs from the outside comes in through Config: the
// tutorial catalog as the small Catalog interface, the engine settings,
// and a clock, so tests drive the models without a terminal.
package tui
