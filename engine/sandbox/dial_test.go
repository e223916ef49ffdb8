package sandbox

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
)

// A connection from this machine (outside every VPC) to a database gets
// in only as AWS's network would let it: a private instance refuses, a
// public one whose group admits only the app's group refuses, naming the
// group; opened to 0.0.0.0/0 and public, the TCP handshake completes.
func TestDialADatabaseFromOutsideTheVPC(t *testing.T) {
	s := openSB(t, Options{})
	c := apiOf(s)
	n := buildNetwork(t, c.Clients, "shop")
	sg := newSG(c.Clients, n.vpc, "db")
	must(c.EC2.AuthorizeSecurityGroupIngress(bg, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: &sg, IpPermissions: []ec2types.IpPermission{{
		IpProtocol: aws.String("tcp"), FromPort: aws.Int32(5432), ToPort: aws.Int32(5432), UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: &n.sgApp}}}}}))
	must(c.RDS.CreateDBSubnetGroup(bg, &rds.CreateDBSubnetGroupInput{DBSubnetGroupName: aws.String("mvi-shop"),
		DBSubnetGroupDescription: aws.String("private"), SubnetIds: n.subnets, Tags: []rdstypes.Tag{rdsTag("mvi:app", "shop")}}))
	must(c.RDS.CreateDBInstance(bg, dbInput("shop-db", "mvi-shop", sg, "")))
	var addr string
	eventually(t, "the database has an endpoint", func() bool {
		d := must(c.RDS.DescribeDBInstances(bg, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("shop-db")}))
		if e := d.DBInstances[0].Endpoint; e != nil {
			addr = net.JoinHostPort(aws.ToString(e.Address), strconv.Itoa(int(aws.ToInt32(e.Port))))
		}
		return addr != "" && aws.ToString(d.DBInstances[0].DBInstanceStatus) == "available"
	})
	dial := func() error {
		conn, err := c.Clients.Dial.DialContext(context.Background(), "tcp", addr)
		if err == nil {
			conn.Close()
		}
		return err
	}

	err := dial()
	if !errors.Is(err, syscall.ECONNREFUSED) || !strings.Contains(err.Error(), "not publicly accessible") {
		t.Fatalf("private instance: %v; want a refusal saying it is not public", err)
	}
	must(c.RDS.ModifyDBInstance(bg, &rds.ModifyDBInstanceInput{DBInstanceIdentifier: aws.String("shop-db"), PubliclyAccessible: aws.Bool(true), ApplyImmediately: aws.Bool(true)}))
	eventually(t, "the instance is public", func() bool {
		d := must(c.RDS.DescribeDBInstances(bg, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("shop-db")}))
		return aws.ToBool(d.DBInstances[0].PubliclyAccessible)
	})
	err = dial()
	if !errors.Is(err, syscall.ECONNREFUSED) || !strings.Contains(err.Error(), n.sgApp) {
		t.Fatalf("public, group admits only the app: %v; want a refusal naming %s", err, n.sgApp)
	}
	must(c.EC2.AuthorizeSecurityGroupIngress(bg, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: &sg, IpPermissions: []ec2types.IpPermission{{
		IpProtocol: aws.String("tcp"), FromPort: aws.Int32(5432), ToPort: aws.Int32(5432), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("10.0.0.0/8")}}}}}))
	if err := dial(); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("a private range admits no internet address: %v", err)
	}
	must(c.EC2.AuthorizeSecurityGroupIngress(bg, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: &sg, IpPermissions: []ec2types.IpPermission{{
		IpProtocol: aws.String("tcp"), FromPort: aws.Int32(5432), ToPort: aws.Int32(5432), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}}))
	if err := dial(); err != nil {
		t.Fatalf("public and open to 0.0.0.0/0: %v; want the connection made", err)
	}
	host, _, _ := net.SplitHostPort(addr)
	if _, err := c.Clients.Dial.DialContext(context.Background(), "tcp", net.JoinHostPort(host, "3306")); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("the wrong port: %v; want refused", err)
	}
	if _, err := c.Clients.Dial.DialContext(context.Background(), "tcp", "example.com:80"); err == nil || !strings.Contains(err.Error(), "no such host") {
		t.Fatalf("a name the sandbox didn't give: %v", err)
	}
}
