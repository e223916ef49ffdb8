package manifest

import (
	"fmt"
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
	// The last position found: most lookups move forward on the same line,
	// so counting characters from there keeps long lines linear.
	lastOff int
	last    pos
}

func newLines(data []byte) *lines {
	l := &lines{data: data, starts: []int{0}, last: pos{1, 1}}
	for i, c := range data {
		if c == '\n' {
			l.starts = append(l.starts, i+1)
		}
	}
	return l
}

// at returns the position of a byte offset. Columns count characters, not
// bytes, because that is what a person sees in an editor.
func (l *lines) at(off int) pos {
	off = max(0, min(off, len(l.data)))
	i := sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > off }) - 1
	i = max(i, 0)
	from, col := l.starts[i], 1
	if l.last.Line == i+1 && l.lastOff >= from && l.lastOff <= off {
		from, col = l.lastOff, l.last.Col
	}
	p := pos{Line: i + 1, Col: col + utf8.RuneCount(l.data[from:off])}
	l.lastOff, l.last = off, p
	return p
}

// text returns the line holding off, without its newline.
func (l *lines) text(off int) (string, int) {
	off = max(0, min(off, len(l.data)))
	p := l.at(off)
	begin := l.starts[p.Line-1]
	end := len(l.data)
	if p.Line < len(l.starts) {
		end = l.starts[p.Line] - 1
	}
	return strings.TrimSuffix(string(l.data[begin:end]), "\r"), off - begin
}

// trail is a key path shared between a table and everything under it, so
// deep nesting costs no copying; it becomes a []string only for a message.
type trail struct {
	up  *trail
	seg string
}

func (t *trail) with(seg string) *trail { return &trail{up: t, seg: seg} }

func (t *trail) slice() []string {
	n := 0
	for x := t; x != nil; x = x.up {
		n++
	}
	out := make([]string, n)
	for x := t; x != nil; x = x.up {
		n--
		out[n] = x.seg
	}
	return out
}

func trailOf(path []string) *trail {
	var t *trail
	for _, s := range path {
		t = t.with(s)
	}
	return t
}

// walker reads the document expression by expression, building the tree and
// reporting TOML-level mistakes: syntax and keys or tables defined twice.
type walker struct {
	c         *collector
	data      []byte
	lines     *lines
	p         unstable.Parser
	root      *node
	cur       *node
	curPath   *trail
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
			w.cur, w.curPath = child, trailOf(path)
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
		w.curPath = trailOf(path).with(fmt.Sprintf("[%d]", len(child.items)-1))
	}
}

// keyValue handles a (possibly dotted) key = value inside table t.
func (w *walker) keyValue(t *node, base *trail, e *unstable.Node) {
	segs := w.keyOf(e)
	if len(segs) == 0 {
		return
	}
	at0 := w.lines.at(segs[0].off)
	n := t
	path := base
	for i, s := range segs {
		path = path.with(s.name)
		at := w.lines.at(s.off)
		child := n.get(s.name)
		if i < len(segs)-1 {
			switch {
			case child == nil:
				child = newTable(oDotted, at, at)
				n.set(s.name, child)
			case child.kind == kTable && child.origin == oDotted:
			default:
				w.conflict(at0, path.slice(), child, "extended with dotted keys")
				return
			}
			n = child
			continue
		}
		if child != nil {
			ce := w.c.add(at0, path.slice(), "keep one of them: TOML allows each key once per table",
				"defined twice, on line %d and line %d", child.defLine(), at0.Line)
			w.conflicts = append(w.conflicts, ce)
			return
		}
		valueAt := w.lines.at(w.valueStart(s.end))
		n.set(s.name, w.value(e.Value(), at, &valueAt, path))
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

// value converts a value node. at is where it starts when the caller knows
// (after `key =`); otherwise it is found from the node. Arrays carry no range
// in go-toml's tree, so an array nested in an array is placed at its first
// element, found bottom-up to stay linear however deep the nesting.
func (w *walker) value(v *unstable.Node, key pos, at *pos, path *trail) *node {
	n := &node{key: key, text: string(v.Data)}
	if v.Kind != unstable.Array {
		if at != nil {
			n.at = *at
		} else {
			n.at = w.lines.at(int(v.Raw.Offset))
		}
	}
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
			n.items = append(n.items, w.value(c, key, nil, path.with(fmt.Sprintf("[%d]", len(n.items)))))
		}
		switch {
		case at != nil:
			n.at = *at
		case len(n.items) > 0:
			n.at = n.items[0].at
		default:
			n.at = key
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
