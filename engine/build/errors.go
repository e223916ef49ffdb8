package build

import (
	"errors"
	"fmt"
	"strings"
)

// Kind sorts build errors so a caller can decide (exit code, which pane
// to show) without reading the message.
type Kind int

const (
	KindSyntax      Kind = iota + 1 // the parser refused the Dockerfile
	KindUnknown                     // not a Dockerfile instruction
	KindMissing                     // COPY/ADD names a path not in the build context
	KindUnreachable                 // FROM names an image that could not be pulled
	KindUnsupported                 // valid Dockerfile, but not buildable without a real builder
	KindContext                     // the build directory itself is unusable
	KindEscape                      // a path reaches outside the build directory
	KindTooLarge                    // the build context is over the size limit
	KindTarget                      // the reference to push to is malformed
	KindPush                        // the registry refused the push
)

// ErrSyntax and friends let callers write errors.Is(err, build.ErrMissing).
var (
	ErrSyntax      = &Error{Kind: KindSyntax}
	ErrUnknown     = &Error{Kind: KindUnknown}
	ErrMissing     = &Error{Kind: KindMissing}
	ErrUnreachable = &Error{Kind: KindUnreachable}
	ErrUnsupported = &Error{Kind: KindUnsupported}
	ErrContext     = &Error{Kind: KindContext}
	ErrEscape      = &Error{Kind: KindEscape}
	ErrTooLarge    = &Error{Kind: KindTooLarge}
	ErrTarget      = &Error{Kind: KindTarget}
	ErrPush        = &Error{Kind: KindPush}
)

// Fixer is what every error of this package is: the problem, and what the
// person can do about it, so a CLI or the TUI can show the two apart.
type Fixer interface {
	error
	Fix() string
}

// Error is one problem at one line of the Dockerfile, with what to do.
type Error struct {
	Kind  Kind
	File  string // "Dockerfile" as the person names it, relative to the build directory
	Line  int    // 1-based; 0 when the problem is not at a line
	Instr string // the instruction as written, trimmed
	Msg   string
	Hint  string // what to do; read it through Fix()
	Err   error  // the cause (parser, registry, file system), if any
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	}
	if e.Instr != "" {
		b.WriteString(e.Instr + ": ")
	}
	b.WriteString(e.Msg)
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	if e.Hint != "" {
		b.WriteString("; fix: " + e.Hint)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Fix says what to do about the error.
func (e *Error) Fix() string { return e.Hint }

// Is matches on Kind only, so the Err* values above work with errors.Is.
func (e *Error) Is(target error) bool {
	var t *Error
	return errors.As(target, &t) && t.Kind == e.Kind && t.File == "" && t.Msg == ""
}

// RunLine is one instruction this builder cannot execute: a RUN, or a
// second FROM / COPY --from of a multi-stage build.
type RunLine struct {
	File string
	Line int
	Text string
	Why  string // what the instruction needs that the builder does not do
}

func (r RunLine) String() string { return fmt.Sprintf("%s:%d: %s", r.File, r.Line, r.Text) }

// NeedsBuilderError says the Dockerfile runs programs, which only a real
// builder (a local docker/podman/buildah, or BuildKit on the app's own
// cluster) can do; building the rest in process would produce an image
// that silently lacks what those lines make.
type NeedsBuilderError struct {
	Lines []RunLine
}

func (e *NeedsBuilderError) Error() string {
	var b strings.Builder
	for i, r := range e.Lines {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s: %s", r, r.Why)
	}
	b.WriteString("; fix: " + e.Fix())
	return b.String()
}

// Fix says what to do about the error.
func (e *NeedsBuilderError) Fix() string {
	return "install docker, podman or buildah (or use the cluster builder) to build this Dockerfile; or replace RUN with COPY of files prepared in the build directory"
}

// Is makes errors.Is(err, ErrUnsupported) true: a valid Dockerfile that
// this builder cannot build, which is what KindUnsupported means.
func (e *NeedsBuilderError) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t == ErrUnsupported
}

// Line is where the first such instruction is, for a file:line message.
func (e *NeedsBuilderError) Line() int {
	if len(e.Lines) == 0 {
		return 0
	}
	return e.Lines[0].Line
}
