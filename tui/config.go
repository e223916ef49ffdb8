package tui

import (
	"context"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/cloud"
	"github.com/minimalinfra/mvi/steps"
)

// Config is everything the wizard takes from outside.
type Config struct {
	Catalog Catalog
	// Engine is the open cloud; each session copies it and sets its App.
	Engine engine.Config
	// Connect, if set, is given to every session (steps call it when they
	// first need a cloud and Engine has no clients).
	Connect func(ctx context.Context, s *steps.Session) error
	// Where names the cloud for people: "the sandbox (~/.local/state/mvi/sandbox)".
	Where string
	// Dir is where "set up my app" looks for the app and writes mvi.toml.
	Dir string
	// SetupID is the catalog id of "set up my app"; "" hides that entry.
	SetupID string
	// InspectApp is the app of ./mvi.toml, if any: inspect offers it
	// first, beside the apps the cloud has.
	InspectApp string
	// Dark picks the dark markdown style (resolved before the program
	// starts, never by asking the terminal from inside it).
	Dark bool
	// Renderer draws the styles; nil is lipgloss's default (which honours
	// NO_COLOR).
	Renderer *lipgloss.Renderer
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// Window is how long the event bridge lets a batch fill (default 30ms).
	Window time.Duration
	// Refresh is how often inspect polls (default 3s).
	Refresh time.Duration
	// Live is how often the step screen looks at the cloud for the
	// diagram (default 2s): often enough to watch a VM come back, rare
	// enough for AWS's API limits.
	Live time.Duration
	// Reach, if set, lists where a person can reach the app's load
	// balancers from this machine ("http://127.0.0.1:41234" for the
	// sandbox's), so verify steps can say "try it yourself". It must be
	// quick: it is called while a frame is composed.
	Reach func(app string) []string
	// Notices, if set, are the latest messages the app's alarms sent its
	// topic, one line each, where this machine keeps them (the sandbox,
	// which sends no mail). Quick, like Reach.
	Notices func(app string) []string
	// Local, if set, says whether clients are a cloud that exists only on
	// this machine (the sandbox): inspect then says its AWS console links
	// and aws commands find a resource only on AWS.
	Local func(c *cloud.Clients) bool
}

// env is what every screen shares, built once.
type env struct {
	ctx  context.Context
	cfg  Config
	st   *Styles
	keys keyMap
	md   *mdRenderer
}

func newEnv(ctx context.Context, cfg Config) *env {
	if cfg.Renderer == nil {
		cfg.Renderer = lipgloss.DefaultRenderer()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Window <= 0 {
		cfg.Window = 30 * time.Millisecond
	}
	if cfg.Refresh <= 0 {
		cfg.Refresh = 3 * time.Second
	}
	if cfg.Live <= 0 {
		cfg.Live = 2 * time.Second
	}
	return &env{
		ctx:  ctx,
		cfg:  cfg,
		st:   NewStyles(cfg.Renderer),
		keys: newKeyMap(),
		md:   newMDRenderer(cfg.Renderer.ColorProfile(), cfg.Dark),
	}
}
