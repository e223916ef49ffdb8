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
		r := parseAll("mvi.toml", data, "")
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

// FuzzRefs: cutting a value into references never panics, every reference
// it finds sits where it says in the value, and a value without "${" is
// its own one literal part.
func FuzzRefs(f *testing.F) {
	for _, s := range []string{"${database.host}", "a${kv.table}b$${c}", "${secrets.X}${", "${}", "$${database.url}", "${ database.port }"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		parts, err := SplitRefs(v)
		if err != nil {
			re, ok := err.(*RefError)
			if !ok || re.Offset < 0 || re.Offset > len(v) || re.Msg == "" || re.Fix == "" {
				t.Fatalf("bad error for %q: %#v", v, err)
			}
			return
		}
		for _, p := range parts {
			if p.Ref == nil {
				continue
			}
			if !strings.HasPrefix(v[p.Ref.Offset:], p.Ref.Text) || !strings.HasPrefix(p.Ref.Text, "${") {
				t.Fatalf("reference %q is not at %d of %q", p.Ref.Text, p.Ref.Offset, v)
			}
		}
		if !strings.Contains(v, "${") && (len(parts) != 1 || parts[0].Lit != v) {
			t.Fatalf("%q without references cut into %+v", v, parts)
		}
	})
}
