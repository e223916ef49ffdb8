package tui

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/minimalinfra/mvi/engine"
)

// seeItYourself is how a person finds a resource without mvi: its page in
// the AWS console and the aws CLI command that describes it. The wizard
// teaches the cloud, not itself, so every detail view ends with these.
func seeItYourself(app, region string, r engine.ResourceStatus) (console, cli string) {
	id := r.PhysicalID
	name := r.Attrs["name"]
	if name == "" {
		name = lastPart(id)
	}
	reg := "--region " + region
	con := func(path string) string {
		return fmt.Sprintf("https://%s.console.aws.amazon.com/%s", region, path)
	}
	switch r.Type {
	case "AWS::EC2::VPC":
		return con("vpcconsole/home?region=" + region + "#VpcDetails:VpcId=" + id), "aws ec2 describe-vpcs --vpc-ids " + id + " " + reg
	case "AWS::EC2::Subnet":
		return con("vpcconsole/home?region=" + region + "#SubnetDetails:subnetId=" + id), "aws ec2 describe-subnets --subnet-ids " + id + " " + reg
	case "AWS::EC2::InternetGateway":
		return con("vpcconsole/home?region=" + region + "#InternetGateway:internetGatewayId=" + id), "aws ec2 describe-internet-gateways --internet-gateway-ids " + id + " " + reg
	case "AWS::EC2::RouteTable":
		return con("vpcconsole/home?region=" + region + "#RouteTableDetails:RouteTableId=" + id), "aws ec2 describe-route-tables --route-table-ids " + id + " " + reg
	case "AWS::EC2::SecurityGroup":
		return con("ec2/home?region=" + region + "#SecurityGroup:groupId=" + id), "aws ec2 describe-security-groups --group-ids " + id + " " + reg
	case "AWS::EC2::LaunchTemplate":
		return con("ec2/home?region=" + region + "#LaunchTemplateDetails:launchTemplateId=" + id), "aws ec2 describe-launch-templates --launch-template-ids " + id + " " + reg
	case "AWS::AutoScaling::AutoScalingGroup":
		return con("ec2/home?region=" + region + "#AutoScalingGroupDetails:id=" + name), "aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names " + name + " " + reg
	case "AWS::IAM::Role":
		return "https://console.aws.amazon.com/iam/home#/roles/details/" + name, "aws iam get-role --role-name " + name
	case "AWS::IAM::InstanceProfile":
		return "https://console.aws.amazon.com/iam/home#/roles", "aws iam get-instance-profile --instance-profile-name " + name
	case "AWS::KMS::Key":
		return con("kms/home?region=" + region + "#/kms/keys/" + lastPart(id)), "aws kms describe-key --key-id " + lastPart(id) + " " + reg
	case "AWS::KMS::Alias":
		return con("kms/home?region=" + region + "#/kms/keys"), "aws kms list-aliases " + reg + " --query \"Aliases[?AliasName=='alias/mvi/" + app + "']\""
	case "AWS::ECS::Cluster":
		return con("ecs/v2/clusters/" + name + "?region=" + region), "aws ecs describe-clusters --clusters " + name + " " + reg
	case "AWS::ECS::Service":
		cl := r.Attrs["cluster"]
		return con("ecs/v2/clusters/" + lastPart(cl) + "/services/" + name + "?region=" + region), "aws ecs describe-services --cluster " + lastPart(cl) + " --services " + name + " " + reg
	case "AWS::ECS::TaskDefinition":
		return con("ecs/v2/task-definitions?region=" + region), "aws ecs describe-task-definition --task-definition " + lastPart(id) + " " + reg
	case "AWS::ECS::CapacityProvider":
		return con("ecs/v2/clusters?region=" + region), "aws ecs describe-capacity-providers --capacity-providers " + name + " " + reg
	case "AWS::ECR::Repository":
		return con("ecr/repositories/private/" + r.Attrs["account"] + "/" + name + "?region=" + region), "aws ecr describe-images --repository-name " + name + " " + reg
	case "AWS::ElasticLoadBalancingV2::LoadBalancer":
		return con("ec2/home?region=" + region + "#LoadBalancer:loadBalancerArn=" + arnOr(r)), "aws elbv2 describe-load-balancers --load-balancer-arns " + arnOr(r) + " " + reg
	case "AWS::ElasticLoadBalancingV2::TargetGroup":
		return con("ec2/home?region=" + region + "#TargetGroup:targetGroupArn=" + arnOr(r)), "aws elbv2 describe-target-health --target-group-arn " + arnOr(r) + " " + reg
	case "AWS::ElasticLoadBalancingV2::Listener":
		return con("ec2/home?region=" + region + "#LoadBalancers:"), "aws elbv2 describe-listeners --listener-arns " + arnOr(r) + " " + reg
	case "AWS::RDS::DBInstance":
		return con("rds/home?region=" + region + "#database:id=" + name), "aws rds describe-db-instances --db-instance-identifier " + name + " " + reg
	case "AWS::RDS::DBSubnetGroup":
		return con("rds/home?region=" + region + "#db-subnet-groups-list:"), "aws rds describe-db-subnet-groups --db-subnet-group-name " + name + " " + reg
	case "AWS::EFS::FileSystem":
		return con("efs/home?region=" + region + "#/file-systems/" + id), "aws efs describe-file-systems --file-system-id " + id + " " + reg
	case "AWS::EFS::MountTarget":
		return con("efs/home?region=" + region + "#/file-systems"), "aws efs describe-mount-targets --mount-target-id " + id + " " + reg
	case "AWS::Logs::LogGroup":
		return con("cloudwatch/home?region=" + region + "#logsV2:log-groups/log-group/" + url.QueryEscape(url.QueryEscape(name))), "aws logs tail " + name + " --follow " + reg
	case "AWS::CloudWatch::Alarm":
		return con("cloudwatch/home?region=" + region + "#alarmsV2:alarm/" + url.PathEscape(name)), "aws cloudwatch describe-alarms --alarm-names " + name + " " + reg
	case "AWS::CloudWatch::Dashboard":
		return con("cloudwatch/home?region=" + region + "#dashboards/dashboard/" + name), "aws cloudwatch get-dashboard --dashboard-name " + name + " " + reg
	case "AWS::DynamoDB::Table":
		return con("dynamodbv2/home?region=" + region + "#table?name=" + name), "aws dynamodb describe-table --table-name " + name + " " + reg
	case "AWS::S3::Bucket":
		return "https://s3.console.aws.amazon.com/s3/buckets/" + name + "?region=" + region, "aws s3 ls s3://" + name + " " + reg
	case "AWS::SSM::Parameter":
		return con("systems-manager/parameters/" + strings.TrimPrefix(name, "/") + "/description?region=" + region), "aws ssm get-parameter --name " + name + " " + reg
	}
	return con("resource-groups/tag-editor/find-resources?region=" + region),
		fmt.Sprintf("aws resourcegroupstaggingapi get-resources --tag-filters Key=mvi:app,Values=%s Key=mvi:id,Values=%s %s", app, r.ID, reg)
}

func arnOr(r engine.ResourceStatus) string {
	if r.ARN != "" {
		return r.ARN
	}
	return r.PhysicalID
}

// lastPart is an ARN's final path element (the name a person knows).
func lastPart(id string) string {
	if i := strings.LastIndexAny(id, "/:"); i >= 0 && strings.HasPrefix(id, "arn:") {
		return id[i+1:]
	}
	return id
}
