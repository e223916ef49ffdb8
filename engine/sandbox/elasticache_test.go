package sandbox

import (
	"errors"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	ectypes "github.com/aws/aws-sdk-go-v2/service/elasticache/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

const goodToken = "correct-horse-battery-staple-42"

func cacheInput(id, group, sg, key string) *elasticache.CreateReplicationGroupInput {
	return &elasticache.CreateReplicationGroupInput{
		ReplicationGroupId: aws.String(id), ReplicationGroupDescription: aws.String("the app's Redis"),
		Engine: aws.String("valkey"), CacheNodeType: aws.String("cache.t4g.micro"), NumCacheClusters: aws.Int32(1),
		CacheSubnetGroupName: aws.String(group), SecurityGroupIds: []string{sg}, Port: aws.Int32(6379),
		AtRestEncryptionEnabled: aws.Bool(true), KmsKeyId: aws.String(key), TransitEncryptionEnabled: aws.Bool(true),
		AuthToken: aws.String(goodToken), Tags: []ectypes.Tag{{Key: aws.String("mvi:app"), Value: aws.String("shop")}},
	}
}

// A replication group passes creating → available → deleting → gone on
// the clock, holds its subnet group and security group while it exists,
// and shows its endpoint only once it is made.
func TestElastiCacheOnTheClock(t *testing.T) {
	clk := NewManualClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	s := openSB(t, Options{Speed: 1, Clock: clk})
	c := s.Clients()
	n := buildNetwork(t, c, "shop")
	sg := newSG(c, n.vpc, "cache")
	key := must(c.KMS.CreateKey(bg, &kms.CreateKeyInput{}))
	must(c.ElastiCache.CreateCacheSubnetGroup(bg, &elasticache.CreateCacheSubnetGroupInput{CacheSubnetGroupName: aws.String("mvi-shop-cache"),
		CacheSubnetGroupDescription: aws.String("private"), SubnetIds: n.subnets}))
	out := must(c.ElastiCache.CreateReplicationGroup(bg, cacheInput("mvi-shop-cache", "mvi-shop-cache", sg, *key.KeyMetadata.Arn)))
	if *out.ReplicationGroup.Status != "creating" || out.ReplicationGroup.NodeGroups[0].PrimaryEndpoint != nil {
		t.Fatalf("at create: %+v", out.ReplicationGroup)
	}
	describe := func() ectypes.ReplicationGroup {
		return must(c.ElastiCache.DescribeReplicationGroups(bg, &elasticache.DescribeReplicationGroupsInput{ReplicationGroupId: aws.String("mvi-shop-cache")})).ReplicationGroups[0]
	}
	clk.Advance(paceCacheAvailable - time.Second)
	if g := describe(); *g.Status != "creating" {
		t.Fatalf("before it is made: %s", *g.Status)
	}
	_, err := c.ElastiCache.DeleteReplicationGroup(bg, &elasticache.DeleteReplicationGroupInput{ReplicationGroupId: aws.String("mvi-shop-cache")})
	wantCode(t, err, "InvalidReplicationGroupState")
	clk.Advance(time.Second)
	g := describe()
	ep := g.NodeGroups[0].PrimaryEndpoint
	if *g.Status != "available" || ep == nil || *ep.Port != 6379 ||
		!regexp.MustCompile(`^master\.mvi-shop-cache\.[a-z0-9]{6}\.use1\.cache\.amazonaws\.com$`).MatchString(*ep.Address) {
		t.Fatalf("available: %s %+v", *g.Status, ep)
	}
	if !*g.AtRestEncryptionEnabled || !*g.TransitEncryptionEnabled || !*g.AuthTokenEnabled || *g.KmsKeyId != *key.KeyMetadata.Arn ||
		*g.Engine != "valkey" || len(g.MemberClusters) != 1 {
		t.Fatalf("group %+v", g)
	}
	// It holds its security group and its subnet group.
	_, err = c.EC2.DeleteSecurityGroup(bg, &ec2.DeleteSecurityGroupInput{GroupId: &sg})
	wantCode(t, err, "DependencyViolation")
	_, err = c.ElastiCache.DeleteCacheSubnetGroup(bg, &elasticache.DeleteCacheSubnetGroupInput{CacheSubnetGroupName: aws.String("mvi-shop-cache")})
	var inUse *ectypes.CacheSubnetGroupInUse
	if !errors.As(err, &inUse) {
		t.Fatalf("subnet group of a live Redis deleted: %v", err)
	}
	// A new node type: modifying, then the new type.
	must(c.ElastiCache.ModifyReplicationGroup(bg, &elasticache.ModifyReplicationGroupInput{ReplicationGroupId: aws.String("mvi-shop-cache"),
		CacheNodeType: aws.String("cache.t4g.small"), ApplyImmediately: aws.Bool(true)}))
	if g := describe(); *g.Status != "modifying" || *g.CacheNodeType != "cache.t4g.micro" {
		t.Fatalf("modifying: %s %s", *g.Status, *g.CacheNodeType)
	}
	clk.Advance(paceCacheModify)
	if g := describe(); *g.Status != "available" || *g.CacheNodeType != "cache.t4g.small" {
		t.Fatalf("modified: %s %s", *g.Status, *g.CacheNodeType)
	}
	must(c.ElastiCache.DeleteReplicationGroup(bg, &elasticache.DeleteReplicationGroupInput{ReplicationGroupId: aws.String("mvi-shop-cache")}))
	_, err = c.ElastiCache.DeleteReplicationGroup(bg, &elasticache.DeleteReplicationGroupInput{ReplicationGroupId: aws.String("mvi-shop-cache")})
	if wantCode(t, err, "InvalidReplicationGroupState"); !strings.Contains(err.Error(), "deleting") {
		t.Errorf("second delete: %v", err)
	}
	// Still there while it goes: its subnet group waits.
	_, err = c.ElastiCache.DeleteCacheSubnetGroup(bg, &elasticache.DeleteCacheSubnetGroupInput{CacheSubnetGroupName: aws.String("mvi-shop-cache")})
	wantCode(t, err, "CacheSubnetGroupInUse")
	clk.Advance(paceCacheDelete)
	_, err = c.ElastiCache.DescribeReplicationGroups(bg, &elasticache.DescribeReplicationGroupsInput{ReplicationGroupId: aws.String("mvi-shop-cache")})
	var nf *ectypes.ReplicationGroupNotFoundFault
	if !errors.As(err, &nf) {
		t.Fatalf("after delete: want ReplicationGroupNotFoundFault, got %v", err)
	}
	must(c.ElastiCache.DeleteCacheSubnetGroup(bg, &elasticache.DeleteCacheSubnetGroupInput{CacheSubnetGroupName: aws.String("mvi-shop-cache")}))
	_, err = c.ElastiCache.DeleteCacheSubnetGroup(bg, &elasticache.DeleteCacheSubnetGroupInput{CacheSubnetGroupName: aws.String("mvi-shop-cache")})
	wantCode(t, err, "CacheSubnetGroupNotFoundFault")
	clk.Advance(paceENIRelease)
	must(c.EC2.DeleteSecurityGroup(bg, &ec2.DeleteSecurityGroupInput{GroupId: &sg}))
}

// What ElastiCache refuses, the sandbox refuses with ElastiCache's code.
func TestElastiCacheErrors(t *testing.T) {
	s := openSB(t, Options{})
	c := s.Clients()
	n := buildNetwork(t, c, "shop")
	sg := newSG(c, n.vpc, "cache")
	key := *must(c.KMS.CreateKey(bg, &kms.CreateKeyInput{})).KeyMetadata.Arn
	_, err := c.ElastiCache.CreateCacheSubnetGroup(bg, &elasticache.CreateCacheSubnetGroupInput{CacheSubnetGroupName: aws.String("g"),
		CacheSubnetGroupDescription: aws.String("x"), SubnetIds: []string{"subnet-0123456789abcdef0"}})
	wantCode(t, err, "InvalidSubnet")
	must(c.ElastiCache.CreateCacheSubnetGroup(bg, &elasticache.CreateCacheSubnetGroupInput{CacheSubnetGroupName: aws.String("G"),
		CacheSubnetGroupDescription: aws.String("x"), SubnetIds: n.subnets,
		Tags: []ectypes.Tag{{Key: aws.String("mvi:app"), Value: aws.String("shop")}}}))
	_, err = c.ElastiCache.CreateCacheSubnetGroup(bg, &elasticache.CreateCacheSubnetGroupInput{CacheSubnetGroupName: aws.String("g"),
		CacheSubnetGroupDescription: aws.String("x"), SubnetIds: n.subnets})
	wantCode(t, err, "CacheSubnetGroupAlreadyExists")

	for _, tc := range []struct {
		name string
		edit func(*elasticache.CreateReplicationGroupInput)
		code string
	}{
		{"short token", func(in *elasticache.CreateReplicationGroupInput) { in.AuthToken = aws.String("too-short") }, "InvalidParameterValue"},
		{"token with @", func(in *elasticache.CreateReplicationGroupInput) { in.AuthToken = aws.String("abcdefgh@ijklmnop") }, "InvalidParameterValue"},
		{"token with /", func(in *elasticache.CreateReplicationGroupInput) { in.AuthToken = aws.String("abcdefgh/ijklmnop") }, "InvalidParameterValue"},
		{"token with \"", func(in *elasticache.CreateReplicationGroupInput) { in.AuthToken = aws.String(`abcdefgh"ijklmnop`) }, "InvalidParameterValue"},
		{"token too long", func(in *elasticache.CreateReplicationGroupInput) { in.AuthToken = aws.String(strings.Repeat("a", 129)) }, "InvalidParameterValue"},
		{"token without TLS", func(in *elasticache.CreateReplicationGroupInput) { in.TransitEncryptionEnabled = aws.Bool(false) }, "InvalidParameterCombination"},
		{"key without at-rest", func(in *elasticache.CreateReplicationGroupInput) { in.AtRestEncryptionEnabled = aws.Bool(false) }, "InvalidParameterCombination"},
		{"failover on one node", func(in *elasticache.CreateReplicationGroupInput) { in.AutomaticFailoverEnabled = aws.Bool(true) }, "InvalidParameterCombination"},
		{"unknown node type", func(in *elasticache.CreateReplicationGroupInput) { in.CacheNodeType = aws.String("cache.t4g.huge") }, "InvalidParameterValue"},
		{"unknown engine", func(in *elasticache.CreateReplicationGroupInput) { in.Engine = aws.String("memcached") }, "InvalidParameterValue"},
		{"bad id", func(in *elasticache.CreateReplicationGroupInput) { in.ReplicationGroupId = aws.String("a--b") }, "InvalidParameterValue"},
		{"no subnet group", func(in *elasticache.CreateReplicationGroupInput) { in.CacheSubnetGroupName = aws.String("nope") }, "CacheSubnetGroupNotFoundFault"},
		{"unknown key", func(in *elasticache.CreateReplicationGroupInput) {
			in.KmsKeyId = aws.String("arn:aws:kms:us-east-1:" + s.Account() + ":key/00000000-0000-4000-8000-000000000000")
		}, "InvalidKMSKeyFault"},
	} {
		in := cacheInput("mvi-shop-cache", "g", sg, key)
		tc.edit(in)
		_, err := c.ElastiCache.CreateReplicationGroup(bg, in)
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		wantCode(t, err, tc.code)
		if strings.Contains(err.Error(), aws.ToString(in.AuthToken)) {
			t.Errorf("%s: the error shows the token: %v", tc.name, err)
		}
	}
	must(c.ElastiCache.CreateReplicationGroup(bg, cacheInput("mvi-shop-cache", "g", sg, key)))
	_, err = c.ElastiCache.CreateReplicationGroup(bg, cacheInput("mvi-shop-cache", "g", sg, key))
	wantCode(t, err, "ReplicationGroupAlreadyExists")
	_, err = c.ElastiCache.DescribeReplicationGroups(bg, &elasticache.DescribeReplicationGroupsInput{ReplicationGroupId: aws.String("other")})
	wantCode(t, err, "ReplicationGroupNotFoundFault")

	// Tags by ARN, for groups and subnet groups; a bad ARN is InvalidARN.
	g := must(c.ElastiCache.DescribeReplicationGroups(bg, &elasticache.DescribeReplicationGroupsInput{ReplicationGroupId: aws.String("mvi-shop-cache")})).ReplicationGroups[0]
	must(c.ElastiCache.AddTagsToResource(bg, &elasticache.AddTagsToResourceInput{ResourceName: g.ARN,
		Tags: []ectypes.Tag{{Key: aws.String("mvi:id"), Value: aws.String("cache")}}}))
	tags := must(c.ElastiCache.ListTagsForResource(bg, &elasticache.ListTagsForResourceInput{ResourceName: g.ARN})).TagList
	if len(tags) != 2 {
		t.Errorf("tags %+v", tags)
	}
	sub := must(c.ElastiCache.DescribeCacheSubnetGroups(bg, &elasticache.DescribeCacheSubnetGroupsInput{CacheSubnetGroupName: aws.String("g")})).CacheSubnetGroups[0]
	if st := must(c.ElastiCache.ListTagsForResource(bg, &elasticache.ListTagsForResourceInput{ResourceName: sub.ARN})).TagList; len(st) != 1 {
		t.Errorf("subnet group tags %+v", st)
	}
	_, err = c.ElastiCache.ListTagsForResource(bg, &elasticache.ListTagsForResourceInput{ResourceName: aws.String("arn:aws:s3:::bucket")})
	wantCode(t, err, "InvalidARN")
}

// From this machine a Redis endpoint is refused, and the refusal says why
// and that no Redis server runs here.
func TestDialRedisSaysSo(t *testing.T) {
	s := openSB(t, Options{})
	c := s.Clients()
	n := buildNetwork(t, c, "shop")
	sg := newSG(c, n.vpc, "cache")
	key := *must(c.KMS.CreateKey(bg, &kms.CreateKeyInput{})).KeyMetadata.Arn
	must(c.ElastiCache.CreateCacheSubnetGroup(bg, &elasticache.CreateCacheSubnetGroupInput{CacheSubnetGroupName: aws.String("g"),
		CacheSubnetGroupDescription: aws.String("x"), SubnetIds: n.subnets}))
	must(c.ElastiCache.CreateReplicationGroup(bg, cacheInput("mvi-shop-cache", "g", sg, key)))
	g := must(c.ElastiCache.DescribeReplicationGroups(bg, &elasticache.DescribeReplicationGroupsInput{})).ReplicationGroups[0]
	_, err := c.Dial.DialContext(bg, "tcp", *g.NodeGroups[0].PrimaryEndpoint.Address+":6379")
	if !errors.Is(err, syscall.ECONNREFUSED) || !strings.Contains(err.Error(), "runs no Redis server") || !strings.Contains(err.Error(), n.vpc) {
		t.Fatalf("dial: %v", err)
	}
}

// Replicas come and go while the group is modifying, and failover needs
// one: ElastiCache's rules, with its codes.
func TestElastiCacheReplicas(t *testing.T) {
	clk := NewManualClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	s := openSB(t, Options{Speed: 1, Clock: clk})
	c := s.Clients()
	n := buildNetwork(t, c, "shop")
	sg := newSG(c, n.vpc, "cache")
	key := *must(c.KMS.CreateKey(bg, &kms.CreateKeyInput{})).KeyMetadata.Arn
	must(c.ElastiCache.CreateCacheSubnetGroup(bg, &elasticache.CreateCacheSubnetGroupInput{CacheSubnetGroupName: aws.String("g"),
		CacheSubnetGroupDescription: aws.String("x"), SubnetIds: n.subnets}))
	must(c.ElastiCache.CreateReplicationGroup(bg, cacheInput("r", "g", sg, key)))
	id := aws.String("r")
	_, err := c.ElastiCache.IncreaseReplicaCount(bg, &elasticache.IncreaseReplicaCountInput{ReplicationGroupId: id, NewReplicaCount: aws.Int32(1), ApplyImmediately: aws.Bool(true)})
	wantCode(t, err, "InvalidReplicationGroupState") // still creating
	clk.Advance(paceCacheAvailable)
	_, err = c.ElastiCache.ModifyReplicationGroup(bg, &elasticache.ModifyReplicationGroupInput{ReplicationGroupId: id, AutomaticFailoverEnabled: aws.Bool(true), ApplyImmediately: aws.Bool(true)})
	wantCode(t, err, "InvalidParameterCombination") // no replica to fail over to
	_, err = c.ElastiCache.IncreaseReplicaCount(bg, &elasticache.IncreaseReplicaCountInput{ReplicationGroupId: id, NewReplicaCount: aws.Int32(6), ApplyImmediately: aws.Bool(true)})
	wantCode(t, err, "InvalidParameterValue")
	must(c.ElastiCache.IncreaseReplicaCount(bg, &elasticache.IncreaseReplicaCountInput{ReplicationGroupId: id, NewReplicaCount: aws.Int32(1), ApplyImmediately: aws.Bool(true)}))
	_, err = c.ElastiCache.ModifyReplicationGroup(bg, &elasticache.ModifyReplicationGroupInput{ReplicationGroupId: id, AutomaticFailoverEnabled: aws.Bool(true), ApplyImmediately: aws.Bool(true)})
	wantCode(t, err, "InvalidReplicationGroupState") // modifying
	clk.Advance(paceCacheModify)
	must(c.ElastiCache.ModifyReplicationGroup(bg, &elasticache.ModifyReplicationGroupInput{ReplicationGroupId: id, AutomaticFailoverEnabled: aws.Bool(true),
		MultiAZEnabled: aws.Bool(true), ApplyImmediately: aws.Bool(true)}))
	clk.Advance(paceCacheModify)
	g := must(c.ElastiCache.DescribeReplicationGroups(bg, &elasticache.DescribeReplicationGroupsInput{ReplicationGroupId: id})).ReplicationGroups[0]
	if len(g.MemberClusters) != 2 || g.AutomaticFailover != ectypes.AutomaticFailoverStatusEnabled || g.MultiAZ != ectypes.MultiAZStatusEnabled {
		t.Fatalf("with a replica: %+v", g)
	}
	_, err = c.ElastiCache.DecreaseReplicaCount(bg, &elasticache.DecreaseReplicaCountInput{ReplicationGroupId: id, NewReplicaCount: aws.Int32(0), ApplyImmediately: aws.Bool(true)})
	wantCode(t, err, "InvalidParameterCombination") // failover still on
	must(c.ElastiCache.ModifyReplicationGroup(bg, &elasticache.ModifyReplicationGroupInput{ReplicationGroupId: id, AutomaticFailoverEnabled: aws.Bool(false),
		MultiAZEnabled: aws.Bool(false), ApplyImmediately: aws.Bool(true)}))
	clk.Advance(paceCacheModify)
	must(c.ElastiCache.DecreaseReplicaCount(bg, &elasticache.DecreaseReplicaCountInput{ReplicationGroupId: id, NewReplicaCount: aws.Int32(0), ApplyImmediately: aws.Bool(true)}))
	clk.Advance(paceCacheModify)
	g = must(c.ElastiCache.DescribeReplicationGroups(bg, &elasticache.DescribeReplicationGroupsInput{ReplicationGroupId: id})).ReplicationGroups[0]
	if len(g.MemberClusters) != 1 || *g.Status != "available" {
		t.Fatalf("after the replica went: %+v", g)
	}
}
