package cloud

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
)

// Clients bundles one client per service for one region.
type Clients struct {
	Region      string
	EC2         EC2
	AutoScaling AutoScaling
	IAM         IAM
	KMS         KMS
	SSM         SSM
	ECS         ECS
	ECR         ECR
	ELB         ELB
	RDS         RDS
	EFS         EFS
	ElastiCache ElastiCache
	Logs        Logs
	CloudWatch  CloudWatch
	DynamoDB    DynamoDB
	S3          S3
	STS         STS
	Tagging     Tagging
	Route53     Route53
	SNS         SNS
	// East is us-east-1's CloudWatch and SNS when the app lives in another
	// region (nil in us-east-1, where the fields above are the same).
	East *Elsewhere

	// ServiceDiscovery is Cloud Map, where Service Connect keeps the
	// app's names.
	ServiceDiscovery ServiceDiscovery
	// LiveTail streams the log group's new lines as CloudWatch ingests
	// them (Logs' StartLiveTail, an event stream).
	LiveTail LiveTail

	// HTTP reaches what the app serves, by the names AWS gives it (a load
	// balancer's DNS name). On AWS it is a plain client; the sandbox routes
	// those names to the loopback listeners of its data plane. Verify steps
	// and health probes use it, so they never ask which cloud they are on.
	HTTP HTTP
	// Dial opens a TCP connection from here to a name AWS gives (a
	// database's endpoint), to show what a security group lets through. On
	// AWS it is a plain dialer; the sandbox answers as the resource's
	// security groups and subnets say.
	Dial Dialer
	// Registry carries the OCI distribution API calls of a build: pulling
	// a base image from a public registry (docker.io, public.ecr.aws) and
	// pushing to the account's ECR registry. On AWS it is the default
	// transport; the sandbox routes those hosts to its own registries on
	// 127.0.0.1, so a sandbox push is a real push and nothing is fetched
	// from the internet.
	Registry http.RoundTripper
	// PresignGet makes a URL that lets whoever holds it GET one object
	// until ttl has passed: how the cluster builder's task reads its build
	// context without S3 credentials of its own.
	PresignGet func(ctx context.Context, bucket, key string, ttl time.Duration) (string, error)
}

// Dialer opens connections the way net.Dialer does.
type Dialer interface {
	DialContext(ctx context.Context, network, addr string) (net.Conn, error)
}

// HTTP is the one call the engine and the steps make to an app's endpoint.
type HTTP interface {
	Do(req *http.Request) (*http.Response, error)
}

// FromConfig builds the AWS clients from one SDK config. AWS_ENDPOINT_URL
// (honoured by the SDK) points them all at an emulator; S3 then uses
// path-style addressing, which emulators on an IP address need.
func FromConfig(cfg aws.Config) *Clients {
	cfg.APIOptions = append(append([]func(*middleware.Stack) error(nil), cfg.APIOptions...), readOnlyGuard)
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if cfg.BaseEndpoint != nil {
			o.UsePathStyle = true
		}
	})
	logs := cloudwatchlogs.NewFromConfig(cfg)
	return &Clients{
		Region:      cfg.Region,
		EC2:         ec2.NewFromConfig(cfg),
		AutoScaling: autoscaling.NewFromConfig(cfg),
		IAM:         iam.NewFromConfig(cfg),
		KMS:         kms.NewFromConfig(cfg),
		SSM:         ssm.NewFromConfig(cfg),
		ECS:         ecs.NewFromConfig(cfg),
		ECR:         ecr.NewFromConfig(cfg),
		ELB:         elasticloadbalancingv2.NewFromConfig(cfg),
		RDS:         rds.NewFromConfig(cfg),
		EFS:         efs.NewFromConfig(cfg),
		ElastiCache: elasticache.NewFromConfig(cfg),
		Logs:        logs,
		CloudWatch:  cloudwatch.NewFromConfig(cfg),
		DynamoDB:    dynamodb.NewFromConfig(cfg),
		S3:          s3c,
		STS:         sts.NewFromConfig(cfg),
		Tagging:     resourcegroupstaggingapi.NewFromConfig(cfg),
		Route53:     route53.NewFromConfig(cfg),
		SNS:         sns.NewFromConfig(cfg),
		East:        eastFromConfig(cfg),
		HTTP:        &http.Client{Timeout: 10 * time.Second},
		Dial:        &net.Dialer{Timeout: 5 * time.Second},
		Registry:    http.DefaultTransport,
		PresignGet:  presignGet(s3c),

		ServiceDiscovery: servicediscovery.NewFromConfig(cfg),
		LiveTail:         liveTail{c: logs, emulated: cfg.BaseEndpoint != nil},
	}
}

func presignGet(c *s3.Client) func(ctx context.Context, bucket, key string, ttl time.Duration) (string, error) {
	pc := s3.NewPresignClient(c)
	return func(ctx context.Context, bucket, key string, ttl time.Duration) (string, error) {
		r, err := pc.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}, s3.WithPresignExpires(ttl))
		if err != nil {
			return "", fmt.Errorf("presign s3://%s/%s: %w", bucket, key, err)
		}
		return r.URL, nil
	}
}

// Load reads the standard credential chain (env, shared config, profiles,
// SSO). Empty profile or region keep the chain's own choice.
func Load(ctx context.Context, profile, region string) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(profile))
	}
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS config: %w (set AWS_PROFILE or run `aws configure`)", err)
	}
	if cfg.Region == "" {
		return aws.Config{}, fmt.Errorf("load AWS config: no region; pass --region or set AWS_REGION")
	}
	return cfg, nil
}
