//go:build unix

package aws

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/cloud"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/minimalinfra/mvi/engine/resource"
)

// The smoke check, its alarm and the topic through the real SDK against
// moto: made tagged, found again by tags, a second create converges on
// the same resources, and delete leaves nothing. The app lives in
// eu-west-1, so the smoke alarm and its topic must land in us-east-1.
func TestMotoSmokeCheckAndTopic(t *testing.T) {
	east, account := motoClients(t)
	resetMoto(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("eu-west-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("testing", "testing", "")),
		config.WithBaseEndpoint(motoSrv.endpoint), config.WithSharedConfigFiles([]string{}), config.WithSharedCredentialsFiles([]string{}))
	if err != nil {
		t.Fatal(err)
	}
	clients := cloud.FromConfig(cfg)
	if clients.East == nil || clients.East.Region != "us-east-1" {
		t.Fatalf("eu-west-1 clients have no us-east-1 ones: %+v", clients.East)
	}
	m := &manifest.Manifest{Name: "shop", Region: "eu-west-1",
		Processes: map[string]*manifest.Process{"web": {Image: "httpd", Port: 80}},
		Check:     &manifest.Check{Path: "/healthz", Expect: &manifest.Expect{Text: "ok"}},
		Metric:    &manifest.Metric{Notify: []string{"ops@example.com", "dev@example.com"}}}
	a, err := arch.Design(m)
	if err != nil {
		t.Fatal(err)
	}
	var said []string
	base := resource.Env{Clients: clients, App: a.App, Region: a.Region, Account: account, Clock: time.Now,
		Say: func(s string) { said = append(said, s) }, Use: func(string) {}}
	hs := Handlers()
	live := map[string]resource.Live{
		// Stand-ins for what the rest of the design made.
		arch.IDLoadBalancer:    {ID: arch.IDLoadBalancer, Attrs: map[string]string{"dns_name": "mvi-shop-lb-1.eu-west-1.elb.amazonaws.com"}},
		arch.ListenerID("web"): {ID: arch.ListenerID("web")},
		"target-group/web":     {ID: "target-group/web", Attrs: map[string]string{"full_name": "targetgroup/x/1"}},
		"asg":                  {ID: "asg", Type: arch.TypeAutoScalingGroup, Attrs: map[string]string{"name": "mvi-shop-asg"}},
	}
	ids := []string{arch.IDKey, arch.IDTopic, arch.TopicID("us-east-1"), arch.IDSmokeCheck, arch.IDSmokeAlarm, arch.IDCPUAlarm}
	up := func() {
		t.Helper()
		for _, id := range ids {
			r, ok := a.Get(id)
			if !ok {
				t.Fatalf("design has no %s", id)
			}
			l, err := hs[r.Type].Create(ctx, envFor(base, r, live), r)
			if err != nil {
				t.Fatalf("create %s: %v", id, err)
			}
			if prev, ok := live[id]; ok && prev.PhysicalID != l.PhysicalID {
				t.Errorf("create %s again made %s, first %s", id, l.PhysicalID, prev.PhysicalID)
			}
			live[id] = l
		}
	}
	up()
	types := []string{arch.TypeHealthCheck, arch.TypeTopic, arch.TypeAlarm}
	found := listAll(t, ctx, base, types)
	for _, id := range ids[1:] {
		r, _ := a.Get(id)
		if l := found[id]; l.Hash != arch.Hash(r.Props) {
			t.Errorf("list %s: hash %q, want %q (found %v)", id, l.Hash, arch.Hash(r.Props), keys(found))
		}
	}
	// Route 53's settings as designed.
	hc, err := clients.Route53.GetHealthCheck(ctx, &route53.GetHealthCheckInput{HealthCheckId: aws.String(live[arch.IDSmokeCheck].PhysicalID)})
	if err != nil {
		t.Fatal(err)
	}
	c := hc.HealthCheck.HealthCheckConfig
	if string(c.Type) != "HTTP_STR_MATCH" || aws.ToString(c.SearchString) != "ok" || aws.ToString(c.ResourcePath) != "/healthz" ||
		aws.ToString(c.FullyQualifiedDomainName) != "mvi-shop-lb-1.eu-west-1.elb.amazonaws.com" || aws.ToInt32(c.RequestInterval) != 30 ||
		aws.ToInt32(c.FailureThreshold) != 5 {
		t.Errorf("health check config = %+v", c)
	}
	// The smoke alarm is in us-east-1, tells the us-east-1 topic, and
	// isn't in eu-west-1; the CPU alarm is the other way round.
	smoke := live[arch.IDSmokeAlarm].PhysicalID
	got, err := east.CloudWatch.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{smoke}})
	if err != nil || len(got.MetricAlarms) != 1 {
		t.Fatalf("smoke alarm in us-east-1: %v %v", got, err)
	}
	sa := got.MetricAlarms[0]
	eastTopic := live[arch.TopicID("us-east-1")].ARN
	if !strings.Contains(eastTopic, ":us-east-1:") || !slices.Equal(sa.AlarmActions, []string{eastTopic}) || !slices.Equal(sa.OKActions, []string{eastTopic}) ||
		aws.ToString(sa.Namespace) != "AWS/Route53" || aws.ToString(sa.Dimensions[0].Value) != live[arch.IDSmokeCheck].PhysicalID {
		t.Errorf("smoke alarm = %+v (topic %s)", sa, eastTopic)
	}
	if here, _ := clients.CloudWatch.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{smoke}}); here != nil && len(here.MetricAlarms) != 0 {
		t.Error("the smoke alarm is also in eu-west-1")
	}
	cpu, _ := clients.CloudWatch.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{live[arch.IDCPUAlarm].PhysicalID}})
	if cpu == nil || len(cpu.MetricAlarms) != 1 || !slices.Equal(cpu.MetricAlarms[0].AlarmActions, []string{live[arch.IDTopic].ARN}) {
		t.Errorf("cpu alarm = %+v", cpu)
	}
	// One email subscription per address, pending until confirmed.
	subs := Subscriptions(found[arch.IDTopic].Attrs[AttrSubscriptions])
	if len(subs) != 2 || subs["ops@example.com"] == "" {
		t.Errorf("subscriptions = %v", subs)
	}
	ta, err := clients.SNS.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(live[arch.IDTopic].ARN)})
	if err != nil || ta.Attributes["KmsMasterKeyId"] != live[arch.IDKey].ARN {
		t.Errorf("topic key = %q, want the app's %q (%v)", ta.Attributes["KmsMasterKeyId"], live[arch.IDKey].ARN, err)
	}

	// The key lets CloudWatch encrypt to the topic; a key made before the
	// app had a topic gets the statement by an update.
	pol := func() string {
		t.Helper()
		out, err := clients.KMS.(interface {
			GetKeyPolicy(context.Context, *kms.GetKeyPolicyInput, ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error)
		}).GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(live[arch.IDKey].PhysicalID), PolicyName: aws.String("default")})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.Policy)
	}
	if !strings.Contains(pol(), "cloudwatch.amazonaws.com") {
		t.Errorf("the key policy doesn't let CloudWatch encrypt to the topic: %s", pol())
	}
	key, _ := a.Get(arch.IDKey)
	bare := key
	bare.Props = arch.KeyProps{Rotation: true}
	if _, err := hs[key.Type].Update(ctx, envFor(base, bare, live), bare, live[arch.IDKey]); err != nil || strings.Contains(pol(), "cloudwatch.amazonaws.com") {
		t.Errorf("update without a topic: %v %s", err, pol())
	}
	if _, err := hs[key.Type].Update(ctx, envFor(base, key, live), key, live[arch.IDKey]); err != nil || !strings.Contains(pol(), "cloudwatch.amazonaws.com") {
		t.Errorf("update with a topic: %v %s", err, pol())
	}

	// ---- a second up changes nothing ----
	up()
	if again := listAll(t, ctx, base, types); len(again) != len(found) {
		t.Errorf("after a second up: %v, first %v", keys(again), keys(found))
	}
	all, _ := clients.Route53.ListHealthChecks(ctx, &route53.ListHealthChecksInput{})
	if len(all.HealthChecks) != 1 {
		t.Errorf("%d health checks after two ups, want 1", len(all.HealthChecks))
	}

	// ---- down leaves nothing ----
	for _, typ := range types {
		ls, _ := hs[typ].List(ctx, base)
		for _, l := range ls {
			if err := hs[typ].Delete(ctx, base, l); err != nil {
				t.Fatalf("delete %s: %v", l.ID, err)
			}
		}
	}
	if left := listAll(t, ctx, base, types); len(left) != 0 {
		t.Errorf("down left %v", keys(left))
	}
	for name, c := range map[string]cloud.SNS{"eu-west-1": clients.SNS, "us-east-1": east.SNS} {
		ts, _ := c.ListTopics(ctx, &sns.ListTopicsInput{})
		if ts != nil && len(ts.Topics) != 0 {
			t.Errorf("%s: topics left %v", name, ts.Topics)
		}
	}
	// A new up after down makes a new check (a CallerReference is never reused).
	delete(live, arch.IDSmokeCheck)
	r, _ := a.Get(arch.IDSmokeCheck)
	if _, err := hs[r.Type].Create(ctx, envFor(base, r, live), r); err != nil {
		t.Errorf("create after down: %v", err)
	}
}
