package manifest

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2/unstable"
)

// The document is first read into a small tree of its own (rather than
// straight into the Go types) because every mistake needs a line and column,
// and because one wrong type must not hide the next mistake: go-toml's
// decoder stops at the first.

// kind is what a TOML value is.
type kind uint8

const (
	kTable kind = iota
	kArrayOfTables
	kArray
	kString
	kInteger
	kFloat
	kBool
	kDateTime
)

// String names a kind for messages: "expected an integer, got a string".
func (k kind) String() string {
	switch k {
	case kTable:
		return "a table"
	case kArrayOfTables:
		return "an array of tables"
	case kArray:
		return "an array"
	case kString:
		return "a string"
	case kInteger:
		return "an integer"
	case kFloat:
		return "a float"
	case kBool:
		return "a boolean"
	default:
		return "a date-time"
	}
}

// origin is how a table came to exist. TOML's rules on defining a table
// twice depend on it; they mirror go-toml's tracker so both agree on what is
// a duplicate.
type origin uint8

const (
	oValue    origin = iota // a scalar, an array or an inline table: closed
	oDotted                 // made by a dotted key (a.b = 1): only dotted keys extend it
	oImplicit               // named only as a prefix of a header ([a.b] makes a)
	oHeader                 // made by its own [header] or [[header]]
)

// node is one value of the document with where it was written.
type node struct {
	kind   kind
	origin origin
	key    pos    // where its name was first written
	at     pos    // where its value starts: first character, '[' of a header, '{'
	text   string // strings: the decoded value; other scalars: the token as written
	keys   []string
	fields map[string]*node
	items  []*node // arrays and arrays of tables
}

func newTable(o origin, key, at pos) *node {
	return &node{kind: kTable, origin: o, key: key, at: at, fields: map[string]*node{}}
}

func (n *node) get(k string) *node {
	if n == nil || n.fields == nil {
		return nil
	}
	return n.fields[k]
}

func (n *node) set(k string, c *node) {
	if n.fields == nil {
		n.fields = map[string]*node{}
	}
	if _, ok := n.fields[k]; !ok {
		n.keys = append(n.keys, k)
	}
	n.fields[k] = c
}

// defLine is the line a person would look at to find where n was defined.
func (n *node) defLine() int {
	if n.kind == kArrayOfTables || n.kind == kTable && n.origin == oHeader {
		return n.at.Line
	}
	return n.key.Line
}

// describe says what n already is, for "can't also be" messages.
func (n *node) describe() string {
	switch {
	case n.kind == kTable && n.origin == oHeader:
		return "a [table]"
	case n.kind == kTable && n.origin == oDotted:
		return "a table made by dotted keys"
	case n.kind == kTable && n.origin == oValue:
		return "an inline table"
	default:
		return n.kind.String()
	}
}

// lines turns byte offsets into line:col.
type lines struct {
	data   []byte
	starts []int
}

func newLines(data []byte) lines {
	l := lines{data: data, starts: []int{0}}
	for i, c := range data {
		if c == '\n' {
			l.starts = append(l.starts, i+1)
		}
	}
	return l
}

// at returns the position of a byte offset. Columns count characters, not
// bytes, because that is what a person sees in an editor.
func (l lines) at(off int) pos {
	off = max(0, min(off, len(l.data)))
	i := sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > off }) - 1
	i = max(i, 0)
	return pos{Line: i + 1, Col: utf8.RuneCount(l.data[l.starts[i]:off]) + 1}
}

// text returns the line holding off, without its newline.
func (l lines) text(off int) (string, int) {
	off = max(0, min(off, len(l.data)))
	p := l.at(off)
	begin := l.starts[p.Line-1]
	end := len(l.data)
	if p.Line < len(l.starts) {
		end = l.starts[p.Line] - 1
	}
	return strings.TrimSuffix(string(l.data[begin:end]), "\r"), off - begin
}

// walker reads the document expression by expression, building the tree and
// reporting TOML-level mistakes: syntax and keys or tables defined twice.
type walker struct {
	c         *collector
	data      []byte
	lines     lines
	p         unstable.Parser
	root      *node
	cur       *node
	curPath   []string
	conflicts Errors // keys or tables defined twice
	syntax    *Error
}

// seg is one part of a dotted key.
type seg struct {
	name     string
	off, end int
}

func walk(c *collector, data []byte) *walker {
	w := &walker{c: c, data: data, lines: newLines(data)}
	w.root = newTable(oHeader, pos{1, 1}, pos{1, 1})
	w.cur = w.root
	w.p.Reset(data)
	for w.p.NextExpression() {
		e := w.p.Expression()
		switch e.Kind {
		case unstable.KeyValue:
			w.keyValue(w.cur, w.curPath, e)
		case unstable.Table:
			w.header(e, false)
		case unstable.ArrayTable:
			w.header(e, true)
		}
	}
	if err := w.p.Error(); err != nil {
		w.syntaxError(err)
	}
	return w
}

func (w *walker) keyOf(e *unstable.Node) []seg {
	var segs []seg
	it := e.Key()
	for it.Next() {
		k := it.Node()
		off := int(k.Raw.Offset)
		segs = append(segs, seg{name: string(k.Data), off: off, end: off + int(k.Raw.Length)})
	}
	return segs
}

// header handles [a.b] and [[a.b]]: it finds or makes the table that the
// following key/values go into.
func (w *walker) header(e *unstable.Node, array bool) {
	segs := w.keyOf(e)
	if len(segs) == 0 {
		return
	}
	hdr := w.lines.at(w.headerStart(segs[0].off))
	at0 := w.lines.at(segs[0].off)
	n := w.root
	var path []string
	for i, s := range segs {
		path = append(path, s.name)
		at := w.lines.at(s.off)
		child := n.get(s.name)
		if i < len(segs)-1 {
			switch {
			case child == nil:
				child = newTable(oImplicit, at, at)
				n.set(s.name, child)
			case child.kind == kArrayOfTables && len(child.items) > 0:
				path = append(path, fmt.Sprintf("[%d]", len(child.items)-1))
				child = child.items[len(child.items)-1]
			case child.kind == kTable && child.origin != oValue:
			default:
				w.conflict(at0, path, child, "a table")
				return
			}
			n = child
			continue
		}
		if !array {
			switch {
			case child == nil:
				child = newTable(oHeader, at, hdr)
				n.set(s.name, child)
			case child.kind == kTable && child.origin == oImplicit:
				child.origin, child.at = oHeader, hdr
			case child.kind == kTable && child.origin == oHeader:
				ce := w.c.add(at0, path, fmt.Sprintf("merge the two [%s] sections into one", joinPath(path)),
					"table defined twice, on line %d and line %d", child.defLine(), at0.Line)
				w.conflicts = append(w.conflicts, ce)
				w.detach()
				return
			default:
				w.conflict(at0, path, child, "a [table]")
				return
			}
			w.cur, w.curPath = child, append([]string(nil), path...)
			return
		}
		switch {
		case child == nil:
			child = &node{kind: kArrayOfTables, origin: oHeader, key: at, at: hdr}
			n.set(s.name, child)
		case child.kind == kArrayOfTables:
		default:
			w.conflict(at0, path, child, "an [[array of tables]]")
			return
		}
		elem := newTable(oHeader, at, hdr)
		child.items = append(child.items, elem)
		w.cur = elem
		w.curPath = append(append([]string(nil), path...), fmt.Sprintf("[%d]", len(child.items)-1))
	}
}

// keyValue handles a (possibly dotted) key = value inside table t.
func (w *walker) keyValue(t *node, base []string, e *unstable.Node) {
	segs := w.keyOf(e)
	if len(segs) == 0 {
		return
	}
	at0 := w.lines.at(segs[0].off)
	n := t
	path := append([]string(nil), base...)
	for i, s := range segs {
		path = append(path, s.name)
		at := w.lines.at(s.off)
		child := n.get(s.name)
		if i < len(segs)-1 {
			switch {
			case child == nil:
				child = newTable(oDotted, at, at)
				n.set(s.name, child)
			case child.kind == kTable && child.origin == oDotted:
			default:
				w.conflict(at0, path, child, "extended with dotted keys")
				return
			}
			n = child
			continue
		}
		if child != nil {
			ce := w.c.add(at0, path, "keep one of them: TOML allows each key once per table",
				"defined twice, on line %d and line %d", child.defLine(), at0.Line)
			w.conflicts = append(w.conflicts, ce)
			return
		}
		valueAt := w.lines.at(w.valueStart(s.end))
		n.set(s.name, w.value(e.Value(), at, valueAt, path))
	}
}

// conflict reports a name used for two different things and sends what
// follows into a table nobody reads, so one mistake is reported once.
func (w *walker) conflict(at pos, path []string, was *node, now string) {
	e := w.c.add(at, path, fmt.Sprintf("write %s in one way and one place (rename one of them if they are different things)", joinPath(path)),
		"already defined on line %d as %s, so it can't be %s here", was.defLine(), was.describe(), now)
	w.conflicts = append(w.conflicts, e)
	w.detach()
}

func (w *walker) detach() {
	w.cur, w.curPath = newTable(oHeader, pos{1, 1}, pos{1, 1}), nil
}

func (w *walker) value(v *unstable.Node, key, at pos, path []string) *node {
	n := &node{key: key, at: at, text: string(v.Data)}
	switch v.Kind {
	case unstable.String:
		n.kind = kString
	case unstable.Integer:
		n.kind = kInteger
	case unstable.Float:
		n.kind = kFloat
	case unstable.Bool:
		n.kind = kBool
	case unstable.Array:
		n.kind, n.text = kArray, ""
		it := v.Children()
		for it.Next() {
			c := it.Node()
			if c.Kind == unstable.Comment {
				continue
			}
			ipath := append(append([]string(nil), path...), fmt.Sprintf("[%d]", len(n.items)))
			n.items = append(n.items, w.value(c, key, w.start(c, at), ipath))
		}
	case unstable.InlineTable:
		n.kind, n.text, n.fields = kTable, "", map[string]*node{}
		it := v.Children()
		for it.Next() {
			if c := it.Node(); c.Kind == unstable.KeyValue {
				w.keyValue(n, path, c)
			}
		}
	default:
		n.kind = kDateTime
	}
	return n
}

// start is where an array element begins. Arrays carry no range in go-toml's
// tree, so a nested array is placed at its first element.
func (w *walker) start(v *unstable.Node, fallback pos) pos {
	if v.Kind != unstable.Array {
		return w.lines.at(int(v.Raw.Offset))
	}
	it := v.Children()
	for it.Next() {
		if c := it.Node(); c.Kind != unstable.Comment {
			return w.start(c, fallback)
		}
	}
	return fallback
}

// valueStart finds the value after a key's last part: past blanks, '=' and
// blanks. Scanning is needed because arrays carry no range of their own.
func (w *walker) valueStart(keyEnd int) int {
	i := keyEnd
	for i < len(w.data) && (w.data[i] == ' ' || w.data[i] == '\t') {
		i++
	}
	if i < len(w.data) && w.data[i] == '=' {
		i++
	}
	for i < len(w.data) && (w.data[i] == ' ' || w.data[i] == '\t') {
		i++
	}
	return i
}

// headerStart finds the '[' opening a header from its key's first part.
func (w *walker) headerStart(keyOff int) int {
	i := min(keyOff, len(w.data)) - 1
	for i >= 0 && (w.data[i] == ' ' || w.data[i] == '\t') {
		i--
	}
	for i >= 0 && w.data[i] == '[' {
		i--
	}
	return i + 1
}

// keyBeforeEquals finds the key of a `key = value` line, to name the key
// whose value is malformed.
var keyBeforeEquals = regexp.MustCompile(`^\s*([A-Za-z0-9_-]+(?:\s*\.\s*[A-Za-z0-9_-]+)*)\s*=\s*`)

func (w *walker) syntaxError(err error) {
	off := len(w.data)
	msg := err.Error()
	var pe *unstable.ParserError
	if errors.As(err, &pe) {
		msg = pe.Message
		// A highlight is a subslice of the document: its capacity tells where
		// it starts. Clamp in case it is not.
		if cap(pe.Highlight) > 0 {
			off = cap(w.data) - cap(pe.Highlight)
		}
	}
	off = max(0, min(off, len(w.data)))

	var path []string
	line, col := w.lines.text(off)
	value := ""
	if m := keyBeforeEquals.FindStringSubmatchIndex(line); m != nil && col >= m[1] {
		path = append([]string(nil), w.curPath...)
		for _, k := range strings.Split(line[m[2]:m[3]], ".") {
			path = append(path, strings.TrimSpace(k))
		}
		value = strings.TrimSpace(line[m[1]:])
		if i := strings.Index(value, " #"); i >= 0 {
			value = strings.TrimSpace(value[:i])
		}
	}
	w.syntax = w.c.add(w.lines.at(off), path, syntaxFix(msg, path, value), "invalid TOML: %s", msg)
}

// syntaxFix turns go-toml's parser messages into what to type.
func syntaxFix(msg string, path []string, value string) string {
	key := "key"
	if len(path) > 0 {
		key = path[len(path)-1]
	}
	switch {
	case value == "" && (strings.Contains(msg, "start of value") || strings.Contains(msg, "expected value")):
		return fmt.Sprintf("give %s a value, e.g. %s = 80 or %s = \"text\" (strings need quotes)", key, key, key)
	case value != "" && (strings.Contains(msg, "start of value") || strings.Contains(msg, "must be quoted")) &&
		!strings.ContainsAny(value[:1], `"'[{`):
		return fmt.Sprintf("strings need quotes: %s = %s", key, tomlQuote(value))
	case strings.Contains(msg, "expected '=' after key"):
		return "write key = value; a table name goes in brackets, e.g. [processes.web]"
	case strings.Contains(msg, "to close table name"):
		return "close the table name with ], e.g. [processes.web]"
	case strings.Contains(msg, "array is incomplete"), strings.Contains(msg, "after array value"):
		return "separate array items with commas and close the array with ], e.g. [\"bin/worker\", \"--verbose\"]"
	case strings.Contains(msg, "inline table"):
		return "separate keys with commas and close the inline table with }, e.g. { KEY = \"value\" }"
	case strings.Contains(msg, "expected newline"):
		return "put each key = value, and each [table], on a line of its own"
	case strings.Contains(msg, "too large"):
		return "use a smaller number"
	case strings.Contains(msg, "already"):
		return "keep one of them: TOML allows each key and table once"
	case strings.Contains(msg, "string"):
		return "close the string with a matching quote on the same line"
	}
	return "see https://toml.io/en/v1.0.0 for TOML's syntax"
}
