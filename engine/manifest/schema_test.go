package manifest

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"testing"

	"github.com/pelletier/go-toml/v2"
)

var update = flag.Bool("update", false, "rewrite assets/schema/mvi.schema.json from Schema()")

var schemaFile = filepath.Join("..", "..", "assets", "schema", "mvi.schema.json")

// The committed schema is what Schema() generates, byte for byte, so it
// can't drift from the types. `go generate ./engine/manifest` rewrites it.
func TestSchemaFile(t *testing.T) {
	got, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(got) {
		t.Fatalf("Schema() is not valid JSON:\n%s", got)
	}
	if *update {
		if err := os.WriteFile(schemaFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	committed, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatalf("%v (run `go generate ./engine/manifest` to write it)", err)
	}
	if !bytes.Equal(committed, got) {
		t.Errorf("%s is stale: run `go generate ./engine/manifest`", schemaFile)
	}
}

func loadSchema(t *testing.T) map[string]any {
	t.Helper()
	b, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// Every toml key of every type is in the schema, with a description, so an
// editor completes and explains all of them.
func TestSchemaCoversEveryField(t *testing.T) {
	var visit func(t2 reflect.Type, s map[string]any, path string)
	visit = func(t2 reflect.Type, s map[string]any, path string) {
		for t2.Kind() == reflect.Pointer {
			t2 = t2.Elem()
		}
		switch t2.Kind() {
		case reflect.Map:
			sub, _ := s["additionalProperties"].(map[string]any)
			if sub == nil {
				t.Errorf("%s: a map without a schema for its values", path)
				return
			}
			visit(t2.Elem(), sub, path+".*")
		case reflect.Slice:
			sub, _ := s["items"].(map[string]any)
			if sub == nil {
				t.Errorf("%s: an array without a schema for its items", path)
				return
			}
			visit(t2.Elem(), sub, path+"[]")
		case reflect.Struct:
			if t2 == expectType {
				if s["oneOf"] == nil {
					t.Errorf("%s: expect's two forms are not in the schema", path)
				}
				return
			}
			props, _ := s["properties"].(map[string]any)
			if s["additionalProperties"] != false {
				t.Errorf("%s: unknown keys are not flagged", path)
			}
			n := 0
			for i := 0; i < t2.NumField(); i++ {
				f := t2.Field(i)
				name := f.Tag.Get("toml")
				if name == "" || name == "-" {
					continue
				}
				n++
				p, _ := props[name].(map[string]any)
				if p == nil {
					t.Errorf("%s.%s is not in the schema", path, name)
					continue
				}
				if d, _ := p["description"].(string); d == "" {
					t.Errorf("%s.%s has no description", path, name)
				}
				visit(f.Type, p, path+"."+name)
			}
			if n != len(props) {
				t.Errorf("%s: %d toml fields but %d properties", path, n, len(props))
			}
		case reflect.String, reflect.Int, reflect.Bool:
		default:
			t.Errorf("%s: kind %s has no schema", path, t2.Kind())
		}
	}
	visit(reflect.TypeOf(Manifest{}), loadSchema(t), "mvi.toml")
}

// conforms is a small structural JSON Schema check: enough of draft-07 for
// the keywords Schema() uses.
func conforms(v any, s map[string]any, path string) []string {
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, path+": "+fmt.Sprintf(format, args...)) }
	num := func(k string) (float64, bool) { f, ok := s[k].(float64); return f, ok }
	switch typ := s["type"]; typ {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			fail("not an object")
			return errs
		}
		props, _ := s["properties"].(map[string]any)
		for k, kv := range m {
			if p, ok := props[k].(map[string]any); ok {
				errs = append(errs, conforms(kv, p, path+"."+k)...)
			} else if ap, ok := s["additionalProperties"].(map[string]any); ok {
				if pn, ok := s["propertyNames"].(map[string]any); ok {
					errs = append(errs, conforms(k, pn, path+"."+k+"(name)")...)
				}
				errs = append(errs, conforms(kv, ap, path+"."+k)...)
			} else {
				fail("unknown key %q", k)
			}
		}
		if req, ok := s["required"].([]any); ok {
			for _, r := range req {
				if _, ok := m[r.(string)]; !ok {
					fail("missing %q", r)
				}
			}
		}
		if n, ok := num("minProperties"); ok && float64(len(m)) < n {
			fail("fewer than %v keys", n)
		}
		if one, ok := s["oneOf"].([]any); ok {
			matches := 0
			for _, o := range one {
				if len(conforms(v, o.(map[string]any), path)) == 0 {
					matches++
				}
			}
			if matches != 1 {
				fail("matches %d of oneOf", matches)
			}
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			fail("not an array")
			return errs
		}
		if n, ok := num("minItems"); ok && float64(len(a)) < n {
			fail("fewer than %v items", n)
		}
		for i, item := range a {
			errs = append(errs, conforms(item, s["items"].(map[string]any), fmt.Sprintf("%s[%d]", path, i))...)
		}
	case "string", "integer", nil:
		if typ == "string" {
			if _, ok := v.(string); !ok {
				fail("not a string")
				return errs
			}
		}
		if typ == "integer" {
			if _, ok := v.(int64); !ok {
				fail("not an integer")
				return errs
			}
		}
		if enum, ok := s["enum"].([]any); ok && !slices.ContainsFunc(enum, func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(v) }) {
			fail("%v not in enum", v)
		}
		if i, ok := v.(int64); ok {
			if n, ok := num("minimum"); ok && float64(i) < n {
				fail("%d below %v", i, n)
			}
			if n, ok := num("maximum"); ok && float64(i) > n {
				fail("%d above %v", i, n)
			}
		}
		if str, ok := v.(string); ok {
			if p, ok := s["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(str) {
				fail("%q does not match %s", str, p)
			}
			if n, ok := num("maxLength"); ok && float64(len([]rune(str))) > n {
				fail("%q longer than %v", str, n)
			}
			if n, ok := num("minLength"); ok && float64(len([]rune(str))) < n {
				fail("%q shorter than %v", str, n)
			}
		}
		if req, ok := s["required"].([]any); ok {
			m, _ := v.(map[string]any)
			for _, r := range req {
				if _, ok := m[r.(string)]; !ok {
					fail("missing %q", r)
				}
			}
		}
	}
	return errs
}

// The examples are valid to an editor too, and the schema catches what it
// can express of the broken manifests.
func TestExamplesMatchSchema(t *testing.T) {
	schema := loadSchema(t)
	for _, name := range []string{"hello", "full"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "assets", "examples", name, "mvi.toml"))
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := toml.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		if errs := conforms(doc, schema, name); len(errs) > 0 {
			t.Errorf("%s does not match the schema: %v", name, errs)
		}
	}
	for _, name := range []string{"unknown_key", "nested_unknown", "port_range", "wrong_type", "no_image",
		"both", "no_processes", "retention", "bad_names", "ranges", "misplaced", "two_errors", "type_fixes"} {
		data, err := os.ReadFile(filepath.Join("testdata", name+".toml"))
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := toml.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		if errs := conforms(doc, schema, name); len(errs) == 0 {
			t.Errorf("the schema accepts testdata/%s.toml", name)
		}
	}
}
