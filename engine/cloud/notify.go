package cloud

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"

	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// Route53 is the smoke check's service: health checks, which are global
// (their metrics land in us-east-1, see Clients.CloudWatchIn).
type Route53 interface {
	CreateHealthCheck(ctx context.Context, in *route53.CreateHealthCheckInput, opts ...func(*route53.Options)) (*route53.CreateHealthCheckOutput, error)
	GetHealthCheck(ctx context.Context, in *route53.GetHealthCheckInput, opts ...func(*route53.Options)) (*route53.GetHealthCheckOutput, error)
	UpdateHealthCheck(ctx context.Context, in *route53.UpdateHealthCheckInput, opts ...func(*route53.Options)) (*route53.UpdateHealthCheckOutput, error)
	DeleteHealthCheck(ctx context.Context, in *route53.DeleteHealthCheckInput, opts ...func(*route53.Options)) (*route53.DeleteHealthCheckOutput, error)
	ListHealthChecks(ctx context.Context, in *route53.ListHealthChecksInput, opts ...func(*route53.Options)) (*route53.ListHealthChecksOutput, error)
	GetHealthCheckStatus(ctx context.Context, in *route53.GetHealthCheckStatusInput, opts ...func(*route53.Options)) (*route53.GetHealthCheckStatusOutput, error)
	ChangeTagsForResource(ctx context.Context, in *route53.ChangeTagsForResourceInput, opts ...func(*route53.Options)) (*route53.ChangeTagsForResourceOutput, error)
	ListTagsForResources(ctx context.Context, in *route53.ListTagsForResourcesInput, opts ...func(*route53.Options)) (*route53.ListTagsForResourcesOutput, error)
}

// SNS is how alarms reach a person: a topic with email subscriptions.
type SNS interface {
	CreateTopic(ctx context.Context, in *sns.CreateTopicInput, opts ...func(*sns.Options)) (*sns.CreateTopicOutput, error)
	DeleteTopic(ctx context.Context, in *sns.DeleteTopicInput, opts ...func(*sns.Options)) (*sns.DeleteTopicOutput, error)
	GetTopicAttributes(ctx context.Context, in *sns.GetTopicAttributesInput, opts ...func(*sns.Options)) (*sns.GetTopicAttributesOutput, error)
	SetTopicAttributes(ctx context.Context, in *sns.SetTopicAttributesInput, opts ...func(*sns.Options)) (*sns.SetTopicAttributesOutput, error)
	ListTopics(ctx context.Context, in *sns.ListTopicsInput, opts ...func(*sns.Options)) (*sns.ListTopicsOutput, error)
	ListTagsForResource(ctx context.Context, in *sns.ListTagsForResourceInput, opts ...func(*sns.Options)) (*sns.ListTagsForResourceOutput, error)
	TagResource(ctx context.Context, in *sns.TagResourceInput, opts ...func(*sns.Options)) (*sns.TagResourceOutput, error)
	Subscribe(ctx context.Context, in *sns.SubscribeInput, opts ...func(*sns.Options)) (*sns.SubscribeOutput, error)
	Unsubscribe(ctx context.Context, in *sns.UnsubscribeInput, opts ...func(*sns.Options)) (*sns.UnsubscribeOutput, error)
	ListSubscriptionsByTopic(ctx context.Context, in *sns.ListSubscriptionsByTopicInput, opts ...func(*sns.Options)) (*sns.ListSubscriptionsByTopicOutput, error)
}

// Elsewhere holds the clients of one other region, for the few resources
// that must live outside the app's: the smoke check's alarm and its topic
// in us-east-1, where Route 53 publishes its metrics.
type Elsewhere struct {
	Region     string
	CloudWatch CloudWatch
	SNS        SNS
}

// CloudWatchIn is CloudWatch in region ("" is the app's), or nil when
// these clients don't reach it.
func (c *Clients) CloudWatchIn(region string) CloudWatch {
	if region == "" || region == c.Region {
		return c.CloudWatch
	}
	if c.East != nil && c.East.Region == region {
		return c.East.CloudWatch
	}
	return nil
}

// SNSIn is SNS in region ("" is the app's), or nil when these clients
// don't reach it.
func (c *Clients) SNSIn(region string) SNS {
	if region == "" || region == c.Region {
		return c.SNS
	}
	if c.East != nil && c.East.Region == region {
		return c.East.SNS
	}
	return nil
}

// USEast1 is the region Route 53's metrics live in.
const USEast1 = "us-east-1"

// eastFromConfig makes the us-east-1 clients from the app's config (the
// same credentials and endpoint), nil when the app is there already.
func eastFromConfig(cfg aws.Config) *Elsewhere {
	if cfg.Region == USEast1 {
		return nil
	}
	east := cfg.Copy()
	east.Region = USEast1
	return &Elsewhere{Region: USEast1, CloudWatch: cloudwatch.NewFromConfig(east), SNS: sns.NewFromConfig(east)}
}

// The SDK clients must keep satisfying the interfaces.
var (
	_ Route53 = (*route53.Client)(nil)
	_ SNS     = (*sns.Client)(nil)
)
