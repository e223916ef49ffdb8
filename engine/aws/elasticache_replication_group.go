package aws

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	ectypes "github.com/aws/aws-sdk-go-v2/service/elasticache/types"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/resource"
)

// replicationGroupHandler runs the app's Redis. It holds data: the plan
// marks its delete or replacement and apply asks first, as for the
// database, but keeps no final snapshot. What a Redis holds is most often
// rebuilt from elsewhere (a cache, sessions, a job queue that drains),
// the engine's kept snapshots are RDS's (named, listed and priced as
// such), and the smallest nodes people start on keep a snapshot only by
// paying for its storage apart.
type replicationGroupHandler struct{}

func (replicationGroupHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeReplicationGroup, Service: arch.KV, DeleteRank: 7, HoldsData: true, LateOutputs: true,
		ARNKinds: []string{"elasticache:replicationgroup"},
		Console: func(s resource.Site) string {
			return console(s, "elasticache/home?region="+s.Region+"#/valkey/"+s.Name())
		},
		Lookup: func(s resource.Site) string {
			return "aws elasticache describe-replication-groups --replication-group-id " + s.Name() + " " + regionFlag(s)
		},
	}
}

func cacheLive(typ string, g ectypes.ReplicationGroup, tags map[string]string) resource.Live {
	l := newLive(typ, str(g.ReplicationGroupId), tags)
	l.ARN = str(g.ARN)
	l.State = str(g.Status)
	l.Attrs["name"] = l.PhysicalID
	l.Attrs["arn"] = l.ARN
	l.Attrs["engine"] = str(g.Engine)
	l.Attrs["node_type"] = str(g.CacheNodeType)
	l.Attrs["nodes"] = itoa(len(g.MemberClusters))
	l.Attrs["at_rest_encryption"] = fmt.Sprint(boolv(g.AtRestEncryptionEnabled))
	l.Attrs["transit_encryption"] = fmt.Sprint(boolv(g.TransitEncryptionEnabled))
	l.Attrs["auth_token"] = fmt.Sprint(boolv(g.AuthTokenEnabled))
	l.Attrs["kms_key"] = str(g.KmsKeyId)
	l.Attrs["automatic_failover"] = string(g.AutomaticFailover)
	for _, ng := range g.NodeGroups {
		if ng.PrimaryEndpoint != nil && str(ng.PrimaryEndpoint.Address) != "" {
			l.Attrs["endpoint"] = str(ng.PrimaryEndpoint.Address)
			if ng.PrimaryEndpoint.Port != nil {
				l.Attrs["port"] = itoa(int(*ng.PrimaryEndpoint.Port))
			}
			break
		}
	}
	return l
}

func (h replicationGroupHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	// Ids hold 40 characters, so a long app name is cut and hashed: the
	// tags, not the name, say whose a group is.
	prefix := "mvi-"
	var out []resource.Live
	p := elasticache.NewDescribeReplicationGroupsPaginator(env.Clients.ElastiCache, &elasticache.DescribeReplicationGroupsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("list", "replication groups", err)
		}
		for _, g := range page.ReplicationGroups {
			// A group being deleted is gone as far as the app goes; its
			// subnet group's delete waits for it (CacheSubnetGroupInUse).
			if !strings.HasPrefix(str(g.ReplicationGroupId), prefix) || str(g.Status) == "deleting" {
				continue
			}
			t, err := env.Clients.ElastiCache.ListTagsForResource(ctx, &elasticache.ListTagsForResourceInput{ResourceName: g.ARN})
			if isCode(err, "ReplicationGroupNotFoundFault") {
				continue
			}
			if err != nil {
				return nil, wrap("list", str(g.ReplicationGroupId), err)
			}
			if tags := cacheTagMap(t.TagList); ours(env.App, tags) {
				out = append(out, cacheLive(h.Describe().Type, g, tags))
			}
		}
	}
	return out, nil
}

func (h replicationGroupHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	p, err := propsOf[arch.ReplicationGroupProps]("create", r)
	if err != nil {
		return resource.Live{}, err
	}
	key, err := depAttr(env, r.ID, p.Key, "arn")
	if err != nil {
		return resource.Live{}, err
	}
	group, err := depAttr(env, r.ID, p.SubnetGroup, "name")
	if err != nil {
		return resource.Live{}, err
	}
	sg, err := depAttr(env, r.ID, p.SecurityGroup, "group_id")
	if err != nil {
		return resource.Live{}, err
	}
	tok, err := generatedValue(ctx, env, r.ID, p.AuthToken, "AUTH token")
	if err != nil {
		return resource.Live{}, err
	}
	id := cacheName(env.App, r.ID)
	tags := resource.Tags(env.App, r)
	res, err := env.Clients.ElastiCache.CreateReplicationGroup(ctx, &elasticache.CreateReplicationGroupInput{
		ReplicationGroupId:          aws.String(id),
		ReplicationGroupDescription: aws.String("mvi " + env.App + ": the app's Redis"),
		Engine:                      aws.String(p.Engine),
		CacheNodeType:               aws.String(p.NodeType),
		NumCacheClusters:            aws.Int32(int32(p.Nodes)),
		AutomaticFailoverEnabled:    aws.Bool(p.Failover),
		MultiAZEnabled:              aws.Bool(p.Failover),
		CacheSubnetGroupName:        aws.String(group),
		SecurityGroupIds:            []string{sg},
		Port:                        aws.Int32(int32(p.Port)),
		AtRestEncryptionEnabled:     aws.Bool(true),
		KmsKeyId:                    aws.String(key),
		// AUTH needs TLS: ElastiCache refuses a token without it.
		TransitEncryptionEnabled: aws.Bool(true),
		AuthToken:                aws.String(tok),
		AutoMinorVersionUpgrade:  aws.Bool(true),
		Tags:                     cacheTags(tags),
	})
	if isCode(err, "ReplicationGroupAlreadyExists", "ReplicationGroupAlreadyExistsFault") {
		d, derr := h.describe(ctx, env, r.ID, id)
		if derr != nil {
			return resource.Live{}, wrap("create", r.ID, err)
		}
		d.ID = r.ID
		return h.Update(ctx, env, r, d)
	}
	if err != nil {
		return resource.Live{}, wrap("create", r.ID, scrub(err, tok))
	}
	return cacheLive(h.Describe().Type, *res.ReplicationGroup, tags), nil
}

func (h replicationGroupHandler) describe(ctx context.Context, env resource.Env, id, name string) (resource.Live, error) {
	res, err := env.Clients.ElastiCache.DescribeReplicationGroups(ctx, &elasticache.DescribeReplicationGroupsInput{ReplicationGroupId: aws.String(name)})
	if err != nil {
		return resource.Live{}, wrap("describe", id, err)
	}
	if len(res.ReplicationGroups) == 0 {
		return resource.Live{}, wrap("describe", id, &notFound{what: "replication group " + name})
	}
	g := res.ReplicationGroups[0]
	t, err := env.Clients.ElastiCache.ListTagsForResource(ctx, &elasticache.ListTagsForResourceInput{ResourceName: g.ARN})
	if err != nil {
		return resource.Live{}, wrap("describe", id, err)
	}
	return cacheLive(h.Describe().Type, g, cacheTagMap(t.TagList)), nil
}

// Replaces: the engine and the encryption are fixed when the group is
// made.
func (replicationGroupHandler) Replaces(r arch.Resource, live resource.Live) string {
	p, ok := r.Props.(arch.ReplicationGroupProps)
	if !ok {
		return ""
	}
	if s := forces("engine", live.Attrs["engine"], p.Engine, "ElastiCache can't change a Redis's engine in place"); s != "" {
		return s
	}
	if live.Attrs["at_rest_encryption"] == "false" || live.Attrs["transit_encryption"] == "false" {
		return "it is not encrypted, and ElastiCache encrypts a Redis only when it is made"
	}
	return ""
}

// Update changes the node type, the security group, the number of nodes
// and failover in place, at once. Each call does what the group's state
// lets it do now: a group still modifying answers
// InvalidReplicationGroupState, which the engine waits out and calls
// again, so adding a replica and then turning failover on (or off, then
// removing one) take as many calls as ElastiCache needs.
func (h replicationGroupHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	p, err := propsOf[arch.ReplicationGroupProps]("update", r)
	if err != nil {
		return resource.Live{}, err
	}
	key, err := depAttr(env, r.ID, p.Key, "arn")
	if err != nil {
		return resource.Live{}, err
	}
	sg, err := depAttr(env, r.ID, p.SecurityGroup, "group_id")
	if err != nil {
		return resource.Live{}, err
	}
	if why := h.Replaces(r, live); why != "" || (live.Attrs["kms_key"] != "" && !sameKey(live.Attrs["kms_key"], key)) {
		return resource.Live{}, resource.ErrReplace
	}
	now, err := h.describe(ctx, env, r.ID, live.PhysicalID)
	if err != nil {
		return resource.Live{}, err
	}
	ec := env.Clients.ElastiCache
	id := aws.String(live.PhysicalID)
	failover := now.Attrs["automatic_failover"] == string(ectypes.AutomaticFailoverStatusEnabled)
	have, _ := strconv.Atoi(now.Attrs["nodes"])
	switch {
	case have > p.Nodes && failover && !p.Failover:
		// Failover needs a replica: off first, then the replica goes.
		if _, err := ec.ModifyReplicationGroup(ctx, &elasticache.ModifyReplicationGroupInput{ReplicationGroupId: id, ApplyImmediately: aws.Bool(true),
			AutomaticFailoverEnabled: aws.Bool(false), MultiAZEnabled: aws.Bool(false)}); err != nil {
			return resource.Live{}, wrap("update", r.ID, err)
		}
		failover = false
		fallthrough
	case have > p.Nodes:
		if _, err := ec.DecreaseReplicaCount(ctx, &elasticache.DecreaseReplicaCountInput{ReplicationGroupId: id, ApplyImmediately: aws.Bool(true),
			NewReplicaCount: aws.Int32(int32(p.Nodes - 1))}); err != nil {
			return resource.Live{}, wrap("update", r.ID, err)
		}
	case have < p.Nodes:
		if _, err := ec.IncreaseReplicaCount(ctx, &elasticache.IncreaseReplicaCountInput{ReplicationGroupId: id, ApplyImmediately: aws.Bool(true),
			NewReplicaCount: aws.Int32(int32(p.Nodes - 1))}); err != nil {
			return resource.Live{}, wrap("update", r.ID, err)
		}
	}
	in := &elasticache.ModifyReplicationGroupInput{ReplicationGroupId: id, ApplyImmediately: aws.Bool(true), SecurityGroupIds: []string{sg}}
	if t := now.Attrs["node_type"]; t != "" && t != p.NodeType {
		in.CacheNodeType = aws.String(p.NodeType)
	}
	if failover != p.Failover {
		in.AutomaticFailoverEnabled, in.MultiAZEnabled = aws.Bool(p.Failover), aws.Bool(p.Failover)
	}
	if _, err := ec.ModifyReplicationGroup(ctx, in); err != nil {
		return resource.Live{}, wrap("update", r.ID, err)
	}
	tags := resource.Tags(env.App, r)
	if _, err := ec.AddTagsToResource(ctx, &elasticache.AddTagsToResourceInput{ResourceName: aws.String(live.ARN), Tags: cacheTags(tags)}); err != nil {
		return resource.Live{}, wrap("tag", r.ID, err)
	}
	out, err := h.describe(ctx, env, r.ID, live.PhysicalID)
	if err != nil {
		return resource.Live{}, err
	}
	out.ID, out.Hash = r.ID, tags[resource.TagHash]
	return out, nil
}

// Delete runs only once the person has agreed (the plan's data-loss
// consent, or down's). It returns when ElastiCache has begun: the group
// is "deleting", List no longer counts it, and its subnet group's delete
// waits until it is gone.
func (h replicationGroupHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	_, err := env.Clients.ElastiCache.DeleteReplicationGroup(ctx, &elasticache.DeleteReplicationGroupInput{ReplicationGroupId: aws.String(live.PhysicalID)})
	if isCode(err, "ReplicationGroupNotFoundFault") {
		return nil
	}
	if isCode(err, "InvalidReplicationGroupState", "InvalidReplicationGroupStateFault") && strings.Contains(strings.ToLower(errMessage(err)), "deleting") {
		return nil // a retried delete: already on its way
	}
	return wrap("delete", live.ID, err)
}

func (h replicationGroupHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	d, err := h.describe(ctx, env, live.ID, live.PhysicalID)
	var nf *notFound
	if errors.As(err, &nf) || isCode(err, "ReplicationGroupNotFoundFault") {
		return false, "waiting for Redis (not found)", nil
	}
	if err != nil {
		return false, "", err
	}
	if d.State != "available" {
		return false, "waiting for Redis (" + d.State + ")", nil
	}
	return true, "", nil
}

// Changes names a new node type or number of nodes.
func (replicationGroupHandler) Changes(r arch.Resource, live resource.Live) []string {
	p, ok := r.Props.(arch.ReplicationGroupProps)
	if !ok {
		return nil
	}
	return changes(change("node type", live.Attrs["node_type"], p.NodeType), change("nodes", live.Attrs["nodes"], itoa(p.Nodes)))
}
