package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strings"
)

//go:generate go test -run TestSchemaFile -update .

// Schema returns the JSON Schema of mvi.toml (draft-07, which taplo and Even
// Better TOML read), so editors complete keys, show descriptions and flag
// mistakes as they are typed. It is generated from the Go types and the
// rules the parser checks, so it can't describe a different format; the
// committed copy is assets/schema/mvi.schema.json.
func Schema() ([]byte, error) {
	root := &obj{}
	root.set("$schema", "http://json-schema.org/draft-07/schema#")
	root.set("title", "mvi.toml")
	root.set("description", "An app as mvi runs it: its processes and the services it needs. "+
		"The book's Hello World is three lines: [processes.web], image = \"httpd\", port = 80.")
	root.extend(typeSchema(reflect.TypeOf(Manifest{}), "", true))

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(root); err != nil {
		return nil, fmt.Errorf("encode the manifest schema: %w", err)
	}
	return buf.Bytes(), nil
}

// typeSchema describes a Go type. valueRule is false for map elements,
// whose rule (if any) is about their key, not their value.
func typeSchema(t reflect.Type, pattern string, valueRule bool) *obj {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == expectType {
		return expectSchema()
	}
	s := &obj{}
	r, hasRule := rules[pattern]
	hasRule = hasRule && valueRule
	switch t.Kind() {
	case reflect.String:
		s.set("type", "string")
		if hasRule {
			if len(r.enum) > 0 {
				s.set("enum", r.enum)
			}
			if r.minLen > 0 {
				s.set("minLength", r.minLen)
			}
			if r.maxLen > 0 {
				s.set("maxLength", r.maxLen)
			}
			if r.pattern != nil {
				s.set("pattern", r.pattern.String())
			} else if r.schemaPattern != nil {
				s.set("pattern", r.schemaPattern.String())
			}
		}
	case reflect.Bool:
		s.set("type", "boolean")
	case reflect.Int:
		s.set("type", "integer")
		if hasRule {
			if len(r.oneOf) > 0 {
				s.set("enum", r.oneOf)
			} else {
				s.set("minimum", r.min)
				if r.max > 0 {
					s.set("maximum", r.max)
				}
			}
		}
	case reflect.Slice:
		s.set("type", "array")
		if hasRule && r.minLen > 0 {
			s.set("minItems", r.minLen)
		}
		s.set("items", typeSchema(t.Elem(), pattern+"[]", true))
		s.extend(extras(pattern))
	case reflect.Map:
		epattern := childPattern(pattern, "*")
		s.set("type", "object")
		if kr, ok := rules[epattern]; ok {
			names := &obj{}
			if kr.maxLen > 0 {
				names.set("maxLength", kr.maxLen)
			}
			if kr.pattern != nil {
				names.set("pattern", kr.pattern.String())
			}
			s.set("propertyNames", names)
		}
		s.extend(extras(pattern))
		s.set("additionalProperties", typeSchema(t.Elem(), epattern, false))
	case reflect.Struct:
		s.set("type", "object")
		props := &obj{}
		for _, f := range tomlFields(t) {
			sf := t.Field(f.index)
			cp := childPattern(pattern, f.name)
			p := &obj{}
			if d := description(sf.Tag.Get("jsonschema")); d != "" {
				p.set("description", d)
			}
			p.extend(typeSchema(sf.Type, cp, true))
			props.set(f.name, p)
		}
		s.set("properties", props)
		s.extend(extras(pattern))
		s.set("additionalProperties", false)
	}
	return s
}

// extras states in the schema the checks validate.go makes across fields,
// as far as JSON Schema can say them.
func extras(pattern string) *obj {
	o := &obj{}
	switch pattern {
	case "":
		o.set("required", []string{"processes"})
	case "processes":
		o.set("minProperties", 1)
	case "secrets":
		o.set("uniqueItems", true)
	case "processes.*":
		o.set("oneOf", []any{
			map[string]any{"required": []string{"image"}},
			map[string]any{"required": []string{"build"}},
		})
	}
	return o
}

// nextTagKey ends a description in a jsonschema tag, whose entries are
// comma-separated key=value pairs.
var nextTagKey = regexp.MustCompile(`,[A-Za-z_]+=`)

func description(tag string) string {
	_, d, ok := strings.Cut(tag, "description=")
	if !ok {
		return ""
	}
	if loc := nextTagKey.FindStringIndex(d); loc != nil {
		d = d[:loc[0]]
	}
	return d
}

// obj is a JSON object that keeps its keys in the order they were set, so
// the schema reads like the types: name first, then region, processes...
type obj struct {
	keys []string
	vals map[string]any
}

func (o *obj) set(k string, v any) {
	if o.vals == nil {
		o.vals = map[string]any{}
	}
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
}

func (o *obj) extend(other *obj) {
	for _, k := range other.keys {
		o.set(k, other.vals[k])
	}
}

// MarshalJSON writes the keys in order, without escaping <, > and &.
func (o *obj) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	buf.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := enc.Encode(k); err != nil {
			return nil, err
		}
		buf.WriteByte(':')
		if err := enc.Encode(o.vals[k]); err != nil {
			return nil, fmt.Errorf("schema key %q: %w", k, err)
		}
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}
