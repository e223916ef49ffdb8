package engine

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/minimalinfra/mvi/engine/sandbox"
)

// An app in eu-west-1 with people to notify: its smoke alarm and a topic
// live in us-east-1 (Route 53's metrics are there, and an alarm tells only
// a topic of its region). up makes them, a second plan changes nothing,
// and down leaves nothing in either region.
func TestSmokeAlarmOutsideUSEast1UpUpDown(t *testing.T) {
	ctx := context.Background()
	sb, cfg := openSandbox(t, sandbox.Options{Region: "eu-west-1"})
	m := &manifest.Manifest{Name: "shop", Region: "eu-west-1",
		Processes: map[string]*manifest.Process{"web": {Image: "httpd", Port: 80}},
		Metric:    &manifest.Metric{Notify: []string{"ops@example.com"}}}
	a, err := arch.Design(m)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Region = "eu-west-1"
	if _, err := planApply(t, ctx, cfg, a, nil); err != nil {
		t.Fatal(err)
	}
	n := liveIDs(t, cfg)
	for _, r := range a.Resources {
		if n[r.ID] != 1 {
			t.Errorf("%s (%s) exists %d times", r.ID, r.Type, n[r.ID])
		}
	}
	east := sb.Clients().East
	if east == nil {
		t.Fatal("a eu-west-1 sandbox has no us-east-1 clients")
	}
	smoke := arch.PhysicalName(a.App, arch.IDSmokeAlarm)
	if out, err := east.CloudWatch.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{smoke}}); err != nil || len(out.MetricAlarms) != 1 {
		t.Errorf("the smoke alarm is not in us-east-1: %v %v", out, err)
	}
	if out, _ := cfg.Clients.CloudWatch.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{smoke}}); out != nil && len(out.MetricAlarms) != 0 {
		t.Error("the smoke alarm is in eu-west-1 too")
	}
	p, err := MakePlan(ctx, cfg, a)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range p.Steps {
		if s.Action != NoOp {
			t.Errorf("second plan: %s %s: %s", s.Action, s.ID, s.Reason)
		}
	}
	if err := Destroy(ctx, cfg, nil); err != nil {
		t.Fatal(err)
	}
	if left := liveIDs(t, cfg); len(left) != 0 {
		t.Errorf("down left %v", left)
	}
	hcs, _ := cfg.Clients.Route53.ListHealthChecks(ctx, &route53.ListHealthChecksInput{})
	ts, _ := east.SNS.ListTopics(ctx, &sns.ListTopicsInput{})
	as, _ := east.CloudWatch.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{})
	if len(hcs.HealthChecks)+len(ts.Topics)+len(as.MetricAlarms) != 0 {
		t.Errorf("down left in us-east-1: %d health checks, %d topics, %d alarms", len(hcs.HealthChecks), len(ts.Topics), len(as.MetricAlarms))
	}
}

// Adding [metric] notify to a running app updates the key (CloudWatch
// may now encrypt to the topic) and every alarm (they tell it), creates
// the topic, replaces nothing, and converges.
func TestAddingNotifyUpdatesInPlace(t *testing.T) {
	ctx := context.Background()
	_, cfg := openSandbox(t, sandbox.Options{})
	design := func(notify ...string) arch.Architecture {
		m := &manifest.Manifest{Name: "shop", Processes: map[string]*manifest.Process{"web": {Image: "httpd", Port: 80}}}
		if len(notify) > 0 {
			m.Metric = &manifest.Metric{Notify: notify}
		}
		a, err := arch.Design(m)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	if _, err := planApply(t, ctx, cfg, design(), nil); err != nil {
		t.Fatal(err)
	}
	p, err := MakePlan(ctx, cfg, design("ops@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	acts := map[string]Action{}
	for _, s := range p.Steps {
		acts[s.ID] = s.Action
		if s.Action == Replace || s.Action == Delete {
			t.Errorf("%s: %s (%s)", s.ID, s.Action, s.Reason)
		}
	}
	for id, want := range map[string]Action{arch.IDKey: Update, arch.IDTopic: Create, arch.IDSmokeAlarm: Update, arch.IDCPUAlarm: Update, arch.IDSmokeCheck: NoOp} {
		if acts[id] != want {
			t.Errorf("%s: %s, want %s", id, acts[id], want)
		}
	}
	if err := Apply(ctx, cfg, p, nil); err != nil {
		t.Fatal(err)
	}
	again, err := MakePlan(ctx, cfg, design("ops@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	if again.Changes() != 0 {
		for _, s := range again.Steps {
			if s.Action != NoOp {
				t.Errorf("after adding notify: %s %s: %s", s.Action, s.ID, s.Reason)
			}
		}
	}
}
