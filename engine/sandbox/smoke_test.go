package sandbox

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
	engineaws "github.com/minimalinfra/mvi/engine/aws"
	"github.com/minimalinfra/mvi/engine/manifest"
)

const smokeManifest = `name = "hello"

[processes.web]
image = "httpd"
port = 80

[metric]
notify = ["ops@example.com"]
`

// The seed's smoke test, end to end on the sandbox clock: an app whose
// route fails turns its smoke alarm red after exactly five failed checks
// (not four), the topic is sent the alarm (held for a subscription still
// pending confirmation), and the alarm turns back to OK after the fix.
func TestSmokeCheckAlarmsAfterFiveFailuresAndRecovers(t *testing.T) {
	ctx := context.Background()
	clk := NewManualClock(time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC))
	sb := openSB(t, Options{Clock: clk})
	dp, err := Serve(ctx, sb, ServeOptions{FlushEvery: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dp.Close() })
	m, err := manifest.Parse("mvi.toml", []byte(smokeManifest))
	if err != nil {
		t.Fatal(err)
	}
	a, err := arch.Design(m)
	if err != nil {
		t.Fatal(err)
	}
	cfg := engine.Config{Clients: sb.Clients(), Handlers: engineaws.Handlers(), App: a.App, Region: sb.Region(), Account: sb.Account(),
		Retry: engine.Retry{Base: time.Millisecond, Max: 20 * time.Millisecond, Timeout: time.Minute}, Locker: engine.FileLocker{Dir: t.TempDir()}}
	p, err := engine.MakePlan(ctx, cfg, a)
	if err != nil {
		t.Fatal(err)
	}
	if err := engine.Apply(ctx, cfg, p, nil); err != nil {
		t.Fatal(err)
	}
	c := sb.Clients()
	lbs := must(c.ELB.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{}))
	url := "http://" + aws.ToString(lbs.LoadBalancers[0].DNSName) + "/"
	status := func() int {
		resp, err := c.HTTP.Do(must(httpGet(url)))
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	eventually(t, "the app to answer", func() bool { return status() == 200 })

	var check string
	_ = sb.internal(ctx, func(t *tx) error {
		for id := range t.st.Route53.HealthChecks {
			check = id
		}
		return nil
	})
	if check == "" {
		t.Fatal("no Route 53 health check")
	}
	alarm := arch.PhysicalName(a.App, arch.IDSmokeAlarm)
	// probe moves the clock one interval and waits for the checker's
	// probe at that time; it returns what the probe reported.
	probe := func() string {
		t.Helper()
		clk.Advance(30 * time.Second)
		at := clk.Now()
		var report string
		eventually(t, "a probe at "+at.Format(time.TimeOnly), func() bool {
			_ = sb.internal(ctx, func(t *tx) error {
				if h := t.st.Route53.HealthChecks[check]; h != nil && h.Checked.Equal(at) {
					report = h.Report
				}
				return nil
			})
			return report != ""
		})
		return report
	}
	// state evaluates the alarms a second later, as the next flush does.
	state := func() cwtypes.StateValue {
		t.Helper()
		clk.Advance(time.Second)
		if err := sb.internal(ctx, func(t *tx) error { t.evaluateAlarms(); return nil }); err != nil {
			t.Fatal(err)
		}
		out := must(c.CloudWatch.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{alarm}}))
		if len(out.MetricAlarms) != 1 {
			t.Fatalf("no alarm %s", alarm)
		}
		return out.MetricAlarms[0].StateValue
	}
	smokeNotes := func() []Notification {
		all, err := sb.Notifications(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []Notification
		for _, n := range all {
			if strings.Contains(n.Subject, alarm) {
				out = append(out, n)
			}
		}
		return out
	}

	// Healthy to start with.
	for i := 0; !strings.HasPrefix(probe(), "Success"); i++ {
		if i == 10 {
			t.Fatal("the smoke check never passed on a healthy app")
		}
	}
	if s := state(); s != cwtypes.StateValueOk {
		t.Fatalf("a healthy app's smoke alarm is %s", s)
	}
	before := len(smokeNotes())

	// Break it: no container runs the route.
	svcs := must(c.ECS.ListServices(ctx, &ecs.ListServicesInput{Cluster: aws.String(arch.PhysicalName(a.App, arch.IDCluster))}))
	must(c.ECS.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: aws.String(arch.PhysicalName(a.App, arch.IDCluster)),
		Service: aws.String(svcs.ServiceArns[0]), DesiredCount: aws.Int32(0)}))
	eventually(t, "the route to fail", func() bool { return status() == 503 })
	for i := 1; i <= 4; i++ {
		if r := probe(); !strings.HasPrefix(r, "Failure: HTTP Status Code 503") {
			t.Fatalf("failed check %d reported %q", i, r)
		}
		if s := state(); s != cwtypes.StateValueOk {
			t.Fatalf("after %d failed checks the alarm is %s, want OK until the 5th", i, s)
		}
	}
	if n := len(smokeNotes()); n != before {
		t.Fatalf("a notification before the 5th failure: %d, was %d", n, before)
	}
	probe()
	if s := state(); s != cwtypes.StateValueAlarm {
		t.Fatalf("after 5 failed checks the alarm is %s, want ALARM", s)
	}
	notes := smokeNotes()
	if len(notes) != before+1 {
		t.Fatalf("%d notifications of the smoke alarm, want %d", len(notes), before+1)
	}
	n := notes[len(notes)-1]
	if !strings.HasPrefix(n.Subject, "ALARM") || !strings.Contains(n.Message, `"NewStateValue":"ALARM"`) ||
		len(n.To) != 1 || n.To[0].Endpoint != "ops@example.com" || n.To[0].Status != "pending confirmation" {
		t.Errorf("notification = %+v", n)
	}

	// The fix: the containers come back, and after five good checks in a
	// row the check and then the alarm are back to OK.
	must(c.ECS.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: aws.String(arch.PhysicalName(a.App, arch.IDCluster)),
		Service: aws.String(svcs.ServiceArns[0]), DesiredCount: aws.Int32(2)}))
	eventually(t, "the route to answer again", func() bool { return status() == 200 })
	ok := 0
	for i := 0; i < 8 && state() != cwtypes.StateValueOk; i++ {
		if strings.HasPrefix(probe(), "Success") {
			ok++
		}
	}
	if s := state(); s != cwtypes.StateValueOk {
		t.Fatalf("after the fix the alarm is %s", s)
	}
	if ok < 5 {
		t.Errorf("back to OK after %d good checks, want 5 (the failure threshold)", ok)
	}
	if notes := smokeNotes(); len(notes) != before+2 || !strings.HasPrefix(notes[len(notes)-1].Subject, "OK") {
		t.Errorf("no OK notification after the fix: %+v", notes)
	}
}

func httpGet(url string) (*http.Request, error) { return http.NewRequest(http.MethodGet, url, nil) }
