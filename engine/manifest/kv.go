package manifest

import "fmt"

// checkKV keeps the Redis knobs with the Redis engine: a size on a
// DynamoDB table would be silently ignored, and a person who wrote one
// meant Redis.
func (d *decoder) checkKV(m *Manifest) {
	if m.KV == nil || m.KV.Redis() {
		return
	}
	for _, k := range []string{"size", "nodes"} {
		path := []string{"kv", k}
		n := d.nodes[joinPath(path)]
		if n == nil {
			continue
		}
		d.c.add(n.key, path, fmt.Sprintf(`add engine = %q to [kv] for a managed Redis, or remove %s`, KVRedis, k),
			"%s is a setting of engine = %q, and this [kv] is %s", k, KVRedis, m.KV.Engine)
	}
}

// kvRefError says why a ${kv.…} reference doesn't fit the engine, "" when
// it does: a DynamoDB table has no URL, and a Redis no table.
func kvRefError(m *Manifest, r Ref) (msg, fix string) {
	switch {
	case r.Field == "url" && !m.KV.Redis():
		return fmt.Sprintf("%s is a Redis URL, and this app's [kv] is a DynamoDB table", r.Text),
			fmt.Sprintf(`add engine = %q to [kv], or use ${kv.table}`, KVRedis)
	case r.Field == "table" && m.KV.Redis():
		return fmt.Sprintf("%s names a DynamoDB table, and this app's [kv] is Redis", r.Text),
			fmt.Sprintf(`use ${kv.url} (also set as REDIS_URL), or write engine = %q`, KVDynamoDB)
	}
	return "", ""
}
