package cloud

import (
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// The SDK clients must keep satisfying the interfaces.
var (
	_ EC2         = (*ec2.Client)(nil)
	_ AutoScaling = (*autoscaling.Client)(nil)
	_ IAM         = (*iam.Client)(nil)
	_ KMS         = (*kms.Client)(nil)
	_ SSM         = (*ssm.Client)(nil)
	_ ECS         = (*ecs.Client)(nil)
	_ ECR         = (*ecr.Client)(nil)
	_ ELB         = (*elasticloadbalancingv2.Client)(nil)
	_ RDS         = (*rds.Client)(nil)
	_ EFS         = (*efs.Client)(nil)
	_ Logs        = (*cloudwatchlogs.Client)(nil)
	_ CloudWatch  = (*cloudwatch.Client)(nil)
	_ DynamoDB    = (*dynamodb.Client)(nil)
	_ S3          = (*s3.Client)(nil)
	_ STS         = (*sts.Client)(nil)
	_ Tagging     = (*resourcegroupstaggingapi.Client)(nil)
)
