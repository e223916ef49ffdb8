package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/minimalinfra/mvi/engine/cloud"
)

// CloudWatch: metric alarms (validated as PutMetricAlarm does, created in
// INSUFFICIENT_DATA, state set by SetAlarmState; alarms on AWS/ metrics
// are evaluated by the data plane when it publishes, metrics_publish.go),
// dashboards (the body must be a JSON object with valid widgets), custom
// metrics (PutMetricData stores datapoints per namespace, metric and
// dimension set, at most cwKeep per series and none older than cwMaxAge)
// and GetMetricData over them (MetricStat queries; no metric math).
// Services' own metrics (AWS/ApplicationELB, AWS/ECS) are produced only
// while a data plane serves (see Serve).

type cloudwatchAPI struct{ s *Sandbox }

var _ cloud.CloudWatch = (*cloudwatchAPI)(nil)

type cloudwatchState struct {
	Alarms     map[string]*cwAlarm     `json:"alarms"`
	Dashboards map[string]*cwDashboard `json:"dashboards"`
	Metrics    map[string]*cwSeries    `json:"metrics"`
}

type cwAlarm struct {
	Meta
	Def cwtypes.MetricAlarm `json:"def"`
}

type cwDashboard struct {
	Name     string    `json:"name"`
	Body     string    `json:"body"`
	Created  time.Time `json:"created"`
	Modified time.Time `json:"modified"`
}

type cwSeries struct {
	Namespace string    `json:"namespace"`
	Metric    string    `json:"metric"`
	Dims      []cwDim   `json:"dimensions,omitempty"`
	Points    []cwPoint `json:"points"`
}

type cwDim struct {
	Name  string `json:"n"`
	Value string `json:"v"`
}

// cwPoint is one datum as put: a single value (Count 1) or a statistic set.
type cwPoint struct {
	TS    time.Time `json:"t"`
	Sum   float64   `json:"s"`
	Count float64   `json:"c"`
	Min   float64   `json:"lo"`
	Max   float64   `json:"hi"`
	Unit  string    `json:"u,omitempty"`
}

const (
	cwKeep   = 10000
	cwMaxAge = 15 * 24 * time.Hour
)

var (
	cwDashNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)
	cwQueryIDRE  = regexp.MustCompile(`^[a-z][a-zA-Z0-9_]*$`)
	cwPctRE      = regexp.MustCompile(`^p(\d{1,2}(?:\.\d{1,2})?|100)$`)
	cwStats      = map[string]bool{"Sum": true, "Average": true, "Maximum": true, "Minimum": true, "SampleCount": true}
	cwWidgets    = map[string]bool{"metric": true, "text": true, "log": true, "alarm": true, "explorer": true, "custom": true}
)

func cwValidation(format string, args ...any) error { return validationError(format, args...) }

func cwInvalid(format string, args ...any) error {
	return &cwtypes.InvalidParameterValueException{Message: aws.String(fmt.Sprintf(format, args...))}
}

func cwCombination(format string, args ...any) error {
	return &cwtypes.InvalidParameterCombinationException{Message: aws.String(fmt.Sprintf(format, args...))}
}

func cwMissing(name string) error {
	return &cwtypes.MissingRequiredParameterException{Message: aws.String("The parameter " + name + " is required.")}
}

func alarmNotFound(format string, args ...any) error {
	return withStatus(404, &cwtypes.ResourceNotFound{Message: aws.String(fmt.Sprintf(format, args...))})
}

func dashboardNotFound(name string) error {
	return withStatus(404, &cwtypes.DashboardNotFoundError{Message: aws.String("Dashboard " + name + " does not exist")})
}

func cwTagList(m map[string]string) []cwtypes.Tag {
	out := []cwtypes.Tag{}
	for _, k := range sortedKeys(m) {
		out = append(out, cwtypes.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

func cwTagMap(ts []cwtypes.Tag) (map[string]string, error) {
	m := map[string]string{}
	for _, tg := range ts {
		k := aws.ToString(tg.Key)
		if k == "" || len(k) > 128 || len(aws.ToString(tg.Value)) > 256 {
			return nil, cwInvalid("Tag keys must be 1 to 128 characters and values at most 256 characters.")
		}
		m[k] = aws.ToString(tg.Value)
	}
	if k, bad := reservedTag(m); bad {
		return nil, cwInvalid("Invalid tag key %s: the aws: prefix is reserved.", k)
	}
	return m, nil
}

func cwDims(ds []cwtypes.Dimension, where string) ([]cwDim, error) {
	if len(ds) > 30 {
		return nil, cwInvalid("The collection %s must not have a size greater than 30.", where)
	}
	out := make([]cwDim, 0, len(ds))
	seen := map[string]bool{}
	for _, d := range ds {
		n, v := aws.ToString(d.Name), aws.ToString(d.Value)
		if n == "" || v == "" || len(n) > 255 || len(v) > 1024 {
			return nil, cwInvalid("The parameter %s must have a name (1–255 characters) and a value (1–1024 characters).", where)
		}
		if seen[n] {
			return nil, cwCombination("No metric may have duplicate dimension names.")
		}
		seen[n] = true
		out = append(out, cwDim{n, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func seriesKey(ns, metric string, dims []cwDim) string {
	var b strings.Builder
	b.WriteString(ns + "\x00" + metric)
	for _, d := range dims {
		b.WriteString("\x00" + d.Name + "=" + d.Value)
	}
	return b.String()
}

// --- alarms ---

var cwComparisons = map[cwtypes.ComparisonOperator]bool{
	cwtypes.ComparisonOperatorGreaterThanOrEqualToThreshold: true, cwtypes.ComparisonOperatorGreaterThanThreshold: true,
	cwtypes.ComparisonOperatorLessThanThreshold: true, cwtypes.ComparisonOperatorLessThanOrEqualToThreshold: true,
	cwtypes.ComparisonOperatorLessThanLowerOrGreaterThanUpperThreshold: true, cwtypes.ComparisonOperatorLessThanLowerThreshold: true,
	cwtypes.ComparisonOperatorGreaterThanUpperThreshold: true,
}

func checkCWPeriod(p int32, where string) error {
	if p < 1 || (p != 1 && p != 5 && p != 10 && p != 20 && p != 30 && p%60 != 0) {
		return cwValidation("The parameter %s must be 10, 20, 30 or a multiple of 60 (1, 5 for high-resolution metrics).", where)
	}
	return nil
}

func checkCWStat(s string) error {
	if cwStats[s] || cwPctRE.MatchString(s) {
		return nil
	}
	return cwValidation("Unrecognized statistic %s. Use Sum, Average, Maximum, Minimum, SampleCount or a percentile pNN.NN.", s)
}

func checkAlarmQueries(qs []cwtypes.MetricDataQuery) error {
	ids := map[string]bool{}
	returned := 0
	for i, q := range qs {
		id := aws.ToString(q.Id)
		if !cwQueryIDRE.MatchString(id) {
			return cwValidation("Invalid metrics list: the Id '%s' of Metrics.member.%d must start with a lowercase letter and contain only letters, digits and underscores.", id, i+1)
		}
		if ids[id] {
			return cwValidation("Invalid metrics list: duplicate Id '%s'.", id)
		}
		ids[id] = true
		if (q.MetricStat == nil) == (q.Expression == nil) {
			return cwValidation("Invalid metrics list: Metrics.member.%d must have exactly one of MetricStat and Expression.", i+1)
		}
		if ms := q.MetricStat; ms != nil {
			if ms.Metric == nil || aws.ToString(ms.Metric.MetricName) == "" || aws.ToString(ms.Metric.Namespace) == "" {
				return cwValidation("Invalid metrics list: Metrics.member.%d.MetricStat.Metric needs a Namespace and a MetricName.", i+1)
			}
			if err := checkCWPeriod(aws.ToInt32(ms.Period), fmt.Sprintf("Metrics.member.%d.MetricStat.Period", i+1)); err != nil {
				return err
			}
			if err := checkCWStat(aws.ToString(ms.Stat)); err != nil {
				return err
			}
		}
		if q.ReturnData == nil || *q.ReturnData {
			returned++
		}
	}
	if returned != 1 {
		return cwValidation("Invalid metrics list: exactly one element of the Metrics list must return data (ReturnData true).")
	}
	return nil
}

func (t *tx) alarmOut(al *cwAlarm) cwtypes.MetricAlarm {
	out := clone(al.Def)
	out.AlarmName, out.AlarmArn = aws.String(al.ID), aws.String(al.ARN)
	return out
}

func (a *cloudwatchAPI) PutMetricAlarm(ctx context.Context, in *cloudwatch.PutMetricAlarmInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.PutMetricAlarmOutput, error) {
	return call(ctx, a.s, svcCloudWatch, "PutMetricAlarm", func(t *tx) (*cloudwatch.PutMetricAlarmOutput, error) {
		name := aws.ToString(in.AlarmName)
		if name == "" || len(name) > 255 {
			return nil, cwValidation("1 validation error detected: Value '%s' at 'alarmName' failed to satisfy constraint: Member must have length between 1 and 255", name)
		}
		if in.EvaluationPeriods == nil {
			return nil, cwMissing("EvaluationPeriods")
		}
		if *in.EvaluationPeriods < 1 {
			return nil, cwValidation("1 validation error detected: Value '%d' at 'evaluationPeriods' failed to satisfy constraint: Member must have value greater than or equal to 1", *in.EvaluationPeriods)
		}
		if !cwComparisons[in.ComparisonOperator] {
			return nil, cwValidation("1 validation error detected: Value '%s' at 'comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set", in.ComparisonOperator)
		}
		if d := in.DatapointsToAlarm; d != nil && (*d < 1 || *d > *in.EvaluationPeriods) {
			return nil, cwValidation("DatapointsToAlarm must be between 1 and EvaluationPeriods (%d).", *in.EvaluationPeriods)
		}
		if len(aws.ToString(in.AlarmDescription)) > 1024 {
			return nil, cwValidation("1 validation error detected: Value at 'alarmDescription' failed to satisfy constraint: Member must have length less than or equal to 1024")
		}
		single := in.MetricName != nil || in.Namespace != nil || in.Statistic != "" || in.ExtendedStatistic != nil || in.Period != nil || len(in.Dimensions) > 0
		switch {
		case single && len(in.Metrics) > 0:
			return nil, cwCombination("The parameters MetricName, Namespace, Statistic, ExtendedStatistic, Period and Dimensions can't be used with Metrics.")
		case len(in.Metrics) > 0:
			if err := checkAlarmQueries(in.Metrics); err != nil {
				return nil, err
			}
		default:
			if aws.ToString(in.MetricName) == "" {
				return nil, cwMissing("MetricName")
			}
			if aws.ToString(in.Namespace) == "" {
				return nil, cwMissing("Namespace")
			}
			if (in.Statistic == "") == (in.ExtendedStatistic == nil) {
				return nil, cwCombination("Exactly one element of the Statistic and ExtendedStatistic parameters must be specified.")
			}
			if in.Statistic != "" && !cwStats[string(in.Statistic)] {
				return nil, cwValidation("1 validation error detected: Value '%s' at 'statistic' failed to satisfy constraint: Member must satisfy enum value set: [Maximum, SampleCount, Sum, Minimum, Average]", in.Statistic)
			}
			if in.ExtendedStatistic != nil && !cwPctRE.MatchString(*in.ExtendedStatistic) {
				return nil, cwInvalid("The value %s for parameter ExtendedStatistic is not supported.", *in.ExtendedStatistic)
			}
			if in.Period == nil {
				return nil, cwMissing("Period")
			}
			if err := checkCWPeriod(*in.Period, "Period"); err != nil {
				return nil, err
			}
			if int64(*in.Period)*int64(*in.EvaluationPeriods) > 7*24*3600 {
				return nil, cwValidation("The maximum evaluation period of an alarm (Period × EvaluationPeriods) is 7 days.")
			}
			if _, err := cwDims(in.Dimensions, "Dimensions"); err != nil {
				return nil, err
			}
		}
		anomaly := in.ComparisonOperator == cwtypes.ComparisonOperatorLessThanLowerOrGreaterThanUpperThreshold ||
			in.ComparisonOperator == cwtypes.ComparisonOperatorLessThanLowerThreshold || in.ComparisonOperator == cwtypes.ComparisonOperatorGreaterThanUpperThreshold
		switch {
		case anomaly && in.ThresholdMetricId == nil:
			return nil, cwCombination("ThresholdMetricId is required with the comparison operator %s.", in.ComparisonOperator)
		case anomaly && in.Threshold != nil:
			return nil, cwCombination("Threshold can't be used with the comparison operator %s.", in.ComparisonOperator)
		case !anomaly && in.ThresholdMetricId != nil:
			return nil, cwCombination("ThresholdMetricId can only be used with anomaly detection comparison operators.")
		case !anomaly && in.Threshold == nil:
			return nil, cwMissing("Threshold")
		}
		if in.Threshold != nil && (math.IsNaN(*in.Threshold) || math.IsInf(*in.Threshold, 0)) {
			return nil, cwInvalid("The value for parameter Threshold is invalid.")
		}
		if tm := aws.ToString(in.TreatMissingData); tm != "" && tm != "breaching" && tm != "notBreaching" && tm != "ignore" && tm != "missing" {
			return nil, cwValidation("The value %s is not supported for TreatMissingData; use breaching, notBreaching, ignore or missing.", tm)
		}
		if e := aws.ToString(in.EvaluateLowSampleCountPercentile); e != "" && e != "evaluate" && e != "ignore" {
			return nil, cwValidation("The value %s is not supported for EvaluateLowSampleCountPercentile; use evaluate or ignore.", e)
		}
		for _, list := range [][]string{in.AlarmActions, in.OKActions, in.InsufficientDataActions} {
			if len(list) > 5 {
				return nil, cwValidation("An alarm can have at most 5 actions per state.")
			}
			for _, act := range list {
				if _, ok := parseARN(act); !ok {
					return nil, cwValidation("Invalid arn syntax: %s", act)
				}
			}
		}
		tags, err := cwTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		def := cwtypes.MetricAlarm{
			AlarmDescription: in.AlarmDescription, ActionsEnabled: aws.Bool(in.ActionsEnabled == nil || *in.ActionsEnabled),
			AlarmActions: append([]string{}, in.AlarmActions...), OKActions: append([]string{}, in.OKActions...),
			InsufficientDataActions: append([]string{}, in.InsufficientDataActions...),
			ComparisonOperator:      in.ComparisonOperator, EvaluationPeriods: in.EvaluationPeriods, DatapointsToAlarm: in.DatapointsToAlarm,
			Threshold: in.Threshold, ThresholdMetricId: in.ThresholdMetricId, TreatMissingData: in.TreatMissingData,
			EvaluateLowSampleCountPercentile: in.EvaluateLowSampleCountPercentile, Unit: in.Unit,
			AlarmConfigurationUpdatedTimestamp: tp(t.now),
		}
		if len(in.Metrics) > 0 {
			def.Metrics = in.Metrics
		} else {
			def.MetricName, def.Namespace, def.Statistic, def.ExtendedStatistic, def.Period = in.MetricName, in.Namespace, in.Statistic, in.ExtendedStatistic, in.Period
			def.Dimensions = append([]cwtypes.Dimension{}, in.Dimensions...)
		}
		def = clone(def) // no aliasing of the caller's input
		al := t.r.CloudWatch.Alarms[name]
		if al == nil {
			// Tags count only when the call creates the alarm.
			al = &cwAlarm{Meta: Meta{ID: name, ARN: t.arn("cloudwatch", "alarm:"+name), Created: t.now}}
			al.setTags(tags)
			def.StateValue = cwtypes.StateValueInsufficientData
			def.StateReason = aws.String("Unchecked: Initial alarm creation")
			def.StateUpdatedTimestamp, def.StateTransitionedTimestamp = tp(t.now), tp(t.now)
			t.r.CloudWatch.Alarms[name] = al
		} else {
			// The state is kept; the configuration is replaced whole.
			old := al.Def
			def.StateValue, def.StateReason, def.StateReasonData = old.StateValue, old.StateReason, old.StateReasonData
			def.StateUpdatedTimestamp, def.StateTransitionedTimestamp = old.StateUpdatedTimestamp, old.StateTransitionedTimestamp
		}
		al.Def = def
		return &cloudwatch.PutMetricAlarmOutput{}, nil
	})
}

func (a *cloudwatchAPI) DescribeAlarms(ctx context.Context, in *cloudwatch.DescribeAlarmsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error) {
	return call(ctx, a.s, svcCloudWatch, "DescribeAlarms", func(t *tx) (*cloudwatch.DescribeAlarmsOutput, error) {
		if len(in.AlarmNames) > 0 && in.AlarmNamePrefix != nil {
			return nil, cwCombination("AlarmNames and AlarmNamePrefix can't be used together.")
		}
		if len(in.AlarmNames) > 100 {
			return nil, cwValidation("1 validation error detected: Value at 'alarmNames' failed to satisfy constraint: Member must have length less than or equal to 100")
		}
		limit := int(aws.ToInt32(in.MaxRecords))
		if in.MaxRecords == nil {
			limit = 50
		}
		if limit < 1 || limit > 100 {
			return nil, cwValidation("1 validation error detected: Value '%d' at 'maxRecords' failed to satisfy constraint: Member must have value between 1 and 100", limit)
		}
		if in.StateValue != "" && in.StateValue != cwtypes.StateValueOk && in.StateValue != cwtypes.StateValueAlarm && in.StateValue != cwtypes.StateValueInsufficientData {
			return nil, cwValidation("1 validation error detected: Value '%s' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]", in.StateValue)
		}
		metric := len(in.AlarmTypes) == 0
		for _, at := range in.AlarmTypes {
			metric = metric || at == cwtypes.AlarmTypeMetricAlarm
		}
		out := &cloudwatch.DescribeAlarmsOutput{MetricAlarms: []cwtypes.MetricAlarm{}, CompositeAlarms: []cwtypes.CompositeAlarm{}}
		if !metric || in.ChildrenOfAlarmName != nil || in.ParentsOfAlarmName != nil {
			return out, nil // no composite alarms in the sandbox
		}
		names := newIDSet(in.AlarmNames)
		var all []cwtypes.MetricAlarm
		for _, n := range sortedKeys(t.r.CloudWatch.Alarms) {
			al := t.r.CloudWatch.Alarms[n]
			if t.hidden(al.Created) || !names.has(n) || !strings.HasPrefix(n, aws.ToString(in.AlarmNamePrefix)) {
				continue
			}
			if in.StateValue != "" && al.Def.StateValue != in.StateValue {
				continue
			}
			if p := aws.ToString(in.ActionPrefix); p != "" {
				found := false
				for _, act := range append(append(append([]string{}, al.Def.AlarmActions...), al.Def.OKActions...), al.Def.InsufficientDataActions...) {
					found = found || strings.HasPrefix(act, p)
				}
				if !found {
					continue
				}
			}
			all = append(all, t.alarmOut(al))
		}
		items, next, err := page(all, in.NextToken, limit)
		if err != nil {
			return nil, &cwtypes.InvalidNextToken{Message: aws.String("The service returned an error with Error Code InvalidNextToken.")}
		}
		if items != nil {
			out.MetricAlarms = items
		}
		out.NextToken = next
		return out, nil
	})
}

func (a *cloudwatchAPI) DeleteAlarms(ctx context.Context, in *cloudwatch.DeleteAlarmsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.DeleteAlarmsOutput, error) {
	return call(ctx, a.s, svcCloudWatch, "DeleteAlarms", func(t *tx) (*cloudwatch.DeleteAlarmsOutput, error) {
		if len(in.AlarmNames) > 100 {
			return nil, cwValidation("1 validation error detected: Value at 'alarmNames' failed to satisfy constraint: Member must have length less than or equal to 100")
		}
		var missing []string
		for _, n := range in.AlarmNames {
			if t.r.CloudWatch.Alarms[n] == nil {
				missing = append(missing, n)
			}
		}
		if len(missing) > 0 {
			return nil, alarmNotFound("%d alarm(s) not found: %s", len(missing), strings.Join(missing, ", "))
		}
		for _, n := range in.AlarmNames {
			delete(t.r.CloudWatch.Alarms, n)
		}
		return &cloudwatch.DeleteAlarmsOutput{}, nil
	})
}

func (a *cloudwatchAPI) SetAlarmState(ctx context.Context, in *cloudwatch.SetAlarmStateInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.SetAlarmStateOutput, error) {
	return call(ctx, a.s, svcCloudWatch, "SetAlarmState", func(t *tx) (*cloudwatch.SetAlarmStateOutput, error) {
		switch in.StateValue {
		case cwtypes.StateValueOk, cwtypes.StateValueAlarm, cwtypes.StateValueInsufficientData:
		default:
			return nil, cwValidation("1 validation error detected: Value '%s' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]", in.StateValue)
		}
		reason := aws.ToString(in.StateReason)
		if in.StateReason == nil {
			return nil, cwMissing("StateReason")
		}
		if len(reason) > 1023 {
			return nil, cwValidation("1 validation error detected: Value at 'stateReason' failed to satisfy constraint: Member must have length less than or equal to 1023")
		}
		if d := in.StateReasonData; d != nil {
			var v any
			if json.Unmarshal([]byte(*d), &v) != nil {
				return nil, &cwtypes.InvalidFormatFault{Message: aws.String("StateReasonData must be a valid JSON document.")}
			}
		}
		al := t.r.CloudWatch.Alarms[aws.ToString(in.AlarmName)]
		if al == nil {
			return nil, alarmNotFound("Alarm %s not found", aws.ToString(in.AlarmName))
		}
		if al.Def.StateValue != in.StateValue {
			al.Def.StateTransitionedTimestamp = tp(t.now)
		}
		al.Def.StateValue, al.Def.StateReason, al.Def.StateReasonData = in.StateValue, aws.String(reason), in.StateReasonData
		al.Def.StateUpdatedTimestamp = tp(t.now)
		return &cloudwatch.SetAlarmStateOutput{}, nil
	})
}

// --- dashboards ---

func dashboardARN(t *tx, name string) string {
	return "arn:aws:cloudwatch::" + t.account() + ":dashboard/" + name
}

// checkDashboardBody validates a body as CloudWatch does (a JSON object
// with a widgets array of typed widgets that fit the 24-column grid).
func checkDashboardBody(body string) []cwtypes.DashboardValidationMessage {
	msg := func(path, m string) []cwtypes.DashboardValidationMessage {
		return []cwtypes.DashboardValidationMessage{{DataPath: aws.String(path), Message: aws.String(m)}}
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		return msg("", "The dashboard body is not valid JSON: "+err.Error())
	}
	if doc == nil {
		return msg("", "Should be object")
	}
	ws, ok := doc["widgets"]
	if !ok {
		return msg("", "Should have required property 'widgets'")
	}
	list, ok := ws.([]any)
	if !ok {
		return msg("/widgets", "Should be array")
	}
	var out []cwtypes.DashboardValidationMessage
	for i, w := range list {
		p := "/widgets/" + strconv.Itoa(i)
		obj, ok := w.(map[string]any)
		if !ok {
			out = append(out, msg(p, "Should be object")...)
			continue
		}
		typ, _ := obj["type"].(string)
		if _, has := obj["type"]; !has {
			out = append(out, msg(p, "Should have required property 'type'")...)
		} else if !cwWidgets[typ] {
			out = append(out, msg(p+"/type", "Should be equal to one of the allowed values [metric, text, log, alarm, explorer, custom]")...)
		}
		for _, g := range []struct {
			k        string
			min, max float64
		}{{"x", 0, 23}, {"y", 0, 1e6}, {"width", 1, 24}, {"height", 1, 1000}} {
			v, has := obj[g.k]
			if !has {
				continue
			}
			n, ok := v.(float64)
			if !ok || n != math.Trunc(n) {
				out = append(out, msg(p+"/"+g.k, "Should be integer")...)
			} else if n < g.min || n > g.max {
				out = append(out, msg(p+"/"+g.k, fmt.Sprintf("Should be between %g and %g", g.min, g.max))...)
			}
		}
		props, hasProps := obj["properties"].(map[string]any)
		switch typ {
		case "text":
			if _, ok := props["markdown"].(string); !ok {
				out = append(out, msg(p+"/properties", "Should have required property 'markdown'")...)
			}
		case "metric":
			if !hasProps {
				out = append(out, msg(p, "Should have required property 'properties'")...)
				break
			}
			_, m := props["metrics"]
			_, a := props["annotations"]
			if !m && !a {
				out = append(out, msg(p+"/properties", "Should have required property 'metrics'")...)
			} else if m {
				if _, ok := props["metrics"].([]any); !ok {
					out = append(out, msg(p+"/properties/metrics", "Should be array")...)
				}
			}
		case "log":
			if _, ok := props["query"].(string); !ok {
				out = append(out, msg(p+"/properties", "Should have required property 'query'")...)
			}
		case "alarm":
			if _, ok := props["alarms"].([]any); !ok {
				out = append(out, msg(p+"/properties", "Should have required property 'alarms'")...)
			}
		}
	}
	return out
}

func (a *cloudwatchAPI) PutDashboard(ctx context.Context, in *cloudwatch.PutDashboardInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.PutDashboardOutput, error) {
	return call(ctx, a.s, svcCloudWatch, "PutDashboard", func(t *tx) (*cloudwatch.PutDashboardOutput, error) {
		name := aws.ToString(in.DashboardName)
		if !cwDashNameRE.MatchString(name) {
			return nil, &cwtypes.DashboardInvalidInputError{Message: aws.String("The value for field DashboardName contains invalid characters. It can only contain alphanumerics, dash (-) and underscore (_).")}
		}
		if in.DashboardBody == nil {
			return nil, cwMissing("DashboardBody")
		}
		if msgs := checkDashboardBody(*in.DashboardBody); len(msgs) > 0 {
			return nil, &cwtypes.DashboardInvalidInputError{Message: aws.String("The field DashboardBody must be a valid JSON object"), DashboardValidationMessages: msgs}
		}
		d := t.r.CloudWatch.Dashboards[name]
		if d == nil {
			if len(t.r.CloudWatch.Dashboards) >= 5000 {
				return nil, &cwtypes.LimitExceededFault{Message: aws.String("The maximum number of dashboards has been reached.")}
			}
			d = &cwDashboard{Name: name, Created: t.now}
			t.r.CloudWatch.Dashboards[name] = d
		}
		d.Body, d.Modified = *in.DashboardBody, t.now
		return &cloudwatch.PutDashboardOutput{DashboardValidationMessages: []cwtypes.DashboardValidationMessage{}}, nil
	})
}

func (a *cloudwatchAPI) GetDashboard(ctx context.Context, in *cloudwatch.GetDashboardInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.GetDashboardOutput, error) {
	return call(ctx, a.s, svcCloudWatch, "GetDashboard", func(t *tx) (*cloudwatch.GetDashboardOutput, error) {
		name := aws.ToString(in.DashboardName)
		d := t.r.CloudWatch.Dashboards[name]
		if d == nil || t.hidden(d.Created) {
			return nil, dashboardNotFound(name)
		}
		return &cloudwatch.GetDashboardOutput{DashboardName: aws.String(d.Name), DashboardArn: aws.String(dashboardARN(t, d.Name)), DashboardBody: aws.String(d.Body)}, nil
	})
}

func (a *cloudwatchAPI) DeleteDashboards(ctx context.Context, in *cloudwatch.DeleteDashboardsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.DeleteDashboardsOutput, error) {
	return call(ctx, a.s, svcCloudWatch, "DeleteDashboards", func(t *tx) (*cloudwatch.DeleteDashboardsOutput, error) {
		if len(in.DashboardNames) == 0 {
			return nil, cwMissing("DashboardNames")
		}
		for _, n := range in.DashboardNames {
			if t.r.CloudWatch.Dashboards[n] == nil {
				return nil, dashboardNotFound(n)
			}
		}
		for _, n := range in.DashboardNames {
			delete(t.r.CloudWatch.Dashboards, n)
		}
		return &cloudwatch.DeleteDashboardsOutput{}, nil
	})
}

func (a *cloudwatchAPI) ListDashboards(ctx context.Context, in *cloudwatch.ListDashboardsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.ListDashboardsOutput, error) {
	return call(ctx, a.s, svcCloudWatch, "ListDashboards", func(t *tx) (*cloudwatch.ListDashboardsOutput, error) {
		prefix := aws.ToString(in.DashboardNamePrefix)
		if prefix != "" && !cwDashNameRE.MatchString(prefix) {
			return nil, &cwtypes.InvalidParameterValueException{Message: aws.String("The value for DashboardNamePrefix contains invalid characters.")}
		}
		var all []cwtypes.DashboardEntry
		for _, n := range sortedKeys(t.r.CloudWatch.Dashboards) {
			d := t.r.CloudWatch.Dashboards[n]
			if t.hidden(d.Created) || !strings.HasPrefix(n, prefix) {
				continue
			}
			all = append(all, cwtypes.DashboardEntry{DashboardName: aws.String(n), DashboardArn: aws.String(dashboardARN(t, n)),
				LastModified: tp(d.Modified), Size: aws.Int64(int64(len(d.Body)))})
		}
		items, next, err := page(all, in.NextToken, 1000)
		if err != nil {
			return nil, &cwtypes.InvalidNextToken{Message: aws.String("The service returned an error with Error Code InvalidNextToken.")}
		}
		if items == nil {
			items = []cwtypes.DashboardEntry{}
		}
		return &cloudwatch.ListDashboardsOutput{DashboardEntries: items, NextToken: next}, nil
	})
}

// --- metrics ---

func (a *cloudwatchAPI) PutMetricData(ctx context.Context, in *cloudwatch.PutMetricDataInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.PutMetricDataOutput, error) {
	return call(ctx, a.s, svcCloudWatch, "PutMetricData", func(t *tx) (*cloudwatch.PutMetricDataOutput, error) {
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
	return call(ctx, a.s, svcCloudWatch, "GetMetricData", func(t *tx) (*cloudwatch.GetMetricDataOutput, error) {
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

// --- tags ---

func (t *tx) cwTaggable(ref string) (*cwAlarm, error) {
	p, ok := parseARN(ref)
	if !ok || p.Service != "cloudwatch" {
		return nil, cwInvalid("Invalid ARN: %s", ref)
	}
	kind, name, _ := strings.Cut(p.Resource, ":")
	nf := &cwtypes.ResourceNotFoundException{Message: aws.String("Unknown resource: " + ref), ResourceType: aws.String(kind), ResourceId: aws.String(name)}
	if kind != "alarm" || p.Region != t.regionName() || p.Account != t.account() {
		return nil, withStatus(404, nf)
	}
	al := t.r.CloudWatch.Alarms[name]
	if al == nil || t.hidden(al.Created) {
		return nil, withStatus(404, nf)
	}
	return al, nil
}

func (a *cloudwatchAPI) TagResource(ctx context.Context, in *cloudwatch.TagResourceInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.TagResourceOutput, error) {
	return call(ctx, a.s, svcCloudWatch, "TagResource", func(t *tx) (*cloudwatch.TagResourceOutput, error) {
		al, err := t.cwTaggable(aws.ToString(in.ResourceARN))
		if err != nil {
			return nil, err
		}
		tags, err := cwTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		n := len(al.Tags)
		for k := range tags {
			if _, ok := al.Tags[k]; !ok {
				n++
			}
		}
		if n > 50 {
			return nil, &cwtypes.LimitExceededException{Message: aws.String("A resource can have at most 50 tags.")}
		}
		al.setTags(tags)
		return &cloudwatch.TagResourceOutput{}, nil
	})
}

func (a *cloudwatchAPI) ListTagsForResource(ctx context.Context, in *cloudwatch.ListTagsForResourceInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.ListTagsForResourceOutput, error) {
	return call(ctx, a.s, svcCloudWatch, "ListTagsForResource", func(t *tx) (*cloudwatch.ListTagsForResourceOutput, error) {
		al, err := t.cwTaggable(aws.ToString(in.ResourceARN))
		if err != nil {
			return nil, err
		}
		return &cloudwatch.ListTagsForResourceOutput{Tags: cwTagList(al.Tags)}, nil
	})
}
