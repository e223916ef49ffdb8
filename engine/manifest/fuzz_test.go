package manifest

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse feeds the parser anything: it must never panic, must point every
// mistake at a real place in the file, and must agree with go-toml on what
// is valid TOML.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.toml")
	seeds = append(seeds,
		filepath.Join("..", "..", "assets", "examples", "hello", "mvi.toml"),
		filepath.Join("..", "..", "assets", "examples", "full", "mvi.toml"))
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// parseAll, not Parse: Parse would hide a panic behind its recover.
		r := parseAll("mvi.toml", data)
		if r.m == nil && len(r.errs) == 0 {
			t.Fatal("no manifest and no error")
		}
		if r.m != nil && len(r.errs) > 0 {
			t.Fatal("a manifest and errors")
		}
		doc := bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
		nlines := bytes.Count(doc, []byte("\n")) + 1
		for _, e := range r.errs {
			if e.Line < 1 || e.Col < 1 || e.Line > nlines {
				t.Fatalf("error outside the file (%d lines): %v", nlines, e)
			}
			if e.Msg == "" || e.File != "mvi.toml" {
				t.Fatalf("incomplete error: %#v", e)
			}
		}
		// The walker's TOML rules mirror go-toml's: a syntax error or a
		// duplicate it sees, go-toml sees too, and the reverse.
		if (r.walker.syntax != nil || len(r.conflicts) > 0) && r.tomlErr == nil {
			t.Fatalf("walker refuses what go-toml accepts: syntax %v, conflicts %v", r.walker.syntax, r.conflicts)
		}
		if r.tomlErr != nil && strings.Contains(r.tomlErr.Msg, "already") && r.walker.syntax == nil && len(r.conflicts) == 0 {
			t.Fatalf("go-toml sees a duplicate the walker misses: %v", r.tomlErr)
		}
		if r.m != nil {
			// A valid manifest stays valid when its defaults are applied again.
			r.m.ApplyDefaults()
		}
	})
}
