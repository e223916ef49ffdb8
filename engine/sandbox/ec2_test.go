package sandbox

import (
	"errors"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

func TestIDsLookLikeAWS(t *testing.T) {
	s := openSB(t, Options{})
	n := buildNetwork(t, s.Clients(), "ids")
	for re, id := range map[string]string{`^vpc-0[0-9a-f]{16}$`: n.vpc, `^igw-0[0-9a-f]{16}$`: n.igw, `^rtb-0[0-9a-f]{16}$`: n.rtb,
		`^subnet-0[0-9a-f]{16}$`: n.subnets[0], `^sg-0[0-9a-f]{16}$`: n.sgApp} {
		if !regexp.MustCompile(re).MatchString(id) {
			t.Errorf("%s doesn't match %s", id, re)
		}
	}
	azs := must(s.Clients().EC2.DescribeAvailabilityZones(bg, &ec2.DescribeAvailabilityZonesInput{}))
	if *azs.AvailabilityZones[0].ZoneName != "us-east-1a" || *azs.AvailabilityZones[1].ZoneName != "us-east-1b" || *azs.AvailabilityZones[0].ZoneId != "use1-az1" {
		t.Fatalf("zones %v %v", *azs.AvailabilityZones[0].ZoneName, *azs.AvailabilityZones[0].ZoneId)
	}
	p := must(s.Clients().SSM.GetParameter(bg, &ssm.GetParameterInput{Name: aws.String("/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id")}))
	if !regexp.MustCompile(`^ami-0[0-9a-f]{16}$`).MatchString(*p.Parameter.Value) {
		t.Fatalf("AMI %s", *p.Parameter.Value)
	}
}

func TestDependencyViolations(t *testing.T) {
	s := openSB(t, Options{})
	c := s.Clients().EC2
	v := must(c.CreateVpc(bg, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")}))
	sn := must(c.CreateSubnet(bg, &ec2.CreateSubnetInput{VpcId: v.Vpc.VpcId, CidrBlock: aws.String("10.0.0.0/24")}))
	_, err := c.DeleteVpc(bg, &ec2.DeleteVpcInput{VpcId: v.Vpc.VpcId})
	wantCode(t, err, "DependencyViolation")

	// A group referenced by another group's rule can't go.
	a := must(c.CreateSecurityGroup(bg, &ec2.CreateSecurityGroupInput{VpcId: v.Vpc.VpcId, GroupName: aws.String("a"), Description: aws.String("a")}))
	b := must(c.CreateSecurityGroup(bg, &ec2.CreateSecurityGroupInput{VpcId: v.Vpc.VpcId, GroupName: aws.String("b"), Description: aws.String("b")}))
	must(c.AuthorizeSecurityGroupIngress(bg, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: b.GroupId, IpPermissions: []ec2types.IpPermission{{
		IpProtocol: aws.String("tcp"), FromPort: aws.Int32(5432), ToPort: aws.Int32(5432), UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: a.GroupId}}}}}))
	_, err = c.DeleteSecurityGroup(bg, &ec2.DeleteSecurityGroupInput{GroupId: a.GroupId})
	wantCode(t, err, "DependencyViolation")
	// A duplicate rule is refused; a bad CIDR too.
	_, err = c.AuthorizeSecurityGroupIngress(bg, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: b.GroupId, IpPermissions: []ec2types.IpPermission{{
		IpProtocol: aws.String("tcp"), FromPort: aws.Int32(5432), ToPort: aws.Int32(5432), UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: a.GroupId}}}}})
	wantCode(t, err, "InvalidPermission.Duplicate")
	// Revoke the reference; then both go.
	must(c.RevokeSecurityGroupIngress(bg, &ec2.RevokeSecurityGroupIngressInput{GroupId: b.GroupId, IpPermissions: []ec2types.IpPermission{{
		IpProtocol: aws.String("tcp"), FromPort: aws.Int32(5432), ToPort: aws.Int32(5432), UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: a.GroupId}}}}}))
	must(c.DeleteSecurityGroup(bg, &ec2.DeleteSecurityGroupInput{GroupId: a.GroupId}))
	must(c.DeleteSecurityGroup(bg, &ec2.DeleteSecurityGroupInput{GroupId: b.GroupId}))

	// The default group can't be deleted at all.
	def := must(c.DescribeSecurityGroups(bg, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{
		{Name: aws.String("vpc-id"), Values: []string{*v.Vpc.VpcId}}, {Name: aws.String("group-name"), Values: []string{"default"}}}}))
	_, err = c.DeleteSecurityGroup(bg, &ec2.DeleteSecurityGroupInput{GroupId: def.SecurityGroups[0].GroupId})
	wantCode(t, err, "CannotDelete")

	// Attached gateways hold the VPC, and can't be deleted while attached.
	g := must(c.CreateInternetGateway(bg, &ec2.CreateInternetGatewayInput{}))
	must(c.AttachInternetGateway(bg, &ec2.AttachInternetGatewayInput{InternetGatewayId: g.InternetGateway.InternetGatewayId, VpcId: v.Vpc.VpcId}))
	_, err = c.DeleteInternetGateway(bg, &ec2.DeleteInternetGatewayInput{InternetGatewayId: g.InternetGateway.InternetGatewayId})
	wantCode(t, err, "DependencyViolation")
	must(c.DeleteSubnet(bg, &ec2.DeleteSubnetInput{SubnetId: sn.Subnet.SubnetId}))
	_, err = c.DeleteVpc(bg, &ec2.DeleteVpcInput{VpcId: v.Vpc.VpcId})
	wantCode(t, err, "DependencyViolation")
	must(c.DetachInternetGateway(bg, &ec2.DetachInternetGatewayInput{InternetGatewayId: g.InternetGateway.InternetGatewayId, VpcId: v.Vpc.VpcId}))
	must(c.DeleteInternetGateway(bg, &ec2.DeleteInternetGatewayInput{InternetGatewayId: g.InternetGateway.InternetGatewayId}))
	must(c.DeleteVpc(bg, &ec2.DeleteVpcInput{VpcId: v.Vpc.VpcId}))
}

func TestInvalidCIDRs(t *testing.T) {
	s := openSB(t, Options{})
	c := s.Clients().EC2
	_, err := c.CreateVpc(bg, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/33")})
	wantCode(t, err, "InvalidParameterValue")
	_, err = c.CreateVpc(bg, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/8")})
	wantCode(t, err, "InvalidVpc.Range")
	v := must(c.CreateVpc(bg, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")}))
	must(c.CreateSubnet(bg, &ec2.CreateSubnetInput{VpcId: v.Vpc.VpcId, CidrBlock: aws.String("10.0.0.0/20"), AvailabilityZone: aws.String("us-east-1a")}))
	_, err = c.CreateSubnet(bg, &ec2.CreateSubnetInput{VpcId: v.Vpc.VpcId, CidrBlock: aws.String("10.0.8.0/24")})
	wantCode(t, err, "InvalidSubnet.Conflict")
	_, err = c.CreateSubnet(bg, &ec2.CreateSubnetInput{VpcId: v.Vpc.VpcId, CidrBlock: aws.String("10.1.0.0/24")})
	wantCode(t, err, "InvalidSubnet.Range")
	_, err = c.CreateSubnet(bg, &ec2.CreateSubnetInput{VpcId: v.Vpc.VpcId, CidrBlock: aws.String("10.0.64.0/24"), AvailabilityZone: aws.String("us-east-1z")})
	wantCode(t, err, "InvalidParameterValue")
}

func TestNotFoundAfterDelete(t *testing.T) {
	s := openSB(t, Options{})
	cl := apiOf(s)
	c := cl.EC2
	v := must(c.CreateVpc(bg, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")}))
	sn := must(c.CreateSubnet(bg, &ec2.CreateSubnetInput{VpcId: v.Vpc.VpcId, CidrBlock: aws.String("10.0.0.0/24")}))
	g := must(c.CreateSecurityGroup(bg, &ec2.CreateSecurityGroupInput{VpcId: v.Vpc.VpcId, GroupName: aws.String("x"), Description: aws.String("x")}))
	must(c.DeleteSubnet(bg, &ec2.DeleteSubnetInput{SubnetId: sn.Subnet.SubnetId}))
	must(c.DeleteSecurityGroup(bg, &ec2.DeleteSecurityGroupInput{GroupId: g.GroupId}))
	must(c.DeleteVpc(bg, &ec2.DeleteVpcInput{VpcId: v.Vpc.VpcId}))
	_, err := c.DescribeSubnets(bg, &ec2.DescribeSubnetsInput{SubnetIds: []string{*sn.Subnet.SubnetId}})
	wantCode(t, err, "InvalidSubnetID.NotFound")
	_, err = c.DescribeSecurityGroups(bg, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{*g.GroupId}})
	wantCode(t, err, "InvalidGroup.NotFound")
	_, err = c.DescribeVpcs(bg, &ec2.DescribeVpcsInput{VpcIds: []string{*v.Vpc.VpcId}})
	wantCode(t, err, "InvalidVpcID.NotFound")
	_, err = c.DeleteVpc(bg, &ec2.DeleteVpcInput{VpcId: v.Vpc.VpcId})
	wantCode(t, err, "InvalidVpcID.NotFound")
	_, err = c.DescribeVpcs(bg, &ec2.DescribeVpcsInput{VpcIds: []string{"nonsense"}})
	wantCode(t, err, "InvalidVpcID.Malformed")

	// Typed errors where the SDK has them.
	role := "r"
	must(cl.IAM.CreateRole(bg, &iam.CreateRoleInput{RoleName: &role, AssumeRolePolicyDocument: aws.String(assumeEC2)}))
	must(cl.IAM.PutRolePolicy(bg, &iam.PutRolePolicyInput{RoleName: &role, PolicyName: aws.String("p"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[]}`)}))
	_, err = cl.IAM.DeleteRole(bg, &iam.DeleteRoleInput{RoleName: &role})
	var dc *iamtypes.DeleteConflictException
	if !errors.As(err, &dc) {
		t.Fatalf("want DeleteConflict, got %v", err)
	}
	must(cl.IAM.DeleteRolePolicy(bg, &iam.DeleteRolePolicyInput{RoleName: &role, PolicyName: aws.String("p")}))
	must(cl.IAM.DeleteRole(bg, &iam.DeleteRoleInput{RoleName: &role}))
	_, err = cl.IAM.GetRole(bg, &iam.GetRoleInput{RoleName: &role})
	var nse *iamtypes.NoSuchEntityException
	if !errors.As(err, &nse) {
		t.Fatalf("want NoSuchEntity, got %v", err)
	}
	wantCode(t, err, "NoSuchEntity")

	_, err = cl.SSM.GetParameter(bg, &ssm.GetParameterInput{Name: aws.String("/mvi/none")})
	var pnf *ssmtypes.ParameterNotFound
	if !errors.As(err, &pnf) {
		t.Fatalf("want ParameterNotFound, got %v", err)
	}
	must(cl.SSM.PutParameter(bg, &ssm.PutParameterInput{Name: aws.String("/mvi/p"), Value: aws.String("v"), Type: ssmtypes.ParameterTypeString}))
	_, err = cl.SSM.PutParameter(bg, &ssm.PutParameterInput{Name: aws.String("/mvi/p"), Value: aws.String("v"), Type: ssmtypes.ParameterTypeString})
	var pae *ssmtypes.ParameterAlreadyExists
	if !errors.As(err, &pae) {
		t.Fatalf("want ParameterAlreadyExists, got %v", err)
	}

	k := must(cl.KMS.CreateKey(bg, &kms.CreateKeyInput{}))
	must(cl.KMS.ScheduleKeyDeletion(bg, &kms.ScheduleKeyDeletionInput{KeyId: k.KeyMetadata.KeyId, PendingWindowInDays: aws.Int32(7)}))
	d := must(cl.KMS.DescribeKey(bg, &kms.DescribeKeyInput{KeyId: k.KeyMetadata.Arn}))
	if d.KeyMetadata.KeyState != kmstypes.KeyStatePendingDeletion || d.KeyMetadata.DeletionDate == nil {
		t.Fatalf("key state %s", d.KeyMetadata.KeyState)
	}
	_, err = cl.KMS.Encrypt(bg, &kms.EncryptInput{KeyId: k.KeyMetadata.KeyId, Plaintext: []byte("x")})
	var kis *kmstypes.KMSInvalidStateException
	if !errors.As(err, &kis) {
		t.Fatalf("want KMSInvalidStateException, got %v", err)
	}
	_, err = cl.KMS.DescribeKey(bg, &kms.DescribeKeyInput{KeyId: aws.String("alias/none")})
	var nf *kmstypes.NotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("want NotFoundException, got %v", err)
	}
}

func TestTagFilters(t *testing.T) {
	s := openSB(t, Options{})
	c := s.Clients().EC2
	n1 := buildNetwork(t, s.Clients(), "one")
	n2 := buildNetwork(t, s.Clients(), "two")
	f := func(name string, vals ...string) ec2types.Filter {
		return ec2types.Filter{Name: aws.String(name), Values: vals}
	}
	vs := must(c.DescribeVpcs(bg, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{f("tag:mvi:app", "one")}}))
	if len(vs.Vpcs) != 1 || *vs.Vpcs[0].VpcId != n1.vpc {
		t.Fatalf("tag:mvi:app=one → %d vpcs", len(vs.Vpcs))
	}
	vs = must(c.DescribeVpcs(bg, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{f("tag-key", "mvi:app")}}))
	if len(vs.Vpcs) != 2 {
		t.Fatalf("tag-key mvi:app → %d vpcs", len(vs.Vpcs))
	}
	ss := must(c.DescribeSubnets(bg, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{f("vpc-id", n2.vpc), f("tag:mvi:id", "subnet/*")}}))
	if len(ss.Subnets) != 2 || *ss.Subnets[0].VpcId != n2.vpc {
		t.Fatalf("subnets of two: %d", len(ss.Subnets))
	}
	gs := must(c.DescribeSecurityGroups(bg, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{f("tag:mvi:app", "one", "two"), f("tag:mvi:id", "sg/lb")}}))
	if len(gs.SecurityGroups) != 2 || len(gs.SecurityGroups[0].IpPermissions) != 1 {
		t.Fatalf("lb groups: %d", len(gs.SecurityGroups))
	}
	igws := must(c.DescribeInternetGateways(bg, &ec2.DescribeInternetGatewaysInput{Filters: []ec2types.Filter{f("attachment.vpc-id", n1.vpc)}}))
	if len(igws.InternetGateways) != 1 || *igws.InternetGateways[0].InternetGatewayId != n1.igw {
		t.Fatalf("igw by attachment: %d", len(igws.InternetGateways))
	}
	rts := must(c.DescribeRouteTables(bg, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{f("association.subnet-id", n1.subnets[1])}}))
	if len(rts.RouteTables) != 1 || *rts.RouteTables[0].RouteTableId != n1.rtb || len(rts.RouteTables[0].Routes) != 2 {
		t.Fatalf("route table by subnet: %+v", rts.RouteTables)
	}
	_, err := c.DescribeVpcs(bg, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{f("no-such-filter", "x")}})
	wantCode(t, err, "InvalidParameterValue")
	// Pagination.
	p1 := must(c.DescribeSubnets(bg, &ec2.DescribeSubnetsInput{MaxResults: aws.Int32(5)}))
	if len(p1.Subnets) != 5 || p1.NextToken == nil {
		t.Fatalf("page 1: %d, token %v", len(p1.Subnets), p1.NextToken)
	}
	p2 := must(c.DescribeSubnets(bg, &ec2.DescribeSubnetsInput{MaxResults: aws.Int32(5), NextToken: p1.NextToken}))
	if len(p2.Subnets) == 0 || *p2.Subnets[0].SubnetId == *p1.Subnets[0].SubnetId {
		t.Fatal("page 2 repeats page 1")
	}
}

func TestIGWDetachWithPublicAddresses(t *testing.T) {
	s := openSB(t, Options{})
	c := apiOf(s)
	n := buildNetwork(t, c.Clients, "pub")
	buildVMs(t, c.Clients, "pub", n, 1)
	eventually(t, "an instance", func() bool {
		out := must(c.EC2.DescribeInstances(bg, &ec2.DescribeInstancesInput{}))
		return len(out.Reservations) == 1
	})
	_, err := c.EC2.DetachInternetGateway(bg, &ec2.DetachInternetGatewayInput{InternetGatewayId: &n.igw, VpcId: &n.vpc})
	wantCode(t, err, "DependencyViolation")
	_, err = c.EC2.DeleteSubnet(bg, &ec2.DeleteSubnetInput{SubnetId: &n.subnets[0]})
	wantCode(t, err, "DependencyViolation")
	_, err = c.EC2.DeleteSecurityGroup(bg, &ec2.DeleteSecurityGroupInput{GroupId: &n.sgApp})
	wantCode(t, err, "DependencyViolation")
}
