package sandbox

import (
	"crypto/sha256"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	ectypes "github.com/aws/aws-sdk-go-v2/service/elasticache/types"

	"github.com/minimalinfra/mvi/engine/cloud"
)

// ElastiCache: cache subnet groups and replication groups (Valkey or
// Redis OSS, cluster mode off). A group passes creating → available on
// the clock, modifying → available after ModifyReplicationGroup, deleting
// → gone after DeleteReplicationGroup; its subnet group can't be deleted
// while it exists (CacheSubnetGroupInUse). Each node holds a
// requester-managed ENI ("amazon-elasticache") in a subnet of its group,
// with the group's security groups, so EC2 refuses to delete those
// subnets and groups while the Redis exists. The AUTH token is checked
// against ElastiCache's rules and never stored. The sandbox runs no Redis
// server: the endpoint is a name, and Dial says so.

type elasticacheAPI struct{ s *Sandbox }

var _ cloud.ElastiCache = (*elasticacheAPI)(nil)

type cacheState struct {
	SubnetGroups map[string]*cacheSubnetGroup `json:"subnet_groups"`
	Groups       map[string]*cacheGroup       `json:"replication_groups"`
}

type cacheSubnetGroup struct {
	Meta
	Name        string   `json:"name"`
	Description string   `json:"description"`
	VPC         string   `json:"vpc"`
	Subnets     []string `json:"subnets"`
}

type cacheGroup struct {
	Meta
	Description string    `json:"description"`
	Engine      string    `json:"engine"`
	Version     string    `json:"engine_version"`
	NodeType    string    `json:"node_type"`
	Nodes       int       `json:"nodes"`
	Port        int32     `json:"port"`
	SubnetGroup string    `json:"subnet_group"`
	VPC         string    `json:"vpc"`
	SGs         []string  `json:"security_groups"`
	AtRest      bool      `json:"at_rest_encryption"`
	KMSKey      string    `json:"kms_key,omitempty"`
	Transit     bool      `json:"transit_encryption"`
	Auth        bool      `json:"auth_token_enabled"` // the token itself is never kept
	Failover    bool      `json:"automatic_failover"`
	MultiAZ     bool      `json:"multi_az"`
	AutoMinor   bool      `json:"auto_minor_version_upgrade"`
	Host        string    `json:"host"`
	Status      string    `json:"status"`
	ReadyAt     time.Time `json:"ready_at"`            // creating ends
	ModifyAt    time.Time `json:"modify_at,omitempty"` // modifying ends
	PendingType string    `json:"pending_node_type,omitempty"`
	GoneAt      time.Time `json:"gone_at,omitempty"` // deleting ends
}

// The ARN resource types of ElastiCache.
const (
	cacheTypeGroup       = "replicationgroup"
	cacheTypeSubnetGroup = "subnetgroup"
)

func (t *tx) cacheARN(typ, name string) string { return t.arn("elasticache", typ+":"+name) }

// cacheEngines are the engines of a replication group, with the version a
// new one gets when none is asked for.
var cacheEngines = map[string]string{"valkey": "8.0", "redis": "7.1"}

var (
	// ElastiCache ids: a letter, then letters, digits and single hyphens,
	// not ending with one.
	cacheIdentRE = regexp.MustCompile(`^[a-zA-Z](?:[a-zA-Z0-9]|-[a-zA-Z0-9])*$`)
	cacheGroupRE = regexp.MustCompile(`^[a-zA-Z0-9-]+$`)
	// The node families ElastiCache sells today; the burstable ones only
	// up to medium.
	cacheNodeRE = regexp.MustCompile(`^cache\.(?:(?:t4g|t3|t2)\.(?:micro|small|medium)|(?:m7g|m6g|m5|r7g|r6g|r6gd|r5|c7gn)\.(?:large|xlarge|[0-9]+xlarge))$`)
)

func cacheGroupNotFound(id string) error {
	return &ectypes.ReplicationGroupNotFoundFault{Message: aws.String("Replication group " + id + " not found.")}
}

func cacheSubnetGroupNotFound(name string) error {
	return &ectypes.CacheSubnetGroupNotFoundFault{Message: aws.String("Cache subnet group " + name + " not found.")}
}

func cacheInvalid(format string, args ...any) error {
	return &ectypes.InvalidParameterValueException{Message: aws.String(sprintf(format, args...))}
}

func cacheCombination(format string, args ...any) error {
	return &ectypes.InvalidParameterCombinationException{Message: aws.String(sprintf(format, args...))}
}

// checkAuthToken applies ElastiCache's rules for an AUTH token: 16–128
// printable ASCII characters, none of them @, " or /.
func checkAuthToken(tok string) error {
	if len(tok) < 16 || len(tok) > 128 {
		return cacheInvalid("Invalid AuthToken provided: it must be 16 to 128 characters long.")
	}
	for _, c := range tok {
		if c < 0x21 || c > 0x7e || c == '@' || c == '"' || c == '/' {
			return cacheInvalid("Invalid AuthToken provided: only printable ASCII characters other than @, \" and / are allowed.")
		}
	}
	return nil
}

// cacheHost is the account's per-region part of ElastiCache endpoints
// (master.<id>.<host>.<region short>.cache.amazonaws.com), stable like
// AWS's.
func cacheHost(account, region string) string {
	h := sha256.Sum256([]byte("elasticache|" + account + "|" + region))
	const a = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 6)
	for i := range b {
		b[i] = a[int(h[i])%len(a)]
	}
	return string(b)
}

// regionShort is how ElastiCache endpoints spell a region: us-east-1 →
// use1, eu-west-2 → euw2.
func regionShort(region string) string {
	p := strings.Split(region, "-")
	if len(p) != 3 {
		return region
	}
	dir := map[string]string{"east": "e", "west": "w", "north": "n", "south": "s", "central": "c",
		"northeast": "ne", "southeast": "se", "northwest": "nw", "southwest": "sw"}[p[1]]
	if dir == "" {
		dir = p[1][:1]
	}
	return p[0] + dir + p[2]
}

// cacheAddress is a group's primary endpoint. With TLS on, AWS names it
// master.<id>…; without, <id>.<host>.ng.0001….
func (t *tx) cacheAddress(g *cacheGroup) string {
	if g.Transit {
		return "master." + g.ID + "." + g.Host + "." + regionShort(t.regionName()) + ".cache.amazonaws.com"
	}
	return g.ID + "." + g.Host + ".ng.0001." + regionShort(t.regionName()) + ".cache.amazonaws.com"
}

func advanceElastiCache(t *tx) {
	for _, id := range sortedKeys(t.r.ElastiCache.Groups) {
		g := t.r.ElastiCache.Groups[id]
		if g.Status == "creating" && t.reached(g.ReadyAt) {
			g.Status = "available"
			t.touch()
		}
		if g.Status == "modifying" && t.reached(g.ModifyAt) {
			if g.PendingType != "" {
				g.NodeType, g.PendingType = g.PendingType, ""
			}
			g.Status, g.ModifyAt = "available", time.Time{}
			t.touch()
		}
		if g.Status == "deleting" && t.reached(g.GoneAt) {
			t.releaseENIsAt(g.ARN, g.GoneAt.Add(t.dur(paceENIRelease)))
			delete(t.r.ElastiCache.Groups, id)
			t.touch()
		}
	}
}

// cacheFromOutside says why a connection from this machine to a Redis
// endpoint doesn't get in, "" when host is no Redis of the sandbox's.
// ElastiCache has no public access at all: its endpoints are addresses
// inside the VPC. And had it got in, nothing would answer: the sandbox
// runs no Redis server.
func (t *tx) cacheFromOutside(host string) string {
	for _, id := range sortedKeys(t.r.ElastiCache.Groups) {
		g := t.r.ElastiCache.Groups[id]
		if g.Status == "creating" {
			continue
		}
		primary := t.cacheAddress(g)
		if strings.EqualFold(host, primary) || strings.EqualFold(host, strings.Replace(primary, "master.", "replica.", 1)) {
			return id + " is an ElastiCache Redis: its endpoint is an address inside " + g.VPC +
				", which nothing outside the VPC reaches (and the sandbox runs no Redis server to answer)"
		}
	}
	return ""
}

// cacheSettings finds the settings of a container (plain or secret) whose
// value names one of the sandbox's Redis endpoints, and says for each that
// no Redis server answers there. Only the setting's name and the group's
// id are said, never the value: it holds the AUTH token.
func (t *tx) cacheSettings(c ecstypes.ContainerDefinition) []string {
	if len(t.r.ElastiCache.Groups) == 0 {
		return nil
	}
	values := map[string]string{}
	for _, e := range c.Environment {
		values[aws.ToString(e.Name)] = aws.ToString(e.Value)
	}
	for _, s := range c.Secrets {
		if p, err := t.getParam(aws.ToString(s.ValueFrom), true); err == nil {
			values[aws.ToString(s.Name)] = aws.ToString(p.Value)
		}
	}
	var out []string
	for _, name := range sortedKeys(values) {
		for _, id := range sortedKeys(t.r.ElastiCache.Groups) {
			g := t.r.ElastiCache.Groups[id]
			if strings.Contains(strings.ToLower(values[name]), strings.ToLower(g.ID+"."+g.Host)) {
				out = append(out, "mvi sandbox: "+name+" names the ElastiCache Redis "+id+
					"; the sandbox runs no Redis server, so nothing answers there (on AWS the app's containers reach it on port "+
					sprintf("%d", g.Port)+")")
				break
			}
		}
	}
	return out
}
