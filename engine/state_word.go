package engine

import (
	"strings"
	"unicode"
)

// StateWord is a live state as every screen shows it: AWS spells states
// ACTIVE, available, Enabled, InService and PendingDeletion depending on
// the service; a person reads one casing, "active", "in service",
// "pending deletion". A resource whose API has no state is "present".
// JSON keeps AWS's own spelling.
func StateWord(s string) string {
	if s == "" {
		return "present"
	}
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case r == '_' || r == '-':
			b.WriteRune(' ')
		case unicode.IsUpper(r) && i > 0 && unicode.IsLower(rs[i-1]):
			b.WriteRune(' ')
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// Word is the resource's state as StateWord shows it.
func (r ResourceStatus) Word() string { return StateWord(r.State) }
