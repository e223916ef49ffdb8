package arch

import "fmt"

// The app's Redis, when [kv] engine = "redis": ElastiCache for Valkey,
// the Redis-compatible engine ElastiCache recommends for new caches, whose
// node-hours cost a fifth less than Redis OSS's. Clients that speak Redis
// speak Valkey.

// RedisPort is where Redis clients connect: the port every client library
// assumes.
const RedisPort = 6379

// RedisEngine is the ElastiCache engine mvi runs for engine = "redis".
const RedisEngine = "valkey"

// KVURLRef is the reference REDIS_URL is made from.
const KVURLRef = "kv.url"

// CacheTokenName is the SSM parameter holding the Redis AUTH token.
func CacheTokenName(app string) string { return "/mvi/" + app + "/cache-token" }

// KVURLName is the SSM parameter holding REDIS_URL, token and all.
func KVURLName(app string) string { return "/mvi/" + app + "/kv-url" }

// redis designs the app's Redis: private, reachable only from the app's
// tasks, encrypted at rest with the app's key and on the wire with TLS,
// and locked with a generated AUTH token.
func (d *design) redis() {
	kv := d.m.KV
	if !kv.Redis() {
		return
	}
	d.add(VPC, IDCacheGroup, TypeSecurityGroup, SecurityGroupProps{
		VPC: IDVPC, Description: "redis: 6379 from app VMs only",
		Ingress:  []Rule{{Protocol: "tcp", FromPort: RedisPort, ToPort: RedisPort, SourceGroup: IDAppGroup, Description: "Redis from app VMs"}},
		NoEgress: true,
	}, "only the app's containers may open connections to its Redis, and the Redis may open none", IDVPC, IDAppGroup)
	d.add(KV, IDCacheSubnets, TypeCacheSubnetGroup, CacheSubnetGroupProps{
		Subnets: []string{SubnetID("private-a"), SubnetID("private-b")},
	}, "tells ElastiCache it may place the Redis only in the private subnets, out of the internet's reach",
		SubnetID("private-a"), SubnetID("private-b"))
	d.add(KV, IDCacheToken, TypeParameter, ParameterProps{
		Name: CacheTokenName(d.m.Name), Secure: true, Generated: true, Key: IDKey,
	}, "a generated AUTH token, encrypted with the app's key: the Redis answers no command until a client gives it", IDKey)
	reason := "one Redis every container shares, in memory, private, encrypted on disk and on the wire"
	if kv.Nodes > 1 {
		reason = fmt.Sprintf("a Redis every container shares: a primary and %d replica(s) in other zones, which take over when the primary's zone fails; private and encrypted on disk and on the wire", kv.Nodes-1)
	}
	d.add(KV, IDCache, TypeReplicationGroup, ReplicationGroupProps{
		Engine: RedisEngine, NodeType: kv.Size, Nodes: kv.Nodes, Port: RedisPort,
		SubnetGroup: IDCacheSubnets, SecurityGroup: IDCacheGroup, Key: IDKey, AuthToken: IDCacheToken, Failover: kv.Nodes > 1,
	}, reason, IDCacheSubnets, IDCacheGroup, IDKey, IDCacheToken)
	d.add(KV, IDKVURL, TypeParameter, ParameterProps{
		Name: KVURLName(d.m.Name), Secure: true, Key: IDKey, Template: Template{{Ref: KVURLRef}},
	}, "REDIS_URL, where the Redis is and its token, so it is encrypted and reaches containers as a secret",
		IDKey, IDCache, IDCacheToken)
}

// privateNeed names what the private subnets keep from the internet.
func (d *design) privateNeed() string {
	switch {
	case d.m.Database != nil && d.m.KV.Redis():
		return "the database and the Redis"
	case d.m.KV.Redis():
		return "the Redis"
	}
	return "the database"
}

// secondZoneReason says why the second private subnet exists.
func (d *design) secondZoneReason() string {
	if !d.m.KV.Redis() {
		return "a private subnet in a second zone: the database service needs two zones to place it"
	}
	return "a private subnet in a second zone, so " + d.privateNeed() + " can be placed in either zone"
}

// hasPrivateSubnets: a database and a Redis live where nothing from the
// internet can route to them.
func (d *design) hasPrivateSubnets() bool { return d.m.Database != nil || d.m.KV.Redis() }
