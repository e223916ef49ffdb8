package tui

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/cloud"
	"github.com/minimalinfra/mvi/engine/sandbox"
)

// countingCW counts the metric reads a screen makes.
type countingCW struct {
	cloud.CloudWatch
	reads atomic.Int32
}

func (c *countingCW) GetMetricData(ctx context.Context, in *cloudwatch.GetMetricDataInput, opts ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error) {
	c.reads.Add(1)
	return c.CloudWatch.GetMetricData(ctx, in, opts...)
}

// The gauges are the load balancer's and each process's last hour, read
// with one GetMetricData per refresh, and the requests they count are
// the requests that went through the load balancer.
func TestInspectGaugesCountWhatWentThrough(t *testing.T) {
	cfg := helloServed(t, sandbox.Options{})
	ctx := context.Background()
	snap, err := engine.Status(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var dns, check string
	for _, s := range snap.Services {
		for _, r := range s.Resources {
			switch r.ID {
			case arch.IDLoadBalancer:
				dns = r.Attrs["dns_name"]
			case arch.IDSmokeCheck:
				check = r.PhysicalID
			}
		}
	}
	cw := &countingCW{CloudWatch: cfg.Clients.CloudWatch}
	cl := *cfg.Clients
	cl.CloudWatch = cw
	cfg.Clients = &cl

	sum := func(g engine.Gauges, subject, metric string) (float64, bool) {
		for _, s := range g.Subjects {
			for _, se := range s.Series {
				if s.Name == subject && se.Metric == metric {
					t := 0.0
					for _, v := range se.Values {
						t += v
					}
					return t, true
				}
			}
		}
		return 0, false
	}
	var g engine.Gauges
	// until reads the gauges until ok holds of them (the data plane
	// flushes its counts every 50 ms).
	until := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			snap, err := engine.Status(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if g, err = engine.ReadGauges(ctx, cfg, snap); err != nil {
				t.Fatal(err)
			}
			if ok() {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the metrics never showed %s: %+v", what, g)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	// The smoke check's first probe is a request through the load
	// balancer too, as Route 53's are on AWS: once it has been made and
	// counted, the next is 30 s away, and the count goes on from there.
	if check == "" {
		t.Fatal("the app has no smoke check")
	}
	until("the smoke check's first probe", func() bool {
		st, err := cfg.Clients.Route53.GetHealthCheckStatus(ctx, &route53.GetHealthCheckStatusInput{HealthCheckId: aws.String(check)})
		if err != nil {
			t.Fatal(err)
		}
		lb, _ := sum(g, "load balancer", "requests")
		return len(st.HealthCheckObservations) > 0 && lb >= 1
	})
	base, _ := sum(g, "load balancer", "requests")
	const n = 7
	for i := 0; i < n; i++ {
		req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+dns+"/", nil)
		res, err := cfg.Clients.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	until(fmt.Sprintf("%d requests more", n), func() bool {
		lb, _ := sum(g, "load balancer", "requests")
		web, _ := sum(g, "web", "requests")
		return lb >= base+n && web >= base+n
	})
	if lb, _ := sum(g, "load balancer", "requests"); lb-base != n {
		t.Errorf("the load balancer counted %v requests after the probe's %v, %d went through", lb-base, base, n)
	}
	if g.Calls != 1 {
		t.Errorf("one refresh made %d GetMetricData calls, want 1", g.Calls)
	}
	if _, ok := sum(g, "web", "cpu"); !ok {
		t.Error("web has no cpu series")
	}

	c := testConfig(nil)
	c.Engine = cfg
	app := New(ctx, c)
	d := newDriver(t, app, 100, 40)
	app.insp = newInspectorFor(app.env, "hello", cfg)
	app.screen = screenInspect
	d.run(app.insp.Init())
	d.send(teaSize(100, 40))
	d.until("the snapshot", func() bool { return app.insp.snap != nil })
	before := cw.reads.Load()
	d.key("g")
	d.until("the gauges", func() bool { return app.insp.gauges != nil })
	if got := cw.reads.Load() - before; got != 1 {
		t.Errorf("opening the gauges read the metrics %d times, want once", got)
	}
	v := d.m.View()
	running := ""
	for _, s := range app.insp.snap.Services {
		for _, r := range s.Resources {
			if r.ID == arch.ServiceID("web") {
				running = r.Gauges["running"]
			}
		}
	}
	// The newest minute holds the 7 requests, and the probe if it fell in
	// the same minute.
	perMin := ""
	for _, sj := range g.Subjects {
		for _, se := range sj.Series {
			if sj.Name == "load balancer" && se.Metric == "requests" && len(se.Values) > 0 {
				perMin = fmt.Sprintf("%d/min", int(se.Values[len(se.Values)-1]))
			}
		}
	}
	if perMin != "7/min" && perMin != "8/min" {
		t.Errorf("the newest minute counted %s, want the 7 requests (and maybe the probe)", perMin)
	}
	for _, want := range []string{"Gauges", "load balancer", "requests", perMin, "p99", "web", "running/desired " + running, "cpu"} {
		if !strings.Contains(v, want) {
			t.Errorf("the gauges lack %q:\n%s", want, v)
		}
	}
	if !strings.Contains(v, "has reached a steady state") {
		t.Errorf("the gauges lack web's service events:\n%s", v)
	}
	if !strings.Contains(v, "memory   ") || !strings.Contains(v, "no data") {
		t.Errorf("memory, which the sandbox doesn't publish, should say no data:\n%s", v)
	}
	d.key("esc")
	d.until("the list again", func() bool { return !app.insp.gauging })
}

// mvi inspect --read-only: the header says so, every call Inspect makes is
// marked read-only (the clients refuse changes), and esc leaves.
func TestInspectReadOnly(t *testing.T) {
	cfg := helloOnSandbox(t)
	c := testConfig(nil)
	c.Engine = cfg
	app := NewInspect(context.Background(), c, "hello", true)
	d := newDriver(t, app, 100, 40)
	d.run(app.Init())
	d.send(teaSize(100, 40))
	d.until("the snapshot", func() bool { return app.insp.snap != nil })
	if v := d.m.View(); !strings.Contains(v, "read-only") {
		t.Errorf("the header doesn't say read-only:\n%s", v)
	}
	if err := cloud.CheckReadOnly(app.insp.ctx, "ECS", "RunTask"); err == nil {
		t.Error("a read-only Inspect's calls are not marked read-only")
	}
	if cmd := app.insp.Update(tea.KeyMsg{Type: tea.KeyEsc}); cmd == nil {
		t.Fatal("esc does nothing")
	} else if _, ok := cmd().(leaveInspectMsg); !ok {
		t.Fatal("esc doesn't leave")
	}
	if _, cmd := app.Update(leaveInspectMsg{}); cmd == nil {
		t.Error("leaving Inspect opened alone doesn't quit")
	}
}
