package engine

import (
	"fmt"
	"strings"

	"github.com/minimalinfra/mvi/engine/resource"
)

// Error is a step that failed: which resource, AWS's error code, and what
// the person can do. Screens print it as it is; tests and callers read
// its fields rather than its text.
type Error struct {
	Action Action
	ID     string
	Type   string
	Code   string // AWS's error code, "" when the cloud gave none
	Err    error
	Fix    string
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("%s %s (%s)", e.Action, e.ID, e.Type)
	if e.Code != "" {
		msg += " [" + e.Code + "]"
	}
	return resource.FixLine(msg+": "+e.Err.Error(), e.Fix)
}

func (e *Error) Unwrap() error { return e.Err }

// explain names the resource, the AWS error code and what to do: the
// handler's own fix when its error carries one, else a generic one.
func explain(s Step, err error) error {
	e := &Error{Action: s.Action, ID: s.ID, Type: s.Type, Code: codeOf(err), Err: err, Fix: resource.FixOf(err)}
	if e.Fix == "" {
		e.Fix = hint(s, e.Code)
	}
	return e
}

func hint(s Step, code string) string {
	switch {
	case strings.Contains(code, "AccessDenied") || strings.Contains(code, "UnauthorizedOperation") || strings.Contains(code, "Unauthorized"):
		return "the credentials may not do this; check the IAM policy of the profile in use, then run `mvi up` again"
	case strings.Contains(code, "LimitExceeded") || strings.Contains(code, "Quota"):
		return "an AWS quota is reached; raise it in the Service Quotas console or remove unused resources, then run `mvi up` again"
	case s.Action == Delete:
		return "something still uses it; `mvi down` again retries, and `mvi status` shows what is left"
	}
	return "nothing was rolled back and everything made so far is tagged: fix the cause and run `mvi up` again to resume"
}

// DataLossError is an apply refused because it would delete data the
// person didn't agree to lose.
type DataLossError struct {
	App   string
	Steps []Step
}

func (e *DataLossError) Error() string {
	ids := make([]string, len(e.Steps))
	for i, s := range e.Steps {
		ids[i] = string(s.Action) + " " + s.ID
	}
	return resource.FixLine(fmt.Sprintf("apply %s: refused, this plan loses data: %s", e.App, strings.Join(ids, ", ")), e.Fix())
}

// Fix says how to go ahead on purpose.
func (e *DataLossError) Fix() string {
	return "keep it by putting its section back in mvi.toml; or back it up, then run `mvi up --allow-data-loss` to delete it"
}

// shown is an error as a person reads it outside a step: with the fix its
// chain carries on a line of its own. It is no Fixer itself, so wrapping
// it again never says the fix twice.
type shown struct{ err error }

func (s shown) Error() string { return resource.FixLine(s.err.Error(), resource.FixOf(s.err)) }
func (s shown) Unwrap() error { return s.err }

func showFix(err error) error {
	if err == nil || resource.FixOf(err) == "" {
		return err
	}
	return shown{err}
}
