package tui

import (
	"context"
	"testing"
	"time"

	"github.com/minimalinfra/mvi/engine"
	engineaws "github.com/minimalinfra/mvi/engine/aws"
	"github.com/minimalinfra/mvi/engine/sandbox"
	"github.com/minimalinfra/mvi/steps"
)

// BenchmarkInspectRefresh is one refresh of Inspect with the gauges and a
// log pane on screen, for the full 12-service example on a served
// sandbox: the status of every resource, one GetMetricData for every chart,
// the services' events and one Logs read for the pane. calls/op is every AWS call it makes.
func BenchmarkInspectRefresh(b *testing.B) {
	ctx := context.Background()
	sb, err := sandbox.Open(ctx, sandbox.Options{Dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	dp, err := sandbox.Serve(ctx, sb, sandbox.ServeOptions{FlushEvery: 50 * time.Millisecond})
	if err != nil {
		sb.Close()
		b.Fatal(err)
	}
	b.Cleanup(func() { dp.Close(); sb.Close() })
	a := fullArch(b)
	cfg := engine.Config{Clients: sb.Clients(), Handlers: engineaws.Handlers(), App: a.App, Region: "us-east-1",
		Account: sb.Account(), Retry: engine.Retry{Base: time.Millisecond, Max: 20 * time.Millisecond, Timeout: time.Minute},
		NoWait: steps.ContainersNoWait(), Dir: "../assets/examples/full"}
	p, err := engine.MakePlan(ctx, cfg, a)
	if err != nil {
		b.Fatal(err)
	}
	if err := engine.Apply(ctx, cfg, p, nil); err != nil {
		b.Fatal(err)
	}
	sb.ResetCalls()
	b.ReportAllocs()
	for b.Loop() {
		snap, err := engine.Status(ctx, cfg)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := engine.ReadGauges(ctx, cfg, snap); err != nil {
			b.Fatal(err)
		}
		if _, err := engine.ServiceEvents(ctx, cfg, snap, gaugeEvents); err != nil {
			b.Fatal(err)
		}
		if _, err := engine.Runs(ctx, cfg, clusterOf(&snap)); err != nil { // the one-off tasks' line
			b.Fatal(err)
		}
		if _, err := readPane(ctx, cfg, logPane{process: "web"}, time.Now()); err != nil {
			b.Fatal(err)
		}
	}
	c := sb.Calls()
	n := float64(b.N)
	b.ReportMetric(float64(sb.TotalCalls())/n, "calls/op")
	b.ReportMetric(float64(c["CloudWatch.GetMetricData"])/n, "GetMetricData/op")
	b.ReportMetric(float64(c["Logs.FilterLogEvents"])/n, "logs/op")
}
