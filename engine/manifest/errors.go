package manifest

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error is one mistake in a manifest. It says where (File, Line, Col: 1-based,
// columns counted in characters), what (Path, the dotted key such as
// "processes.web.port", and Msg) and what to do about it (Fix).
type Error struct {
	File string
	Line int
	Col  int
	Path string
	Msg  string
	Fix  string
}

// Error formats the mistake the way compilers do, so editors and terminals
// can jump to it:
//
//	mvi.toml:3:8: processes.web.port: 70000 is not a port (1–65535)
//	    fix: use the port your server listens on, e.g. port = 8080
//
// The fix goes on its own indented lines because some fixes are small
// examples spanning several lines.
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteByte(':')
	}
	fmt.Fprintf(&b, "%d:%d: ", e.Line, e.Col)
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Fix != "" {
		for i, line := range strings.Split(e.Fix, "\n") {
			b.WriteString("\n    ")
			if i == 0 {
				b.WriteString("fix: ")
			} else {
				b.WriteString("     ")
			}
			b.WriteString(line)
		}
	}
	return b.String()
}

// Errors is every mistake found in one manifest, in file order.
type Errors []*Error

// Error prints one mistake after another, each starting on a new line.
func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// AsErrors finds the manifest mistakes in err, however it was wrapped. A
// lone *Error is returned as a list of one.
func AsErrors(err error) (Errors, bool) {
	var es Errors
	if errors.As(err, &es) && len(es) > 0 {
		return es, true
	}
	var e *Error
	if errors.As(err, &e) && e != nil {
		return Errors{e}, true
	}
	return nil, false
}

// sortErrors orders mistakes as they appear in the file, so a person fixes
// them top to bottom; ties are broken by path and message to keep the output
// stable from run to run.
func sortErrors(es Errors) {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Msg < b.Msg
	})
}

// pos is a 1-based place in the file.
type pos struct{ Line, Col int }

// collector gathers mistakes while parsing goes on, so one run reports them
// all.
type collector struct {
	file string
	errs Errors
}

func (c *collector) add(at pos, path []string, fix, format string, args ...any) *Error {
	if at.Line < 1 || at.Col < 1 {
		at = pos{1, 1} // no better place known: the top of the file
	}
	e := &Error{
		File: c.file,
		Line: at.Line,
		Col:  at.Col,
		Path: joinPath(path),
		Msg:  fmt.Sprintf(format, args...),
		Fix:  fix,
	}
	c.errs = append(c.errs, e)
	return e
}

// joinPath writes a key path the way it would be written in TOML: dotted,
// quoting segments that aren't bare keys, with array indexes as [i].
func joinPath(path []string) string {
	var b strings.Builder
	for i, seg := range path {
		switch {
		case strings.HasPrefix(seg, "[") && i > 0:
			b.WriteString(seg)
			continue
		case i > 0:
			b.WriteByte('.')
		}
		if isBareKey(seg) {
			b.WriteString(seg)
		} else {
			b.WriteString(tomlQuote(seg))
		}
	}
	return b.String()
}

func isBareKey(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// tomlQuote writes s as a TOML basic string. strconv.Quote is not enough:
// Go's \x and \a escapes are not TOML.
func tomlQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
