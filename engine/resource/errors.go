package resource

import (
	"errors"
	"fmt"
	"strings"
)

// RolledBackError is a release that never became healthy: the deployment
// circuit breaker stopped it and ECS went back to the release before.
type RolledBackError struct {
	ID      string // the service's logical id
	Wanted  string // the task definition the apply asked for
	Running string // the one ECS went back to
	Reason  string // ECS's newest word on it
	Stopped string // why a task of the new release stopped, as ECS says
}

func (e *RolledBackError) Error() string {
	msg := fmt.Sprintf("%s: the new release %s never became healthy, so ECS rolled back to %s, which runs now", e.ID, lastName(e.Wanted), lastName(e.Running))
	if e.Reason != "" {
		msg += " (" + e.Reason + ")"
	}
	if e.Stopped != "" {
		msg += "; a task stopped: " + e.Stopped
	}
	return msg
}

// lastName is what follows an ARN's last "/": a task definition's
// family:revision, the release a person knows.
func lastName(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }

// Fix is what the person can do about a rolled-back release.
func (e *RolledBackError) Fix() string { return stoppedFix(e.Stopped) }

// Fixer is an error that knows what the person can do about it.
type Fixer interface {
	error
	Fix() string
}

// FixOf is the fix the error chain carries, "" when none does.
func FixOf(err error) string {
	var f Fixer
	if errors.As(err, &f) {
		return f.Fix()
	}
	return ""
}

// FixLine is how every screen shows an error with what to do: the fix on
// its own indented line under what happened.
func FixLine(msg, fix string) string {
	if fix == "" {
		return msg
	}
	return msg + "\n    fix: " + fix
}
