package sandbox

import (
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
)

func TestRDSTransitionsOnTheClock(t *testing.T) {
	clk := NewManualClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	s := openSB(t, Options{Speed: 1, Clock: clk})
	c := s.Clients()
	n := buildNetwork(t, c, "db")
	db := must(c.EC2.CreateSecurityGroup(bg, &ec2.CreateSecurityGroupInput{VpcId: &n.vpc, GroupName: aws.String("db"), Description: aws.String("db")}))
	must(c.RDS.CreateDBSubnetGroup(bg, &rds.CreateDBSubnetGroupInput{DBSubnetGroupName: aws.String("mvi-db"), DBSubnetGroupDescription: aws.String("db"), SubnetIds: n.subnets}))
	must(c.RDS.CreateDBInstance(bg, &rds.CreateDBInstanceInput{DBInstanceIdentifier: aws.String("mvi-db"), DBInstanceClass: aws.String("db.t4g.micro"),
		Engine: aws.String("postgres"), AllocatedStorage: aws.Int32(20), MasterUsername: aws.String("app"), MasterUserPassword: aws.String("correct-horse-battery"),
		DBSubnetGroupName: aws.String("mvi-db"), VpcSecurityGroupIds: []string{*db.GroupId}, StorageEncrypted: aws.Bool(true), BackupRetentionPeriod: aws.Int32(7)}))
	status := func() string {
		out := must(c.RDS.DescribeDBInstances(bg, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("mvi-db")}))
		return *out.DBInstances[0].DBInstanceStatus
	}
	if st := status(); st != "creating" {
		t.Fatalf("at create: %s", st)
	}
	clk.Advance(paceRDSAvailable * 4 / 5)
	if st := status(); st != "backing-up" {
		t.Fatalf("at 20s: %s", st)
	}
	clk.Advance(paceRDSAvailable / 5)
	if st := status(); st != "available" {
		t.Fatalf("at 25s: %s", st)
	}
	out := must(c.RDS.DescribeDBInstances(bg, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("mvi-db")}))
	ep := out.DBInstances[0].Endpoint
	if ep == nil || !regexp.MustCompile(`^mvi-db\.[a-z0-9]{12}\.us-east-1\.rds\.amazonaws\.com$`).MatchString(*ep.Address) || *ep.Port != 5432 {
		t.Fatalf("endpoint %+v", ep)
	}
	// The database holds its subnets and security group.
	_, err := c.EC2.DeleteSecurityGroup(bg, &ec2.DeleteSecurityGroupInput{GroupId: db.GroupId})
	wantCode(t, err, "DependencyViolation")
	must(c.RDS.DeleteDBInstance(bg, &rds.DeleteDBInstanceInput{DBInstanceIdentifier: aws.String("mvi-db"), SkipFinalSnapshot: aws.Bool(true)}))
	if st := status(); st != "deleting" {
		t.Fatalf("after delete: %s", st)
	}
	clk.Advance(paceRDSDelete + time.Second)
	_, err = c.RDS.DescribeDBInstances(bg, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("mvi-db")})
	var nf *rdstypes.DBInstanceNotFoundFault
	if !errors.As(err, &nf) {
		t.Fatalf("want DBInstanceNotFound, got %v", err)
	}
	clk.Advance(paceENIRelease + time.Second)
	must(c.EC2.DeleteSecurityGroup(bg, &ec2.DeleteSecurityGroupInput{GroupId: db.GroupId}))
}
