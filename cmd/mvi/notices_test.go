package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/minimalinfra/mvi/engine/sandbox"
)

// mvi status on the sandbox lists the alarm mail it kept, saying a
// pending address got none.
func TestStatusShowsKeptAlarmMail(t *testing.T) {
	ctx := context.Background()
	sb, err := sandbox.Open(ctx, sandbox.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	c := sb.Clients()
	topic, err := c.SNS.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("mvi-hello-topic")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.SNS.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("email"), Endpoint: aws.String("ops@example.com")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CloudWatch.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String("mvi-hello-alarm-smoke"),
		Namespace: aws.String("AWS/Route53"), MetricName: aws.String("HealthCheckStatus"), Statistic: cwtypes.StatisticMinimum,
		Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1), ComparisonOperator: cwtypes.ComparisonOperatorLessThanThreshold,
		AlarmActions: []string{*topic.TopicArn}, OKActions: []string{*topic.TopicArn}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CloudWatch.(interface {
		SetAlarmState(context.Context, *cloudwatch.SetAlarmStateInput, ...func(*cloudwatch.Options)) (*cloudwatch.SetAlarmStateOutput, error)
	}).SetAlarmState(ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String("mvi-hello-alarm-smoke"), StateValue: cwtypes.StateValueAlarm,
		StateReason: aws.String("test")}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	(&session{sb: sb}).writeNotices(&out, "hello")
	if got := out.String(); !strings.Contains(got, `ALARM: "mvi-hello-alarm-smoke" in us-east-1 → ops@example.com (not delivered: pending confirmation)`) {
		t.Errorf("status shows:\n%s", got)
	}
	if a := appsOf("arn:aws:sns:us-east-1:1:mvi-my-app-topic-us-east-1"); len(a) != 1 || a[0] != "my-app" {
		t.Errorf("appsOf = %v", a)
	}
}
