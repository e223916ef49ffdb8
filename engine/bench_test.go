package engine

import (
	"context"
	"testing"
	"time"

	"github.com/minimalinfra/mvi/engine/arch"
)

// benchLatency is a fixed create latency per type, shaped like AWS's
// (the database and load balancer slowest), scaled down 1000×.
var benchLatency = map[string]time.Duration{
	"AWS::RDS::DBInstance":                      80 * time.Millisecond,
	"AWS::ElasticLoadBalancingV2::LoadBalancer": 50 * time.Millisecond,
	"AWS::AutoScaling::AutoScalingGroup":        40 * time.Millisecond,
	"AWS::EFS::FileSystem":                      30 * time.Millisecond,
	"AWS::ECS::Service":                         30 * time.Millisecond,
	"AWS::DynamoDB::Table":                      20 * time.Millisecond,
}

func latencyOf(t string) time.Duration {
	if d, ok := benchLatency[t]; ok {
		return d
	}
	return 10 * time.Millisecond
}

// criticalPath is the longest chain of create latencies through the DAG:
// no scheduler can beat it.
func criticalPath(a arch.Architecture) (path, serial time.Duration) {
	finish := map[string]time.Duration{}
	for _, r := range a.Resources {
		var start time.Duration
		for _, d := range r.DependsOn {
			start = max(start, finish[d])
		}
		finish[r.ID] = start + latencyOf(r.Type)
		path = max(path, finish[r.ID])
		serial += latencyOf(r.Type)
	}
	return path, serial
}

// BenchmarkApplyCriticalPath applies the full example against a fake cloud
// with fixed latencies and reports wall time ÷ critical path (≥ 1; the
// closer to 1 the better the scheduler) and ÷ the serial sum.
func BenchmarkApplyCriticalPath(b *testing.B) {
	a := fullArch(b)
	path, serial := criticalPath(a)
	var total time.Duration
	for i := 0; i < b.N; i++ {
		c := newFake()
		for _, r := range a.Resources {
			c.latency[r.Type] = latencyOf(r.Type)
		}
		cfg := fakeConfig(c, a)
		cfg.Parallel = 8
		p, err := MakePlan(context.Background(), cfg, a)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := Apply(context.Background(), cfg, p, nil); err != nil {
			b.Fatal(err)
		}
		total += time.Since(start)
	}
	wall := total / time.Duration(b.N)
	b.ReportMetric(float64(wall)/float64(path), "wall/critical-path")
	b.ReportMetric(float64(wall)/float64(serial), "wall/serial")
	b.ReportMetric(float64(path.Milliseconds()), "critical-path-ms")
	b.ReportMetric(float64(serial.Milliseconds()), "serial-ms")
}
