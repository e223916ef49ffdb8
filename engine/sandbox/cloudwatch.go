package sandbox

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
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

// cloudwatchAPI speaks to the sandbox's region, or to region when set (the
// us-east-1 clients of cloud.Clients.East).
type cloudwatchAPI struct {
	s      *Sandbox
	region string
}

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

func cwKV(t cwtypes.Tag) (string, string) { return aws.ToString(t.Key), aws.ToString(t.Value) }
func cwTag(k, v string) cwtypes.Tag       { return cwtypes.Tag{Key: aws.String(k), Value: aws.String(v)} }

func cwTagMap(ts []cwtypes.Tag) (map[string]string, error) {
	return checkedTagMap(ts, cwKV, tagRules{
		size:     cwInvalid("Tag keys must be 1 to 128 characters and values at most 256 characters."),
		reserved: func(k string) error { return cwInvalid("Invalid tag key %s: the aws: prefix is reserved.", k) },
	})
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
