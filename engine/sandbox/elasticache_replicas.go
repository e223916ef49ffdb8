package sandbox

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
)

// Replicas of a replication group without cluster mode: each is a node
// (and an ENI) of its own, made or removed while the group is modifying.

func cacheNodeName(id string, n int) string { return sprintf("%s-%03d", id, n) }

// addNodes gives the group nodes up to n, in its subnets round robin.
func (t *tx) addNodes(g *cacheGroup, n int) error {
	sub := t.r.ElastiCache.SubnetGroups[g.SubnetGroup]
	if sub == nil || len(sub.Subnets) == 0 {
		return cacheSubnetGroupNotFound(g.SubnetGroup)
	}
	for i := g.Nodes; i < n; i++ {
		s := t.r.EC2.Subnets[sub.Subnets[i%len(sub.Subnets)]]
		if s == nil {
			return cacheInvalid("The subnet %s of %s no longer exists.", sub.Subnets[i%len(sub.Subnets)], sub.Name)
		}
		if _, err := t.newENI(s, g.SGs, "ElastiCache "+cacheNodeName(g.ID, i+1), false, "amazon-elasticache", g.ARN, t.now); err != nil {
			return err
		}
	}
	g.Nodes = n
	return nil
}

// dropNodes lets the group's last nodes go, down to n; their ENIs linger
// as a removed node's do.
func (t *tx) dropNodes(g *cacheGroup, n int) {
	gone := map[string]bool{}
	for i := n + 1; i <= g.Nodes; i++ {
		gone["ElastiCache "+cacheNodeName(g.ID, i)] = true
	}
	for _, id := range sortedKeys(t.r.EC2.ENIs) {
		if e := t.r.EC2.ENIs[id]; e.Owner == g.ARN && gone[e.Desc] && e.ReleaseAt.IsZero() {
			e.ReleaseAt = t.at(paceENIRelease)
		}
	}
	g.Nodes = n
}

func (a *elasticacheAPI) IncreaseReplicaCount(ctx context.Context, in *elasticache.IncreaseReplicaCountInput, _ ...func(*elasticache.Options)) (*elasticache.IncreaseReplicaCountOutput, error) {
	return call(ctx, a.s, svcElastiCache, "IncreaseReplicaCount", func(t *tx) (*elasticache.IncreaseReplicaCountOutput, error) {
		g, err := t.cacheGroup(aws.ToString(in.ReplicationGroupId))
		if err != nil {
			return nil, err
		}
		if g.Status != "available" {
			return nil, notAvailable(g)
		}
		if !aws.ToBool(in.ApplyImmediately) {
			return nil, cacheInvalid("ApplyImmediately must be true: replicas are added at once.")
		}
		if in.NewReplicaCount == nil {
			return nil, cacheInvalid("The parameter NewReplicaCount must be provided for a replication group without cluster mode.")
		}
		want := int(*in.NewReplicaCount)
		if want <= g.Nodes-1 {
			return nil, cacheInvalid("NewReplicaCount %d must be greater than the current number of replicas, %d.", want, g.Nodes-1)
		}
		if want > 5 {
			return nil, cacheInvalid("NewReplicaCount %d is more than the 5 replicas a replication group can have.", want)
		}
		if err := t.addNodes(g, want+1); err != nil {
			return nil, err
		}
		g.Status, g.ModifyAt = "modifying", t.at(paceCacheModify)
		return &elasticache.IncreaseReplicaCountOutput{ReplicationGroup: t.cacheGroupOut(g)}, nil
	})
}

func (a *elasticacheAPI) DecreaseReplicaCount(ctx context.Context, in *elasticache.DecreaseReplicaCountInput, _ ...func(*elasticache.Options)) (*elasticache.DecreaseReplicaCountOutput, error) {
	return call(ctx, a.s, svcElastiCache, "DecreaseReplicaCount", func(t *tx) (*elasticache.DecreaseReplicaCountOutput, error) {
		g, err := t.cacheGroup(aws.ToString(in.ReplicationGroupId))
		if err != nil {
			return nil, err
		}
		if g.Status != "available" {
			return nil, notAvailable(g)
		}
		if !aws.ToBool(in.ApplyImmediately) {
			return nil, cacheInvalid("ApplyImmediately must be true: replicas are removed at once.")
		}
		if in.NewReplicaCount == nil {
			return nil, cacheInvalid("The parameter NewReplicaCount must be provided for a replication group without cluster mode.")
		}
		want := int(*in.NewReplicaCount)
		if want < 0 || want >= g.Nodes-1 {
			return nil, cacheInvalid("NewReplicaCount %d must be less than the current number of replicas, %d, and not negative.", want, g.Nodes-1)
		}
		if want == 0 && g.Failover {
			return nil, cacheCombination("A replication group with automatic failover enabled needs at least one replica: disable automatic failover first.")
		}
		t.dropNodes(g, want+1)
		g.Status, g.ModifyAt = "modifying", t.at(paceCacheModify)
		return &elasticache.DecreaseReplicaCountOutput{ReplicationGroup: t.cacheGroupOut(g)}, nil
	})
}
