package assets

import "embed"

// Examples holds sample manifests: examples/hello/mvi.toml is the book's Hello
// World, examples/full/mvi.toml an app using every section, commented.
//
//go:embed examples
var Examples embed.FS
