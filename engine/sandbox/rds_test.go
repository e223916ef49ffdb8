package sandbox

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/minimalinfra/mvi/engine/cloud"
)

// dbInput is a valid CreateDBInstance request in a subnet group.
func dbInput(id, group, sg, key string) *rds.CreateDBInstanceInput {
	in := &rds.CreateDBInstanceInput{DBInstanceIdentifier: aws.String(id), DBInstanceClass: aws.String("db.t4g.micro"),
		Engine: aws.String("postgres"), AllocatedStorage: aws.Int32(20), StorageType: aws.String("gp3"), DBName: aws.String("app"),
		MasterUsername: aws.String("mvi"), MasterUserPassword: aws.String("s3cret-Pa55word-xyz"), DBSubnetGroupName: aws.String(group),
		VpcSecurityGroupIds: []string{sg}, StorageEncrypted: aws.Bool(true), PubliclyAccessible: aws.Bool(false),
		BackupRetentionPeriod: aws.Int32(7), Tags: []rdstypes.Tag{rdsTag("mvi:app", "shop")}}
	if key != "" {
		in.KmsKeyId = aws.String(key)
	}
	return in
}

func newSG(c *cloud.Clients, vpc, name string) string {
	g := must(c.EC2.CreateSecurityGroup(bg, &ec2.CreateSecurityGroupInput{VpcId: &vpc, GroupName: aws.String(name), Description: aws.String(name)}))
	return *g.GroupId
}

func TestRDSSubnetGroupsInstancesAndErrors(t *testing.T) {
	s := openSB(t, Options{})
	c := apiOf(s)
	n := buildNetwork(t, c.Clients, "shop")
	sg := newSG(c.Clients, n.vpc, "db")
	key := must(c.KMS.CreateKey(bg, &kms.CreateKeyInput{}))

	// Subnet groups: two zones at least, real subnets, unique names.
	_, err := c.RDS.CreateDBSubnetGroup(bg, &rds.CreateDBSubnetGroupInput{DBSubnetGroupName: aws.String("one-az"),
		DBSubnetGroupDescription: aws.String("x"), SubnetIds: n.subnets[:1]})
	var cover *rdstypes.DBSubnetGroupDoesNotCoverEnoughAZs
	if !errors.As(err, &cover) {
		t.Fatalf("one zone: want DBSubnetGroupDoesNotCoverEnoughAZs, got %v", err)
	}
	_, err = c.RDS.CreateDBSubnetGroup(bg, &rds.CreateDBSubnetGroupInput{DBSubnetGroupName: aws.String("ghost"),
		DBSubnetGroupDescription: aws.String("x"), SubnetIds: append([]string{"subnet-0123456789abcdef0"}, n.subnets...)})
	wantCode(t, err, "InvalidSubnet")
	g := must(c.RDS.CreateDBSubnetGroup(bg, &rds.CreateDBSubnetGroupInput{DBSubnetGroupName: aws.String("Mvi-Shop"),
		DBSubnetGroupDescription: aws.String("private"), SubnetIds: n.subnets, Tags: []rdstypes.Tag{rdsTag("mvi:app", "shop")}}))
	if *g.DBSubnetGroup.DBSubnetGroupName != "mvi-shop" || *g.DBSubnetGroup.VpcId != n.vpc || len(g.DBSubnetGroup.Subnets) != 2 ||
		*g.DBSubnetGroup.SubnetGroupStatus != "Complete" {
		t.Fatalf("subnet group %+v", g.DBSubnetGroup)
	}
	_, err = c.RDS.CreateDBSubnetGroup(bg, &rds.CreateDBSubnetGroupInput{DBSubnetGroupName: aws.String("mvi-shop"),
		DBSubnetGroupDescription: aws.String("x"), SubnetIds: n.subnets})
	wantCode(t, err, "DBSubnetGroupAlreadyExists")
	gt := must(c.RDS.ListTagsForResource(bg, &rds.ListTagsForResourceInput{ResourceName: g.DBSubnetGroup.DBSubnetGroupArn}))
	if len(gt.TagList) != 1 || *gt.TagList[0].Value != "shop" {
		t.Fatalf("group tags %v", gt.TagList)
	}
	pg := rds.NewDescribeDBSubnetGroupsPaginator(c.RDS, &rds.DescribeDBSubnetGroupsInput{})
	groups := 0
	for pg.HasMorePages() {
		groups += len(must(pg.NextPage(bg)).DBSubnetGroups)
	}
	if groups != 1 {
		t.Fatalf("groups listed: %d", groups)
	}

	// Instances: the key, the security groups and the password are checked.
	_, err = c.RDS.CreateDBInstance(bg, dbInput("shop-db", "mvi-shop", sg, "arn:aws:kms:us-east-1:"+s.Account()+":key/00000000-0000-4000-8000-000000000000"))
	var kna *rdstypes.KMSKeyNotAccessibleFault
	if !errors.As(err, &kna) {
		t.Fatalf("missing key: want KMSKeyNotAccessibleFault, got %v", err)
	}
	_, err = c.RDS.CreateDBInstance(bg, dbInput("shop-db", "mvi-shop", "sg-0123456789abcdef0", ""))
	wantCode(t, err, "InvalidParameterValue")
	bad := dbInput("shop-db", "mvi-shop", sg, "")
	bad.MasterUserPassword = aws.String("has/slash")
	_, err = c.RDS.CreateDBInstance(bg, bad)
	wantCode(t, err, "InvalidParameterValue")
	if strings.Contains(err.Error(), "has/slash") {
		t.Fatalf("the error echoes the password: %v", err)
	}
	_, err = c.RDS.CreateDBInstance(bg, dbInput("shop-db", "nope", sg, ""))
	wantCode(t, err, "DBSubnetGroupNotFoundFault")

	out := must(c.RDS.CreateDBInstance(bg, dbInput("shop-db", "mvi-shop", sg, *key.KeyMetadata.KeyId)))
	db := out.DBInstance
	if *db.DBInstanceStatus != "creating" || db.Endpoint != nil || *db.KmsKeyId != *key.KeyMetadata.Arn || !*db.StorageEncrypted {
		t.Fatalf("created %+v", db)
	}
	_, err = c.RDS.CreateDBInstance(bg, dbInput("shop-db", "mvi-shop", sg, ""))
	wantCode(t, err, "DBInstanceAlreadyExists")
	state, err := os.ReadFile(filepath.Join(s.Dir(), "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(state), "s3cret-Pa55word-xyz") {
		t.Fatal("the master password is in the state file")
	}

	// Speed 0: available at the next call.
	d := must(c.RDS.DescribeDBInstances(bg, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("shop-db")})).DBInstances[0]
	if *d.DBInstanceStatus != "available" || d.Endpoint == nil || *d.Endpoint.Port != 5432 || *d.MasterUsername != "mvi" ||
		*d.BackupRetentionPeriod != 7 || *d.PubliclyAccessible || *d.DBSubnetGroup.DBSubnetGroupName != "mvi-shop" ||
		len(d.VpcSecurityGroups) != 1 || *d.VpcSecurityGroups[0].VpcSecurityGroupId != sg || len(d.TagList) != 1 {
		t.Fatalf("described %+v", d)
	}
	if !regexp.MustCompile(`^shop-db\.[a-z0-9]{12}\.us-east-1\.rds\.amazonaws\.com$`).MatchString(*d.Endpoint.Address) {
		t.Fatalf("endpoint %s", *d.Endpoint.Address)
	}
	_, err = c.RDS.DescribeDBInstances(bg, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("nope")})
	var nf *rdstypes.DBInstanceNotFoundFault
	if !errors.As(err, &nf) {
		t.Fatalf("want DBInstanceNotFoundFault, got %v", err)
	}

	// Tags by ARN.
	must(c.RDS.AddTagsToResource(bg, &rds.AddTagsToResourceInput{ResourceName: d.DBInstanceArn, Tags: []rdstypes.Tag{rdsTag("team", "data")}}))
	tl := must(c.RDS.ListTagsForResource(bg, &rds.ListTagsForResourceInput{ResourceName: d.DBInstanceArn}))
	if len(tl.TagList) != 2 {
		t.Fatalf("tags %v", tl.TagList)
	}
	_, err = c.RDS.AddTagsToResource(bg, &rds.AddTagsToResourceInput{ResourceName: d.DBInstanceArn, Tags: []rdstypes.Tag{rdsTag("aws:x", "1")}})
	wantCode(t, err, "InvalidParameterValue")

	// Modify: applied through "modifying".
	m := must(c.RDS.ModifyDBInstance(bg, &rds.ModifyDBInstanceInput{DBInstanceIdentifier: aws.String("shop-db"), ApplyImmediately: aws.Bool(true),
		DBInstanceClass: aws.String("db.t4g.small"), AllocatedStorage: aws.Int32(30), BackupRetentionPeriod: aws.Int32(14)}))
	if *m.DBInstance.DBInstanceStatus != "modifying" || *m.DBInstance.PendingModifiedValues.DBInstanceClass != "db.t4g.small" ||
		*m.DBInstance.DBInstanceClass != "db.t4g.micro" || *m.DBInstance.BackupRetentionPeriod != 14 {
		t.Fatalf("modify answered %+v", m.DBInstance)
	}
	d = must(c.RDS.DescribeDBInstances(bg, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("shop-db")})).DBInstances[0]
	if *d.DBInstanceStatus != "available" || *d.DBInstanceClass != "db.t4g.small" || *d.AllocatedStorage != 30 || d.PendingModifiedValues.DBInstanceClass != nil {
		t.Fatalf("after modify %+v", d)
	}
	_, err = c.RDS.ModifyDBInstance(bg, &rds.ModifyDBInstanceInput{DBInstanceIdentifier: aws.String("shop-db"), AllocatedStorage: aws.Int32(20)})
	wantCode(t, err, "InvalidParameterCombination")
	_, err = c.RDS.ModifyDBInstance(bg, &rds.ModifyDBInstanceInput{DBInstanceIdentifier: aws.String("shop-db"), DBInstanceClass: aws.String("db.t4g.small")})
	wantCode(t, err, "InvalidParameterCombination") // no modifications

	// The database holds its subnets, its security group and its subnet group.
	_, err = c.RDS.DeleteDBSubnetGroup(bg, &rds.DeleteDBSubnetGroupInput{DBSubnetGroupName: aws.String("mvi-shop")})
	wantCode(t, err, "InvalidDBSubnetGroupStateFault")
	_, err = c.EC2.DeleteSecurityGroup(bg, &ec2.DeleteSecurityGroupInput{GroupId: &sg})
	wantCode(t, err, "DependencyViolation")
	enis := must(c.EC2.DescribeNetworkInterfaces(bg, &ec2.DescribeNetworkInterfacesInput{}))
	var dbSubnet string
	for _, e := range enis.NetworkInterfaces {
		if aws.ToString(e.RequesterId) == "amazon-rds" {
			dbSubnet = *e.SubnetId
		}
	}
	if dbSubnet == "" {
		t.Fatal("no RDS network interface")
	}
	_, err = c.EC2.DeleteSubnet(bg, &ec2.DeleteSubnetInput{SubnetId: &dbSubnet})
	wantCode(t, err, "DependencyViolation")

	// Delete.
	_, err = c.RDS.DeleteDBInstance(bg, &rds.DeleteDBInstanceInput{DBInstanceIdentifier: aws.String("shop-db")})
	wantCode(t, err, "InvalidParameterCombination")
	del := must(c.RDS.DeleteDBInstance(bg, &rds.DeleteDBInstanceInput{DBInstanceIdentifier: aws.String("shop-db"), SkipFinalSnapshot: aws.Bool(true)}))
	if *del.DBInstance.DBInstanceStatus != "deleting" {
		t.Fatalf("delete answered %s", *del.DBInstance.DBInstanceStatus)
	}
	_, err = c.RDS.DescribeDBInstances(bg, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("shop-db")})
	if !errors.As(err, &nf) {
		t.Fatalf("after delete: want DBInstanceNotFoundFault, got %v", err)
	}
	must(c.EC2.DeleteSecurityGroup(bg, &ec2.DeleteSecurityGroupInput{GroupId: &sg}))
	must(c.RDS.DeleteDBSubnetGroup(bg, &rds.DeleteDBSubnetGroupInput{DBSubnetGroupName: aws.String("mvi-shop")}))
	_, err = c.RDS.DeleteDBSubnetGroup(bg, &rds.DeleteDBSubnetGroupInput{DBSubnetGroupName: aws.String("mvi-shop")})
	wantCode(t, err, "DBSubnetGroupNotFoundFault")
}

func TestRDSModifyingOnTheClock(t *testing.T) {
	clk := NewManualClock(time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC))
	s := openSB(t, Options{Speed: 1, Clock: clk})
	c := s.Clients()
	n := buildNetwork(t, c, "clk")
	sg := newSG(c, n.vpc, "db")
	must(c.RDS.CreateDBSubnetGroup(bg, &rds.CreateDBSubnetGroupInput{DBSubnetGroupName: aws.String("g"), DBSubnetGroupDescription: aws.String("g"), SubnetIds: n.subnets}))
	in := dbInput("db1", "g", sg, "")
	in.BackupRetentionPeriod = aws.Int32(0) // no backing-up phase
	must(c.RDS.CreateDBInstance(bg, in))
	describe := func() rdstypes.DBInstance {
		return must(c.RDS.DescribeDBInstances(bg, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("db1")})).DBInstances[0]
	}
	clk.Advance(paceRDSAvailable * 3 / 5)
	if d := describe(); *d.DBInstanceStatus != "available" || d.InstanceCreateTime == nil {
		t.Fatalf("without backups: %s", *d.DBInstanceStatus)
	}
	_, err := c.RDS.DeleteDBInstance(bg, &rds.DeleteDBInstanceInput{DBInstanceIdentifier: aws.String("db1"), SkipFinalSnapshot: aws.Bool(true),
		FinalDBSnapshotIdentifier: aws.String("x")})
	wantCode(t, err, "InvalidParameterCombination")

	must(c.RDS.ModifyDBInstance(bg, &rds.ModifyDBInstanceInput{DBInstanceIdentifier: aws.String("db1"), AllocatedStorage: aws.Int32(40), ApplyImmediately: aws.Bool(true)}))
	if d := describe(); *d.DBInstanceStatus != "modifying" || *d.AllocatedStorage != 20 || *d.PendingModifiedValues.AllocatedStorage != 40 {
		t.Fatalf("modifying: %s %d", *d.DBInstanceStatus, *d.AllocatedStorage)
	}
	_, err = c.RDS.ModifyDBInstance(bg, &rds.ModifyDBInstanceInput{DBInstanceIdentifier: aws.String("db1"), AllocatedStorage: aws.Int32(50), ApplyImmediately: aws.Bool(true)})
	wantCode(t, err, "InvalidDBInstanceState")
	clk.Advance(paceRDSModify)
	if d := describe(); *d.DBInstanceStatus != "available" || *d.AllocatedStorage != 40 {
		t.Fatalf("modified: %s %d", *d.DBInstanceStatus, *d.AllocatedStorage)
	}

	// Without ApplyImmediately a class change waits for the maintenance window.
	must(c.RDS.ModifyDBInstance(bg, &rds.ModifyDBInstanceInput{DBInstanceIdentifier: aws.String("db1"), DBInstanceClass: aws.String("db.m7g.large")}))
	clk.Advance(time.Minute)
	if d := describe(); *d.DBInstanceStatus != "available" || *d.DBInstanceClass != "db.t4g.micro" || *d.PendingModifiedValues.DBInstanceClass != "db.m7g.large" {
		t.Fatalf("pending: %s %s", *d.DBInstanceStatus, *d.DBInstanceClass)
	}

	must(c.RDS.DeleteDBInstance(bg, &rds.DeleteDBInstanceInput{DBInstanceIdentifier: aws.String("db1"), SkipFinalSnapshot: aws.Bool(true)}))
	_, err = c.RDS.DeleteDBInstance(bg, &rds.DeleteDBInstanceInput{DBInstanceIdentifier: aws.String("db1"), SkipFinalSnapshot: aws.Bool(true)})
	wantCode(t, err, "InvalidDBInstanceState")
	clk.Advance(paceRDSDelete)
	// Gone, but its network interfaces linger a little, as AWS's do.
	_, err = c.EC2.DeleteSecurityGroup(bg, &ec2.DeleteSecurityGroupInput{GroupId: &sg})
	wantCode(t, err, "DependencyViolation")
	clk.Advance(paceENIRelease)
	must(c.EC2.DeleteSecurityGroup(bg, &ec2.DeleteSecurityGroupInput{GroupId: &sg}))
}
