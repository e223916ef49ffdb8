package manifest

import (
	"strings"
	"testing"
)

const kvApp = "name = \"shop\"\n[processes.web]\nimage = \"nginx\"\nport = 80\n"

func TestKVDefaultsToDynamoDB(t *testing.T) {
	m, err := Parse("mvi.toml", []byte(kvApp+"[kv]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if m.KV.Engine != KVDynamoDB || m.KV.Redis() || m.KV.Size != "" || m.KV.Nodes != 0 {
		t.Errorf("[kv] alone: %+v, want a DynamoDB table and no Redis settings", *m.KV)
	}
}

func TestKVRedisDefaults(t *testing.T) {
	m, err := Parse("mvi.toml", []byte(kvApp+"[kv]\nengine = \"redis\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !m.KV.Redis() || m.KV.Size != DefaultKVSize || m.KV.Nodes != 1 {
		t.Errorf("redis: %+v, want %s with one node", *m.KV, DefaultKVSize)
	}
}

// oneError parses src and wants exactly one mistake at line:col whose
// message and fix hold the words given.
func oneError(t *testing.T, src string, line, col int, words ...string) {
	t.Helper()
	_, err := Parse("mvi.toml", []byte(src))
	es, ok := AsErrors(err)
	if !ok || len(es) != 1 {
		t.Fatalf("want one error, got %v", err)
	}
	e := es[0]
	if e.Line != line || e.Col != col {
		t.Errorf("error at %d:%d, want %d:%d: %v", e.Line, e.Col, line, col, e)
	}
	for _, w := range words {
		if !strings.Contains(e.Error(), w) {
			t.Errorf("error %q lacks %q", e.Error(), w)
		}
	}
}

func TestKVEngineMustBeKnown(t *testing.T) {
	oneError(t, kvApp+"[kv]\nengine = \"memcached\"\n", 6, 10, "mvi.toml:6:10", `"memcached" is not a key/value engine`, "dynamodb or redis")
	oneError(t, kvApp+"[kv]\nengine = \"rediss\"\n", 6, 10, `did you mean "redis"?`)
}

func TestRedisSettingsNeedRedis(t *testing.T) {
	oneError(t, kvApp+"[kv]\nsize = \"cache.t4g.small\"\n", 6, 1, "size is a setting of engine = \"redis\"", `add engine = "redis"`)
	oneError(t, kvApp+"[kv]\nengine = \"redis\"\nnodes = 7\n", 7, 9, "7 is not a node count (1–6)")
	oneError(t, kvApp+"[kv]\nengine = \"redis\"\nsize = \"t4g.micro\"\n", 7, 8, "cache.family.size")
}

func TestKVRefsFollowTheEngine(t *testing.T) {
	oneError(t, kvApp+"env = { CACHE = \"${kv.url}\" }\n[kv]\n", 5, 18, "${kv.url} is a Redis URL", `add engine = "redis"`)
	oneError(t, kvApp+"env = { T = \"${kv.table}\" }\n[kv]\nengine = \"redis\"\n", 5, 14, "names a DynamoDB table", "${kv.url}")
	m, err := Parse("mvi.toml", []byte(kvApp+"env = { CACHE = \"${kv.url}/0\" }\n[kv]\nengine = \"redis\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	refs, _ := Refs(m.Processes["web"].Env["CACHE"])
	if len(refs) != 1 || !refs[0].Secret() {
		t.Errorf("${kv.url} holds the AUTH token and must travel as a secret: %+v", refs)
	}
}

func TestKVURLWithoutKVSaysRedis(t *testing.T) {
	oneError(t, kvApp+"env = { CACHE = \"${kv.url}\" }\n", 5, 18, `add [kv] with engine = "redis"`)
}

func TestRedisURLIsMvis(t *testing.T) {
	oneError(t, kvApp+"env = { REDIS_URL = \"redis://x\" }\n[kv]\nengine = \"redis\"\n", 5, 9, "REDIS_URL is set by mvi", "${kv.url}")
	if _, err := Parse("mvi.toml", []byte(kvApp+"env = { REDIS_URL = \"redis://x\" }\n")); err != nil {
		t.Errorf("REDIS_URL of an app without mvi's Redis is the person's own: %v", err)
	}
}
