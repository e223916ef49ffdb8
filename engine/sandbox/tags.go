package sandbox

import (
	"encoding/base64"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// setTags merges tags into a record's tags.
func (m *Meta) setTags(kv map[string]string) {
	if len(kv) == 0 {
		return
	}
	if m.Tags == nil {
		m.Tags = map[string]string{}
	}
	for k, v := range kv {
		m.Tags[k] = v
	}
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

// ec2Tags converts tags to EC2's sorted []Tag.
func ec2Tags(m map[string]string) []ec2types.Tag {
	if len(m) == 0 {
		return nil
	}
	out := make([]ec2types.Tag, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, ec2types.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

func fromEC2Tags(ts []ec2types.Tag) map[string]string {
	out := map[string]string{}
	for _, t := range ts {
		out[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return out
}

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
