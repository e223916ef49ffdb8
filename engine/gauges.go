package engine

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/minimalinfra/mvi/engine/arch"
)

// GaugeWindow is how far back the gauges look, and GaugePeriod the width
// of one point: an hour of minutes is what an operator reads at a glance,
// and a minute is the finest period AWS's basic metrics have.
const (
	GaugeWindow = time.Hour
	GaugePeriod = time.Minute
)

// Series is one metric over the window, oldest point first. Missing minutes
// are absent, not zero: a load balancer that served nothing publishes
// nothing, and a chart must not draw a dip it didn't see.
type Series struct {
	Metric string      `json:"metric"`
	Unit   string      `json:"unit"`
	Times  []time.Time `json:"times"`
	Values []float64   `json:"values"`
}

// Last is the newest value, and false when the window has none.
func (s Series) Last() (float64, bool) {
	if len(s.Values) == 0 {
		return 0, false
	}
	return s.Values[len(s.Values)-1], true
}

// GaugeSubject is what a group of gauges measures: the load balancer, or
// one process.
type GaugeSubject struct {
	Name   string   `json:"name"` // "load balancer" or the process
	Series []Series `json:"series"`
	// Running is the process's running/desired containers, from the
	// status already read (ECS publishes no task counts without Container
	// Insights, which costs extra).
	Running string `json:"running,omitempty"`
}

// Gauges are the live gauges of one app.
type Gauges struct {
	At       time.Time      `json:"at"`
	Subjects []GaugeSubject `json:"subjects"`
	// Calls is the CloudWatch requests this read made: one, unless the
	// answer came in pages.
	Calls int `json:"calls"`
}

// gaugeQuery is one metric asked for a subject.
type gaugeQuery struct {
	subject       int
	metric, label string
	ns, stat      string
	unit          string
	dims          []cwtypes.Dimension
}

// ReadGauges reads the last hour of every gauge Inspect shows in one
// GetMetricData request (paged only when AWS pages it): the requests, 5xx
// and latency of the load balancer and of each public process, and each
// process's CPU and memory. CloudWatch bills and throttles per request, so
// a screen that refreshes every few seconds must not ask per chart.
func ReadGauges(ctx context.Context, cfg Config, snap Snapshot) (Gauges, error) {
	now := cfg.now().UTC()
	g := Gauges{At: now, Subjects: []GaugeSubject{}}
	qs := gaugeQueries(snap, &g)
	if len(qs) == 0 {
		return g, nil
	}
	in := &cloudwatch.GetMetricDataInput{
		StartTime: sdkaws.Time(now.Add(-GaugeWindow).Truncate(GaugePeriod)),
		EndTime:   sdkaws.Time(now.Truncate(GaugePeriod).Add(GaugePeriod)),
		ScanBy:    cwtypes.ScanByTimestampAscending,
	}
	for i, q := range qs {
		in.MetricDataQueries = append(in.MetricDataQueries, cwtypes.MetricDataQuery{
			Id:    sdkaws.String("g" + strconv.Itoa(i)),
			Label: sdkaws.String(q.label),
			MetricStat: &cwtypes.MetricStat{
				Metric: &cwtypes.Metric{Namespace: sdkaws.String(q.ns), MetricName: sdkaws.String(q.metric), Dimensions: q.dims},
				Period: sdkaws.Int32(int32(GaugePeriod / time.Second)),
				Stat:   sdkaws.String(q.stat),
			},
		})
	}
	found := map[string]*Series{}
	for {
		var out *cloudwatch.GetMetricDataOutput
		err := retrying(ctx, cfg.retry(), func() (err error) {
			out, err = cfg.Clients.CloudWatch.GetMetricData(ctx, in)
			return err
		}, nil)
		g.Calls++
		if err != nil {
			return g, fmt.Errorf("read the gauges of %s: %w", cfg.App, err)
		}
		for _, r := range out.MetricDataResults {
			s := found[sdkaws.ToString(r.Id)]
			if s == nil {
				s = &Series{}
				found[sdkaws.ToString(r.Id)] = s
			}
			s.Times = append(s.Times, r.Timestamps...)
			s.Values = append(s.Values, r.Values...)
		}
		if out.NextToken == nil {
			break
		}
		in.NextToken = out.NextToken
	}
	for i, q := range qs {
		s := Series{Metric: q.label, Unit: q.unit, Times: []time.Time{}, Values: []float64{}}
		if f := found["g"+strconv.Itoa(i)]; f != nil {
			s.Times, s.Values = f.Times, f.Values
			sortSeries(&s)
		}
		g.Subjects[q.subject].Series = append(g.Subjects[q.subject].Series, s)
	}
	return g, nil
}

// sortSeries orders points oldest first: pages and ScanBy may not.
func sortSeries(s *Series) {
	idx := make([]int, len(s.Times))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return s.Times[idx[a]].Before(s.Times[idx[b]]) })
	ts, vs := make([]time.Time, len(idx)), make([]float64, len(idx))
	for i, j := range idx {
		ts[i], vs[i] = s.Times[j], s.Values[j]
	}
	s.Times, s.Values = ts, vs
}

// gaugeQueries names every metric of the screen, subjects added to g in
// the order they are drawn: the load balancer, then processes by name.
func gaugeQueries(snap Snapshot, g *Gauges) []gaugeQuery {
	byID := map[string]ResourceStatus{}
	for _, s := range snap.Services {
		for _, r := range s.Resources {
			byID[r.ID] = r
		}
	}
	dim := func(n, v string) cwtypes.Dimension {
		return cwtypes.Dimension{Name: sdkaws.String(n), Value: sdkaws.String(v)}
	}
	var qs []gaugeQuery
	traffic := func(subject int, dims []cwtypes.Dimension) {
		for _, m := range []struct{ metric, label, stat, unit string }{
			{"RequestCount", "requests", "Sum", "/min"},
			{"HTTPCode_Target_5XX_Count", "5xx", "Sum", "/min"},
			{"TargetResponseTime", "p50", "p50", "s"},
			{"TargetResponseTime", "p99", "p99", "s"},
		} {
			qs = append(qs, gaugeQuery{subject: subject, metric: m.metric, label: m.label, ns: "AWS/ApplicationELB", stat: m.stat, unit: m.unit, dims: dims})
		}
	}
	lb := byID[arch.IDLoadBalancer].Attrs["full_name"]
	if lb != "" {
		g.Subjects = append(g.Subjects, GaugeSubject{Name: "load balancer"})
		traffic(len(g.Subjects)-1, []cwtypes.Dimension{dim("LoadBalancer", lb)})
	}
	var procs []string
	for id, r := range byID {
		if p, ok := arch.ProcessOfService(id); ok && r.Type == arch.TypeService {
			procs = append(procs, p)
		}
	}
	sort.Strings(procs)
	for _, p := range procs {
		svc := byID[arch.ServiceID(p)]
		g.Subjects = append(g.Subjects, GaugeSubject{Name: p, Running: svc.Gauges["running"]})
		i := len(g.Subjects) - 1
		if tg := byID[arch.TargetGroupID(p)].Attrs["full_name"]; tg != "" && lb != "" {
			traffic(i, []cwtypes.Dimension{dim("LoadBalancer", lb), dim("TargetGroup", tg)})
		}
		if svc.Attrs["cluster"] == "" || svc.Attrs["name"] == "" {
			continue
		}
		dims := []cwtypes.Dimension{dim("ClusterName", svc.Attrs["cluster"]), dim("ServiceName", svc.Attrs["name"])}
		qs = append(qs,
			gaugeQuery{subject: i, metric: "CPUUtilization", label: "cpu", ns: "AWS/ECS", stat: "Average", unit: "%", dims: dims},
			gaugeQuery{subject: i, metric: "MemoryUtilization", label: "memory", ns: "AWS/ECS", stat: "Average", unit: "%", dims: dims})
	}
	return qs
}
