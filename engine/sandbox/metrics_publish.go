package sandbox

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// What the data plane writes to the records on each flush: the containers'
// log lines (to the awslogs group and stream), the metrics AWS publishes
// (AWS/ApplicationELB per load balancer and per target group, AWS/ECS per
// service), and then the state of the alarms watching them. Only the
// data plane writes AWS/ namespaces (PutMetricData refuses them, as AWS
// does), so alarms on them are evaluated here.

// flush writes buffered lines and counters; final is the last flush
// before the data plane stops.
func (dp *DataPlane) flush(t *tx, final bool) {
	dp.mu.Lock()
	lines := dp.logs
	dp.logs = nil
	var counters []lbCounts
	for _, k := range sortedKeys(dp.metrics) {
		counters = append(counters, dp.metrics[k].take())
		if lst, _, _ := strings.Cut(k, "|"); dp.listeners[lst] == nil { // by listener, or listener|rule's group
			delete(dp.metrics, k) // its listener is gone and this was its last count
		}
	}
	type hostCount struct {
		tg, lb            string
		healthy, unhealth int
	}
	var hosts []hostCount
	if !final {
		for _, arn := range sortedKeys(dp.views) {
			gv := dp.views[arn]
			h, u := 0, 0
			for k, c := range dp.checks {
				if c.tg != arn || k == "" {
					continue
				}
				if c.healthy() {
					h++
				} else if c.obs.State == "unhealthy" {
					u++
				}
			}
			for _, lb := range gv.LBDims {
				hosts = append(hosts, hostCount{tg: gv.Dim, lb: lb, healthy: h, unhealth: u})
			}
		}
	}
	dp.mu.Unlock()

	dp.writeLogs(t, lines)
	ts := t.now.Truncate(time.Second)
	for _, c := range counters {
		lbD := []cwDim{{"LoadBalancer", c.lbDim}}
		tgD := []cwDim{{"LoadBalancer", c.lbDim}, {"TargetGroup", c.tgDim}}
		for _, dims := range [][]cwDim{lbD, tgD} {
			put := func(metric string, n int64) {
				if n > 0 {
					t.putAWSPoint("AWS/ApplicationELB", metric, dims, cwPoint{TS: ts, Sum: float64(n), Count: 1, Min: float64(n), Max: float64(n), Unit: "Count"})
				}
			}
			put("RequestCount", c.requests)
			put("HTTPCode_Target_2XX_Count", c.t2)
			put("HTTPCode_Target_3XX_Count", c.t3)
			put("HTTPCode_Target_4XX_Count", c.t4)
			put("HTTPCode_Target_5XX_Count", c.t5)
			if len(dims) == 1 {
				put("HTTPCode_ELB_5XX_Count", c.elb5)
			}
			if c.rtN > 0 {
				t.putAWSPoint("AWS/ApplicationELB", "TargetResponseTime", dims, cwPoint{TS: ts, Sum: c.rtSum, Count: float64(c.rtN), Min: c.rtMin, Max: c.rtMax, Unit: "Seconds"})
			}
		}
	}
	for _, h := range hosts {
		dims := []cwDim{{"LoadBalancer", h.lb}, {"TargetGroup", h.tg}}
		t.putAWSPoint("AWS/ApplicationELB", "HealthyHostCount", dims, cwPoint{TS: ts, Sum: float64(h.healthy), Count: 1, Min: float64(h.healthy), Max: float64(h.healthy), Unit: "Count"})
		t.putAWSPoint("AWS/ApplicationELB", "UnHealthyHostCount", dims, cwPoint{TS: ts, Sum: float64(h.unhealth), Count: 1, Min: float64(h.unhealth), Max: float64(h.unhealth), Unit: "Count"})
	}
	if !final {
		dp.publishECS(t, ts)
	}
	t.evaluateAlarms()
}

// publishECS estimates each service's CPU: a small idle floor plus a cost
// per request, relative to the task's CPU units (a rough model, enough for
// a graph and a CPU alarm to move with load).
func (dp *DataPlane) publishECS(t *tx, ts time.Time) {
	type agg struct {
		cluster, service string
		cpu              float64
		n                int
	}
	bySvc := map[string]*agg{}
	elapsed := dp.opts.FlushEvery.Seconds()
	for _, k := range sortedKeys(dp.tasks) {
		task := dp.tasks[k]
		if task.view.Service == "" {
			continue
		}
		hits := float64(task.hits.Swap(0))
		units := float64(task.view.CPU)
		if units <= 0 {
			units = 256
		}
		cpu := math.Min(100, 0.4+hits/elapsed*0.5*256/units)
		key := task.view.Cluster + "/" + task.view.Service
		a := bySvc[key]
		if a == nil {
			a = &agg{cluster: task.view.Cluster, service: task.view.Service}
			bySvc[key] = a
		}
		a.cpu += cpu
		a.n++
	}
	for _, k := range sortedKeys(bySvc) {
		a := bySvc[k]
		v := a.cpu / float64(a.n)
		dims := []cwDim{{"ClusterName", a.cluster}, {"ServiceName", a.service}}
		t.putAWSPoint("AWS/ECS", "CPUUtilization", dims, cwPoint{TS: ts, Sum: v, Count: 1, Min: v, Max: v, Unit: "Percent"})
	}
}

// putAWSPoint stores one point of a service metric.
func (t *tx) putAWSPoint(ns, metric string, dims []cwDim, p cwPoint) {
	sort.Slice(dims, func(i, j int) bool { return dims[i].Name < dims[j].Name })
	key := seriesKey(ns, metric, dims)
	s := t.r.CloudWatch.Metrics[key]
	if s == nil {
		s = &cwSeries{Namespace: ns, Metric: metric, Dims: append([]cwDim(nil), dims...)}
		t.r.CloudWatch.Metrics[key] = s
	}
	s.Points = append(s.Points, p)
	if len(s.Points) > cwKeep {
		s.Points = append([]cwPoint(nil), s.Points[len(s.Points)-cwKeep:]...)
	}
	t.touch()
}

// writeLogs appends container lines to their streams, in time order.
func (dp *DataPlane) writeLogs(t *tx, lines []logLine) {
	if len(lines) == 0 {
		return
	}
	type sk struct{ g, s string }
	by := map[sk][]cwltypes.InputLogEvent{}
	var order []sk
	for _, l := range lines {
		k := sk{l.group, l.stream}
		if _, ok := by[k]; !ok {
			order = append(order, k)
		}
		by[k] = append(by[k], cwltypes.InputLogEvent{Timestamp: aws.Int64(l.ts), Message: aws.String(l.msg)})
	}
	for _, k := range order {
		g := t.r.Logs.Groups[k.g]
		if g == nil {
			continue // the group was deleted: the driver's lines are lost, as on AWS
		}
		if g.Streams == nil {
			g.Streams = map[string]*logStream{}
		}
		st := g.Streams[k.s]
		if st == nil {
			st = &logStream{Name: k.s, Created: t.now}
			g.Streams[k.s] = st
		}
		evs := by[k]
		sort.SliceStable(evs, func(i, j int) bool { return aws.ToInt64(evs[i].Timestamp) < aws.ToInt64(evs[j].Timestamp) })
		t.appendLogEvents(st, evs, t.now)
		t.touch()
	}
}

// evaluateAlarms sets the state of every alarm on an AWS/ metric from the
// last EvaluationPeriods periods of data: ALARM when DatapointsToAlarm of
// them breach, OK when data exist and don't, else as TreatMissingData says.
func (t *tx) evaluateAlarms() {
	for _, name := range sortedKeys(t.r.CloudWatch.Alarms) {
		al := t.r.CloudWatch.Alarms[name]
		d := &al.Def
		ns, metric := aws.ToString(d.Namespace), aws.ToString(d.MetricName)
		if metric == "" || len(ns) < 4 || ns[:4] != "AWS/" {
			continue
		}
		var dims []cwDim
		for _, x := range d.Dimensions {
			dims = append(dims, cwDim{aws.ToString(x.Name), aws.ToString(x.Value)})
		}
		sort.Slice(dims, func(i, j int) bool { return dims[i].Name < dims[j].Name })
		s := t.r.CloudWatch.Metrics[seriesKey(ns, metric, dims)]
		period := time.Duration(aws.ToInt32(d.Period)) * time.Second
		n := int(aws.ToInt32(d.EvaluationPeriods))
		if period <= 0 || n <= 0 {
			continue
		}
		need := int(aws.ToInt32(d.DatapointsToAlarm))
		if need <= 0 {
			need = n
		}
		stat := string(d.Statistic)
		if stat == "" {
			stat = aws.ToString(d.ExtendedStatistic)
		}
		end := t.now
		breaching, present := 0, 0
		for i := 0; i < n; i++ {
			from, to := end.Add(-time.Duration(i+1)*period), end.Add(-time.Duration(i)*period)
			var pts []cwPoint
			if s != nil {
				for _, p := range s.Points {
					if !p.TS.Before(from) && p.TS.Before(to) {
						pts = append(pts, p)
					}
				}
			}
			if len(pts) == 0 {
				if aws.ToString(d.TreatMissingData) == "breaching" {
					breaching++
				}
				continue
			}
			present++
			if breaches(d.ComparisonOperator, cwAggregate(stat, pts), aws.ToFloat64(d.Threshold)) {
				breaching++
			}
		}
		state, reason := d.StateValue, ""
		switch {
		case breaching >= need:
			state = cwtypes.StateValueAlarm
			reason = fmt.Sprintf("Threshold Crossed: %d out of the last %d datapoints were %s the threshold (%g).", breaching, n, cmpWord(d.ComparisonOperator), aws.ToFloat64(d.Threshold))
		case present > 0 || aws.ToString(d.TreatMissingData) == "notBreaching":
			state = cwtypes.StateValueOk
			reason = fmt.Sprintf("Threshold Crossed: %d out of the last %d datapoints were not %s the threshold (%g).", n-breaching, n, cmpWord(d.ComparisonOperator), aws.ToFloat64(d.Threshold))
		case aws.ToString(d.TreatMissingData) == "ignore":
			continue
		default:
			state = cwtypes.StateValueInsufficientData
			reason = "Insufficient Data: " + fmt.Sprint(n) + " datapoints were unknown."
		}
		if state == d.StateValue {
			continue
		}
		t.alarmTurned(al, state, reason)
	}
}

func breaches(op cwtypes.ComparisonOperator, v, th float64) bool {
	switch op {
	case cwtypes.ComparisonOperatorGreaterThanOrEqualToThreshold:
		return v >= th
	case cwtypes.ComparisonOperatorGreaterThanThreshold:
		return v > th
	case cwtypes.ComparisonOperatorLessThanThreshold:
		return v < th
	case cwtypes.ComparisonOperatorLessThanOrEqualToThreshold:
		return v <= th
	}
	return false
}

func cmpWord(op cwtypes.ComparisonOperator) string {
	switch op {
	case cwtypes.ComparisonOperatorGreaterThanOrEqualToThreshold:
		return "greater than or equal to"
	case cwtypes.ComparisonOperatorGreaterThanThreshold:
		return "greater than"
	case cwtypes.ComparisonOperatorLessThanThreshold:
		return "less than"
	case cwtypes.ComparisonOperatorLessThanOrEqualToThreshold:
		return "less than or equal to"
	}
	return string(op)
}
