package aws

import (
	"fmt"

	"github.com/aws/smithy-go"

	"github.com/minimalinfra/mvi/engine/arch"
)

// hashPending is the mvi:hash a resource carries between its creation and
// the last follow-up call of a multi-step create (attach, rules, settings).
// A create interrupted in between leaves the resource findable by its tags
// but with a hash no design has, so Plan sees it changed and Update, which
// re-applies every setting, finishes the job.
const hashPending = "pending"

func itoa(n int) string { return fmt.Sprint(n) }

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func i32(p *int32) int32 {
	if p == nil {
		return 0
	}
	return *p
}

func boolv(p *bool) bool { return p != nil && *p }

// propsOf returns r's props as the struct its type designs.
func propsOf[T arch.Props](op string, r arch.Resource) (T, error) {
	p, ok := r.Props.(T)
	if !ok {
		var want T
		return want, fmt.Errorf("%s %s: props are %T, want %T", op, r.ID, r.Props, want)
	}
	return p, nil
}

// notFound is a local "it is gone" error with AWS's error shape, so callers
// read it like the cloud's own.
type notFound struct{ what string }

func (e *notFound) Error() string                 { return e.what + " not found" }
func (e *notFound) ErrorCode() string             { return "NotFound" }
func (e *notFound) ErrorMessage() string          { return e.Error() }
func (e *notFound) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// forces names a setting that differs from what a live resource was made
// with and that AWS fixes at creation: the plan's reason to replace it.
// An unknown old value (an older mvi didn't record it) forces nothing.
func forces(what, old, want, why string) string {
	if old == "" || old == want {
		return ""
	}
	return fmt.Sprintf("its %s changes %s → %s, and %s", what, old, want, why)
}

// orDefault is s, or def when s is empty (props written by an older mvi).
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// change says one setting moves from old to want, "" when it doesn't or
// old is unknown.
func change(what, old, want string) string {
	if old == "" || old == want {
		return ""
	}
	return what + " " + old + " → " + want
}

// changes keeps the non-empty ones.
func changes(cs ...string) []string {
	var out []string
	for _, c := range cs {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}
