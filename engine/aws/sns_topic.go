package aws

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/cloud"
	"github.com/minimalinfra/mvi/engine/resource"
)

// topicHandler is the alarms' topic with one email subscription per
// address in [metric] notify. Subscriptions take no tags: the topic owns
// them, and deleting the topic deletes them all, confirmed or not.
type topicHandler struct{}

// PendingConfirmation is what SNS puts in place of a subscription's ARN
// until its address clicks the link in AWS's mail.
const PendingConfirmation = "PendingConfirmation"

// AttrSubscriptions lists a topic's email subscriptions as
// "address=confirmed" or "address=pending", comma-separated and sorted:
// status and the wizard show it.
const AttrSubscriptions = "subscriptions"

func (topicHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeTopic, Service: arch.Metric, DeleteRank: 1, ARNKinds: []string{"sns:"},
		Console: func(s resource.Site) string {
			s.Region = orDefault(s.Attrs["region"], s.Region)
			return console(s, "sns/v3/home?region="+s.Region+"#/topic/"+s.ARNOr())
		},
		Lookup: func(s resource.Site) string {
			s.Region = orDefault(s.Attrs["region"], s.Region)
			return "aws sns list-subscriptions-by-topic --topic-arn " + s.ARNOr() + " " + regionFlag(s)
		},
	}
}

// topicName is the last part of a topic's ARN (its name).
func topicName(arn string) string { return arn[strings.LastIndex(arn, ":")+1:] }

// regions are the SNS clients an app's topics may live in, by region.
func topicRegions(env resource.Env) map[string]cloud.SNS {
	out := map[string]cloud.SNS{env.Clients.Region: env.Clients.SNS}
	if e := env.Clients.East; e != nil && e.SNS != nil {
		out[e.Region] = e.SNS
	}
	return out
}

func (h topicHandler) client(env resource.Env, region string) (cloud.SNS, error) {
	c := env.Clients.SNSIn(region)
	if c == nil {
		return nil, fmt.Errorf("topic in %s: these clients reach only %s and us-east-1", region, env.Clients.Region)
	}
	return c, nil
}

func (h topicHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	var out []resource.Live
	regions := topicRegions(env)
	names := make([]string, 0, len(regions))
	for region := range regions {
		names = append(names, region)
	}
	sort.Strings(names)
	for _, region := range names {
		c := regions[region]
		in := &sns.ListTopicsInput{}
		for {
			res, err := c.ListTopics(ctx, in)
			if err != nil {
				return nil, wrap("list", "topics", err)
			}
			for _, t := range res.Topics {
				arn := str(t.TopicArn)
				if !strings.HasPrefix(topicName(arn), appPrefix(env.App)) {
					continue
				}
				l, ok, err := h.read(ctx, env, c, region, arn)
				if err != nil {
					return nil, err
				}
				if ok {
					out = append(out, l)
				}
			}
			if res.NextToken == nil || *res.NextToken == "" {
				break
			}
			in.NextToken = res.NextToken
		}
	}
	return out, nil
}

// read is one topic as live, ok false when it isn't this app's (or went).
func (h topicHandler) read(ctx context.Context, env resource.Env, c cloud.SNS, region, arn string) (resource.Live, bool, error) {
	t, err := c.ListTagsForResource(ctx, &sns.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if isCode(err, "NotFound", "ResourceNotFound", "ResourceNotFoundException") {
		return resource.Live{}, false, nil
	}
	if err != nil {
		return resource.Live{}, false, wrap("list", topicName(arn), err)
	}
	tags := fromSDK(t.Tags, func(tg snstypes.Tag) (*string, *string) { return tg.Key, tg.Value })
	if !ours(env.App, tags) {
		return resource.Live{}, false, nil
	}
	l := newLive(h.Describe().Type, arn, tags)
	l.ARN, l.State = arn, "available"
	l.Attrs["arn"], l.Attrs["name"], l.Attrs["region"] = arn, topicName(arn), region
	attrs, err := c.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(arn)})
	if isCode(err, "NotFound") {
		return resource.Live{}, false, nil
	}
	if err != nil {
		return resource.Live{}, false, wrap("describe", l.ID, err)
	}
	l.Attrs["kms_key"] = attrs.Attributes["KmsMasterKeyId"]
	subs, err := h.subscriptions(ctx, c, arn)
	if err != nil {
		return resource.Live{}, false, wrap("describe", l.ID, err)
	}
	l.Attrs[AttrSubscriptions] = formatSubscriptions(subs)
	l.Attrs["gauge:subscriptions"] = subscriptionWords(subs)
	return l, true, nil
}

// subscriptions are a topic's email subscriptions: address → ARN (or
// PendingConfirmation).
func (h topicHandler) subscriptions(ctx context.Context, c cloud.SNS, arn string) (map[string]string, error) {
	out := map[string]string{}
	in := &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(arn)}
	for {
		res, err := c.ListSubscriptionsByTopic(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, s := range res.Subscriptions {
			if str(s.Protocol) == "email" {
				out[str(s.Endpoint)] = str(s.SubscriptionArn)
			}
		}
		if res.NextToken == nil || *res.NextToken == "" {
			return out, nil
		}
		in.NextToken = res.NextToken
	}
}

func formatSubscriptions(subs map[string]string) string {
	parts := make([]string, 0, len(subs))
	for _, a := range sortedKeys(subs) {
		state := "confirmed"
		if subs[a] == PendingConfirmation {
			state = "pending"
		}
		parts = append(parts, a+"="+state)
	}
	return strings.Join(parts, ",")
}

// subscriptionWords says who hears the alarms: "ops@example.com (pending
// confirmation: click the link in AWS's mail)".
func subscriptionWords(subs map[string]string) string {
	if len(subs) == 0 {
		return "nobody"
	}
	parts := make([]string, 0, len(subs))
	for _, a := range sortedKeys(subs) {
		if subs[a] == PendingConfirmation {
			parts = append(parts, a+" (pending confirmation: click the link in AWS's mail)")
		} else {
			parts = append(parts, a+" (confirmed)")
		}
	}
	return strings.Join(parts, ", ")
}

// Subscriptions reads AttrSubscriptions back: address → "confirmed" or
// "pending".
func Subscriptions(attr string) map[string]string {
	out := map[string]string{}
	for _, p := range strings.Split(attr, ",") {
		if a, s, ok := strings.Cut(p, "="); ok {
			out[a] = s
		}
	}
	return out
}

func (h topicHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	return h.put(ctx, env, r, "create", "")
}

func (h topicHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	return h.put(ctx, env, r, "update", live.Attrs["region"])
}

// Replaces: a topic lives in one region.
func (h topicHandler) Replaces(r arch.Resource, live resource.Live) string {
	p, ok := r.Props.(arch.TopicProps)
	if !ok {
		return ""
	}
	if was := live.Attrs["region"]; was != "" && was != orDefault(p.Region, was) {
		return forces("region", was, p.Region, "a topic lives in one region")
	}
	return ""
}

// put makes the topic as designed. CreateTopic with the same name and
// settings answers the existing topic, and Subscribe the existing
// subscription, so a retried create converges.
func (h topicHandler) put(ctx context.Context, env resource.Env, r arch.Resource, op, region string) (resource.Live, error) {
	p, err := propsOf[arch.TopicProps](op, r)
	if err != nil {
		return resource.Live{}, err
	}
	region = orDefault(orDefault(p.Region, region), env.Clients.Region)
	c, err := h.client(env, region)
	if err != nil {
		return resource.Live{}, err
	}
	key := ""
	if p.Key != "" {
		if key, err = depAttr(env, r.ID, p.Key, "arn"); err != nil {
			return resource.Live{}, err
		}
	}
	tags := resource.Tags(env.App, r)
	name := physName(env.App, r.ID, 256)
	res, err := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(name), Tags: snsTags(tags),
		Attributes: map[string]string{"KmsMasterKeyId": key}})
	if isCode(err, "InvalidParameter") && op == "update" {
		// The topic exists with other settings: change them in place.
		arn := fmt.Sprintf("arn:%s:sns:%s:%s:%s", partition(region), region, env.Account, name)
		res, err = &sns.CreateTopicOutput{TopicArn: aws.String(arn)}, nil
	}
	if err != nil {
		return resource.Live{}, wrap(op, r.ID, err)
	}
	arn := str(res.TopicArn)
	if op == "update" {
		if _, err := c.SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{TopicArn: aws.String(arn),
			AttributeName: aws.String("KmsMasterKeyId"), AttributeValue: aws.String(key)}); err != nil {
			return resource.Live{}, wrap(op, r.ID, err)
		}
		if _, err := c.TagResource(ctx, &sns.TagResourceInput{ResourceArn: aws.String(arn), Tags: snsTags(tags)}); err != nil {
			return resource.Live{}, wrap("tag", r.ID, err)
		}
	}
	have, err := h.subscriptions(ctx, c, arn)
	if err != nil {
		return resource.Live{}, wrap(op, r.ID, err)
	}
	for _, addr := range p.Emails {
		if _, ok := have[addr]; ok {
			continue
		}
		if _, err := c.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(arn), Protocol: aws.String("email"),
			Endpoint: aws.String(addr), ReturnSubscriptionArn: true}); err != nil {
			return resource.Live{}, wrap("subscribe", r.ID+" "+addr, err)
		}
		env.Say(addr + ": AWS mails a link to confirm; until it is clicked nothing is delivered")
	}
	var kept []string
	for _, addr := range sortedKeys(have) {
		if slices.Contains(p.Emails, addr) {
			continue
		}
		if have[addr] == PendingConfirmation {
			// SNS can't unsubscribe an address that never confirmed
			// (InvalidParameter); it lapses unconfirmed, or goes with the
			// topic at `mvi down`, and it never receives anything.
			kept = append(kept, addr)
			continue
		}
		if _, err := c.Unsubscribe(ctx, &sns.UnsubscribeInput{SubscriptionArn: aws.String(have[addr])}); err != nil &&
			!isCode(err, "NotFound") {
			return resource.Live{}, wrap("unsubscribe", r.ID+" "+addr, err)
		}
	}
	if len(kept) > 0 {
		sort.Strings(kept)
		env.Say(strings.Join(kept, ", ") + " never confirmed: SNS can't remove a pending subscription; it gets nothing and goes with the topic")
	}
	l, ok, err := h.read(ctx, env, c, region, arn)
	if err != nil {
		return resource.Live{}, err
	}
	if !ok {
		return resource.Live{}, wrap(op, r.ID, &notFound{what: "topic " + name})
	}
	return l, nil
}

func (h topicHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	c, err := h.client(env, orDefault(live.Attrs["region"], env.Clients.Region))
	if err != nil {
		return err
	}
	_, err = c.DeleteTopic(ctx, &sns.DeleteTopicInput{TopicArn: aws.String(live.PhysicalID)})
	if isCode(err, "NotFound") {
		return nil
	}
	return wrap("delete", live.ID, err)
}

func (h topicHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	return true, "", nil
}

func snsTags(m map[string]string) []snstypes.Tag {
	return toSDK(m, func(k, v *string) snstypes.Tag { return snstypes.Tag{Key: k, Value: v} })
}
