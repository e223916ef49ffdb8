package arch

import (
	"slices"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/engine/manifest"
)

func redisApp(t *testing.T, extra string) Architecture {
	t.Helper()
	m, err := manifest.Parse("mvi.toml", []byte("name = \"shop\"\n[processes.web]\nimage = \"nginx\"\nport = 80\n"+
		"[processes.worker]\nimage = \"busybox\"\nenv = { JOBS = \"${kv.url}/1\" }\n[kv]\nengine = \"redis\"\n"+extra))
	if err != nil {
		t.Fatal(err)
	}
	return mustDesign(t, m)
}

func TestRedisIsPrivateEncryptedAndLocked(t *testing.T) {
	a := redisApp(t, "")
	rg := get(t, a, IDCache)
	p := rg.Props.(ReplicationGroupProps)
	if p.Engine != "valkey" || p.NodeType != "cache.t4g.micro" || p.Nodes != 1 || p.Failover || p.Port != 6379 ||
		p.Key != IDKey || p.AuthToken != IDCacheToken || p.SubnetGroup != IDCacheSubnets || p.SecurityGroup != IDCacheGroup {
		t.Errorf("replication group %+v", p)
	}
	sub := get(t, a, IDCacheSubnets).Props.(CacheSubnetGroupProps)
	if !slices.Equal(sub.Subnets, []string{"subnet/private-a", "subnet/private-b"}) {
		t.Errorf("cache subnets %v, want the private ones", sub.Subnets)
	}
	if s := get(t, a, "subnet/private-a"); s.Props.(SubnetProps).Public || !strings.Contains(s.Reason, "the Redis") || strings.Contains(s.Reason, "database") {
		t.Errorf("private subnet for the Redis alone: %+v", s)
	}
	sg := get(t, a, IDCacheGroup).Props.(SecurityGroupProps)
	if len(sg.Ingress) != 1 || sg.Ingress[0].SourceGroup != IDAppGroup || sg.Ingress[0].FromPort != 6379 || sg.Ingress[0].ToPort != 6379 ||
		sg.Ingress[0].CIDR != "" || !sg.NoEgress {
		t.Errorf("sg/cache %+v, want 6379 from sg/app only and no egress", sg)
	}
	tok := get(t, a, IDCacheToken).Props.(ParameterProps)
	if !tok.Secure || !tok.Generated || tok.Key != IDKey {
		t.Errorf("token parameter %+v", tok)
	}
	u := get(t, a, IDKVURL).Props.(ParameterProps)
	if !u.Secure || len(u.Template) != 1 || u.Template[0].Ref != KVURLRef {
		t.Errorf("kv-url %+v", u)
	}
	for _, id := range []string{IDCache, IDCacheSubnets, IDCacheToken, IDKVURL, IDCacheGroup} {
		if get(t, a, id).Reason == "" {
			t.Errorf("%s has no reason", id)
		}
	}
	if _, ok := a.Get(IDTable); ok {
		t.Error("an app that builds nothing and keeps its keys in Redis got a DynamoDB table")
	}
	if k := get(t, a, IDKey); !strings.Contains(k.Reason, "its Redis") {
		t.Errorf("key reason %q", k.Reason)
	}
}

// Every process gets REDIS_URL, and ${kv.url} inside other text, as a
// parameter: never plain environment, as the token is in it.
func TestRedisURLReachesEveryProcessAsASecret(t *testing.T) {
	a := redisApp(t, "")
	for _, proc := range []string{"web", "worker"} {
		td := get(t, a, TaskDefinitionID(proc)).Props.(TaskDefinitionProps)
		if td.Params["REDIS_URL"] != IDKVURL {
			t.Errorf("%s: REDIS_URL from %q, want %s", proc, td.Params["REDIS_URL"], IDKVURL)
		}
		for k, v := range td.Env {
			if strings.Contains(v, "redis") || k == "REDIS_URL" {
				t.Errorf("%s: plain env %s=%s", proc, k, v)
			}
		}
		if _, ok := td.Filled["REDIS_URL"]; ok {
			t.Errorf("%s: REDIS_URL filled in as plain environment", proc)
		}
	}
	w := get(t, a, TaskDefinitionID("worker"))
	td := w.Props.(TaskDefinitionProps)
	id := EnvParameterID("worker", "JOBS")
	if td.Params["JOBS"] != id {
		t.Fatalf("JOBS travels as %+v", td)
	}
	jobs := get(t, a, id)
	if !slices.Contains(jobs.DependsOn, IDCache) || !slices.Contains(jobs.DependsOn, IDCacheToken) {
		t.Errorf("%s depends on %v; it is filled from the Redis and its token", id, jobs.DependsOn)
	}
	role := get(t, a, IDExecutionRole).Props.(RoleProps)
	found := false
	for _, s := range role.Statements {
		for _, r := range s.Resources {
			found = found || strings.HasSuffix(r, KVURLName("shop"))
		}
	}
	if !found {
		t.Errorf("the execution role can't read %s: %+v", KVURLName("shop"), role.Statements)
	}
}

// Build and release records stay in DynamoDB: they outlive any cache.
func TestRedisAppThatBuildsKeepsItsRecordsTable(t *testing.T) {
	m, err := manifest.Parse("mvi.toml", []byte("name = \"b\"\n[processes.web]\nbuild = \".\"\nport = 80\n[kv]\nengine = \"redis\"\nnodes = 2\n"))
	if err != nil {
		t.Fatal(err)
	}
	a := mustDesign(t, m)
	tb := get(t, a, IDTable)
	if !strings.Contains(tb.Reason, "not in the Redis") {
		t.Errorf("table reason %q", tb.Reason)
	}
	p := get(t, a, IDCache).Props.(ReplicationGroupProps)
	if p.Nodes != 2 || !p.Failover {
		t.Errorf("two nodes: %+v, want automatic failover", p)
	}
}

func TestDynamoDBKVHasNoRedis(t *testing.T) {
	m, err := manifest.Parse("mvi.toml", []byte("name = \"d\"\n[processes.web]\nimage = \"nginx\"\nport = 80\n[kv]\n"))
	if err != nil {
		t.Fatal(err)
	}
	a := mustDesign(t, m)
	for _, r := range a.Resources {
		if r.Type == TypeReplicationGroup || r.Type == TypeCacheSubnetGroup || strings.HasPrefix(r.ID, "subnet/private") {
			t.Errorf("a DynamoDB KV got %s", r.ID)
		}
	}
	if _, ok := a.Get(IDTable); !ok {
		t.Error("no table")
	}
}

// Every parameter a container reads at start is one the execution role
// may read: on AWS a task whose role can't read one never starts (the
// sandbox doesn't check this, so the design must).
func TestExecutionRoleReadsEveryParameterItHandsOut(t *testing.T) {
	m, err := manifest.Parse("mvi.toml", []byte("name = \"shop\"\nsecrets = [\"API_KEY\"]\n[processes.web]\nimage = \"nginx\"\nport = 80\n"+
		"env = { KEYED = \"k=${secrets.API_KEY}\", DSN = \"${database.url}?pool=5\" }\n[database]\n[kv]\nengine = \"redis\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	a := mustDesign(t, m)
	var patterns []string
	for _, s := range get(t, a, IDExecutionRole).Props.(RoleProps).Statements {
		if slices.Contains(s.Actions, "ssm:GetParameters") {
			patterns = append(patterns, s.Resources...)
		}
	}
	allowed := func(id, name string) bool {
		for _, p := range patterns {
			if p == "{"+id+"}" {
				return true
			}
			p = strings.TrimPrefix(p, "arn:aws:ssm:{region}:{account}:parameter")
			if p == name || (strings.HasSuffix(p, "*") && strings.HasPrefix(name, strings.TrimSuffix(p, "*"))) {
				return true
			}
		}
		return false
	}
	td := get(t, a, TaskDefinitionID("web")).Props.(TaskDefinitionProps)
	if len(td.Params) < 4 {
		t.Fatalf("params %v: want DATABASE_URL, REDIS_URL, KEYED and DSN at least", td.Params)
	}
	for v, id := range td.Params {
		name := get(t, a, id).Props.(ParameterProps).Name
		if !allowed(id, name) {
			t.Errorf("%s comes from %s (%s), which the execution role can't read: %v", v, id, name, patterns)
		}
	}
}
