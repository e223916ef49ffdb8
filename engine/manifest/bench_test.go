package manifest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func BenchmarkParseFull(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "..", "assets", "examples", "full", "mvi.toml"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Parse("mvi.toml", data); err != nil {
			b.Fatal(err)
		}
	}
}

// Deep nesting and long lines once made the parser quadratic; these keep an
// eye on it.
func BenchmarkParsePathological(b *testing.B) {
	docs := map[string][]byte{
		"nested-arrays": []byte("a = " + strings.Repeat("[", 9000) + strings.Repeat("]", 9000)),
		"nested-tables": []byte("a = " + strings.Repeat("{b=", 5000) + "1" + strings.Repeat("}", 5000)),
		"long-line":     []byte("env = {" + strings.Repeat("A1 = \"x\",", 20000) + "}"),
	}
	for name, doc := range docs {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				_, _ = Parse("mvi.toml", doc)
			}
		})
	}
}
