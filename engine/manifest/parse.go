package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// Parse reads a manifest from data; file names it in messages and gives the
// app its default name (the directory holding it). The manifest returned has
// its defaults applied and is valid. Otherwise the error is an Errors holding
// every mistake in the file, in file order.
func Parse(file string, data []byte) (m *Manifest, err error) {
	// A panic here would be a bug in mvi, but a person editing a file must
	// still get a message, not a Go stack.
	defer func() {
		if r := recover(); r != nil {
			m, err = nil, Errors{{File: file, Line: 1, Col: 1,
				Msg: fmt.Sprintf("mvi failed to read this file (internal error: %v)", r),
				Fix: "please report this at https://github.com/minimalinfra/mvi/issues with the file attached"}}
		}
	}()
	m, errs := parse(file, data)
	if len(errs) > 0 {
		return nil, errs
	}
	return m, nil
}

// Load reads the manifest at path, or at path/mvi.toml when path is a
// directory. It reads at most maxSize+1 bytes, and only from a regular file
// or a pipe: `-f /dev/zero` must cost a message, not all of memory.
func Load(path string) (*Manifest, error) {
	file := path
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		file = filepath.Join(path, "mvi.toml")
	}
	f, err := os.Open(file)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &missingError{file: file, err: err}
		}
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	// A device (/dev/zero, /dev/urandom, a terminal) or a socket is no
	// manifest; a pipe may be (-f /dev/stdin, -f <(…)), and Read bounds it.
	if !fi.Mode().IsRegular() && fi.Mode()&fs.ModeNamedPipe == 0 {
		return nil, Errors{{File: file, Line: 1, Col: 1,
			Msg: fmt.Sprintf("this is not a file but a %s; mvi reads a manifest of at most %d bytes from a file", kindOf(fi.Mode()), maxSize),
			Fix: "pass -f PATH naming the app's mvi.toml (or its directory)"}}
	}
	if fi.Mode().IsRegular() && fi.Size() > maxSize {
		return nil, Errors{tooLarge(file)}
	}
	data, err := io.ReadAll(io.LimitReader(f, maxSize+1))
	if err != nil {
		return nil, fmt.Errorf("read manifest %s: %w", file, err)
	}
	return parseFile(file, data, filepath.Dir(file))
}

// parseFile is Parse for a manifest on disk: what it names on disk (a
// build directory) is checked too.
func parseFile(file string, data []byte, dir string) (m *Manifest, err error) {
	defer func() {
		if r := recover(); r != nil {
			m, err = nil, Errors{{File: file, Line: 1, Col: 1,
				Msg: fmt.Sprintf("mvi failed to read this file (internal error: %v)", r),
				Fix: "please report this at https://github.com/minimalinfra/mvi/issues with the file attached"}}
		}
	}()
	r := parseAll(file, data, dir)
	if len(r.errs) > 0 {
		return nil, r.errs
	}
	return r.m, nil
}

// Read parses the manifest read from r, which file names in messages. It
// reads at most maxSize+1 bytes, so an endless reader costs 1 MiB and ends
// in the size error rather than exhausting memory.
func Read(file string, r io.Reader) (*Manifest, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxSize+1))
	if err != nil {
		return nil, fmt.Errorf("read manifest %s: %w", file, err)
	}
	return Parse(file, data)
}

// tooLarge is the size error, for a file whose size is known or only known
// to pass the limit.
func tooLarge(file string) *Error {
	return &Error{File: file, Line: 1, Col: 1,
		Msg: fmt.Sprintf("this file is larger than %d bytes (1 MiB), the most mvi reads; a manifest is a few dozen lines", maxSize),
		Fix: "check that this is the app's mvi.toml, or pass -f PATH naming it"}
}

func kindOf(m fs.FileMode) string {
	switch {
	case m&fs.ModeCharDevice != 0, m&fs.ModeDevice != 0:
		return "device"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m.IsDir():
		return "directory"
	}
	return "special file"
}

// missingError says how to get a manifest when there is none.
type missingError struct {
	file string
	err  error
}

func (e *missingError) Error() string {
	return fmt.Sprintf("open %s: no such file; create it (the smallest app is three lines: [processes.web], image = \"httpd\", port = 80) or pass -f PATH", e.file)
}

func (e *missingError) Unwrap() error { return e.err }

// result is everything parse learnt, for Parse and for tests that check the
// parser against go-toml.
type result struct {
	m         *Manifest
	errs      Errors
	walker    *walker
	tomlErr   *Error // go-toml's own verdict on the TOML, if it refused it
	conflicts Errors
}

func parse(file string, data []byte) (*Manifest, Errors) {
	r := parseAll(file, data, "")
	return r.m, r.errs
}

// maxSize bounds the work a wrong file (a log, a binary) can cause. A
// manifest is a few dozen lines.
const maxSize = 1 << 20

func parseAll(file string, data []byte, dir string) result {
	c := &collector{file: file}
	if len(data) > maxSize {
		return result{errs: Errors{tooLarge(file)}}
	}
	// Editors on Windows may start the file with a byte order mark, which
	// TOML doesn't allow and a person can't see.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	// An exact-capacity copy: positions of go-toml's highlights are computed
	// from capacities, and the caller may reuse its buffer.
	doc := make([]byte, len(data))
	copy(doc, data)

	w := walk(c, doc)
	r := result{walker: w, conflicts: w.conflicts}

	// go-toml is the reference on TOML itself: if it accepts the document,
	// any conflict the walker saw would be the walker's mistake, not the
	// person's; if it refuses it for a reason the walker didn't see (an
	// impossible date, a bad escape), its message is added.
	var tree map[string]any
	if err := toml.Unmarshal(doc, &tree); err != nil {
		r.tomlErr = fromTOML(c.file, w.lines, err)
		if !onLine(c.errs, r.tomlErr.Line) {
			c.errs = append(c.errs, r.tomlErr)
		}
	} else if len(w.conflicts) > 0 {
		c.errs = without(c.errs, w.conflicts)
	}
	if w.syntax != nil {
		sortErrors(c.errs)
		r.errs = c.errs
		return r
	}

	m := &Manifest{File: file}
	d := newDecoder(c)
	d.dir = dir
	d.value(w.root, reflect.ValueOf(m).Elem(), nil, "", false)
	m.ApplyDefaults()
	d.validate(m, w.root)

	if len(c.errs) > 0 {
		r.errs = dedupe(c.errs, r.tomlErr)
		sortErrors(r.errs)
		return r
	}
	r.m = m
	return r
}

// fromTOML turns go-toml's error into ours, with columns in characters.
func fromTOML(file string, l *lines, err error) *Error {
	e := &Error{File: file, Line: 1, Col: 1, Msg: "invalid TOML: " + strings.TrimPrefix(err.Error(), "toml: ")}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, col := de.Position()
		if line >= 1 && line <= len(l.starts) {
			p := l.at(l.starts[line-1] + max(col, 1) - 1)
			e.Line, e.Col = p.Line, p.Col
		}
		e.Path = joinPath(de.Key())
	}
	e.Fix = syntaxFix(e.Msg, nil, "")
	return e
}

func onLine(es Errors, line int) bool {
	for _, e := range es {
		if e.Line == line {
			return true
		}
	}
	return false
}

// without returns es less the errors in drop.
func without(es, drop Errors) Errors {
	out := es[:0:0]
	for _, e := range es {
		if !slices.Contains(drop, e) {
			out = append(out, e)
		}
	}
	return out
}

// dedupe drops our own message where go-toml already explained the same
// spot (an integer too large, say), so a mistake is told once.
func dedupe(es Errors, tomlErr *Error) Errors {
	if tomlErr == nil || !slices.Contains(es, tomlErr) {
		return es
	}
	var drop Errors
	for _, e := range es {
		if e != tomlErr && e.Line == tomlErr.Line && e.Col == tomlErr.Col {
			drop = append(drop, e)
			if tomlErr.Path == "" {
				tomlErr.Path = e.Path
			}
		}
	}
	return without(es, drop)
}
