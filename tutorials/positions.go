package tutorials

import (
	"fmt"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// Pos is a place in a tutorial file, 1-based.
type Pos struct {
	File      string
	Line, Col int
}

func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// positions maps paths like "step[2]", "step[2].kind" and
// "step[2].check[0].path" to where they are written. go-toml's decoder
// doesn't say where a value came from, so the file is walked once with its
// parser.
type positions struct {
	file string
	at   map[string]Pos
}

func findPositions(file string, data []byte) positions {
	ps := positions{file: file, at: map[string]Pos{}}
	var p unstable.Parser
	p.Reset(data)
	arrays := map[string]int{} // resolved path of an array of tables → items so far
	table := ""
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			var segs []string
			var first *unstable.Node
			it := e.Key()
			for it.Next() {
				if first == nil {
					first = it.Node()
				}
				segs = append(segs, string(it.Node().Data))
			}
			if len(segs) == 0 {
				continue
			}
			path := ""
			for i, s := range segs {
				path = join(path, s)
				if n, ok := arrays[path]; ok && (i < len(segs)-1 || e.Kind == unstable.Table) {
					path += fmt.Sprintf("[%d]", n-1)
				}
			}
			if e.Kind == unstable.ArrayTable {
				n := arrays[path]
				arrays[path] = n + 1
				path += fmt.Sprintf("[%d]", n)
			}
			table = path
			ps.at[path] = ps.pos(&p, first)
		case unstable.KeyValue:
			var segs []string
			var first *unstable.Node
			it := e.Key()
			for it.Next() {
				if first == nil {
					first = it.Node()
				}
				segs = append(segs, string(it.Node().Data))
			}
			if first != nil {
				ps.at[join(table, strings.Join(segs, "."))] = ps.pos(&p, first)
			}
		}
	}
	return ps
}

func (ps positions) pos(p *unstable.Parser, n *unstable.Node) Pos {
	sh := p.Shape(n.Raw)
	return Pos{File: ps.file, Line: sh.Start.Line, Col: sh.Start.Column}
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// of returns the position of path, else of its closest enclosing path, else
// the top of the file.
func (ps positions) of(path string) Pos {
	for path != "" {
		if p, ok := ps.at[path]; ok {
			return p
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return Pos{File: ps.file, Line: 1, Col: 1}
}
