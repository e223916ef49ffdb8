package manifest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every broken reference says what to write instead.
func TestBrokenReferencesSayWhatToWrite(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "badrefs.toml"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Parse("mvi.toml", data)
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("parse: %v", err)
	}
	fixes := map[string]string{}
	for _, e := range errs {
		fixes[e.Path] = e.Fix
	}
	for path, want := range map[string]string{
		"processes.web.env.A": "add [database]",
		"processes.web.env.B": "did you mean ${database.password}?",
		"processes.web.env.C": "did you mean ${database.user}?",
		"processes.web.env.D": "did you mean ${secrets.API_KEY}?",
		"processes.web.env.E": "close it with }",
	} {
		if !strings.Contains(fixes[path], want) {
			t.Errorf("%s: fix %q, want it to say %q", path, fixes[path], want)
		}
	}
}

// A good manifest with references parses, and the references read back.
func TestReferencesParse(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "refs.toml"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse("mvi.toml", data)
	if err != nil {
		t.Fatal(err)
	}
	refs, err := Refs(m.Processes["web"].Env["URL"])
	if err != nil || len(refs) != 4 || refs[1].Field != "password" || !refs[1].Secret() || refs[0].Secret() {
		t.Fatalf("URL's references: %+v, %v", refs, err)
	}
	parts, err := SplitRefs(m.Processes["web"].Env["LITERAL"])
	if err != nil || len(parts) != 1 || parts[0].Lit != "${not.a.ref}" {
		t.Errorf("$${ is a literal ${: %+v %v", parts, err)
	}
}
