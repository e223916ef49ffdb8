package sandbox

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	ectypes "github.com/aws/aws-sdk-go-v2/service/elasticache/types"
)

func (t *tx) cacheGroup(id string) (*cacheGroup, error) {
	g := t.r.ElastiCache.Groups[strings.ToLower(id)]
	if g == nil || t.hidden(g.Created) {
		return nil, cacheGroupNotFound(id)
	}
	return g, nil
}

func (t *tx) cacheGroupOut(g *cacheGroup) *ectypes.ReplicationGroup {
	out := &ectypes.ReplicationGroup{
		ReplicationGroupId: aws.String(g.ID), ARN: aws.String(g.ARN), Description: aws.String(g.Description),
		Status: aws.String(g.Status), Engine: aws.String(g.Engine), CacheNodeType: aws.String(g.NodeType),
		AtRestEncryptionEnabled: aws.Bool(g.AtRest), TransitEncryptionEnabled: aws.Bool(g.Transit),
		AuthTokenEnabled: aws.Bool(g.Auth), AutoMinorVersionUpgrade: aws.Bool(g.AutoMinor),
		ClusterEnabled: aws.Bool(false), ClusterMode: ectypes.ClusterModeDisabled,
		AutomaticFailover: ectypes.AutomaticFailoverStatusDisabled, MultiAZ: ectypes.MultiAZStatusDisabled,
		ReplicationGroupCreateTime: tp(g.Created), SnapshotRetentionLimit: aws.Int32(0),
		NetworkType: ectypes.NetworkTypeIpv4, IpDiscovery: ectypes.IpDiscoveryIpv4,
	}
	if g.KMSKey != "" {
		out.KmsKeyId = aws.String(g.KMSKey)
	}
	if g.Transit {
		out.TransitEncryptionMode = ectypes.TransitEncryptionModeRequired
	}
	if g.Failover {
		out.AutomaticFailover = ectypes.AutomaticFailoverStatusEnabled
	}
	if g.MultiAZ {
		out.MultiAZ = ectypes.MultiAZStatusEnabled
	}
	if g.PendingType != "" {
		out.PendingModifiedValues = &ectypes.ReplicationGroupPendingModifiedValues{}
	}
	ng := ectypes.NodeGroup{NodeGroupId: aws.String("0001"), Status: aws.String(g.Status)}
	for i := 1; i <= g.Nodes; i++ {
		out.MemberClusters = append(out.MemberClusters, cacheNodeName(g.ID, i))
	}
	// The endpoint appears once the group is made, as on AWS.
	if g.Status != "creating" {
		ng.PrimaryEndpoint = &ectypes.Endpoint{Address: aws.String(t.cacheAddress(g)), Port: aws.Int32(g.Port)}
		reader := strings.Replace(t.cacheAddress(g), "master.", "replica.", 1)
		ng.ReaderEndpoint = &ectypes.Endpoint{Address: aws.String(reader), Port: aws.Int32(g.Port)}
	}
	out.NodeGroups = []ectypes.NodeGroup{ng}
	return out
}

func (a *elasticacheAPI) CreateReplicationGroup(ctx context.Context, in *elasticache.CreateReplicationGroupInput, _ ...func(*elasticache.Options)) (*elasticache.CreateReplicationGroupOutput, error) {
	return call(ctx, a.s, svcElastiCache, "CreateReplicationGroup", func(t *tx) (*elasticache.CreateReplicationGroupOutput, error) {
		id := strings.ToLower(aws.ToString(in.ReplicationGroupId))
		if id == "" || len(id) > 40 || !cacheIdentRE.MatchString(id) {
			return nil, cacheInvalid("The parameter ReplicationGroupId must be 1 to 40 alphanumeric characters or hyphens, begin with a letter, and not end with a hyphen or contain two consecutive hyphens.")
		}
		if aws.ToString(in.ReplicationGroupDescription) == "" {
			return nil, cacheInvalid("The parameter ReplicationGroupDescription must be provided.")
		}
		if t.r.ElastiCache.Groups[id] != nil {
			return nil, &ectypes.ReplicationGroupAlreadyExistsFault{Message: aws.String("Replication group " + id + " already exists.")}
		}
		engine := strings.ToLower(aws.ToString(in.Engine))
		if engine == "" {
			engine = "redis"
		}
		version, ok := cacheEngines[engine]
		if !ok {
			return nil, cacheInvalid("Invalid engine %s: a replication group runs valkey or redis.", engine)
		}
		if v := aws.ToString(in.EngineVersion); v != "" {
			version = v
		}
		nodeType := aws.ToString(in.CacheNodeType)
		if !cacheNodeRE.MatchString(nodeType) {
			return nil, cacheInvalid("Invalid Cache Node Type: %s", nodeType)
		}
		nodes := int(aws.ToInt32(in.NumCacheClusters))
		if in.NumCacheClusters == nil {
			nodes = 1
		}
		if nodes < 1 || nodes > 6 {
			return nil, cacheInvalid("NumCacheClusters must be between 1 and 6 (a primary and up to 5 replicas).")
		}
		failover, multiAZ := aws.ToBool(in.AutomaticFailoverEnabled), aws.ToBool(in.MultiAZEnabled)
		if failover && nodes < 2 {
			return nil, cacheCombination("Automatic failover needs at least 2 cache clusters: set NumCacheClusters to 2 or more.")
		}
		if multiAZ && !failover {
			return nil, cacheCombination("Multi-AZ needs automatic failover to be enabled.")
		}
		transit := aws.ToBool(in.TransitEncryptionEnabled)
		if tok := aws.ToString(in.AuthToken); in.AuthToken != nil {
			if !transit {
				return nil, cacheCombination("AuthToken can be set only with TransitEncryptionEnabled.")
			}
			if err := checkAuthToken(tok); err != nil {
				return nil, err
			}
		}
		atRest := aws.ToBool(in.AtRestEncryptionEnabled)
		key := ""
		if ref := aws.ToString(in.KmsKeyId); ref != "" {
			if !atRest {
				return nil, cacheCombination("KmsKeyId can be set only with AtRestEncryptionEnabled.")
			}
			k, err := t.kmsKeyRef(ref)
			if err == nil {
				err = k.usable()
			}
			if err != nil {
				return nil, &ectypes.InvalidKMSKeyFault{Message: aws.String("The KMS key " + ref + " does not exist, is not enabled or can't be used.")}
			}
			key = k.ARN
		}
		sgName := strings.ToLower(aws.ToString(in.CacheSubnetGroupName))
		if sgName == "" {
			// The default group is the default VPC's; mvi always names one.
			return nil, cacheInvalid("The sandbox has no default cache subnet group: name one with CacheSubnetGroupName.")
		}
		sub, err := t.cacheSubnetGroup(sgName)
		if err != nil {
			return nil, err
		}
		if len(in.SecurityGroupIds) == 0 {
			return nil, cacheInvalid("The parameter SecurityGroupIds must be provided for a group in a VPC.")
		}
		if err := t.checkGroupsInVPC(in.SecurityGroupIds, sub.VPC); err != nil {
			return nil, &ectypes.InvalidVPCNetworkStateFault{Message: aws.String(err.Error())}
		}
		port := aws.ToInt32(in.Port)
		if port == 0 {
			port = 6379
		}
		tags, err := cacheTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		g := &cacheGroup{Meta: Meta{ID: id, ARN: t.cacheARN(cacheTypeGroup, id), Created: t.now},
			Description: aws.ToString(in.ReplicationGroupDescription), Engine: engine, Version: version,
			NodeType: nodeType, Nodes: nodes, Port: port, SubnetGroup: sub.Name, VPC: sub.VPC,
			SGs: append([]string(nil), in.SecurityGroupIds...), AtRest: atRest, KMSKey: key, Transit: transit,
			Auth: in.AuthToken != nil, Failover: failover, MultiAZ: multiAZ, AutoMinor: aws.ToBool(in.AutoMinorVersionUpgrade),
			Host: cacheHost(t.account(), t.regionName()), Status: "creating", ReadyAt: t.at(paceCacheAvailable)}
		if err := setCacheTags(&g.Meta, tags); err != nil {
			return nil, err
		}
		// One node per subnet of the group, round robin: replicas land in
		// other zones where the group has them.
		g.Nodes = 0
		if err := t.addNodes(g, nodes); err != nil {
			return nil, err
		}
		t.r.ElastiCache.Groups[id] = g
		return &elasticache.CreateReplicationGroupOutput{ReplicationGroup: t.cacheGroupOut(g)}, nil
	})
}

func (a *elasticacheAPI) DescribeReplicationGroups(ctx context.Context, in *elasticache.DescribeReplicationGroupsInput, _ ...func(*elasticache.Options)) (*elasticache.DescribeReplicationGroupsOutput, error) {
	return call(ctx, a.s, svcElastiCache, "DescribeReplicationGroups", func(t *tx) (*elasticache.DescribeReplicationGroupsOutput, error) {
		limit, err := cacheMaxRecords(in.MaxRecords)
		if err != nil {
			return nil, err
		}
		var all []ectypes.ReplicationGroup
		if id := aws.ToString(in.ReplicationGroupId); id != "" {
			g, err := t.cacheGroup(id)
			if err != nil {
				return nil, err
			}
			all = append(all, *t.cacheGroupOut(g))
		} else {
			for _, k := range sortedKeys(t.r.ElastiCache.Groups) {
				if g := t.r.ElastiCache.Groups[k]; !t.hidden(g.Created) {
					all = append(all, *t.cacheGroupOut(g))
				}
			}
		}
		items, next, err := page(all, in.Marker, limit)
		if err != nil {
			return nil, cacheInvalid("The marker is not valid.")
		}
		return &elasticache.DescribeReplicationGroupsOutput{ReplicationGroups: items, Marker: next}, nil
	})
}

// notAvailable is AWS's answer to a change of a group that is busy.
func notAvailable(g *cacheGroup) error {
	return &ectypes.InvalidReplicationGroupStateFault{Message: aws.String("Replication group " + g.ID + " is not in available state (it is " + g.Status + ").")}
}

func (a *elasticacheAPI) ModifyReplicationGroup(ctx context.Context, in *elasticache.ModifyReplicationGroupInput, _ ...func(*elasticache.Options)) (*elasticache.ModifyReplicationGroupOutput, error) {
	return call(ctx, a.s, svcElastiCache, "ModifyReplicationGroup", func(t *tx) (*elasticache.ModifyReplicationGroupOutput, error) {
		g, err := t.cacheGroup(aws.ToString(in.ReplicationGroupId))
		if err != nil {
			return nil, err
		}
		if g.Status != "available" {
			return nil, notAvailable(g)
		}
		if in.AuthToken != nil || in.AuthTokenUpdateStrategy != "" {
			if !g.Transit {
				return nil, cacheCombination("AuthToken can be set only with TransitEncryptionEnabled.")
			}
			if err := checkAuthToken(aws.ToString(in.AuthToken)); err != nil {
				return nil, err
			}
			g.Auth = true
		}
		if len(in.SecurityGroupIds) > 0 {
			if err := t.checkGroupsInVPC(in.SecurityGroupIds, g.VPC); err != nil {
				return nil, &ectypes.InvalidVPCNetworkStateFault{Message: aws.String(err.Error())}
			}
			g.SGs = append([]string(nil), in.SecurityGroupIds...)
			t.setENIGroups(g.ARN, g.SGs)
		}
		failover, multiAZ := g.Failover, g.MultiAZ
		if in.AutomaticFailoverEnabled != nil {
			failover = *in.AutomaticFailoverEnabled
		}
		if in.MultiAZEnabled != nil {
			multiAZ = *in.MultiAZEnabled
		}
		if failover && g.Nodes < 2 {
			return nil, cacheCombination("Automatic failover needs at least one replica: add one with IncreaseReplicaCount first.")
		}
		if multiAZ && !failover {
			return nil, cacheCombination("Multi-AZ needs automatic failover to be enabled.")
		}
		if failover != g.Failover || multiAZ != g.MultiAZ {
			g.Failover, g.MultiAZ = failover, multiAZ
			g.Status, g.ModifyAt = "modifying", t.at(paceCacheModify)
		}
		if nt := aws.ToString(in.CacheNodeType); nt != "" && nt != g.NodeType {
			if !cacheNodeRE.MatchString(nt) {
				return nil, cacheInvalid("Invalid Cache Node Type: %s", nt)
			}
			// A new node type is a scaling operation: the group is
			// modifying until it is done.
			g.PendingType, g.Status, g.ModifyAt = nt, "modifying", t.at(paceCacheModify)
		}
		if in.ReplicationGroupDescription != nil {
			g.Description = *in.ReplicationGroupDescription
		}
		return &elasticache.ModifyReplicationGroupOutput{ReplicationGroup: t.cacheGroupOut(g)}, nil
	})
}

func (a *elasticacheAPI) DeleteReplicationGroup(ctx context.Context, in *elasticache.DeleteReplicationGroupInput, _ ...func(*elasticache.Options)) (*elasticache.DeleteReplicationGroupOutput, error) {
	return call(ctx, a.s, svcElastiCache, "DeleteReplicationGroup", func(t *tx) (*elasticache.DeleteReplicationGroupOutput, error) {
		g, err := t.cacheGroup(aws.ToString(in.ReplicationGroupId))
		if err != nil {
			return nil, err
		}
		switch g.Status {
		case "deleting":
			return nil, &ectypes.InvalidReplicationGroupStateFault{Message: aws.String("Replication group " + g.ID + " has status deleting which is not valid for deletion.")}
		case "available":
		default:
			return nil, notAvailable(g)
		}
		if aws.ToString(in.FinalSnapshotIdentifier) != "" {
			// The sandbox keeps no cache snapshots, and never pretends to.
			return nil, cacheInvalid("The sandbox keeps no ElastiCache snapshots: delete without FinalSnapshotIdentifier.")
		}
		g.Status, g.GoneAt = "deleting", t.at(paceCacheDelete)
		return &elasticache.DeleteReplicationGroupOutput{ReplicationGroup: t.cacheGroupOut(g)}, nil
	})
}
