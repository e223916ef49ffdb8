package sandbox

import (
	"encoding/base64"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// maxTags is how many tags AWS lets one resource carry.
const maxTags = 50

// setTags merges tags into a record's tags.
func (m *Meta) setTags(kv map[string]string) { addTags(&m.Tags, kv) }

// addTags merges kv into *tags (making the map if there is any to add).
func addTags(tags *map[string]string, kv map[string]string) {
	if len(kv) == 0 {
		return
	}
	if *tags == nil {
		*tags = map[string]string{}
	}
	for k, v := range kv {
		(*tags)[k] = v
	}
}

// mergeTags merges kv into *tags unless the resource would then carry more
// than maxTags: then it changes nothing and returns tooMany, the service's
// error.
func mergeTags(tags *map[string]string, kv map[string]string, tooMany error) error {
	n := len(*tags)
	for k := range kv {
		if _, ok := (*tags)[k]; !ok {
			n++
		}
	}
	if n > maxTags {
		return tooMany
	}
	addTags(tags, kv)
	return nil
}

// tagMap reads a service's list of tags into a map (of a key given twice,
// the last wins); kv reads one tag's key and value.
func tagMap[T any](ts []T, kv func(T) (key, value string)) map[string]string {
	m := map[string]string{}
	for _, tg := range ts {
		k, v := kv(tg)
		m[k] = v
	}
	return m
}

// tagList is a map of tags as a service lists them: sorted by key, an
// empty list (not nil) for none; mk makes one tag.
func tagList[T any](m map[string]string, mk func(key, value string) T) []T {
	out := []T{}
	for _, k := range sortedKeys(m) {
		out = append(out, mk(k, m[k]))
	}
	return out
}

// tagRules are what a service checks of the tags a call gives it, each
// with the service's error, in the order AWS checks them: each tag in turn
// (a key given twice, then the lengths), then the aws: prefix, then the
// count. A nil rule is not checked.
type tagRules struct {
	dup      func(key string) error // a key given twice (unchecked: the last wins)
	size     error                  // a key not 1 to 128 characters long, or a value over 256
	reserved func(key string) error // a key in the aws: namespace
	tooMany  error                  // more than maxTags
}

// checkedTagMap is tagMap that applies a service's rules.
func checkedTagMap[T any](ts []T, kv func(T) (key, value string), r tagRules) (map[string]string, error) {
	m := map[string]string{}
	for _, tg := range ts {
		k, v := kv(tg)
		if _, dup := m[k]; dup && r.dup != nil {
			return nil, r.dup(k)
		}
		if r.size != nil && (k == "" || len(k) > 128 || len(v) > 256) {
			return nil, r.size
		}
		m[k] = v
	}
	if k, bad := reservedTag(m); bad && r.reserved != nil {
		return nil, r.reserved(k)
	}
	if r.tooMany != nil && len(m) > maxTags {
		return nil, r.tooMany
	}
	return m, nil
}

// untag removes tag keys.
func (m *Meta) untag(keys []string) {
	for _, k := range keys {
		delete(m.Tags, k)
	}
}

// reservedTag reports a key in the aws: namespace, which users can't set.
func reservedTag(kv map[string]string) (string, bool) {
	for k := range kv {
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return k, true
		}
	}
	return "", false
}

// tagsMatch is the Tagging API's rule: every filter's key present, and its
// value one of the filter's values when any are given.
func tagsMatch(tags map[string]string, filters map[string][]string) bool {
	for k, vals := range filters {
		v, ok := tags[k]
		if !ok {
			return false
		}
		if len(vals) == 0 {
			continue
		}
		found := false
		for _, w := range vals {
			if w == v {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// --- EC2-style filters (EC2 and its Describe* calls) ---

func ec2KV(t ec2types.Tag) (string, string) { return aws.ToString(t.Key), aws.ToString(t.Value) }
func ec2Tag(k, v string) ec2types.Tag       { return ec2types.Tag{Key: aws.String(k), Value: aws.String(v)} }

// ec2Tags converts tags to EC2's sorted []Tag (nil for none, as EC2
// leaves the set out).
func ec2Tags(m map[string]string) []ec2types.Tag {
	if len(m) == 0 {
		return nil
	}
	return tagList(m, ec2Tag)
}

func fromEC2Tags(ts []ec2types.Tag) map[string]string { return tagMap(ts, ec2KV) }

// tagsFor picks the tags of a TagSpecifications list for one resource type.
func tagsFor(specs []ec2types.TagSpecification, rt ec2types.ResourceType) map[string]string {
	out := map[string]string{}
	for _, s := range specs {
		if s.ResourceType == rt {
			for k, v := range fromEC2Tags(s.Tags) {
				out[k] = v
			}
		}
	}
	return out
}

// checkTagSpecs validates TagSpecifications of a create call: the resource
// type must be the created one (as AWS insists) and keys not aws:.
func checkTagSpecs(specs []ec2types.TagSpecification, allowed ...ec2types.ResourceType) error {
	for _, s := range specs {
		ok := false
		for _, a := range allowed {
			if s.ResourceType == a {
				ok = true
			}
		}
		if !ok {
			return errf("InvalidParameterValue", "'%s' is not a valid taggable resource type for this operation.", s.ResourceType)
		}
		if k, bad := reservedTag(fromEC2Tags(s.Tags)); bad {
			return errf("InvalidParameterValue", "Value ( %s ) for parameter key is invalid. Tag keys starting with 'aws:' are reserved for internal use", k)
		}
	}
	return nil
}

// fields are a record's values for EC2 filter names.
type fields map[string][]string

// checkFilters rejects filter names the call doesn't know, as EC2 does
// (InvalidParameterValue "The filter 'x' is invalid"); known are the
// names of a zero record's fields.
func checkFilters(fs []ec2types.Filter, known fields) error {
	for _, f := range fs {
		n := aws.ToString(f.Name)
		if strings.HasPrefix(n, "tag:") || n == "tag-key" || n == "tag-value" {
			continue
		}
		if _, ok := known[n]; !ok {
			return errf("InvalidParameterValue", "The filter '%s' is invalid", n)
		}
	}
	return nil
}

// matchFilters applies EC2 filters: every filter must match; within one, any
// value (with * and ? wildcards).
func matchFilters(fs []ec2types.Filter, tags map[string]string, f fields) bool {
	for _, flt := range fs {
		n := aws.ToString(flt.Name)
		var have []string
		switch {
		case strings.HasPrefix(n, "tag:"):
			if v, ok := tags[n[4:]]; ok {
				have = []string{v}
			}
		case n == "tag-key":
			have = sortedKeys(tags)
		case n == "tag-value":
			for _, k := range sortedKeys(tags) {
				have = append(have, tags[k])
			}
		default:
			have = f[n]
		}
		if !anyMatch(flt.Values, have) {
			return false
		}
	}
	return true
}

func anyMatch(want, have []string) bool {
	for _, w := range want {
		for _, h := range have {
			if wildcard(w, h) {
				return true
			}
		}
	}
	return false
}

// wildcard matches s against a pattern with * (any run) and ? (one char).
func wildcard(p, s string) bool {
	if !strings.ContainsAny(p, "*?") {
		return p == s
	}
	// Iterative glob with backtracking on the last star.
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == s[si]):
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

func boolStr(b bool) string { return strconv.FormatBool(b) }

// idSet is a set of requested ids; empty means "all".
type idSet map[string]bool

func newIDSet(ids []string) idSet {
	s := idSet{}
	for _, id := range ids {
		s[id] = true
	}
	return s
}

func (s idSet) has(id string) bool { return len(s) == 0 || s[id] }

// missing returns the requested ids not in found, sorted.
func (s idSet) missing(found map[string]bool) []string {
	var out []string
	for id := range s {
		if !found[id] {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// --- pagination tokens ---

func formatToken(n int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("mvi-sandbox:" + strconv.Itoa(n)))
}

func parseToken(s string) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !strings.HasPrefix(string(b), "mvi-sandbox:") {
		return 0, strconv.ErrSyntax
	}
	return strconv.Atoi(strings.TrimPrefix(string(b), "mvi-sandbox:"))
}
