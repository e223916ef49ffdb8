package steps

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// MergeTOML merges the TOML fragment into base (both documents) and renders
// the result: tables merge key by key, anything else in frag replaces what
// base had. Comments are not kept; the result is laid out the way a person
// would write mvi.toml (name first, one table per section).
func MergeTOML(base, frag string) (string, error) {
	var b, f map[string]any
	if err := toml.Unmarshal([]byte(base), &b); err != nil {
		return "", fmt.Errorf("manifest so far: %w", err)
	}
	if err := toml.Unmarshal([]byte(frag), &f); err != nil {
		return "", fmt.Errorf("change %q: %w", strings.TrimSpace(frag), err)
	}
	if b == nil {
		b = map[string]any{}
	}
	merge(b, f)
	var out strings.Builder
	if err := render(&out, nil, b); err != nil {
		return "", err
	}
	return out.String(), nil
}

func merge(dst, src map[string]any) {
	for k, v := range src {
		sm, ok := v.(map[string]any)
		dm, dok := dst[k].(map[string]any)
		if ok && dok {
			merge(dm, sm)
			continue
		}
		dst[k] = v
	}
}

// keyOrder puts the keys a reader looks for first; the rest follow sorted.
var keyOrder = []string{"name", "region", "processes", "image", "build", "command", "port", "count", "engine"}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool {
		a, b := slices.Index(keyOrder, ks[i]), slices.Index(keyOrder, ks[j])
		if a < 0 {
			a = len(keyOrder)
		}
		if b < 0 {
			b = len(keyOrder)
		}
		if a != b {
			return a < b
		}
		return ks[i] < ks[j]
	})
	return ks
}

// render writes a table's plain keys, then its sub-tables. A header is
// written for a table with keys of its own, or an empty one ([log] asks for
// the section); a table holding only tables ([processes]) needs none.
func render(w *strings.Builder, path []string, m map[string]any) error {
	var plain, tables []string
	for _, k := range sortedKeys(m) {
		if _, ok := m[k].(map[string]any); ok {
			tables = append(tables, k)
		} else {
			plain = append(plain, k)
		}
	}
	if len(path) > 0 && (len(plain) > 0 || len(tables) == 0) {
		if w.Len() > 0 {
			w.WriteByte('\n')
		}
		keys := make([]string, len(path))
		for i, p := range path {
			keys[i] = tomlKey(p)
		}
		fmt.Fprintf(w, "[%s]\n", strings.Join(keys, "."))
	}
	for _, k := range plain {
		v, err := tomlValue(m[k])
		if err != nil {
			return fmt.Errorf("%s: %w", strings.Join(append(path, k), "."), err)
		}
		fmt.Fprintf(w, "%s = %s\n", tomlKey(k), v)
	}
	for _, k := range tables {
		if err := render(w, append(slices.Clip(path), k), m[k].(map[string]any)); err != nil {
			return err
		}
	}
	return nil
}

// tomlValue renders one value: plain strings in double quotes as people
// write them, everything else with go-toml, so escaping is TOML's.
func tomlValue(v any) (string, error) {
	switch x := v.(type) {
	case string:
		if plainString(x) {
			return `"` + x + `"`, nil
		}
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			p, err := tomlValue(e)
			if err != nil {
				return "", err
			}
			parts[i] = p
		}
		return "[" + strings.Join(parts, ", ") + "]", nil
	}
	b, err := toml.Marshal(map[string]any{"v": v})
	if err != nil {
		return "", err
	}
	s := strings.TrimSpace(string(b))
	s, ok := strings.CutPrefix(s, "v = ")
	if !ok {
		return "", fmt.Errorf("can't write %T as one TOML value", v)
	}
	return s, nil
}

func tomlString(s string) string {
	v, err := tomlValue(s)
	if err != nil {
		return `""`
	}
	return v
}

func tomlKey(k string) string {
	for _, r := range k {
		if !(r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return tomlString(k)
		}
	}
	if k == "" {
		return `""`
	}
	return k
}

func plainString(s string) bool {
	for _, r := range s {
		if r < ' ' || r > '~' || r == '"' || r == '\\' {
			return false
		}
	}
	return true
}
