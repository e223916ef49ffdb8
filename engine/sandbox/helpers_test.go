package sandbox

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/smithy-go"

	"github.com/minimalinfra/mvi/engine/cloud"
)

var bg = context.Background()

func openSB(t testing.TB, o Options) *Sandbox {
	t.Helper()
	if o.Dir == "" {
		o.Dir = t.TempDir()
	}
	s, err := Open(bg, o)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// must returns v, panicking (which fails the test with a stack) on err;
// it takes a call's two results directly: must(c.EC2.CreateVpc(…)).
func must[T any](v T, err error) T {
	if err != nil {
		panic(fmt.Sprintf("unexpected error: %v", err))
	}
	return v
}

// wantCode fails unless err carries the AWS error code.
func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want error %s, got success", code)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want API error %s, got %T %v", code, err, err)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("want error code %s, got %s (%v)", code, ae.ErrorCode(), err)
	}
}

func tagSpec(rt ec2types.ResourceType, kv ...string) []ec2types.TagSpecification {
	var tags []ec2types.Tag
	for i := 0; i+1 < len(kv); i += 2 {
		tags = append(tags, ec2types.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return []ec2types.TagSpecification{{ResourceType: rt, Tags: tags}}
}

// network is a VPC with two public subnets in two zones, an attached
// internet gateway and a route table, as arch designs it.
type network struct {
	vpc, igw, rtb string
	subnets       []string
	sgApp, sgLB   string
}

func buildNetwork(t testing.TB, c *cloud.Clients, app string) network {
	t.Helper()
	var n network
	v := must(c.EC2.CreateVpc(bg, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16"),
		TagSpecifications: tagSpec(ec2types.ResourceTypeVpc, "mvi:app", app, "mvi:id", "vpc")}))
	n.vpc = *v.Vpc.VpcId
	g := must(c.EC2.CreateInternetGateway(bg, &ec2.CreateInternetGatewayInput{TagSpecifications: tagSpec(ec2types.ResourceTypeInternetGateway, "mvi:app", app, "mvi:id", "igw")}))
	n.igw = *g.InternetGateway.InternetGatewayId
	must(c.EC2.AttachInternetGateway(bg, &ec2.AttachInternetGatewayInput{InternetGatewayId: &n.igw, VpcId: &n.vpc}))
	azs := must(c.EC2.DescribeAvailabilityZones(bg, &ec2.DescribeAvailabilityZonesInput{}))
	for i, cidr := range []string{"10.0.0.0/20", "10.0.16.0/20"} {
		s := must(c.EC2.CreateSubnet(bg, &ec2.CreateSubnetInput{VpcId: &n.vpc, CidrBlock: aws.String(cidr), AvailabilityZone: azs.AvailabilityZones[i].ZoneName,
			TagSpecifications: tagSpec(ec2types.ResourceTypeSubnet, "mvi:app", app, "mvi:id", "subnet/"+string(rune('a'+i)))}))
		id := *s.Subnet.SubnetId
		must(c.EC2.ModifySubnetAttribute(bg, &ec2.ModifySubnetAttributeInput{SubnetId: &id, MapPublicIpOnLaunch: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}}))
		n.subnets = append(n.subnets, id)
	}
	rt := must(c.EC2.CreateRouteTable(bg, &ec2.CreateRouteTableInput{VpcId: &n.vpc, TagSpecifications: tagSpec(ec2types.ResourceTypeRouteTable, "mvi:app", app)}))
	n.rtb = *rt.RouteTable.RouteTableId
	must(c.EC2.CreateRoute(bg, &ec2.CreateRouteInput{RouteTableId: &n.rtb, DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: &n.igw}))
	for _, s := range n.subnets {
		must(c.EC2.AssociateRouteTable(bg, &ec2.AssociateRouteTableInput{RouteTableId: &n.rtb, SubnetId: aws.String(s)}))
	}
	lb := must(c.EC2.CreateSecurityGroup(bg, &ec2.CreateSecurityGroupInput{GroupName: aws.String(app + "-lb"), Description: aws.String("lb"), VpcId: &n.vpc,
		TagSpecifications: tagSpec(ec2types.ResourceTypeSecurityGroup, "mvi:app", app, "mvi:id", "sg/lb")}))
	n.sgLB = *lb.GroupId
	must(c.EC2.AuthorizeSecurityGroupIngress(bg, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: &n.sgLB, IpPermissions: []ec2types.IpPermission{{
		IpProtocol: aws.String("tcp"), FromPort: aws.Int32(80), ToPort: aws.Int32(80), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}}))
	sg := must(c.EC2.CreateSecurityGroup(bg, &ec2.CreateSecurityGroupInput{GroupName: aws.String(app + "-app"), Description: aws.String("app"), VpcId: &n.vpc,
		TagSpecifications: tagSpec(ec2types.ResourceTypeSecurityGroup, "mvi:app", app, "mvi:id", "sg/app")}))
	n.sgApp = *sg.GroupId
	must(c.EC2.AuthorizeSecurityGroupIngress(bg, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: &n.sgApp, IpPermissions: []ec2types.IpPermission{{
		IpProtocol: aws.String("tcp"), FromPort: aws.Int32(32768), ToPort: aws.Int32(65535), UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: &n.sgLB}}}}}))
	return n
}

const assumeEC2 = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
const assumeTasks = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// buildVMs adds the instance role and profile, a launch template joining
// the cluster, and an Auto Scaling group of n across the subnets.
func buildVMs(t testing.TB, c *cloud.Clients, app string, n network, size int32) (asgName, asgARN string) {
	t.Helper()
	role := "mvi-" + app + "-instance"
	must(c.IAM.CreateRole(bg, &iam.CreateRoleInput{RoleName: &role, Path: aws.String("/mvi/"), AssumeRolePolicyDocument: aws.String(assumeEC2)}))
	must(c.IAM.AttachRolePolicy(bg, &iam.AttachRolePolicyInput{RoleName: &role, PolicyArn: aws.String("arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role")}))
	must(c.IAM.CreateInstanceProfile(bg, &iam.CreateInstanceProfileInput{InstanceProfileName: &role, Path: aws.String("/mvi/")}))
	must(c.IAM.AddRoleToInstanceProfile(bg, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: &role, RoleName: &role}))
	ami := must(c.SSM.GetParameter(bg, &ssm.GetParameterInput{Name: aws.String("/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id")}))
	ud := base64.StdEncoding.EncodeToString([]byte("#!/bin/bash\necho ECS_CLUSTER=mvi-" + app + " >> /etc/ecs/ecs.config\n"))
	lt := must(c.EC2.CreateLaunchTemplate(bg, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("mvi-" + app),
		TagSpecifications: tagSpec(ec2types.ResourceTypeLaunchTemplate, "mvi:app", app),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: ami.Parameter.Value, InstanceType: ec2types.InstanceTypeT3Small,
			IamInstanceProfile: &ec2types.LaunchTemplateIamInstanceProfileSpecificationRequest{Name: &role},
			SecurityGroupIds:   []string{n.sgApp}, UserData: &ud,
			MetadataOptions: &ec2types.LaunchTemplateInstanceMetadataOptionsRequest{HttpTokens: ec2types.LaunchTemplateHttpTokensStateRequired},
			TagSpecifications: []ec2types.LaunchTemplateTagSpecificationRequest{{ResourceType: ec2types.ResourceTypeInstance,
				Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String(app)}}}}}}))
	asgName = "mvi-" + app
	must(c.AutoScaling.CreateAutoScalingGroup(bg, &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: &asgName,
		MinSize: aws.Int32(size), MaxSize: aws.Int32(size * 2), DesiredCapacity: aws.Int32(size),
		LaunchTemplate:    &astypes.LaunchTemplateSpecification{LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId, Version: aws.String("$Latest")},
		VPCZoneIdentifier: aws.String(n.subnets[0] + "," + n.subnets[1]),
		Tags: []astypes.Tag{{Key: aws.String("mvi:app"), Value: aws.String(app), PropagateAtLaunch: aws.Bool(true)},
			{Key: aws.String("mvi:id"), Value: aws.String("asg"), PropagateAtLaunch: aws.Bool(false)}}}))
	g := must(c.AutoScaling.DescribeAutoScalingGroups(bg, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{asgName}}))
	return asgName, *g.AutoScalingGroups[0].AutoScalingGroupARN
}

// eventually polls f until it returns true (the sandbox advances on each
// call), failing after a while of wall time.
func eventually(t testing.TB, what string, f func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !f() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// api is the sandbox's clients at their own types: every call the sandbox
// serves, beyond the ones cloud's interfaces name (those mvi makes). The
// embedded *cloud.Clients is for what takes the engine's view.
type api struct {
	*cloud.Clients
	EC2         *ec2API
	AutoScaling *autoscalingAPI
	KMS         *kmsAPI
	SSM         *ssmAPI
	ECS         *ecsAPI
	ECR         *ecrAPI
	ELB         *elbAPI
	EFS         *efsAPI
	Logs        *logsAPI
	CloudWatch  *cloudwatchAPI
	DynamoDB    *dynamodbAPI
	S3          *s3API
	Tagging     *taggingAPI
}

func apiOf(s *Sandbox) api {
	c := s.Clients()
	return api{Clients: c, EC2: c.EC2.(*ec2API), AutoScaling: c.AutoScaling.(*autoscalingAPI), KMS: c.KMS.(*kmsAPI),
		SSM: c.SSM.(*ssmAPI), ECS: c.ECS.(*ecsAPI), ECR: c.ECR.(*ecrAPI), ELB: c.ELB.(*elbAPI), EFS: c.EFS.(*efsAPI),
		Logs: c.Logs.(*logsAPI), CloudWatch: c.CloudWatch.(*cloudwatchAPI), DynamoDB: c.DynamoDB.(*dynamodbAPI),
		S3: c.S3.(*s3API), Tagging: c.Tagging.(*taggingAPI)}
}
