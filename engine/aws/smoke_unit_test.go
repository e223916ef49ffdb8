package aws

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/smithy-go"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/cloud"
	"github.com/minimalinfra/mvi/engine/resource"
)

// fakeSNS holds one topic's subscriptions; Unsubscribe of a pending one
// fails as SNS does.
type fakeSNS struct {
	cloud.SNS
	subs         map[string]string // address → ARN or PendingConfirmation
	unsubscribed []string
}

func (f *fakeSNS) CreateTopic(_ context.Context, in *sns.CreateTopicInput, _ ...func(*sns.Options)) (*sns.CreateTopicOutput, error) {
	return &sns.CreateTopicOutput{TopicArn: aws.String("arn:aws:sns:us-east-1:123456789012:" + *in.Name)}, nil
}
func (f *fakeSNS) SetTopicAttributes(context.Context, *sns.SetTopicAttributesInput, ...func(*sns.Options)) (*sns.SetTopicAttributesOutput, error) {
	return &sns.SetTopicAttributesOutput{}, nil
}
func (f *fakeSNS) TagResource(context.Context, *sns.TagResourceInput, ...func(*sns.Options)) (*sns.TagResourceOutput, error) {
	return &sns.TagResourceOutput{}, nil
}
func (f *fakeSNS) GetTopicAttributes(context.Context, *sns.GetTopicAttributesInput, ...func(*sns.Options)) (*sns.GetTopicAttributesOutput, error) {
	return &sns.GetTopicAttributesOutput{Attributes: map[string]string{}}, nil
}
func (f *fakeSNS) ListTagsForResource(context.Context, *sns.ListTagsForResourceInput, ...func(*sns.Options)) (*sns.ListTagsForResourceOutput, error) {
	return &sns.ListTagsForResourceOutput{Tags: []snstypes.Tag{{Key: aws.String(resource.TagApp), Value: aws.String("shop")},
		{Key: aws.String(resource.TagID), Value: aws.String(arch.IDTopic)}}}, nil
}
func (f *fakeSNS) ListSubscriptionsByTopic(_ context.Context, in *sns.ListSubscriptionsByTopicInput, _ ...func(*sns.Options)) (*sns.ListSubscriptionsByTopicOutput, error) {
	var out []snstypes.Subscription
	for _, a := range sortedKeys(f.subs) {
		out = append(out, snstypes.Subscription{Endpoint: aws.String(a), Protocol: aws.String("email"), SubscriptionArn: aws.String(f.subs[a]), TopicArn: in.TopicArn})
	}
	return &sns.ListSubscriptionsByTopicOutput{Subscriptions: out}, nil
}
func (f *fakeSNS) Subscribe(_ context.Context, in *sns.SubscribeInput, _ ...func(*sns.Options)) (*sns.SubscribeOutput, error) {
	f.subs[*in.Endpoint] = PendingConfirmation
	return &sns.SubscribeOutput{SubscriptionArn: aws.String(PendingConfirmation)}, nil
}
func (f *fakeSNS) Unsubscribe(_ context.Context, in *sns.UnsubscribeInput, _ ...func(*sns.Options)) (*sns.UnsubscribeOutput, error) {
	if *in.SubscriptionArn == PendingConfirmation {
		return nil, &smithy.GenericAPIError{Code: "InvalidParameter", Message: "Invalid parameter: SubscriptionArn"}
	}
	for a, arn := range f.subs {
		if arn == *in.SubscriptionArn {
			delete(f.subs, a)
			f.unsubscribed = append(f.unsubscribed, a)
		}
	}
	return &sns.UnsubscribeOutput{}, nil
}

// Removing addresses from notify: a confirmed one is unsubscribed, a
// pending one can't be (SNS refuses) and is said to stay until the topic
// goes; a new one is subscribed and shown pending.
func TestTopicUpdateHandlesPendingSubscriptions(t *testing.T) {
	f := &fakeSNS{subs: map[string]string{
		"old@example.com":   "arn:aws:sns:us-east-1:123456789012:mvi-shop-topic:1",
		"never@example.com": PendingConfirmation,
		"stays@example.com": "arn:aws:sns:us-east-1:123456789012:mvi-shop-topic:2",
	}}
	var said []string
	env := resource.Env{Clients: &cloud.Clients{Region: "us-east-1", SNS: f}, App: "shop", Region: "us-east-1", Account: "123456789012",
		Clock: time.Now, Say: func(s string) { said = append(said, s) }, Use: func(string) {}}
	r := arch.Resource{ID: arch.IDTopic, Type: arch.TypeTopic, Props: arch.TopicProps{Emails: []string{"stays@example.com", "new@example.com"}}}
	l, err := topicHandler{}.Update(context.Background(), env, r, resource.Live{ID: arch.IDTopic, Attrs: map[string]string{"region": "us-east-1"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.unsubscribed) != 1 || f.unsubscribed[0] != "old@example.com" {
		t.Errorf("unsubscribed %v, want old@example.com only", f.unsubscribed)
	}
	subs := Subscriptions(l.Attrs[AttrSubscriptions])
	if subs["new@example.com"] != "pending" || subs["stays@example.com"] != "confirmed" || subs["never@example.com"] != "pending" {
		t.Errorf("subscriptions = %v", subs)
	}
	if all := strings.Join(said, "\n"); !strings.Contains(all, "never@example.com never confirmed: SNS can't remove a pending subscription") ||
		!strings.Contains(all, "new@example.com: AWS mails a link to confirm") {
		t.Errorf("said:\n%s", all)
	}
}

func TestHealthCheckReplaces(t *testing.T) {
	r := arch.Resource{ID: arch.IDSmokeCheck, Props: arch.SmokeCheckProps{Type: "HTTP_STR_MATCH", Interval: 30}}
	h := healthCheckHandler{}
	if got := h.Replaces(r, resource.Live{Attrs: map[string]string{"type": "HTTP", "request_interval": "30"}}); !strings.Contains(got, "type") {
		t.Errorf("type change: %q", got)
	}
	if got := h.Replaces(r, resource.Live{Attrs: map[string]string{"type": "HTTP_STR_MATCH", "request_interval": "10"}}); !strings.Contains(got, "interval") {
		t.Errorf("interval change: %q", got)
	}
	if got := h.Replaces(r, resource.Live{Attrs: map[string]string{"type": "HTTP_STR_MATCH", "request_interval": "30"}}); got != "" {
		t.Errorf("no change: %q", got)
	}
}

// The smoke alarm and the us-east-1 topic are looked at where they live.
func TestSmokeLinksNameTheirRegion(t *testing.T) {
	s := resource.Site{App: "shop", Region: "eu-west-1", PhysicalID: "mvi-shop-alarm-smoke", Attrs: map[string]string{"region": "us-east-1"}}
	d := alarmHandler{}.Describe()
	if c, l := d.Console(s), d.Lookup(s); !strings.HasPrefix(c, "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1") ||
		!strings.HasSuffix(l, "--region us-east-1") {
		t.Errorf("smoke alarm links: %s | %s", c, l)
	}
	s.ARN = "arn:aws:sns:us-east-1:1:mvi-shop-topic-us-east-1"
	if l := (topicHandler{}).Describe().Lookup(s); !strings.HasSuffix(l, "--region us-east-1") {
		t.Errorf("topic lookup: %s", l)
	}
}
