package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/engine"
)

// After down, a database's final snapshot is the one thing left, on
// purpose and billed: status says so instead of "no resources" alone.
func TestStatusNamesKeptSnapshots(t *testing.T) {
	arn := "arn:aws:rds:us-east-1:123456789012:snapshot:shop-final-20261203-101010"
	var b bytes.Buffer
	writeStatus(&b, engine.Snapshot{App: "shop", Kept: []string{arn}}, "the sandbox", nil)
	out := b.String()
	if !strings.Contains(out, "shop has no resources") || !strings.Contains(out, "final snapshot "+arn) || !strings.Contains(out, "billed") {
		t.Errorf("status after down:\n%s", out)
	}
}
