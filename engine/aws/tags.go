package aws

import (
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/minimalinfra/mvi/engine/arch"
)

// sortedKeys returns m's keys in order, so every call sends tags alike.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// createTags are the tags a resource is created with; pending marks a
// multi-step create (see hashPending).
func createTags(env resource.Env, r arch.Resource, pending bool) map[string]string {
	t := resource.Tags(env.App, r)
	if pending {
		t[resource.TagHash] = hashPending
	}
	return t
}

// ours reports whether tags say the resource belongs to app and names it.
func ours(app string, tags map[string]string) bool {
	return tags[resource.TagApp] == app && tags[resource.TagID] != ""
}

// newLive fills the common fields from tags.
func newLive(typ, physical string, tags map[string]string) resource.Live {
	return resource.Live{ID: tags[resource.TagID], Type: typ, PhysicalID: physical, Hash: tags[resource.TagHash], Attrs: map[string]string{}}
}

// record tags store "id@hash" for resources that take no tags of their own
// (KMS aliases, EFS mount targets, cluster capacity associations): the
// resource that owns them carries the record.
func recordValue(id, hash string) string { return id + "@" + hash }

func parseRecord(v string) (id, hash string, ok bool) {
	i := strings.LastIndex(v, "@")
	if i <= 0 {
		return "", "", false
	}
	return v[:i], v[i+1:], true
}

// clientToken is an idempotency token for one design of one resource:
// a retried create sends the same one, a changed design another.
func clientToken(env resource.Env, r arch.Resource, extra ...string) string {
	return "mvi-" + shortHash(strings.Join(append([]string{env.App, r.ID, arch.Hash(r.Props)}, extra...), "/")) +
		shortHash(strings.Join(append([]string{arch.Hash(r.Props), r.ID, env.App}, extra...), "|"))
}

// toSDK turns mvi's tags into one service's tag list, sorted by key so a
// request is the same every time.
func toSDK[T any](m map[string]string, mk func(k, v *string) T) []T {
	out := make([]T, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, mk(aws.String(k), aws.String(m[k])))
	}
	return out
}

// fromSDK reads one service's tag list back into a map.
func fromSDK[T any](ts []T, kv func(T) (k, v *string)) map[string]string {
	m := make(map[string]string, len(ts))
	for _, t := range ts {
		k, v := kv(t)
		m[str(k)] = str(v)
	}
	return m
}
