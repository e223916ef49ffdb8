package sandbox

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

func (a *cloudwatchAPI) PutMetricData(ctx context.Context, in *cloudwatch.PutMetricDataInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.PutMetricDataOutput, error) {
	return callIn(ctx, a.s, a.region, svcCloudWatch, "PutMetricData", func(t *tx) (*cloudwatch.PutMetricDataOutput, error) {
		ns := aws.ToString(in.Namespace)
		if ns == "" {
			return nil, cwMissing("Namespace")
		}
		if len(ns) > 255 || strings.HasPrefix(ns, "AWS/") || strings.HasPrefix(ns, ":") {
			return nil, cwInvalid("The value %s for parameter Namespace is invalid.", ns)
		}
		data := append([]cwtypes.MetricDatum{}, in.MetricData...)
		for _, e := range in.EntityMetricData {
			data = append(data, e.MetricData...)
		}
		if len(data) == 0 {
			return nil, cwMissing("MetricData")
		}
		if len(data) > 1000 {
			return nil, cwInvalid("The collection MetricData must not have a size greater than 1000.")
		}
		type put struct {
			key string
			s   cwSeries
			pts []cwPoint
		}
		var puts []put
		finite := func(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
		for i, d := range data {
			where := fmt.Sprintf("MetricData.member.%d", i+1)
			name := aws.ToString(d.MetricName)
			if name == "" || len(name) > 255 {
				return nil, cwMissing(where + ".MetricName")
			}
			dims, err := cwDims(d.Dimensions, where+".Dimensions")
			if err != nil {
				return nil, err
			}
			ts := t.now
			if d.Timestamp != nil {
				ts = d.Timestamp.UTC()
			}
			if ts.After(t.now.Add(2 * time.Hour)) {
				return nil, cwInvalid("The parameter %s.Timestamp must specify a time no more than two hours in the future.", where)
			}
			if ts.Before(t.now.Add(-14 * 24 * time.Hour)) {
				return nil, cwInvalid("The parameter %s.Timestamp must specify a time within the past two weeks.", where)
			}
			if r := aws.ToInt32(d.StorageResolution); r != 0 && r != 1 && r != 60 {
				return nil, cwInvalid("The value %d for parameter %s.StorageResolution is invalid.", r, where)
			}
			n := 0
			for _, set := range []bool{d.Value != nil, len(d.Values) > 0, d.StatisticValues != nil} {
				if set {
					n++
				}
			}
			if n != 1 {
				return nil, cwCombination("The parameters %s.Value, %s.Values and %s.StatisticValues are mutually exclusive and one of them is required.", where, where, where)
			}
			var pts []cwPoint
			unit := string(d.Unit)
			switch {
			case d.Value != nil:
				if !finite(*d.Value) {
					return nil, cwInvalid("The value for parameter %s.Value is invalid.", where)
				}
				pts = append(pts, cwPoint{TS: ts, Sum: *d.Value, Count: 1, Min: *d.Value, Max: *d.Value, Unit: unit})
			case len(d.Values) > 0:
				if len(d.Counts) > 0 && len(d.Counts) != len(d.Values) {
					return nil, cwCombination("The parameters %s.Values and %s.Counts must be of the same size.", where, where)
				}
				if len(d.Values) > 150 {
					return nil, cwInvalid("The collection %s.Values must not have a size greater than 150.", where)
				}
				for j, v := range d.Values {
					c := 1.0
					if len(d.Counts) > 0 {
						c = d.Counts[j]
					}
					if !finite(v) || !finite(c) || c <= 0 {
						return nil, cwInvalid("The value for parameter %s.Values is invalid.", where)
					}
					pts = append(pts, cwPoint{TS: ts, Sum: v * c, Count: c, Min: v, Max: v, Unit: unit})
				}
			default:
				sv := d.StatisticValues
				if sv.Sum == nil || sv.SampleCount == nil || sv.Minimum == nil || sv.Maximum == nil {
					return nil, cwMissing(where + ".StatisticValues.Sum, SampleCount, Minimum and Maximum")
				}
				if !finite(*sv.Sum) || !finite(*sv.SampleCount) || !finite(*sv.Minimum) || !finite(*sv.Maximum) || *sv.SampleCount <= 0 || *sv.Minimum > *sv.Maximum {
					return nil, cwInvalid("The values of %s.StatisticValues are invalid.", where)
				}
				pts = append(pts, cwPoint{TS: ts, Sum: *sv.Sum, Count: *sv.SampleCount, Min: *sv.Minimum, Max: *sv.Maximum, Unit: unit})
			}
			puts = append(puts, put{key: seriesKey(ns, name, dims), s: cwSeries{Namespace: ns, Metric: name, Dims: dims}, pts: pts})
		}
		for _, p := range puts {
			s := t.r.CloudWatch.Metrics[p.key]
			if s == nil {
				cp := p.s
				s = &cp
				t.r.CloudWatch.Metrics[p.key] = s
			}
			s.Points = append(s.Points, p.pts...)
			sort.SliceStable(s.Points, func(i, j int) bool { return s.Points[i].TS.Before(s.Points[j].TS) })
			old := t.now.Add(-cwMaxAge)
			i := sort.Search(len(s.Points), func(i int) bool { return !s.Points[i].TS.Before(old) })
			if len(s.Points)-i > cwKeep {
				i = len(s.Points) - cwKeep
			}
			if i > 0 {
				s.Points = append([]cwPoint(nil), s.Points[i:]...)
			}
		}
		return &cloudwatch.PutMetricDataOutput{}, nil
	})
}

// cwAggregate computes a statistic over the points of one period.
func cwAggregate(stat string, pts []cwPoint) float64 {
	var sum, count float64
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range pts {
		sum += p.Sum
		count += p.Count
		lo, hi = math.Min(lo, p.Min), math.Max(hi, p.Max)
	}
	switch stat {
	case "Sum":
		return sum
	case "SampleCount":
		return count
	case "Average":
		return sum / count
	case "Minimum":
		return lo
	case "Maximum":
		return hi
	}
	// A percentile (nearest rank) over the values put; statistic sets count
	// as their average, repeated.
	q, _ := strconv.ParseFloat(strings.TrimPrefix(stat, "p"), 64)
	type wv struct{ v, w float64 }
	vs := make([]wv, 0, len(pts))
	for _, p := range pts {
		vs = append(vs, wv{p.Sum / p.Count, p.Count})
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i].v < vs[j].v })
	rank := math.Ceil(q / 100 * count)
	acc := 0.0
	for _, x := range vs {
		acc += x.w
		if acc >= rank {
			return x.v
		}
	}
	return vs[len(vs)-1].v
}

func (a *cloudwatchAPI) GetMetricData(ctx context.Context, in *cloudwatch.GetMetricDataInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error) {
	return callIn(ctx, a.s, a.region, svcCloudWatch, "GetMetricData", func(t *tx) (*cloudwatch.GetMetricDataOutput, error) {
		if in.StartTime == nil {
			return nil, cwMissing("StartTime")
		}
		if in.EndTime == nil {
			return nil, cwMissing("EndTime")
		}
		start, end := in.StartTime.UTC(), in.EndTime.UTC()
		if !start.Before(end) {
			return nil, cwValidation("The parameter StartTime must be less than the parameter EndTime.")
		}
		if len(in.MetricDataQueries) == 0 || len(in.MetricDataQueries) > 500 {
			return nil, cwValidation("1 validation error detected: Value at 'metricDataQueries' failed to satisfy constraint: Member must have length between 1 and 500")
		}
		if in.ScanBy != "" && in.ScanBy != cwtypes.ScanByTimestampDescending && in.ScanBy != cwtypes.ScanByTimestampAscending {
			return nil, cwValidation("1 validation error detected: Value '%s' at 'scanBy' failed to satisfy constraint: Member must satisfy enum value set: [TimestampDescending, TimestampAscending]", in.ScanBy)
		}
		ids := map[string]bool{}
		for i, q := range in.MetricDataQueries {
			id := aws.ToString(q.Id)
			if !cwQueryIDRE.MatchString(id) {
				return nil, cwValidation("The value %s for parameter MetricDataQueries.member.%d.Id is invalid: it must start with a lowercase letter and contain only letters, digits and underscores.", id, i+1)
			}
			if ids[id] {
				return nil, cwValidation("The value %s for parameter MetricDataQueries.member.%d.Id is not unique.", id, i+1)
			}
			ids[id] = true
			if (q.MetricStat == nil) == (q.Expression == nil) {
				return nil, cwValidation("The parameter MetricDataQueries.member.%d must have exactly one of MetricStat and Expression.", i+1)
			}
			if q.Expression != nil {
				return nil, cwValidation("The sandbox doesn't evaluate metric math (MetricDataQueries.member.%d.Expression); query with MetricStat.", i+1)
			}
			ms := q.MetricStat
			if ms.Metric == nil || aws.ToString(ms.Metric.Namespace) == "" || aws.ToString(ms.Metric.MetricName) == "" {
				return nil, cwMissing(fmt.Sprintf("MetricDataQueries.member.%d.MetricStat.Metric.Namespace and MetricName", i+1))
			}
			if err := checkCWPeriod(aws.ToInt32(ms.Period), fmt.Sprintf("MetricDataQueries.member.%d.MetricStat.Period", i+1)); err != nil {
				return nil, err
			}
			if err := checkCWStat(aws.ToString(ms.Stat)); err != nil {
				return nil, err
			}
			if _, err := cwDims(ms.Metric.Dimensions, fmt.Sprintf("MetricDataQueries.member.%d.MetricStat.Metric.Dimensions", i+1)); err != nil {
				return nil, err
			}
		}
		out := &cloudwatch.GetMetricDataOutput{MetricDataResults: []cwtypes.MetricDataResult{}, Messages: []cwtypes.MessageData{}}
		for _, q := range in.MetricDataQueries {
			if q.ReturnData != nil && !*q.ReturnData {
				continue
			}
			ms := q.MetricStat
			dims, _ := cwDims(ms.Metric.Dimensions, "")
			period := int64(aws.ToInt32(ms.Period))
			buckets := map[int64][]cwPoint{}
			if s := t.r.CloudWatch.Metrics[seriesKey(*ms.Metric.Namespace, *ms.Metric.MetricName, dims)]; s != nil {
				for _, p := range s.Points {
					if p.TS.Before(start) || !p.TS.Before(end) || (ms.Unit != "" && ms.Unit != cwtypes.StandardUnit(p.Unit)) {
						continue
					}
					b := p.TS.Unix() / period * period // periods align on the Unix epoch
					buckets[b] = append(buckets[b], p)
				}
			}
			keys := make([]int64, 0, len(buckets))
			for k := range buckets {
				keys = append(keys, k)
			}
			sort.Slice(keys, func(i, j int) bool {
				if in.ScanBy == cwtypes.ScanByTimestampAscending {
					return keys[i] < keys[j]
				}
				return keys[i] > keys[j]
			})
			label := aws.ToString(q.Label)
			if label == "" {
				label = *ms.Metric.MetricName
			}
			r := cwtypes.MetricDataResult{Id: q.Id, Label: aws.String(label), StatusCode: cwtypes.StatusCodeComplete,
				Timestamps: []time.Time{}, Values: []float64{}, Messages: []cwtypes.MessageData{}}
			for _, k := range keys {
				r.Timestamps = append(r.Timestamps, time.Unix(k, 0).UTC())
				r.Values = append(r.Values, cwAggregate(*ms.Stat, buckets[k]))
			}
			out.MetricDataResults = append(out.MetricDataResults, r)
		}
		return out, nil
	})
}
