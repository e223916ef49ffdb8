package manifest

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// decoder copies the document tree into the Go types by reflection on their
// toml tags, reporting every unknown key, wrong type and refused value, and
// carrying on after each so one run shows them all.
type decoder struct {
	c *collector
	// bad holds the paths whose value was refused, so that later checks
	// don't pile a second message onto the same mistake.
	bad map[string]bool
	// guessed holds, per table path, the keys a did-you-mean pointed to: a
	// table with `imgae` is not also reported as having no image.
	guessed map[string][]string
	// nodes holds every decoded value by path, for cross-field checks.
	nodes map[string]*node
	// dir is the directory of the manifest on disk, when it was loaded
	// from one: build directories are checked there. "" for Parse.
	dir string
}

func newDecoder(c *collector) *decoder {
	return &decoder{c: c, bad: map[string]bool{}, guessed: map[string][]string{}, nodes: map[string]*node{}}
}

// field is one toml-tagged struct field.
type field struct {
	name  string
	index int
}

// tomlFields lists a struct's toml keys in declaration order.
func tomlFields(t reflect.Type) []field {
	var fs []field
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if !f.IsExported() || name == "-" || name == "" {
			continue
		}
		fs = append(fs, field{name: name, index: i})
	}
	return fs
}

func childPattern(pattern, seg string) string {
	if pattern == "" {
		return seg
	}
	return pattern + "." + seg
}

func with(path []string, seg string) []string {
	return append(append(make([]string, 0, len(path)+1), path...), seg)
}

// value decodes n into v; it reports false when n has the wrong type. The
// rule of pattern applies to n unless n is a map element (elem), whose rule
// is about its key.
func (d *decoder) value(n *node, v reflect.Value, path []string, pattern string, elem bool) bool {
	d.nodes[joinPath(path)] = n
	t := v.Type()
	if t == expectType {
		return d.expect(n, v, path)
	}
	r, hasRule := rules[pattern]
	hasRule = hasRule && !elem
	switch t.Kind() {
	case reflect.String:
		if n.kind != kString {
			return d.typeErr(n, path, t)
		}
		if hasRule && !r.checkString(d.c, n.at, path, n.text) {
			d.bad[joinPath(path)] = true
		}
		v.SetString(n.text)
	case reflect.Int:
		if n.kind != kInteger {
			return d.typeErr(n, path, t)
		}
		x, err := parseInt(n.text)
		if err != nil || v.OverflowInt(x) {
			d.c.add(n.at, path, "use a smaller number", "%s is not a number mvi can use", n.text)
			d.bad[joinPath(path)] = true
			return false
		}
		if hasRule && !r.checkInt(d.c, n.at, path, x) {
			d.bad[joinPath(path)] = true
		}
		v.SetInt(x)
	case reflect.Bool:
		if n.kind != kBool {
			return d.typeErr(n, path, t)
		}
		v.SetBool(n.text == "true")
	case reflect.Slice:
		if n.kind != kArray {
			return d.typeErr(n, path, t)
		}
		if hasRule && len(n.items) < r.minLen {
			d.c.add(n.at, path, r.fix, "is an empty array")
			d.bad[joinPath(path)] = true
		}
		s := reflect.MakeSlice(t, 0, len(n.items))
		for i, item := range n.items {
			ev := reflect.New(t.Elem()).Elem()
			if d.value(item, ev, with(path, fmt.Sprintf("[%d]", i)), pattern+"[]", false) {
				s = reflect.Append(s, ev)
			}
		}
		v.Set(s)
	case reflect.Map:
		if n.kind != kTable {
			return d.typeErr(n, path, t)
		}
		m := reflect.MakeMapWithSize(t, len(n.keys))
		epattern := childPattern(pattern, "*")
		for _, k := range n.keys {
			c, cpath := n.fields[k], with(path, k)
			if r, ok := rules[epattern]; ok && !r.checkString(d.c, c.key, cpath, k) {
				d.bad[joinPath(cpath)] = true
			}
			ev := reflect.New(t.Elem()).Elem()
			if d.value(c, ev, cpath, epattern, true) {
				m.SetMapIndex(reflect.ValueOf(k), ev)
			}
		}
		v.Set(m)
	case reflect.Pointer:
		if t.Elem().Kind() != reflect.Struct || t.Elem() == expectType {
			// An optional scalar (public = false): nil means "unwritten",
			// which a default decides.
			p := reflect.New(t.Elem())
			if !d.value(n, p.Elem(), path, pattern, elem) {
				return false
			}
			v.Set(p)
			return true
		}
		if n.kind != kTable {
			return d.typeErr(n, path, t)
		}
		p := reflect.New(t.Elem())
		d.structFields(n, p.Elem(), path, pattern)
		v.Set(p)
	case reflect.Struct:
		if n.kind != kTable {
			return d.typeErr(n, path, t)
		}
		d.structFields(n, v, path, pattern)
	default:
		// The manifest types use only the kinds above; a new kind needs a
		// case here, and the schema test walks the types to catch it.
		d.c.add(n.at, path, "", "mvi can't read a %s here (please report this)", t)
		return false
	}
	return true
}

func (d *decoder) structFields(n *node, v reflect.Value, path []string, pattern string) {
	fields := tomlFields(v.Type())
	byName := make(map[string]int, len(fields))
	known := make([]string, len(fields))
	for i, f := range fields {
		byName[f.name] = f.index
		known[i] = f.name
	}
	for _, k := range n.keys {
		c := n.fields[k]
		i, ok := byName[k]
		if !ok {
			d.unknown(c, path, k, known)
			continue
		}
		d.value(c, v.Field(i), with(path, k), childPattern(pattern, k), false)
	}
}

// unknown reports a key the table doesn't take, with the key most likely
// meant, or where the key belongs if it is known elsewhere.
func (d *decoder) unknown(n *node, path []string, key string, known []string) {
	where := "the top level"
	if len(path) > 0 {
		where = "[" + joinPath(path) + "]"
	}
	kpath := with(path, key)
	d.bad[joinPath(kpath)] = true
	if to, ok := movedKeys[joinPath(kpath)]; ok {
		d.c.add(n.key, kpath, fmt.Sprintf("write it as %s instead: %s", to.key, to.why),
			"%s has moved to %s", joinPath(kpath), to.key)
		return
	}
	if len(known) == 0 {
		d.c.add(n.key, kpath, fmt.Sprintf("remove it: %s takes no keys, its presence is enough", where), "unknown key")
		return
	}
	takes := fmt.Sprintf("%s takes %s", where, strings.Join(known, ", "))
	if near := nearest(key, known); near != "" {
		tp := joinPath(path)
		d.guessed[tp] = append(d.guessed[tp], near)
		d.c.add(n.key, kpath, fmt.Sprintf("rename it to %s (%s)", near, takes), "unknown key; did you mean %q?", near)
		return
	}
	// `[web]` with an image is a process written one level too high.
	if len(path) == 0 && n.kind == kTable && (n.get("image") != nil || n.get("build") != nil) {
		d.guessed[""] = append(d.guessed[""], "processes")
		d.c.add(n.key, kpath, fmt.Sprintf("processes go under processes: write [processes.%s]", key),
			"unknown key; is %q a process?", key)
		return
	}
	if homes := keyHomes(key); len(homes) > 0 {
		d.c.add(n.key, kpath, fmt.Sprintf("move it under %s (%s)", strings.Join(homes, " or "), takes),
			"unknown key here; %q belongs in %s", key, strings.Join(homes, " or "))
		return
	}
	d.c.add(n.key, kpath, "remove it ("+takes+")", "unknown key")
}

// movedKeys are keys an older mvi.toml may hold that now live elsewhere,
// each with why, so the message says where to write it.
var movedKeys = map[string]struct{ key, why string }{
	"registry.keep": {"[release] keep", "the registry keeps every image the kept releases need, so how many releases stay possible to roll back to is the one number to set"},
}

// keyHomes lists the tables that do take key, e.g. `port` → [processes.NAME].
func keyHomes(key string) []string {
	var homes []string
	var visit func(t reflect.Type, table string, depth int)
	visit = func(t reflect.Type, table string, depth int) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if depth > 4 {
			return
		}
		switch t.Kind() {
		case reflect.Map:
			visit(t.Elem(), childPattern(table, "NAME"), depth+1)
		case reflect.Struct:
			for _, f := range tomlFields(t) {
				if f.name == key && table != "" {
					homes = append(homes, "["+table+"]")
				}
				visit(t.Field(f.index).Type, childPattern(table, f.name), depth+1)
			}
		}
	}
	visit(reflect.TypeOf(Manifest{}), "", 0)
	return homes
}

// typeErr reports a value of the wrong type, with the rewrite that fixes it
// when one is obvious.
func (d *decoder) typeErr(n *node, path []string, want reflect.Type) bool {
	d.bad[joinPath(path)] = true
	key := "key"
	if len(path) > 0 {
		key = path[len(path)-1]
	}
	var fix string
	switch want.Kind() {
	case reflect.Bool:
		fix = fmt.Sprintf("write true or false without quotes: %s = false", key)
	case reflect.Int:
		if _, err := parseInt(n.text); n.kind == kString && err == nil {
			fix = fmt.Sprintf("write it without quotes: %s = %s", key, n.text)
		} else if f, err := strconv.ParseFloat(n.text, 64); n.kind == kFloat && err == nil && f == math.Trunc(f) && math.Abs(f) < 1e15 {
			fix = fmt.Sprintf("write a whole number: %s = %d", key, int64(f))
		} else {
			fix = fmt.Sprintf("write a whole number, e.g. %s = 1", key)
		}
	case reflect.String:
		switch n.kind {
		case kInteger, kFloat, kBool, kDateTime:
			fix = fmt.Sprintf("put it in quotes: %s = %s", key, tomlQuote(n.text))
		default:
			fix = fmt.Sprintf("write text in quotes, e.g. %s = \"...\"", key)
		}
	case reflect.Slice:
		if n.kind == kString {
			words := strings.Fields(n.text)
			for i, w := range words {
				words[i] = tomlQuote(w)
			}
			fix = fmt.Sprintf("write it as an array: %s = [%s]", key, strings.Join(words, ", "))
		} else {
			fix = fmt.Sprintf("write an array of strings, e.g. %s = [\"bin/worker\"]", key)
		}
	default:
		table := joinPath(path)
		switch n.kind {
		case kArrayOfTables:
			fix = fmt.Sprintf("use single brackets: [%s]; [[...]] makes a list", table)
			if want.Kind() == reflect.Map {
				fix = fmt.Sprintf("give each one a name, in single brackets: [%s.web]", table)
			}
		case kBool:
			fix = fmt.Sprintf("write [%s] on a line of its own to ask for it", table)
		default:
			fix = fmt.Sprintf("write it as a table: [%s] on a line of its own, its keys on the lines below", table)
		}
	}
	want0 := "a table"
	switch want.Kind() {
	case reflect.Int:
		want0 = "an integer"
	case reflect.String:
		want0 = "a string"
	case reflect.Slice:
		want0 = "an array of strings"
	}
	d.c.add(n.at, path, fix, "expected %s, got %s", want0, n.kind)
	return false
}

// parseInt reads a TOML integer: decimal with underscores, or 0x, 0o, 0b.
func parseInt(s string) (int64, error) {
	s = strings.ReplaceAll(s, "_", "")
	base := 10
	if len(s) > 2 && s[0] == '0' {
		switch s[1] {
		case 'x':
			base = 16
		case 'o':
			base = 8
		case 'b':
			base = 2
		}
		if base != 10 {
			s = s[2:]
		}
	}
	return strconv.ParseInt(s, base, 64)
}
