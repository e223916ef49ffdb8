package aws

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/resource"
)

// ElastiCache's replication group id: 1–40 letters, digits and single
// hyphens, starting with a letter, not ending with a hyphen.
func TestCacheNameFitsElastiCache(t *testing.T) {
	re := regexp.MustCompile(`^[a-z](?:[a-z0-9]|-[a-z0-9])*$`)
	for _, app := range []string{"shop", strings.Repeat("a", 32), "a-b-c", "x1"} {
		n := cacheName(app, arch.IDCache)
		if len(n) > 40 || !re.MatchString(n) {
			t.Errorf("%s: %q is no replication group id", app, n)
		}
		if !strings.HasPrefix(n, "mvi-") {
			t.Errorf("%s: %q doesn't start with mvi-, so List would miss it", app, n)
		}
	}
}

// A generated token passes ElastiCache's AUTH rules: 16–128 printable
// characters without @, " or /.
func TestGeneratedPasswordIsAnAuthToken(t *testing.T) {
	for range 50 {
		tok, err := newPassword()
		if err != nil {
			t.Fatal(err)
		}
		if len(tok) < 16 || len(tok) > 128 || strings.ContainsAny(tok, "@\"/ ") {
			t.Fatalf("token %q breaks ElastiCache's AUTH rules", tok)
		}
	}
}

// ${kv.url} is rediss://:TOKEN@HOST:PORT, read only where a secret may
// be, and refused as plain environment.
func TestKVURLIsTLSWithTheToken(t *testing.T) {
	const canary = "canary-token-3f9b2c1d7e8a4b5c"
	env := resource.Env{App: "shop", Deps: map[string]resource.Live{
		arch.IDCache:      {ID: arch.IDCache, Attrs: map[string]string{"endpoint": "master.mvi-shop-cache.abc.use1.cache.amazonaws.com", "port": "6379"}},
		arch.IDCacheToken: {ID: arch.IDCacheToken, PhysicalID: arch.CacheTokenName("shop")},
	}}
	reveal := func(_ context.Context, name string) (string, error) {
		if name != arch.CacheTokenName("shop") {
			t.Errorf("revealed %s", name)
		}
		return canary, nil
	}
	got, err := fill(context.Background(), env, arch.IDKVURL, arch.Template{{Ref: arch.KVURLRef}}, reveal)
	if err != nil {
		t.Fatal(err)
	}
	if want := "rediss://:" + canary + "@master.mvi-shop-cache.abc.use1.cache.amazonaws.com:6379"; got != want {
		t.Errorf("url %q, want %q", got, want)
	}
	_, err = fill(context.Background(), env, "task-definition/web", arch.Template{{Ref: arch.KVURLRef}}, nil)
	if err == nil || strings.Contains(err.Error(), canary) || !strings.Contains(err.Error(), "secret") {
		t.Errorf("as plain env: %v", err)
	}
	delete(env.Deps[arch.IDCache].Attrs, "endpoint")
	if _, err := fill(context.Background(), env, arch.IDKVURL, arch.Template{{Ref: arch.KVURLRef}}, reveal); err == nil {
		t.Error("a Redis without an endpoint filled in a URL")
	}
}

// The group's facts that force a new one are named before anything
// changes.
func TestReplicationGroupReplaces(t *testing.T) {
	r := arch.Resource{ID: arch.IDCache, Type: arch.TypeReplicationGroup, Props: arch.ReplicationGroupProps{Engine: "valkey", NodeType: "cache.t4g.micro", Nodes: 1}}
	live := resource.Live{Attrs: map[string]string{"engine": "valkey", "nodes": "1", "at_rest_encryption": "true", "transit_encryption": "true"}}
	h := replicationGroupHandler{}
	if why := h.Replaces(r, live); why != "" {
		t.Errorf("same group replaced: %s", why)
	}
	live.Attrs["nodes"] = "2"
	if why := h.Replaces(r, live); why != "" {
		t.Errorf("nodes 2 → 1 is made in place, not by a new Redis: %q", why)
	}
	if c := h.Changes(r, live); len(c) != 1 || c[0] != "nodes 2 → 1" {
		t.Errorf("changes %v", c)
	}
	live.Attrs["nodes"], live.Attrs["engine"] = "1", "redis"
	if why := h.Replaces(r, live); !strings.Contains(why, "engine") {
		t.Errorf("redis → valkey: %q", why)
	}
	live.Attrs["engine"], live.Attrs["node_type"] = "valkey", "cache.t4g.small"
	if c := h.Changes(r, live); len(c) != 1 || !strings.Contains(c[0], "cache.t4g.small → cache.t4g.micro") {
		t.Errorf("changes %v", c)
	}
	if !h.Describe().HoldsData || h.Describe().FinalSnapshot {
		t.Error("a Redis holds data (its delete needs consent) and keeps no final snapshot")
	}
}
