//go:build unix

package aws

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/cloud"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/minimalinfra/mvi/engine/resource"
)

// TestMotoRedis drives the ElastiCache handlers through the real SDK
// against moto_server: up, find everything by tags with the hashes an
// up again would find unchanged, the Redis's secure settings as
// ElastiCache reports them, and the delete of the group.
//
// moto 5.2.1 is kinder than AWS here, and lacks some of it: a replication
// group is "available" the moment it is asked for, a deleted one stays
// "deleting" for ever, and DeleteCacheSubnetGroup, ModifyReplicationGroup
// and Increase/DecreaseReplicaCount aren't implemented. So "down leaves
// nothing", the subnet group's wait for CacheSubnetGroupInUse and changes
// in place are tested on the sandbox only (engine TestRedisUpUpDown,
// TestRedisNodesChangeInPlace, sandbox TestElastiCacheOnTheClock).
func TestMotoRedis(t *testing.T) {
	clients, account := motoClients(t)
	resetMoto(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	m, err := manifest.Parse("mvi.toml", []byte("name = \"shop\"\n[processes.web]\nimage = \"httpd\"\nport = 80\n[kv]\nengine = \"redis\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := arch.Design(m)
	if err != nil {
		t.Fatal(err)
	}
	hs := Handlers()
	base := resource.Env{Clients: clients, App: a.App, Region: a.Region, Account: account,
		Clock: time.Now, Say: func(string) {}, Use: func(string) {}}
	live := map[string]resource.Live{}
	for _, r := range a.Resources {
		h := hs[r.Type]
		l, err := h.Create(ctx, envFor(base, r, live), r)
		if err != nil {
			t.Fatalf("create %s: %v", r.ID, err)
		}
		live[r.ID] = l
		if r.Type == arch.TypeService {
			continue // moto runs no tasks
		}
		waitReady(t, ctx, h, envFor(base, r, live), l)
		if f, ok := resource.As[resource.Finisher](h); ok {
			if live[r.ID], err = f.Finish(ctx, envFor(base, r, live), r, l); err != nil {
				t.Fatalf("finish %s: %v", r.ID, err)
			}
		}
		if hs[r.Type].Describe().LateOutputs {
			// As the engine does: read the outputs again once ready.
			found := listAll(t, ctx, base, []string{r.Type})
			live[r.ID] = found[r.ID]
		}
	}

	// Up again: everything found by its tags, with the hash of what is
	// designed, so the plan has nothing to change.
	found := listAll(t, ctx, base, []string{arch.TypeReplicationGroup, arch.TypeCacheSubnetGroup, arch.TypeParameter, arch.TypeSecurityGroup})
	for _, id := range []string{arch.IDCache, arch.IDCacheSubnets, arch.IDCacheToken, arch.IDKVURL, arch.IDCacheGroup} {
		r, _ := a.Get(id)
		l, ok := found[id]
		if !ok {
			t.Errorf("%s not found by its tags", id)
			continue
		}
		if l.Hash != arch.Hash(r.Props) {
			t.Errorf("%s: hash %q, want %q: a second up would change it", id, l.Hash, arch.Hash(r.Props))
		}
	}
	other := base
	other.App = "shop2"
	if n := listAll(t, ctx, other, []string{arch.TypeReplicationGroup, arch.TypeCacheSubnetGroup}); len(n) != 0 {
		t.Errorf("app shop2 sees shop's %v", keys(n))
	}

	// What ElastiCache says it made.
	rg := found[arch.IDCache]
	out, err := clients.ElastiCache.DescribeReplicationGroups(ctx, &elasticache.DescribeReplicationGroupsInput{ReplicationGroupId: aws.String(rg.PhysicalID)})
	if err != nil {
		t.Fatal(err)
	}
	g := out.ReplicationGroups[0]
	if aws.ToString(g.Engine) != "valkey" || aws.ToString(g.CacheNodeType) != "cache.t4g.micro" || !aws.ToBool(g.AtRestEncryptionEnabled) ||
		!aws.ToBool(g.TransitEncryptionEnabled) || !aws.ToBool(g.AuthTokenEnabled) || len(g.MemberClusters) != 1 ||
		!sameKey(aws.ToString(g.KmsKeyId), live[arch.IDKey].Attrs["arn"]) {
		t.Errorf("replication group as made: %+v", g)
	}
	if rg.Attrs["endpoint"] == "" || rg.Attrs["port"] != "6379" {
		t.Errorf("the Redis's outputs: %v", rg.Attrs)
	}
	u := getSecure(t, ctx, clients, arch.KVURLName("shop"))
	tok := getSecure(t, ctx, clients, arch.CacheTokenName("shop"))
	if want := "rediss://:" + tok + "@" + rg.Attrs["endpoint"] + ":6379"; u != want || len(tok) < 16 {
		t.Errorf("REDIS_URL holds %q, want the TLS URL with the token", strings.ReplaceAll(u, tok, "TOKEN"))
	}

	// Delete: accepted, and the group is no longer the app's.
	if err := hs[arch.TypeReplicationGroup].Delete(ctx, base, rg); err != nil {
		t.Fatal(err)
	}
	if err := hs[arch.TypeReplicationGroup].Delete(ctx, base, rg); err != nil {
		t.Errorf("a second delete of a group on its way: %v", err)
	}
	if n := listAll(t, ctx, base, []string{arch.TypeReplicationGroup}); len(n) != 0 {
		t.Errorf("after delete the app still has %v", keys(n))
	}
}

func getSecure(t *testing.T, ctx context.Context, c *cloud.Clients, name string) string {
	t.Helper()
	out, err := c.SSM.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name), WithDecryption: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.Parameter.Value)
}
