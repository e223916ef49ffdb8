package sandbox

import (
	"context"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// registerTarget adds (or re-adds) a target; reports whether anything
// changed.
func (t *tx) registerTarget(tg *targetGroup, id string, port int32, at time.Time) bool {
	for i := range tg.Targets {
		x := &tg.Targets[i]
		if x.ID == id && x.Port == port {
			if x.DrainUntil.IsZero() {
				return false
			}
			x.DrainUntil, x.Registered = time.Time{}, at
			return true
		}
	}
	az := ""
	if inst := t.r.EC2.Instances[id]; inst != nil {
		az = inst.AZ
	}
	tg.Targets = append(tg.Targets, target{ID: id, Port: port, AZ: az, Registered: at})
	return true
}

// deregisterTarget starts draining a target; reports whether anything
// changed.
func (t *tx) deregisterTarget(tg *targetGroup, id string, port int32) bool {
	for i := range tg.Targets {
		x := &tg.Targets[i]
		if x.ID == id && (port == 0 || x.Port == port) && x.DrainUntil.IsZero() {
			delay, _ := strconv.Atoi(tg.attr("deregistration_delay.timeout_seconds"))
			x.DrainUntil = t.at(time.Duration(delay) * time.Second)
			if t.dataPlane() && x.DrainUntil.Before(t.now.Add(minServedDrain)) {
				x.DrainUntil = t.now.Add(minServedDrain)
			}
			return true
		}
	}
	return false
}

func (tg *targetGroup) attr(k string) string {
	if v, ok := tg.Attributes[k]; ok {
		return v
	}
	return tgDefaults[k]
}

// targetHealth is the state of one registered target now.
func (t *tx) targetHealth(tg *targetGroup, x target) (elbtypes.TargetHealthStateEnum, elbtypes.TargetHealthReasonEnum, string) {
	if !x.DrainUntil.IsZero() {
		return elbtypes.TargetHealthStateEnumDraining, elbtypes.TargetHealthReasonEnumDeregistrationInProgress, "Target deregistration is in progress"
	}
	lbs := t.tgLBs(tg)
	if len(lbs) == 0 {
		return elbtypes.TargetHealthStateEnumUnused, elbtypes.TargetHealthReasonEnumNotInUse, "Target group is not configured to receive traffic from the load balancer"
	}
	if tg.TargetType == "instance" {
		inst := t.r.EC2.Instances[x.ID]
		if inst == nil || inst.State != "running" {
			st := "terminated"
			if inst != nil {
				st = inst.State
			}
			return elbtypes.TargetHealthStateEnumUnused, elbtypes.TargetHealthReasonEnumInvalidState, "Target is in the " + st + " state"
		}
	}
	var active time.Time
	for _, a := range lbs {
		if lb := t.r.ELB.LoadBalancers[a]; lb != nil && (active.IsZero() || lb.ActiveAt.Before(active)) {
			active = lb.ActiveAt
		}
	}
	if !tg.HCEnabled {
		return elbtypes.TargetHealthStateEnumUnavailable, elbtypes.TargetHealthReasonEnumHealthCheckDisabled, "Health checks are disabled"
	}
	if t.dataPlane() {
		// A data plane serves: health is what its checks saw.
		o, ok := tg.Observed[x.ID+":"+strconv.Itoa(int(x.Port))]
		switch {
		case ok && o.State == string(elbtypes.TargetHealthStateEnumInitial) && o.Reason != "":
			return elbtypes.TargetHealthStateEnumInitial, elbtypes.TargetHealthReasonEnum(o.Reason), o.Desc
		case !ok || o.State == string(elbtypes.TargetHealthStateEnumInitial):
			return elbtypes.TargetHealthStateEnumInitial, elbtypes.TargetHealthReasonEnumRegistrationInProgress, "Target registration is in progress"
		case o.State == string(elbtypes.TargetHealthStateEnumHealthy):
			return elbtypes.TargetHealthStateEnumHealthy, "", ""
		default:
			return elbtypes.TargetHealthStateEnumUnhealthy, elbtypes.TargetHealthReasonEnum(o.Reason), o.Desc
		}
	}
	healthyAt := latest(x.Registered, active).Add(t.dur(time.Duration(tg.HCInterval*tg.Healthy) * time.Second))
	if !t.reached(healthyAt) {
		return elbtypes.TargetHealthStateEnumInitial, elbtypes.TargetHealthReasonEnumRegistrationInProgress, "Target registration is in progress"
	}
	return elbtypes.TargetHealthStateEnumHealthy, "", ""
}

// healthyTarget reports whether a registered target is healthy now, as
// ECS sees it for task: while a data plane serves, only checks of that
// task's own server count.
func (t *tx) healthyTarget(tgARN, id string, port int32, task string) bool {
	tg := t.r.ELB.TargetGroups[tgARN]
	if tg == nil {
		return false
	}
	for _, x := range tg.Targets {
		if x.ID == id && x.Port == port {
			if o, ok := tg.Observed[targetKey(id, port)]; ok && t.dataPlane() && !o.of(task) {
				return false // the record is of an earlier task on this port
			}
			st, _, _ := t.targetHealth(tg, x)
			return st == elbtypes.TargetHealthStateEnumHealthy
		}
	}
	return false
}

func (a *elbAPI) RegisterTargets(ctx context.Context, in *elb.RegisterTargetsInput, _ ...func(*elb.Options)) (*elb.RegisterTargetsOutput, error) {
	return call(ctx, a.s, svcELB, "RegisterTargets", func(t *tx) (*elb.RegisterTargetsOutput, error) {
		tg, err := t.tgByARN(aws.ToString(in.TargetGroupArn))
		if err != nil {
			return nil, err
		}
		if len(in.Targets) == 0 {
			return nil, validationError("At least one target must be specified")
		}
		for _, x := range in.Targets {
			id := aws.ToString(x.Id)
			if tg.TargetType == "instance" {
				inst := t.r.EC2.Instances[id]
				if inst == nil || inst.State == "terminated" || inst.State == "shutting-down" {
					return nil, &elbtypes.InvalidTargetException{Message: aws.String("The following targets are not in a running state and cannot be registered: '" + id + "'")}
				}
				if inst.VPC != tg.VPC {
					return nil, &elbtypes.InvalidTargetException{Message: aws.String("The following targets are not in the target group VPC '" + tg.VPC + "': '" + id + "'")}
				}
			}
			port := aws.ToInt32(x.Port)
			if port == 0 {
				port = tg.Port
			}
			t.registerTarget(tg, id, port, t.now)
		}
		return &elb.RegisterTargetsOutput{}, nil
	})
}

func (a *elbAPI) DeregisterTargets(ctx context.Context, in *elb.DeregisterTargetsInput, _ ...func(*elb.Options)) (*elb.DeregisterTargetsOutput, error) {
	return call(ctx, a.s, svcELB, "DeregisterTargets", func(t *tx) (*elb.DeregisterTargetsOutput, error) {
		tg, err := t.tgByARN(aws.ToString(in.TargetGroupArn))
		if err != nil {
			return nil, err
		}
		for _, x := range in.Targets {
			id := aws.ToString(x.Id)
			if tg.TargetType == "instance" && t.r.EC2.Instances[id] == nil {
				return nil, &elbtypes.InvalidTargetException{Message: aws.String("The specified target does not exist, is not in the same VPC as the target group, or has an unsupported instance type.")}
			}
			t.deregisterTarget(tg, id, aws.ToInt32(x.Port))
		}
		return &elb.DeregisterTargetsOutput{}, nil
	})
}

func (a *elbAPI) DescribeTargetHealth(ctx context.Context, in *elb.DescribeTargetHealthInput, _ ...func(*elb.Options)) (*elb.DescribeTargetHealthOutput, error) {
	return call(ctx, a.s, svcELB, "DescribeTargetHealth", func(t *tx) (*elb.DescribeTargetHealthOutput, error) {
		tg, err := t.tgByARN(aws.ToString(in.TargetGroupArn))
		if err != nil {
			return nil, err
		}
		out := []elbtypes.TargetHealthDescription{}
		desc := func(x target) elbtypes.TargetHealthDescription {
			st, reason, d := t.targetHealth(tg, x)
			th := &elbtypes.TargetHealth{State: st, Reason: reason}
			if d != "" {
				th.Description = aws.String(d)
			}
			td := &elbtypes.TargetDescription{Id: aws.String(x.ID), Port: aws.Int32(x.Port)}
			if x.AZ != "" {
				td.AvailabilityZone = aws.String(x.AZ)
			}
			hp := tg.HCPort
			if hp == "traffic-port" {
				hp = strconv.Itoa(int(x.Port))
			}
			return elbtypes.TargetHealthDescription{Target: td, TargetHealth: th, HealthCheckPort: aws.String(hp)}
		}
		if len(in.Targets) == 0 {
			for _, x := range tg.Targets {
				out = append(out, desc(x))
			}
			return &elb.DescribeTargetHealthOutput{TargetHealthDescriptions: out}, nil
		}
		for _, want := range in.Targets {
			id, port := aws.ToString(want.Id), aws.ToInt32(want.Port)
			found := false
			for _, x := range tg.Targets {
				if x.ID == id && (port == 0 || x.Port == port) {
					out = append(out, desc(x))
					found = true
				}
			}
			if !found {
				if tg.TargetType == "instance" && t.r.EC2.Instances[id] == nil {
					return nil, &elbtypes.InvalidTargetException{Message: aws.String("The following targets are invalid: '" + id + "'")}
				}
				if port == 0 {
					port = tg.Port
				}
				out = append(out, elbtypes.TargetHealthDescription{
					Target:       &elbtypes.TargetDescription{Id: aws.String(id), Port: aws.Int32(port)},
					TargetHealth: &elbtypes.TargetHealth{State: elbtypes.TargetHealthStateEnumUnused, Reason: elbtypes.TargetHealthReasonEnumNotRegistered, Description: aws.String("Target is not registered to the target group")},
				})
			}
		}
		return &elb.DescribeTargetHealthOutput{TargetHealthDescriptions: out}, nil
	})
}
