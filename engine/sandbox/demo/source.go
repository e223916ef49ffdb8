package demo

import (
	"embed"
	"fmt"
	"path"
)

// The demo's source, as a learner builds its image on AWS: a module of its
// own (demo.mod, demo.sum: only what the demo needs, at the versions mvi
// is built with) laid out as in mvi's repository, so the one Dockerfile
// builds either. This file stays out of the tree: what it embeds sits
// elsewhere there, and the demo's program doesn't need it.

//go:embed demo.go cmd/mvi-demo/main.go Dockerfile demo.mod demo.sum
var source embed.FS

// sourcePaths maps an embedded file to where the written tree keeps it.
var sourcePaths = map[string]string{
	"demo.mod":             "go.mod",
	"demo.sum":             "go.sum",
	"Dockerfile":           "Dockerfile",
	"demo.go":              "engine/sandbox/demo/demo.go",
	"cmd/mvi-demo/main.go": "engine/sandbox/demo/cmd/mvi-demo/main.go",
}

// Source is the demo's source tree: path in the tree → content.
func Source() (map[string][]byte, error) {
	out := map[string][]byte{}
	for from, to := range sourcePaths {
		b, err := source.ReadFile(from)
		if err != nil {
			return nil, fmt.Errorf("the demo's source: %w", err)
		}
		out[path.Clean(to)] = b
	}
	return out, nil
}
