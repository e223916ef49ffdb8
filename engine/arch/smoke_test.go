package arch

import (
	"slices"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/engine/manifest"
)

func TestSmokeCheckByDefault(t *testing.T) {
	a := mustDesign(t, hello(80))
	hc, ok := a.Get(IDSmokeCheck)
	if !ok {
		t.Fatal("an app with a public process has no smoke check")
	}
	p := hc.Props.(SmokeCheckProps)
	if p.Type != "HTTP" || p.Path != "/" || p.Interval != 30 || p.FailureThreshold != 5 || p.LoadBalancer != IDLoadBalancer || p.Port != 80 {
		t.Errorf("health check = %+v", p)
	}
	// every = 1m can't be had: the reason says Route 53 checks every 30 s.
	if !strings.Contains(hc.Reason, "every 30 s (check.every is 1m, and Route 53 checks only every 10 or 30 s") {
		t.Errorf("reason doesn't say how every was mapped: %s", hc.Reason)
	}
	// Made once the service behind the load balancer runs: a check made
	// before the containers answer would fail through a slow first deploy.
	if !slices.Contains(hc.After, ServiceID("web")) || slices.Contains(hc.DependsOn, ServiceID("web")) {
		t.Errorf("the smoke check refers to %v and comes after %v: want after the web service, not referring to it", hc.DependsOn, hc.After)
	}
	al, ok := a.Get(IDSmokeAlarm)
	if !ok {
		t.Fatal("no smoke alarm")
	}
	ap := al.Props.(AlarmProps)
	if ap.Namespace != "AWS/Route53" || ap.Metric != "HealthCheckStatus" || ap.Region != "us-east-1" || ap.Subject != IDSmokeCheck ||
		ap.Comparison != "LessThanThreshold" || ap.Threshold != 1 || len(ap.Actions) != 0 {
		t.Errorf("smoke alarm = %+v", ap)
	}
	if _, ok := a.Get(IDTopic); ok {
		t.Error("a topic with nobody to notify")
	}
	// A worker-only app has no check.
	w := mustDesign(t, &manifest.Manifest{Name: "w", Processes: map[string]*manifest.Process{"worker": {Image: "busybox"}}})
	if _, ok := w.Get(IDSmokeCheck); ok {
		t.Error("a worker-only app got a smoke check")
	}
}

func TestSmokeCheckWritten(t *testing.T) {
	m := hello(80)
	m.Check = &manifest.Check{Path: "/ping", Every: "15s", AlarmAfter: 3, Expect: &manifest.Expect{Text: "Welcome"}}
	p := mustDesign(t, m).Resources
	i := slices.IndexFunc(p, func(r Resource) bool { return r.ID == IDSmokeCheck })
	hc := p[i].Props.(SmokeCheckProps)
	if hc.Type != "HTTP_STR_MATCH" || hc.SearchString != "Welcome" || hc.Interval != 10 || hc.FailureThreshold != 3 || hc.Path != "/ping" {
		t.Errorf("health check = %+v", hc)
	}
	if CheckInterval(30e9) != 30 || CheckInterval(29e9) != 10 || CheckInterval(300e9) != 30 {
		t.Error("CheckInterval maps every wrongly")
	}
}

func TestNotifyReachesEveryAlarm(t *testing.T) {
	m := hello(80)
	m.Metric = &manifest.Metric{Notify: []string{"ops@example.com"}}
	a := mustDesign(t, m)
	topic, ok := a.Get(IDTopic)
	if !ok {
		t.Fatal("no topic")
	}
	if tp := topic.Props.(TopicProps); tp.Key != IDKey || len(tp.Emails) != 1 || tp.Region != "" {
		t.Errorf("topic = %+v", tp)
	}
	n := 0
	for _, r := range a.Resources {
		if r.Type != TypeAlarm {
			continue
		}
		n++
		ap := r.Props.(AlarmProps)
		if !slices.Equal(ap.Actions, []string{IDTopic}) || !slices.Contains(r.DependsOn, IDTopic) {
			t.Errorf("%s: actions %v, deps %v", r.ID, ap.Actions, r.DependsOn)
		}
	}
	if n != 4 { // smoke, 5xx, unhealthy, cpu
		t.Errorf("%d alarms, want 4", n)
	}

	// Elsewhere than us-east-1, the smoke alarm tells a topic of its own region.
	m = hello(80)
	m.Region = "eu-west-1"
	m.Metric = &manifest.Metric{Notify: []string{"ops@example.com"}}
	a = mustDesign(t, m)
	east, ok := a.Get(TopicID("us-east-1"))
	if !ok || east.Props.(TopicProps).Region != "us-east-1" || east.Props.(TopicProps).Key != "" {
		t.Fatalf("no us-east-1 topic: %+v", east)
	}
	smoke, _ := a.Get(IDSmokeAlarm)
	if got := smoke.Props.(AlarmProps).Actions; !slices.Equal(got, []string{TopicID("us-east-1")}) {
		t.Errorf("smoke alarm tells %v", got)
	}
	cpu, _ := a.Get(IDCPUAlarm)
	if got := cpu.Props.(AlarmProps).Actions; !slices.Equal(got, []string{IDTopic}) {
		t.Errorf("cpu alarm tells %v", got)
	}
}
