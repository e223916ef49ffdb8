package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/minimalinfra/mvi/engine/build"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/minimalinfra/mvi/engine/resource"
)

// Exit codes: 1 for a failure while working, 2 for input mvi can't accept
// (a bad manifest, a bad flag), so scripts can tell "fix your file" apart,
// and 130 for an interrupt, as shells report a program ended by Ctrl-C.
const (
	exitFailure     = 1
	exitInvalid     = 2
	exitInterrupted = 130
)

// interruptedLine is all mvi says when it was interrupted, wherever: the
// engine leaves only tagged resources and saved progress, so a rerun
// picks up where this one stopped.
const interruptedLine = "mvi: stopped; nothing half-made is lost — run again to resume"

// interrupted reports whether err ended a command because the person
// stopped it: Ctrl-C or SIGTERM (ctx ended), or q in the wizard while a
// step ran (which returns context.Canceled).
func interrupted(ctx context.Context, err error) bool {
	return err != nil && (ctx.Err() != nil || errors.Is(err, context.Canceled))
}

// usageError marks mistakes in how mvi was called.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

func exitCode(err error) int {
	var st exitStatus
	if errors.As(err, &st) {
		return st.code // mvi run: the command's own
	}
	var u usageError
	if _, ok := manifest.AsErrors(err); ok || errors.As(err, &u) {
		return exitInvalid
	}
	// A Dockerfile mvi can't build is input too, like a bad mvi.toml.
	var be *build.Error
	var nb *build.NeedsBuilderError
	if errors.As(err, &be) && be.Kind != build.KindPush || errors.As(err, &nb) {
		return exitInvalid
	}
	return exitFailure
}

// errorText gives every error a clear first word; manifest errors come as
// they are ("file:line:col: path: what" with the fix indented beneath),
// followed by a count so a long list ends with its size.
func errorText(err error) string {
	if errs, ok := manifest.AsErrors(err); ok {
		n := len(errs)
		noun := "error"
		if n != 1 {
			noun = "errors"
		}
		return fmt.Sprintf("%s\n%d %s in %s", errs.Error(), n, noun, errs[0].File)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "mvi:") {
		msg = "mvi: " + msg
	}
	return msg
}

// fixedError is a failure of mvi's own with what the person can do.
type fixedError struct {
	err error
	fix string
}

func (e *fixedError) Error() string { return resource.FixLine(e.err.Error(), e.fix) }
func (e *fixedError) Fix() string   { return e.fix }
func (e *fixedError) Unwrap() error { return e.err }
