package assets

import "embed"

// Tutorials holds the tutorial definitions: tutorials/<id>.toml, each a list
// of steps, with the markdown they show in files beside them
// (tutorials/<id>/*.md), referenced by name. Package tutorials loads and
// validates them.
//
//go:embed tutorials
var Tutorials embed.FS
