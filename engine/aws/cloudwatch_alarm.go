package aws

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/cloud"
)

type alarmHandler struct{}

func (alarmHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeAlarm, Service: arch.Metric, DeleteRank: 0,
		ARNKinds: []string{"cloudwatch:alarm"},
		// The smoke alarm lives in us-east-1 whatever the app's region.
		Console: func(s resource.Site) string {
			s.Region = orDefault(s.Attrs["region"], s.Region)
			return console(s, "cloudwatch/home?region="+s.Region+"#alarmsV2:alarm/"+url.PathEscape(s.Name()))
		},
		Lookup: func(s resource.Site) string {
			s.Region = orDefault(s.Attrs["region"], s.Region)
			return "aws cloudwatch describe-alarms --alarm-names " + s.Name() + " " + regionFlag(s)
		},
	}
}

func alarmLive(typ string, a cwtypes.MetricAlarm, tags map[string]string) resource.Live {
	l := newLive(typ, str(a.AlarmName), tags)
	l.ARN = str(a.AlarmArn)
	l.State = string(a.StateValue)
	l.Attrs["name"] = l.PhysicalID
	l.Attrs["arn"] = l.ARN
	if a.Threshold != nil {
		l.Attrs["threshold"] = strconv.FormatFloat(*a.Threshold, 'g', -1, 64)
	}
	if a.StateTransitionedTimestamp != nil {
		// When it last changed state: where Inspect's logs jump to.
		l.Attrs["state_changed"] = a.StateTransitionedTimestamp.UTC().Format(time.RFC3339Nano)
	}
	return l
}

// List finds the app's alarms in its region and, where the app lives
// elsewhere, in us-east-1 (the smoke alarm's home).
func (h alarmHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	out, err := h.listIn(ctx, env, env.Clients.CloudWatch, "")
	if err != nil || env.Clients.East == nil || env.Clients.East.CloudWatch == nil {
		return out, err
	}
	east, err := h.listIn(ctx, env, env.Clients.East.CloudWatch, env.Clients.East.Region)
	return append(out, east...), err
}

func (h alarmHandler) listIn(ctx context.Context, env resource.Env, cw cloud.CloudWatch, region string) ([]resource.Live, error) {
	var out []resource.Live
	p := cloudwatch.NewDescribeAlarmsPaginator(cw, &cloudwatch.DescribeAlarmsInput{
		AlarmNamePrefix: aws.String(appPrefix(env.App)), AlarmTypes: []cwtypes.AlarmType{cwtypes.AlarmTypeMetricAlarm},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("list", "alarms", err)
		}
		for _, a := range page.MetricAlarms {
			t, err := cw.ListTagsForResource(ctx, &cloudwatch.ListTagsForResourceInput{ResourceARN: a.AlarmArn})
			if isCode(err, "ResourceNotFound", "ResourceNotFoundException") {
				continue
			}
			if err != nil {
				return nil, wrap("list", str(a.AlarmName), err)
			}
			tags := map[string]string{}
			for _, tg := range t.Tags {
				tags[str(tg.Key)] = str(tg.Value)
			}
			if ours(env.App, tags) {
				l := alarmLive(h.Describe().Type, a, tags)
				if region != "" {
					l.Attrs["region"] = region
				}
				out = append(out, l)
			}
		}
	}
	return out, nil
}

// cw is CloudWatch where the alarm lives.
func (h alarmHandler) cw(env resource.Env, region string) (cloud.CloudWatch, error) {
	c := env.Clients.CloudWatchIn(region)
	if c == nil {
		return nil, fmt.Errorf("alarm in %s: these clients reach only %s and us-east-1", region, env.Clients.Region)
	}
	return c, nil
}

// actions are the ARNs of the topics the alarm tells.
func (h alarmHandler) actions(env resource.Env, r arch.Resource, p arch.AlarmProps) ([]string, error) {
	var out []string
	for _, id := range p.Actions {
		arn, err := depAttr(env, r.ID, id, "arn")
		if err != nil {
			return nil, err
		}
		out = append(out, arn)
	}
	return out, nil
}

// dimensions turns the alarm's subject into CloudWatch dimensions: a
// target group is measured together with its load balancer.
func (h alarmHandler) dimensions(env resource.Env, r arch.Resource, p arch.AlarmProps) ([]cwtypes.Dimension, error) {
	s, err := dep(env, r.ID, p.Subject)
	if err != nil {
		return nil, err
	}
	dim := func(n, v string) cwtypes.Dimension {
		return cwtypes.Dimension{Name: aws.String(n), Value: aws.String(v)}
	}
	switch s.Type {
	case arch.TypeTargetGroup:
		lb := ""
		for _, k := range sortedDeps(env) {
			if d := env.Deps[k]; d.Type == arch.TypeLoadBalancer {
				lb = d.Attrs["full_name"]
				break
			}
		}
		if lb == "" {
			return nil, fmt.Errorf("%s: a target group alarm needs its load balancer among the dependencies", r.ID)
		}
		return []cwtypes.Dimension{dim("TargetGroup", s.Attrs["full_name"]), dim("LoadBalancer", lb)}, nil
	case arch.TypeLoadBalancer:
		return []cwtypes.Dimension{dim("LoadBalancer", s.Attrs["full_name"])}, nil
	case arch.TypeAutoScalingGroup:
		return []cwtypes.Dimension{dim("AutoScalingGroupName", s.Attrs["name"])}, nil
	case arch.TypeCluster:
		return []cwtypes.Dimension{dim("ClusterName", s.Attrs["name"])}, nil
	case arch.TypeService:
		return []cwtypes.Dimension{dim("ClusterName", s.Attrs["cluster"]), dim("ServiceName", s.Attrs["name"])}, nil
	case arch.TypeDBInstance:
		return []cwtypes.Dimension{dim("DBInstanceIdentifier", s.Attrs["identifier"])}, nil
	case arch.TypeHealthCheck:
		return []cwtypes.Dimension{dim("HealthCheckId", s.PhysicalID)}, nil
	}
	return nil, fmt.Errorf("%s: no metric dimensions known for a %s", r.ID, s.Type)
}

func (h alarmHandler) put(ctx context.Context, env resource.Env, r arch.Resource, op string) (resource.Live, error) {
	p, err := propsOf[arch.AlarmProps](op, r)
	if err != nil {
		return resource.Live{}, err
	}
	dims, err := h.dimensions(env, r, p)
	if err != nil {
		return resource.Live{}, err
	}
	cw, err := h.cw(env, p.Region)
	if err != nil {
		return resource.Live{}, err
	}
	acts, err := h.actions(env, r, p)
	if err != nil {
		return resource.Live{}, err
	}
	name := physName(env.App, r.ID, 255)
	tags := resource.Tags(env.App, r)
	// PutMetricAlarm creates or replaces the alarm in one call; the
	// topics hear of it turning red and of it turning back.
	if _, err := cw.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
		AlarmActions:       acts,
		OKActions:          acts,
		ActionsEnabled:     aws.Bool(true),
		AlarmName:          aws.String(name),
		AlarmDescription:   aws.String(truncate(r.Reason, 1024)),
		Namespace:          aws.String(p.Namespace),
		MetricName:         aws.String(p.Metric),
		Statistic:          cwtypes.Statistic(p.Statistic),
		Dimensions:         dims,
		Threshold:          aws.Float64(p.Threshold),
		ComparisonOperator: cwtypes.ComparisonOperator(p.Comparison),
		Period:             aws.Int32(int32(p.Period)),
		EvaluationPeriods:  aws.Int32(int32(p.Evaluation)),
		TreatMissingData:   aws.String("notBreaching"),
		Tags:               cwTags(tags),
	}); err != nil {
		return resource.Live{}, wrap(op, r.ID, err)
	}
	res, err := cw.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{name}})
	if err != nil {
		return resource.Live{}, wrap("describe", r.ID, err)
	}
	if len(res.MetricAlarms) == 0 {
		return resource.Live{}, wrap(op, r.ID, &notFound{what: "alarm " + name})
	}
	a := res.MetricAlarms[0]
	// Tags given to PutMetricAlarm count only when it creates the alarm.
	if op != "create" {
		if _, err := cw.TagResource(ctx, &cloudwatch.TagResourceInput{ResourceARN: a.AlarmArn, Tags: cwTags(tags)}); err != nil {
			return resource.Live{}, wrap("tag", r.ID, err)
		}
	}
	l := alarmLive(h.Describe().Type, a, tags)
	if p.Region != "" && p.Region != env.Clients.Region {
		l.Attrs["region"] = p.Region
	}
	return l, nil
}

func (h alarmHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	return h.put(ctx, env, r, "create")
}

func (h alarmHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	return h.put(ctx, env, r, "update")
}

func (h alarmHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	cw, err := h.cw(env, live.Attrs["region"])
	if err != nil {
		return err
	}
	_, err = cw.DeleteAlarms(ctx, &cloudwatch.DeleteAlarmsInput{AlarmNames: []string{live.PhysicalID}})
	if isCode(err, "ResourceNotFound", "ResourceNotFoundException") {
		return nil
	}
	return wrap("delete", live.ID, err)
}

func (h alarmHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	return true, "", nil
}
