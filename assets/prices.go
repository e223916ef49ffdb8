package assets

import "embed"

// Prices holds the dated price tables, one TOML file per region, that the
// engine's cost estimate reads.
//
//go:embed prices/*.toml
var Prices embed.FS
