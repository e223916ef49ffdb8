package manifest

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

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
		path = w.curPath.slice()
		for _, k := range strings.Split(line[m[2]:m[3]], ".") {
			path = append(path, strings.TrimSpace(k))
		}
		value = strings.TrimSpace(line[m[1]:])
		if i := strings.Index(value, " #"); i >= 0 {
			value = strings.TrimSpace(value[:i])
		}
	}
	fix := syntaxFix(msg, path, value)
	if off < len(w.data) && w.data[off] == ':' && strings.Contains(msg, "expected '='") {
		fix = "TOML puts = between a key and its value, not :"
	}
	w.syntax = w.c.add(w.lines.at(off), path, fix, "invalid TOML: %s", msg)
}

// syntaxFix turns go-toml's parser messages into what to type.
func syntaxFix(msg string, path []string, value string) string {
	key := "key"
	if len(path) > 0 {
		key = path[len(path)-1]
	}
	switch {
	case value == "" && (strings.Contains(msg, "start of value") || strings.Contains(msg, "expected value")):
		return fmt.Sprintf("give %s a value after the = (text goes in quotes, numbers don't)", key)
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
