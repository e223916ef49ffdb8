package sandbox

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// Route 53 as AWS documents it, where moto is kinder: a CallerReference
// is never reused, not even after its check is deleted; only 10 and 30 s
// intervals exist; a search string goes with a *_STR_MATCH type only.
func TestRoute53HealthCheckRules(t *testing.T) {
	c := openSB(t, Options{}).Clients()
	cfg := &r53types.HealthCheckConfig{Type: r53types.HealthCheckTypeHttp, FullyQualifiedDomainName: aws.String("x.elb.amazonaws.com"), ResourcePath: aws.String("/")}
	a := must(c.Route53.CreateHealthCheck(bg, &route53.CreateHealthCheckInput{CallerReference: aws.String("ref-1"), HealthCheckConfig: cfg}))
	if got := a.HealthCheck.HealthCheckConfig; aws.ToInt32(got.RequestInterval) != 30 || aws.ToInt32(got.FailureThreshold) != 3 || aws.ToInt32(got.Port) != 80 {
		t.Errorf("defaults = %+v", got)
	}
	again := must(c.Route53.CreateHealthCheck(bg, &route53.CreateHealthCheckInput{CallerReference: aws.String("ref-1"), HealthCheckConfig: cfg}))
	if *again.HealthCheck.Id != *a.HealthCheck.Id {
		t.Error("the same request again made a second check")
	}
	other := *cfg
	other.ResourcePath = aws.String("/other")
	_, err := c.Route53.CreateHealthCheck(bg, &route53.CreateHealthCheckInput{CallerReference: aws.String("ref-1"), HealthCheckConfig: &other})
	wantCode(t, err, "HealthCheckAlreadyExists")
	must(c.Route53.DeleteHealthCheck(bg, &route53.DeleteHealthCheckInput{HealthCheckId: a.HealthCheck.Id}))
	_, err = c.Route53.CreateHealthCheck(bg, &route53.CreateHealthCheckInput{CallerReference: aws.String("ref-1"), HealthCheckConfig: cfg})
	wantCode(t, err, "HealthCheckAlreadyExists")
	_, err = c.Route53.DeleteHealthCheck(bg, &route53.DeleteHealthCheckInput{HealthCheckId: a.HealthCheck.Id})
	wantCode(t, err, "NoSuchHealthCheck")

	bad := *cfg
	bad.RequestInterval = aws.Int32(60)
	_, err = c.Route53.CreateHealthCheck(bg, &route53.CreateHealthCheckInput{CallerReference: aws.String("ref-2"), HealthCheckConfig: &bad})
	wantCode(t, err, "InvalidInput")
	bad = *cfg
	bad.SearchString = aws.String("ok")
	_, err = c.Route53.CreateHealthCheck(bg, &route53.CreateHealthCheckInput{CallerReference: aws.String("ref-3"), HealthCheckConfig: &bad})
	wantCode(t, err, "InvalidInput")

	// Tags go on after the create; ListTagsForResources reads them back.
	b := must(c.Route53.CreateHealthCheck(bg, &route53.CreateHealthCheckInput{CallerReference: aws.String("ref-4"), HealthCheckConfig: cfg}))
	must(c.Route53.ChangeTagsForResource(bg, &route53.ChangeTagsForResourceInput{ResourceType: r53types.TagResourceTypeHealthcheck,
		ResourceId: b.HealthCheck.Id, AddTags: []r53types.Tag{{Key: aws.String("mvi:app"), Value: aws.String("shop")}}}))
	tags := must(c.Route53.ListTagsForResources(bg, &route53.ListTagsForResourcesInput{ResourceType: r53types.TagResourceTypeHealthcheck, ResourceIds: []string{*b.HealthCheck.Id}}))
	if len(tags.ResourceTagSets) != 1 || len(tags.ResourceTagSets[0].Tags) != 1 {
		t.Errorf("tags = %+v", tags.ResourceTagSets)
	}
}

// SNS as AWS documents it: an email subscription is pending until its
// address confirms, Unsubscribe can't end a pending one, DeleteTopic
// ends them all (and a second DeleteTopic is no error).
func TestSNSPendingSubscriptions(t *testing.T) {
	c := openSB(t, Options{}).Clients()
	topic := must(c.SNS.CreateTopic(bg, &sns.CreateTopicInput{Name: aws.String("mvi-shop-topic")})).TopicArn
	sub := must(c.SNS.Subscribe(bg, &sns.SubscribeInput{TopicArn: topic, Protocol: aws.String("email"), Endpoint: aws.String("ops@example.com")}))
	if aws.ToString(sub.SubscriptionArn) != "pending confirmation" {
		t.Errorf("Subscribe answered %q", aws.ToString(sub.SubscriptionArn))
	}
	_, err := c.SNS.Subscribe(bg, &sns.SubscribeInput{TopicArn: topic, Protocol: aws.String("email"), Endpoint: aws.String("Ops <ops@example.com>")})
	wantCode(t, err, "InvalidParameter")
	list := must(c.SNS.ListSubscriptionsByTopic(bg, &sns.ListSubscriptionsByTopicInput{TopicArn: topic}))
	if len(list.Subscriptions) != 1 || aws.ToString(list.Subscriptions[0].SubscriptionArn) != "PendingConfirmation" {
		t.Fatalf("subscriptions = %+v", list.Subscriptions)
	}
	_, err = c.SNS.Unsubscribe(bg, &sns.UnsubscribeInput{SubscriptionArn: aws.String("PendingConfirmation")})
	wantCode(t, err, "InvalidParameter")
	withARN := must(c.SNS.Subscribe(bg, &sns.SubscribeInput{TopicArn: topic, Protocol: aws.String("email"), Endpoint: aws.String("ops@example.com"), ReturnSubscriptionArn: true}))
	_, err = c.SNS.Unsubscribe(bg, &sns.UnsubscribeInput{SubscriptionArn: withARN.SubscriptionArn})
	wantCode(t, err, "InvalidParameter")
	_, err = c.SNS.CreateTopic(bg, &sns.CreateTopicInput{Name: aws.String("mvi-shop-topic"), Attributes: map[string]string{"KmsMasterKeyId": "alias/x"}})
	wantCode(t, err, "InvalidParameter")
	must(c.SNS.DeleteTopic(bg, &sns.DeleteTopicInput{TopicArn: topic}))
	must(c.SNS.DeleteTopic(bg, &sns.DeleteTopicInput{TopicArn: topic}))
	_, err = c.SNS.ListSubscriptionsByTopic(bg, &sns.ListSubscriptionsByTopicInput{TopicArn: topic})
	wantCode(t, err, "NotFound")
	if ts := must(c.SNS.ListTopics(bg, &sns.ListTopicsInput{})); len(ts.Topics) != 0 {
		t.Errorf("topics left: %+v", ts.Topics)
	}
}
