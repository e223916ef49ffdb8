package tutorials

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// Error is one mistake in a tutorial definition, where it is written.
type Error struct {
	Pos
	Msg string
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Errors is every mistake found in one definition, in file order.
type Errors []*Error

func (es Errors) Error() string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

func (es Errors) orNil() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

// errs collects mistakes with their positions.
type errs struct {
	pos  positions
	list Errors
}

func (c *errs) at(path, format string, args ...any) {
	c.list = append(c.list, &Error{Pos: c.pos.of(path), Msg: fmt.Sprintf(format, args...)})
}

// fromTOML turns go-toml's decode errors (syntax, wrong types, unknown
// keys) into ours, keeping their positions.
func fromTOML(file string, err error) Errors {
	var sm *toml.StrictMissingError
	if errors.As(err, &sm) {
		out := make(Errors, 0, len(sm.Errors))
		for i := range sm.Errors {
			e := &sm.Errors[i]
			line, col := e.Position()
			out = append(out, &Error{Pos: Pos{File: file, Line: line, Col: col},
				Msg: fmt.Sprintf("unknown key %q", strings.Join(e.Key(), "."))})
		}
		return out
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, col := de.Position()
		return Errors{{Pos: Pos{File: file, Line: line, Col: col}, Msg: de.Error()}}
	}
	return Errors{{Pos: Pos{File: file, Line: 1, Col: 1}, Msg: err.Error()}}
}
