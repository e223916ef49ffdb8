package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

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
	return callIn(ctx, a.s, a.region, svcCloudWatch, "PutMetricAlarm", func(t *tx) (*cloudwatch.PutMetricAlarmOutput, error) {
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
			al = &cwAlarm{Meta: Meta{ID: name, ARN: t.alarmARN(name), Created: t.now}}
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
	return callIn(ctx, a.s, a.region, svcCloudWatch, "DescribeAlarms", func(t *tx) (*cloudwatch.DescribeAlarmsOutput, error) {
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
	return callIn(ctx, a.s, a.region, svcCloudWatch, "DeleteAlarms", func(t *tx) (*cloudwatch.DeleteAlarmsOutput, error) {
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
	return callIn(ctx, a.s, a.region, svcCloudWatch, "SetAlarmState", func(t *tx) (*cloudwatch.SetAlarmStateOutput, error) {
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
		old := al.Def.StateValue
		if old != in.StateValue {
			al.Def.StateTransitionedTimestamp = tp(t.now)
		}
		al.Def.StateValue, al.Def.StateReason, al.Def.StateReasonData = in.StateValue, aws.String(reason), in.StateReasonData
		al.Def.StateUpdatedTimestamp = tp(t.now)
		if old != in.StateValue {
			t.acted(al, old) // SetAlarmState runs the actions too, which is what it is for
		}
		return &cloudwatch.SetAlarmStateOutput{}, nil
	})
}
