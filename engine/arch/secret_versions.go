package arch

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// SecretVersions maps a secret's name to the version of its value that a
// resource was made with. The design can't know them (values are set with
// `mvi secrets set`, outside mvi.toml); the engine fills them in when it
// plans, from SSM's version numbers and never from the values, so a new
// value changes the props of what reads it: a new task definition
// revision, and so a rolling deployment, since ECS reads a secret only
// when a container starts.
type SecretVersions map[string]int64

// String is the versions as "A=3,B=1", sorted: what a task definition's
// label and a parameter's tag keep, so a plan can say what changed.
func (v SecretVersions) String() string {
	names := make([]string, 0, len(v))
	for n := range v {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + "=" + strconv.FormatInt(v[n], 10)
	}
	return strings.Join(parts, ",")
}

// ParseSecretVersions reads String's form; what it can't read it skips.
func ParseSecretVersions(s string) SecretVersions {
	out := SecretVersions{}
	for _, p := range strings.Split(s, ",") {
		n, v, ok := strings.Cut(p, "=")
		if x, err := strconv.ParseInt(v, 10, 64); ok && err == nil && n != "" {
			out[n] = x
		}
	}
	return out
}

// Changes names what differs from was to v: "secret API_KEY changed
// (version 3 → 4)". No value is ever part of it.
func (v SecretVersions) Changes(was SecretVersions) []string {
	names := map[string]bool{}
	for n := range v {
		names[n] = true
	}
	for n := range was {
		names[n] = true
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	var out []string
	for _, n := range sorted {
		old, had := was[n]
		now, has := v[n]
		switch {
		case had && has && old != now:
			out = append(out, fmt.Sprintf("secret %s changed (version %d → %d)", n, old, now))
		case has && !had:
			out = append(out, fmt.Sprintf("secret %s is read from version %d on", n, now))
		case had && !has:
			out = append(out, fmt.Sprintf("secret %s is no longer read", n))
		}
	}
	return out
}
