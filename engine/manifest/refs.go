package manifest

import (
	"fmt"
	"sort"
	"strings"
)

// A reference is how an env value names something the design makes:
// ${database.host}, ${secrets.API_KEY}, alone or inside a string
// ("mysql://${database.user}@${database.host}/x"). The manifest checks
// them; the design resolves them at apply time, when the endpoint exists.
// "$${" writes a literal "${".

// Ref is one ${…} in a value.
type Ref struct {
	Kind   string // database, kv, blob, fs, secrets, processes
	Name   string // the secret's or process's name; "" otherwise
	Field  string // host, url, table …; "" for secrets
	Offset int    // byte offset of "${" in the value
	Text   string // the reference as written, "${database.host}"
}

// Part is a piece of a value: literal text, or a reference.
type Part struct {
	Lit string
	Ref *Ref
}

// refFields are the fields each kind of backing service offers.
var refFields = map[string][]string{
	"database": {"url", "host", "port", "name", "user", "password"},
	"kv":       {"table", "url"},
	"blob":     {"bucket"},
	"fs":       {"path"},
}

// processFields are what ${processes.NAME.…} offers: the name and port
// another process of the app reaches it at (ECS Service Connect's alias).
var processFields = []string{"url", "host", "port"}

// refSection is the section a kind needs, to say "add [database]".
var refSection = map[string]string{"database": "[database]", "kv": "[kv]", "blob": "[blob]", "fs": "[fs]"}

// Secret reports whether the reference's value must never be plain
// environment: a password or a secret.
func (r Ref) Secret() bool {
	return r.Kind == "secrets" || (r.Kind == "database" && (r.Field == "password" || r.Field == "url")) ||
		(r.Kind == "kv" && r.Field == "url") // a Redis URL carries its AUTH token
}

// RefError is a reference that can't be resolved, with where it starts in
// the value and what to write instead.
type RefError struct {
	Offset int
	Msg    string
	Fix    string
}

func (e *RefError) Error() string { return e.Msg }

// SplitRefs cuts a value into literal text and references, checking each
// reference's shape (not whether the app has what it names).
func SplitRefs(v string) ([]Part, error) {
	var parts []Part
	var lit strings.Builder
	for i := 0; i < len(v); {
		if strings.HasPrefix(v[i:], "$${") {
			lit.WriteString("${")
			i += 3
			continue
		}
		if !strings.HasPrefix(v[i:], "${") {
			lit.WriteByte(v[i])
			i++
			continue
		}
		end := strings.IndexByte(v[i:], '}')
		if end < 0 {
			return nil, &RefError{Offset: i, Msg: "a reference starts with ${ and never ends",
				Fix: "close it with }, e.g. ${database.host}, or write $${ for a literal ${"}
		}
		text := v[i : i+end+1]
		ref, err := parseRef(strings.TrimSpace(v[i+2:i+end]), i, text)
		if err != nil {
			return nil, err
		}
		if lit.Len() > 0 {
			parts = append(parts, Part{Lit: lit.String()})
			lit.Reset()
		}
		parts = append(parts, Part{Ref: ref})
		i += end + 1
	}
	if lit.Len() > 0 || len(parts) == 0 {
		parts = append(parts, Part{Lit: lit.String()})
	}
	return parts, nil
}

// Refs lists the references in a value; a malformed one is an error.
func Refs(v string) ([]Ref, error) {
	parts, err := SplitRefs(v)
	if err != nil {
		return nil, err
	}
	var out []Ref
	for _, p := range parts {
		if p.Ref != nil {
			out = append(out, *p.Ref)
		}
	}
	return out, nil
}

func parseRef(body string, at int, text string) (*Ref, error) {
	kinds := append(keysOf(refFields), "secrets", "processes")
	kind, rest, _ := strings.Cut(body, ".")
	if body == "" {
		return nil, &RefError{Offset: at, Msg: "an empty reference ${}", Fix: "name what it refers to, e.g. ${database.host}"}
	}
	if kind == "processes" {
		name, field, _ := strings.Cut(rest, ".")
		if name == "" || !contains(processFields, field) {
			return nil, &RefError{Offset: at, Msg: fmt.Sprintf("%s names no process field", text),
				Fix: "write ${processes.NAME.url}, ${processes.NAME.host} or ${processes.NAME.port}"}
		}
		return &Ref{Kind: kind, Name: name, Field: field, Offset: at, Text: text}, nil
	}
	if kind == "secrets" {
		if rest == "" || !envRe.MatchString(rest) {
			return nil, &RefError{Offset: at, Msg: fmt.Sprintf("%s names no secret", text),
				Fix: "name one listed in secrets, e.g. ${secrets.API_KEY}"}
		}
		return &Ref{Kind: kind, Name: rest, Offset: at, Text: text}, nil
	}
	fields, ok := refFields[kind]
	if !ok {
		fix := "refer to one of: " + strings.Join(kinds, ", ") + " (e.g. ${database.host})"
		if s := nearest(kind, kinds); s != "" {
			fix = fmt.Sprintf("did you mean ${%s.%s}?", s, orFirst(rest, refFields[s]))
		}
		return nil, &RefError{Offset: at, Msg: fmt.Sprintf("%s refers to %q, which mvi doesn't make", text, kind), Fix: fix}
	}
	if !contains(fields, rest) {
		fix := fmt.Sprintf("%s offers %s", kind, strings.Join(prefixed("${"+kind+".", fields, "}"), ", "))
		if s := nearest(rest, fields); s != "" {
			fix = fmt.Sprintf("did you mean ${%s.%s}?", kind, s)
		}
		return nil, &RefError{Offset: at, Msg: fmt.Sprintf("%s: %s has no %q", text, kind, rest), Fix: fix}
	}
	return &Ref{Kind: kind, Field: rest, Offset: at, Text: text}, nil
}

func orFirst(s string, options []string) string {
	if contains(options, s) || len(options) == 0 {
		return s
	}
	return options[0]
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func prefixed(pre string, xs []string, post string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = pre + x + post
	}
	return out
}

func keysOf(m map[string][]string) []string {
	out := make([]string, 0, len(m))
	for _, k := range []string{"database", "kv", "blob", "fs"} {
		if _, ok := m[k]; ok {
			out = append(out, k)
		}
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
