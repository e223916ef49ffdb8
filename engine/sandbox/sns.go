package sandbox

import (
	"context"
	"encoding/json"
	"net/mail"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/minimalinfra/mvi/engine/cloud"
)

// SNS: topics and their subscriptions, as SNS keeps them. An email
// subscription waits for its address to click the link in AWS's mail; the
// sandbox sends no mail, so every email subscription stays pending
// confirmation, and SNS delivers nothing to a pending one. What a topic
// was sent (an alarm turning) is kept on the topic as a Notification, with
// what became of it for each address, and Sandbox.Notifications reads
// them: the sandbox's stand-in for the inbox.

// snsAPI speaks to the sandbox's region, or to region when set.
type snsAPI struct {
	s      *Sandbox
	region string
}

var _ cloud.SNS = (*snsAPI)(nil)

type snsState struct {
	Topics map[string]*snsTopic `json:"topics"` // by ARN
}

type snsTopic struct {
	Meta
	Name  string             `json:"name"`
	Attrs map[string]string  `json:"attributes,omitempty"`
	Subs  map[string]*snsSub `json:"subscriptions,omitempty"` // by subscription ARN
	Sent  []Notification     `json:"sent,omitempty"`
}

type snsSub struct {
	Protocol  string    `json:"protocol"`
	Endpoint  string    `json:"endpoint"`
	Confirmed bool      `json:"confirmed"`
	Created   time.Time `json:"created"`
}

// Notification is one message published to a topic, as the sandbox kept
// it in place of sending it.
type Notification struct {
	At      time.Time  `json:"at"`
	Topic   string     `json:"topic"` // ARN
	Subject string     `json:"subject"`
	Message string     `json:"message"`
	To      []Delivery `json:"to"`
}

// Delivery is what became of a notification for one subscription.
type Delivery struct {
	Protocol string `json:"protocol"`
	Endpoint string `json:"endpoint"`
	// Status is "pending confirmation" (SNS delivers nothing until the
	// address confirms) or "kept" (confirmed: the sandbox keeps what SNS
	// would have mailed).
	Status string `json:"status"`
}

// snsKeep is how many notifications a topic keeps.
const snsKeep = 100

var snsNameRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

func snsInvalid(format string, args ...any) error {
	return &snstypes.InvalidParameterException{Message: aws.String("Invalid parameter: " + sprintf(format, args...))}
}

func snsNoTopic() error {
	return &snstypes.NotFoundException{Message: aws.String("Topic does not exist")}
}

// pendingWord is what Subscribe answers for an email subscription when
// asked for no ARN, and pendingARN what the lists show: SNS spells the
// same fact two ways.
const (
	pendingWord = "pending confirmation"
	pendingARN  = "PendingConfirmation"
)

func (a *snsAPI) topic(t *tx, arn string) *snsTopic {
	tp := t.r.SNS.Topics[arn]
	if tp == nil || t.hidden(tp.Created) {
		return nil
	}
	return tp
}

func snsTagMap(ts []snstypes.Tag) (map[string]string, error) {
	m := map[string]string{}
	for _, tg := range ts {
		k := aws.ToString(tg.Key)
		if k == "" || len(k) > 128 || len(aws.ToString(tg.Value)) > 256 || strings.HasPrefix(k, "aws:") {
			return nil, snsInvalid("Tags Reason: invalid tag key %q", k)
		}
		m[k] = aws.ToString(tg.Value)
	}
	if len(m) > 50 {
		return nil, &snstypes.TagLimitExceededException{Message: aws.String("Could not complete request: tag quota of per resource exceeded")}
	}
	return m, nil
}

// topicAttrs are the attributes a person sets (the rest SNS computes).
var topicAttrs = map[string]bool{"DisplayName": true, "Policy": true, "DeliveryPolicy": true, "KmsMasterKeyId": true,
	"SignatureVersion": true, "TracingConfig": true}

func (a *snsAPI) CreateTopic(ctx context.Context, in *sns.CreateTopicInput, _ ...func(*sns.Options)) (*sns.CreateTopicOutput, error) {
	return callIn(ctx, a.s, a.region, svcSNS, "CreateTopic", func(t *tx) (*sns.CreateTopicOutput, error) {
		name := aws.ToString(in.Name)
		if !snsNameRe.MatchString(name) {
			return nil, snsInvalid("Topic Name")
		}
		attrs := map[string]string{}
		for k, v := range in.Attributes {
			if !topicAttrs[k] {
				return nil, snsInvalid("Attributes Reason: Unknown attribute %s", k)
			}
			if v != "" {
				attrs[k] = v
			}
		}
		tags, err := snsTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		arn := t.arn("sns", name)
		if tp := t.r.SNS.Topics[arn]; tp != nil {
			// CreateTopic is idempotent for the same settings only.
			if !jsonEqual(tp.Attrs, attrs) && !(len(tp.Attrs) == 0 && len(attrs) == 0) {
				return nil, snsInvalid("Attributes Reason: Topic already exists with different attributes")
			}
			if len(tags) > 0 && !jsonEqual(tp.Tags, tags) {
				return nil, snsInvalid("Tags Reason: Topic already exists with different tags")
			}
			return &sns.CreateTopicOutput{TopicArn: aws.String(arn)}, nil
		}
		tp := &snsTopic{Meta: Meta{ID: name, ARN: arn, Created: t.now, Tags: tags}, Name: name, Attrs: attrs, Subs: map[string]*snsSub{}}
		t.r.SNS.Topics[arn] = tp
		return &sns.CreateTopicOutput{TopicArn: aws.String(arn)}, nil
	})
}

func (a *snsAPI) DeleteTopic(ctx context.Context, in *sns.DeleteTopicInput, _ ...func(*sns.Options)) (*sns.DeleteTopicOutput, error) {
	return callIn(ctx, a.s, a.region, svcSNS, "DeleteTopic", func(t *tx) (*sns.DeleteTopicOutput, error) {
		if _, ok := parseARN(aws.ToString(in.TopicArn)); !ok {
			return nil, snsInvalid("TopicArn")
		}
		// Its subscriptions, pending or not, go with it; deleting a topic
		// that isn't there is no error.
		delete(t.r.SNS.Topics, aws.ToString(in.TopicArn))
		return &sns.DeleteTopicOutput{}, nil
	})
}

func (a *snsAPI) GetTopicAttributes(ctx context.Context, in *sns.GetTopicAttributesInput, _ ...func(*sns.Options)) (*sns.GetTopicAttributesOutput, error) {
	return callIn(ctx, a.s, a.region, svcSNS, "GetTopicAttributes", func(t *tx) (*sns.GetTopicAttributesOutput, error) {
		tp := a.topic(t, aws.ToString(in.TopicArn))
		if tp == nil {
			return nil, snsNoTopic()
		}
		out := map[string]string{"TopicArn": tp.ARN, "Owner": t.account(), "DisplayName": ""}
		for k, v := range tp.Attrs {
			out[k] = v
		}
		ok, pending := 0, 0
		for _, s := range tp.Subs {
			if s.Confirmed {
				ok++
			} else {
				pending++
			}
		}
		out["SubscriptionsConfirmed"], out["SubscriptionsPending"], out["SubscriptionsDeleted"] = strconv.Itoa(ok), strconv.Itoa(pending), "0"
		return &sns.GetTopicAttributesOutput{Attributes: out}, nil
	})
}

func (a *snsAPI) SetTopicAttributes(ctx context.Context, in *sns.SetTopicAttributesInput, _ ...func(*sns.Options)) (*sns.SetTopicAttributesOutput, error) {
	return callIn(ctx, a.s, a.region, svcSNS, "SetTopicAttributes", func(t *tx) (*sns.SetTopicAttributesOutput, error) {
		tp := a.topic(t, aws.ToString(in.TopicArn))
		if tp == nil {
			return nil, snsNoTopic()
		}
		k := aws.ToString(in.AttributeName)
		if !topicAttrs[k] {
			return nil, snsInvalid("AttributeName")
		}
		if tp.Attrs == nil {
			tp.Attrs = map[string]string{}
		}
		if v := aws.ToString(in.AttributeValue); v != "" {
			tp.Attrs[k] = v
		} else {
			delete(tp.Attrs, k)
		}
		return &sns.SetTopicAttributesOutput{}, nil
	})
}

func (a *snsAPI) ListTopics(ctx context.Context, in *sns.ListTopicsInput, _ ...func(*sns.Options)) (*sns.ListTopicsOutput, error) {
	return callIn(ctx, a.s, a.region, svcSNS, "ListTopics", func(t *tx) (*sns.ListTopicsOutput, error) {
		var all []snstypes.Topic
		for _, arn := range sortedKeys(t.r.SNS.Topics) {
			if a.topic(t, arn) != nil {
				all = append(all, snstypes.Topic{TopicArn: aws.String(arn)})
			}
		}
		items, next, err := page(all, in.NextToken, 100)
		if err != nil {
			return nil, snsInvalid("NextToken")
		}
		return &sns.ListTopicsOutput{Topics: append([]snstypes.Topic{}, items...), NextToken: next}, nil
	})
}

func (a *snsAPI) ListTagsForResource(ctx context.Context, in *sns.ListTagsForResourceInput, _ ...func(*sns.Options)) (*sns.ListTagsForResourceOutput, error) {
	return callIn(ctx, a.s, a.region, svcSNS, "ListTagsForResource", func(t *tx) (*sns.ListTagsForResourceOutput, error) {
		tp := a.topic(t, aws.ToString(in.ResourceArn))
		if tp == nil {
			return nil, &snstypes.ResourceNotFoundException{Message: aws.String("Resource does not exist")}
		}
		out := &sns.ListTagsForResourceOutput{Tags: []snstypes.Tag{}}
		for _, k := range sortedKeys(tp.Tags) {
			out.Tags = append(out.Tags, snstypes.Tag{Key: aws.String(k), Value: aws.String(tp.Tags[k])})
		}
		return out, nil
	})
}

func (a *snsAPI) TagResource(ctx context.Context, in *sns.TagResourceInput, _ ...func(*sns.Options)) (*sns.TagResourceOutput, error) {
	return callIn(ctx, a.s, a.region, svcSNS, "TagResource", func(t *tx) (*sns.TagResourceOutput, error) {
		tp := a.topic(t, aws.ToString(in.ResourceArn))
		if tp == nil {
			return nil, &snstypes.ResourceNotFoundException{Message: aws.String("Resource does not exist")}
		}
		tags, err := snsTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		if tp.Tags == nil {
			tp.Tags = map[string]string{}
		}
		for k, v := range tags {
			tp.Tags[k] = v
		}
		if len(tp.Tags) > 50 {
			return nil, &snstypes.TagLimitExceededException{Message: aws.String("Could not complete request: tag quota of per resource exceeded")}
		}
		return &sns.TagResourceOutput{}, nil
	})
}

// snsProtocols are the protocols SNS knows; the sandbox keeps
// subscriptions of every one, and confirms none it can't reach.
var snsProtocols = map[string]bool{"email": true, "email-json": true, "http": true, "https": true, "sqs": true,
	"sms": true, "lambda": true, "application": true, "firehose": true}

func (a *snsAPI) Subscribe(ctx context.Context, in *sns.SubscribeInput, _ ...func(*sns.Options)) (*sns.SubscribeOutput, error) {
	return callIn(ctx, a.s, a.region, svcSNS, "Subscribe", func(t *tx) (*sns.SubscribeOutput, error) {
		tp := a.topic(t, aws.ToString(in.TopicArn))
		if tp == nil {
			return nil, snsNoTopic()
		}
		proto, ep := aws.ToString(in.Protocol), aws.ToString(in.Endpoint)
		if !snsProtocols[proto] {
			return nil, snsInvalid("Invalid protocol type: %s", proto)
		}
		if proto == "email" || proto == "email-json" {
			if addr, err := mail.ParseAddress(ep); err != nil || addr.Address != ep {
				return nil, snsInvalid("Email address")
			}
		}
		answer := func(arn string, s *snsSub) *sns.SubscribeOutput {
			if !s.Confirmed && !in.ReturnSubscriptionArn {
				return &sns.SubscribeOutput{SubscriptionArn: aws.String(pendingWord)}
			}
			return &sns.SubscribeOutput{SubscriptionArn: aws.String(arn)}
		}
		for _, arn := range sortedKeys(tp.Subs) {
			if s := tp.Subs[arn]; s.Protocol == proto && s.Endpoint == ep {
				return answer(arn, s), nil // the same subscription again
			}
		}
		if tp.Subs == nil {
			tp.Subs = map[string]*snsSub{}
		}
		arn := tp.ARN + ":" + uuid()
		s := &snsSub{Protocol: proto, Endpoint: ep, Created: t.now}
		tp.Subs[arn] = s
		return answer(arn, s), nil
	})
}

func (a *snsAPI) Unsubscribe(ctx context.Context, in *sns.UnsubscribeInput, _ ...func(*sns.Options)) (*sns.UnsubscribeOutput, error) {
	return callIn(ctx, a.s, a.region, svcSNS, "Unsubscribe", func(t *tx) (*sns.UnsubscribeOutput, error) {
		arn := aws.ToString(in.SubscriptionArn)
		p, ok := parseARN(arn)
		if !ok {
			return nil, snsInvalid("SubscriptionArn Reason: An ARN must have at least 6 elements, not %d", len(strings.Split(arn, ":")))
		}
		topic := strings.TrimSuffix(arn, ":"+p.Resource[strings.LastIndex(p.Resource, ":")+1:])
		tp := a.topic(t, topic)
		if tp == nil || tp.Subs[arn] == nil {
			return nil, &snstypes.NotFoundException{Message: aws.String("Subscription does not exist")}
		}
		if !tp.Subs[arn].Confirmed {
			// Only the address's own "unsubscribe" link, or deleting the
			// topic, ends a subscription that was never confirmed.
			return nil, snsInvalid("SubscriptionArn Reason: the subscription is pending confirmation and can't be deleted")
		}
		delete(tp.Subs, arn)
		return &sns.UnsubscribeOutput{}, nil
	})
}

func (a *snsAPI) ListSubscriptionsByTopic(ctx context.Context, in *sns.ListSubscriptionsByTopicInput, _ ...func(*sns.Options)) (*sns.ListSubscriptionsByTopicOutput, error) {
	return callIn(ctx, a.s, a.region, svcSNS, "ListSubscriptionsByTopic", func(t *tx) (*sns.ListSubscriptionsByTopicOutput, error) {
		tp := a.topic(t, aws.ToString(in.TopicArn))
		if tp == nil {
			return nil, snsNoTopic()
		}
		var all []snstypes.Subscription
		for _, arn := range sortedKeys(tp.Subs) {
			s := tp.Subs[arn]
			shown := arn
			if !s.Confirmed {
				shown = pendingARN
			}
			all = append(all, snstypes.Subscription{SubscriptionArn: aws.String(shown), TopicArn: aws.String(tp.ARN),
				Protocol: aws.String(s.Protocol), Endpoint: aws.String(s.Endpoint), Owner: aws.String(t.account())})
		}
		items, next, err := page(all, in.NextToken, 100)
		if err != nil {
			return nil, snsInvalid("NextToken")
		}
		return &sns.ListSubscriptionsByTopicOutput{Subscriptions: append([]snstypes.Subscription{}, items...), NextToken: next}, nil
	})
}

// publish keeps one message sent to a topic of t's region (a CloudWatch
// alarm's action); it reports false when there is no such topic.
func (t *tx) publish(topicARN, subject, message string) bool {
	tp := t.r.SNS.Topics[topicARN]
	if tp == nil {
		return false
	}
	n := Notification{At: t.now, Topic: topicARN, Subject: subject, Message: message, To: []Delivery{}}
	for _, arn := range sortedKeys(tp.Subs) {
		s := tp.Subs[arn]
		st := "kept"
		if !s.Confirmed {
			st = pendingWord
		}
		n.To = append(n.To, Delivery{Protocol: s.Protocol, Endpoint: s.Endpoint, Status: st})
	}
	tp.Sent = append(tp.Sent, n)
	if len(tp.Sent) > snsKeep {
		tp.Sent = append([]Notification(nil), tp.Sent[len(tp.Sent)-snsKeep:]...)
	}
	t.touch()
	return true
}

// Notifications are the messages the sandbox's topics were sent, in every
// region, oldest first: what SNS would have mailed, and to whom. It is the
// sandbox's own inspection (AWS has no such call: there, the mail arrives).
func (s *Sandbox) Notifications(ctx context.Context) ([]Notification, error) {
	var out []Notification
	err := s.internal(ctx, func(t *tx) error {
		for _, name := range sortedKeys(t.st.Regions) {
			r := t.st.Regions[name]
			for _, arn := range sortedKeys(r.SNS.Topics) {
				out = append(out, clone(r.SNS.Topics[arn].Sent)...)
			}
		}
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, err
}

// east is the us-east-1 CloudWatch and SNS of a sandbox in another region.
func (s *Sandbox) east() *cloud.Elsewhere {
	if s.region == cloud.USEast1 {
		return nil
	}
	return &cloud.Elsewhere{Region: cloud.USEast1, CloudWatch: &cloudwatchAPI{s: s, region: cloud.USEast1},
		SNS: &snsAPI{s: s, region: cloud.USEast1}}
}

// alarmMessage is the JSON CloudWatch sends a topic when an alarm turns.
func (t *tx) alarmMessage(al *cwAlarm, old string) (subject, message string) {
	d := al.Def
	subject = sprintf("%s: %q in %s", d.StateValue, al.ID, t.r.Name)
	dims := []map[string]string{}
	for _, x := range d.Dimensions {
		dims = append(dims, map[string]string{"name": aws.ToString(x.Name), "value": aws.ToString(x.Value)})
	}
	b, _ := json.Marshal(map[string]any{
		"AlarmName": al.ID, "AlarmDescription": aws.ToString(d.AlarmDescription), "AWSAccountId": t.account(),
		"NewStateValue": d.StateValue, "NewStateReason": aws.ToString(d.StateReason), "OldStateValue": old,
		"StateChangeTime": t.now.Format("2006-01-02T15:04:05.000+0000"), "Region": t.r.Name, "AlarmArn": al.ARN,
		"Trigger": map[string]any{"MetricName": aws.ToString(d.MetricName), "Namespace": aws.ToString(d.Namespace),
			"Statistic": string(d.Statistic), "Dimensions": dims, "Period": aws.ToInt32(d.Period),
			"EvaluationPeriods": aws.ToInt32(d.EvaluationPeriods), "ComparisonOperator": string(d.ComparisonOperator),
			"Threshold": aws.ToFloat64(d.Threshold), "TreatMissingData": aws.ToString(d.TreatMissingData)},
	})
	return subject, string(b)
}
