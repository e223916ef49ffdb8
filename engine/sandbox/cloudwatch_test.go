package sandbox

import (
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

func alarmInput(name string) *cloudwatch.PutMetricAlarmInput {
	return &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String(name), Namespace: aws.String("AWS/ApplicationELB"),
		MetricName: aws.String("HTTPCode_Target_5XX_Count"), Statistic: cwtypes.StatisticSum, Period: aws.Int32(60),
		EvaluationPeriods: aws.Int32(5), Threshold: aws.Float64(10), ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold,
		Dimensions:       []cwtypes.Dimension{{Name: aws.String("LoadBalancer"), Value: aws.String("app/mvi-shop/0123456789abcdef")}},
		TreatMissingData: aws.String("notBreaching"), Tags: []cwtypes.Tag{cwTag("mvi:app", "shop")}}
}

func TestCloudWatchAlarms(t *testing.T) {
	s := openSB(t, Options{})
	c := apiOf(s)
	in := alarmInput("mvi-shop-5xx")
	in.Threshold = nil
	_, err := c.CloudWatch.PutMetricAlarm(bg, in)
	wantCode(t, err, "MissingParameter")
	in = alarmInput("mvi-shop-5xx")
	in.Period = aws.Int32(45)
	_, err = c.CloudWatch.PutMetricAlarm(bg, in)
	wantCode(t, err, "ValidationError")
	in = alarmInput("mvi-shop-5xx")
	in.ExtendedStatistic = aws.String("p99")
	_, err = c.CloudWatch.PutMetricAlarm(bg, in)
	wantCode(t, err, "InvalidParameterCombination")

	must(c.CloudWatch.PutMetricAlarm(bg, alarmInput("mvi-shop-5xx")))
	must(c.CloudWatch.PutMetricAlarm(bg, alarmInput("mvi-shop-cpu")))
	must(c.CloudWatch.PutMetricAlarm(bg, alarmInput("other")))
	d := must(c.CloudWatch.DescribeAlarms(bg, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"mvi-shop-5xx"}}))
	if len(d.MetricAlarms) != 1 {
		t.Fatalf("alarms %+v", d.MetricAlarms)
	}
	a := d.MetricAlarms[0]
	if a.StateValue != cwtypes.StateValueInsufficientData || *a.AlarmArn != "arn:aws:cloudwatch:us-east-1:"+s.Account()+":alarm:mvi-shop-5xx" ||
		*a.Threshold != 10 || len(a.Dimensions) != 1 || !*a.ActionsEnabled {
		t.Fatalf("alarm %+v", a)
	}
	// Tags given to PutMetricAlarm count only when it creates the alarm.
	upd := alarmInput("mvi-shop-5xx")
	upd.Threshold, upd.Tags = aws.Float64(20), []cwtypes.Tag{cwTag("ignored", "1")}
	must(c.CloudWatch.PutMetricAlarm(bg, upd))
	tags := must(c.CloudWatch.ListTagsForResource(bg, &cloudwatch.ListTagsForResourceInput{ResourceARN: a.AlarmArn}))
	if len(tags.Tags) != 1 || *tags.Tags[0].Key != "mvi:app" {
		t.Fatalf("tags %v", tags.Tags)
	}
	must(c.CloudWatch.TagResource(bg, &cloudwatch.TagResourceInput{ResourceARN: a.AlarmArn, Tags: []cwtypes.Tag{cwTag("team", "web")}}))
	if tags := must(c.CloudWatch.ListTagsForResource(bg, &cloudwatch.ListTagsForResourceInput{ResourceARN: a.AlarmArn})); len(tags.Tags) != 2 {
		t.Fatalf("tags %v", tags.Tags)
	}
	_, err = c.CloudWatch.ListTagsForResource(bg, &cloudwatch.ListTagsForResourceInput{ResourceARN: aws.String(*a.AlarmArn + "x")})
	var rnf *cwtypes.ResourceNotFoundException
	if !errors.As(err, &rnf) {
		t.Fatalf("want ResourceNotFoundException, got %v", err)
	}

	// State and filters.
	must(c.CloudWatch.SetAlarmState(bg, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String("mvi-shop-5xx"), StateValue: cwtypes.StateValueAlarm,
		StateReason: aws.String("test")}))
	_, err = c.CloudWatch.SetAlarmState(bg, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String("mvi-shop-5xx"), StateValue: cwtypes.StateValueOk,
		StateReason: aws.String("x"), StateReasonData: aws.String("{not json")})
	wantCode(t, err, "InvalidFormat")
	inAlarm := must(c.CloudWatch.DescribeAlarms(bg, &cloudwatch.DescribeAlarmsInput{StateValue: cwtypes.StateValueAlarm}))
	if len(inAlarm.MetricAlarms) != 1 || *inAlarm.MetricAlarms[0].Threshold != 20 || inAlarm.MetricAlarms[0].StateValue != cwtypes.StateValueAlarm {
		t.Fatalf("in alarm %+v", inAlarm.MetricAlarms)
	}
	var listed []string
	pg := cloudwatch.NewDescribeAlarmsPaginator(c.CloudWatch, &cloudwatch.DescribeAlarmsInput{AlarmNamePrefix: aws.String("mvi-shop-"), MaxRecords: aws.Int32(1)})
	for pg.HasMorePages() {
		for _, a := range must(pg.NextPage(bg)).MetricAlarms {
			listed = append(listed, *a.AlarmName)
		}
	}
	if len(listed) != 2 {
		t.Fatalf("prefix: %v", listed)
	}

	_, err = c.CloudWatch.DeleteAlarms(bg, &cloudwatch.DeleteAlarmsInput{AlarmNames: []string{"mvi-shop-cpu", "nope"}})
	var nf *cwtypes.ResourceNotFound
	if !errors.As(err, &nf) {
		t.Fatalf("want ResourceNotFound, got %v", err)
	}
	must(c.CloudWatch.DeleteAlarms(bg, &cloudwatch.DeleteAlarmsInput{AlarmNames: []string{"mvi-shop-cpu", "mvi-shop-5xx"}}))
	if d := must(c.CloudWatch.DescribeAlarms(bg, &cloudwatch.DescribeAlarmsInput{})); len(d.MetricAlarms) != 1 {
		t.Fatalf("left %+v", d.MetricAlarms)
	}
}

func TestCloudWatchDashboards(t *testing.T) {
	s := openSB(t, Options{})
	c := s.Clients()
	_, err := c.CloudWatch.PutDashboard(bg, &cloudwatch.PutDashboardInput{DashboardName: aws.String("mvi-shop"), DashboardBody: aws.String("{not json")})
	var bad *cwtypes.DashboardInvalidInputError
	if !errors.As(err, &bad) || len(bad.DashboardValidationMessages) == 0 || bad.ErrorCode() != "InvalidParameterInput" {
		t.Fatalf("want DashboardInvalidInputError with messages, got %v", err)
	}
	_, err = c.CloudWatch.PutDashboard(bg, &cloudwatch.PutDashboardInput{DashboardName: aws.String("mvi-shop"),
		DashboardBody: aws.String(`{"widgets":[{"type":"chart","x":0,"y":0,"width":30,"height":6}]}`)})
	if !errors.As(err, &bad) || len(bad.DashboardValidationMessages) != 2 {
		t.Fatalf("want two validation messages, got %v", err)
	}
	_, err = c.CloudWatch.PutDashboard(bg, &cloudwatch.PutDashboardInput{DashboardName: aws.String("bad name"), DashboardBody: aws.String(`{"widgets":[]}`)})
	wantCode(t, err, "InvalidParameterInput")
	body := `{"widgets":[{"type":"text","x":0,"y":0,"width":24,"height":2,"properties":{"markdown":"## shop"}},` +
		`{"type":"metric","x":0,"y":2,"width":24,"height":6,"properties":{"region":"us-east-1","metrics":[["AWS/ECS","CPUUtilization","ClusterName","mvi-shop"]]}}]}`
	for _, n := range []string{"mvi-shop", "mvi-shop-2", "other"} {
		out := must(c.CloudWatch.PutDashboard(bg, &cloudwatch.PutDashboardInput{DashboardName: aws.String(n), DashboardBody: aws.String(body)}))
		if len(out.DashboardValidationMessages) != 0 {
			t.Fatalf("messages %+v", out.DashboardValidationMessages)
		}
	}
	g := must(c.CloudWatch.GetDashboard(bg, &cloudwatch.GetDashboardInput{DashboardName: aws.String("mvi-shop")}))
	if *g.DashboardBody != body || *g.DashboardArn != "arn:aws:cloudwatch::"+s.Account()+":dashboard/mvi-shop" {
		t.Fatalf("dashboard %+v", g)
	}
	l := must(c.CloudWatch.ListDashboards(bg, &cloudwatch.ListDashboardsInput{DashboardNamePrefix: aws.String("mvi-")}))
	if len(l.DashboardEntries) != 2 || *l.DashboardEntries[0].Size != int64(len(body)) {
		t.Fatalf("list %+v", l.DashboardEntries)
	}
	_, err = c.CloudWatch.DeleteDashboards(bg, &cloudwatch.DeleteDashboardsInput{DashboardNames: []string{"mvi-shop", "nope"}})
	wantCode(t, err, "ResourceNotFound")
	must(c.CloudWatch.DeleteDashboards(bg, &cloudwatch.DeleteDashboardsInput{DashboardNames: []string{"mvi-shop"}}))
	_, err = c.CloudWatch.GetDashboard(bg, &cloudwatch.GetDashboardInput{DashboardName: aws.String("mvi-shop")})
	var nf *cwtypes.DashboardNotFoundError
	if !errors.As(err, &nf) || nf.ErrorCode() != "ResourceNotFound" {
		t.Fatalf("want ResourceNotFound, got %v", err)
	}
}

func TestCloudWatchMetricData(t *testing.T) {
	clk := NewManualClock(time.Date(2026, 9, 10, 11, 0, 0, 0, time.UTC))
	s := openSB(t, Options{Clock: clk})
	c := apiOf(s)
	t0 := clk.Now().Add(-10 * time.Minute)
	dims := []cwtypes.Dimension{{Name: aws.String("Service"), Value: aws.String("web")}}
	put := func(at time.Duration, v float64) {
		must(c.CloudWatch.PutMetricData(bg, &cloudwatch.PutMetricDataInput{Namespace: aws.String("MVI/Shop"), MetricData: []cwtypes.MetricDatum{{
			MetricName: aws.String("Latency"), Dimensions: dims, Timestamp: aws.Time(t0.Add(at)), Value: aws.Float64(v), Unit: cwtypes.StandardUnitMilliseconds}}}))
	}
	put(0, 10)
	put(10*time.Second, 30)
	put(70*time.Second, 5)
	must(c.CloudWatch.PutMetricData(bg, &cloudwatch.PutMetricDataInput{Namespace: aws.String("MVI/Shop"), MetricData: []cwtypes.MetricDatum{{
		MetricName: aws.String("Latency"), Dimensions: dims, Timestamp: aws.Time(t0.Add(80 * time.Second)),
		StatisticValues: &cwtypes.StatisticSet{Sum: aws.Float64(15), SampleCount: aws.Float64(3), Minimum: aws.Float64(1), Maximum: aws.Float64(9)}}}}))
	_, err := c.CloudWatch.PutMetricData(bg, &cloudwatch.PutMetricDataInput{Namespace: aws.String("AWS/EC2"), MetricData: []cwtypes.MetricDatum{{MetricName: aws.String("x"), Value: aws.Float64(1)}}})
	wantCode(t, err, "InvalidParameterValue")
	_, err = c.CloudWatch.PutMetricData(bg, &cloudwatch.PutMetricDataInput{Namespace: aws.String("MVI/Shop"), MetricData: []cwtypes.MetricDatum{{
		MetricName: aws.String("x"), Value: aws.Float64(1), Values: []float64{1}}}})
	wantCode(t, err, "InvalidParameterCombination")

	q := func(id, stat string) cwtypes.MetricDataQuery {
		return cwtypes.MetricDataQuery{Id: aws.String(id), MetricStat: &cwtypes.MetricStat{Period: aws.Int32(60), Stat: aws.String(stat),
			Metric: &cwtypes.Metric{Namespace: aws.String("MVI/Shop"), MetricName: aws.String("Latency"), Dimensions: dims}}}
	}
	out := must(c.CloudWatch.GetMetricData(bg, &cloudwatch.GetMetricDataInput{StartTime: aws.Time(t0.Add(-time.Minute)), EndTime: aws.Time(clk.Now()),
		MetricDataQueries: []cwtypes.MetricDataQuery{q("sum", "Sum"), q("avg", "Average"), q("max", "Maximum"), q("n", "SampleCount"), q("p50", "p50")}}))
	want := map[string][]float64{"sum": {20, 40}, "avg": {5, 20}, "max": {9, 30}, "n": {4, 2}, "p50": {5, 10}}
	for _, r := range out.MetricDataResults {
		w := want[*r.Id]
		if len(r.Values) != 2 || r.Values[0] != w[0] || r.Values[1] != w[1] || !r.Timestamps[0].After(r.Timestamps[1]) || r.StatusCode != cwtypes.StatusCodeComplete {
			t.Errorf("%s: %v at %v, want %v (newest first)", *r.Id, r.Values, r.Timestamps, w)
		}
	}
	if len(out.MetricDataResults) != 5 {
		t.Fatalf("results %d", len(out.MetricDataResults))
	}
	// The dimension set is part of the metric's identity.
	none := must(c.CloudWatch.GetMetricData(bg, &cloudwatch.GetMetricDataInput{StartTime: aws.Time(t0.Add(-time.Minute)), EndTime: aws.Time(clk.Now()),
		MetricDataQueries: []cwtypes.MetricDataQuery{{Id: aws.String("a"), MetricStat: &cwtypes.MetricStat{Period: aws.Int32(60), Stat: aws.String("Sum"),
			Metric: &cwtypes.Metric{Namespace: aws.String("MVI/Shop"), MetricName: aws.String("Latency")}}}}}))
	if len(none.MetricDataResults[0].Values) != 0 {
		t.Fatalf("without dimensions: %v", none.MetricDataResults[0].Values)
	}
	_, err = c.CloudWatch.GetMetricData(bg, &cloudwatch.GetMetricDataInput{StartTime: aws.Time(clk.Now()), EndTime: aws.Time(t0),
		MetricDataQueries: []cwtypes.MetricDataQuery{q("a", "Sum")}})
	wantCode(t, err, "ValidationError")
}
