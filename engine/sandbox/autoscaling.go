package sandbox

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/minimalinfra/mvi/engine/cloud"
)

// Auto Scaling groups launch instances from their launch template to reach
// the desired capacity, spread over their subnets' zones; tag them with the
// group's PropagateAtLaunch tags and aws:autoscaling:groupName; replace
// instances that stop (TerminateInstances, TerminateInstanceInAutoScalingGroup
// without decrement, a launch that failed); and scale in from the zone with
// the most instances, sparing those protected from scale-in. A launch EC2
// refuses (a bad template, a missing instance profile, a full subnet) is a
// failed activity, retried with backoff. Force delete terminates the
// instances; the group stays "Delete in progress" until they are gone.

type autoscalingAPI struct{ s *Sandbox }

var _ cloud.AutoScaling = (*autoscalingAPI)(nil)

type asgState struct {
	Groups map[string]*asg `json:"groups"`
}

type asg struct {
	Meta
	Name        string          `json:"name"`
	LT          ltRef           `json:"launch_template"`
	Min         int32           `json:"min"`
	Max         int32           `json:"max"`
	Desired     int32           `json:"desired"`
	Subnets     []string        `json:"subnets"`
	HealthCheck string          `json:"health_check_type"`
	Grace       int32           `json:"health_check_grace_period"`
	Cooldown    int32           `json:"default_cooldown"`
	Protected   bool            `json:"new_instances_protected,omitempty"`
	TGs         []string        `json:"target_groups,omitempty"`
	Propagate   map[string]bool `json:"propagate,omitempty"`
	Members     []asgMember     `json:"members,omitempty"`
	Policies    []string        `json:"termination_policies,omitempty"`
	MaxLifetime int32           `json:"max_instance_lifetime,omitempty"`
	Deleting    bool            `json:"deleting,omitempty"`
	ChangedAt   time.Time       `json:"changed_at"`
	LostAt      time.Time       `json:"lost_at,omitempty"`
	FailAt      time.Time       `json:"fail_at,omitempty"`
	Fails       int             `json:"fails,omitempty"`
	Activities  []asgActivity   `json:"activities,omitempty"`
}

type asgMember struct {
	ID        string `json:"id"`
	Protected bool   `json:"protected,omitempty"`
	Leaving   bool   `json:"leaving,omitempty"` // terminated by the group (no replacement)
	Lost      bool   `json:"lost,omitempty"`    // noticed gone (a replacement was due)
}

type asgActivity struct {
	ID      string    `json:"id"`
	Desc    string    `json:"description"`
	Cause   string    `json:"cause"`
	Status  string    `json:"status"`
	Message string    `json:"message,omitempty"`
	Start   time.Time `json:"start"`
	End     time.Time `json:"end"`
}

func asgNotFound(name string) error {
	return validationError("AutoScalingGroup name not found - AutoScalingGroup '%s' not found", name)
}

func (t *tx) asgByName(name string) (*asg, error) {
	g := t.r.AutoScale.Groups[name]
	if g == nil || t.hidden(g.Created) {
		return nil, asgNotFound(name)
	}
	return g, nil
}

// groupOf returns the group an instance belongs to.
func (t *tx) groupOf(instanceID string) *asg {
	for _, n := range sortedKeys(t.r.AutoScale.Groups) {
		g := t.r.AutoScale.Groups[n]
		for _, m := range g.Members {
			if m.ID == instanceID {
				return g
			}
		}
	}
	return nil
}

func (g *asg) activity(at time.Time, status, desc, cause, msg string) asgActivity {
	a := asgActivity{ID: uuid(), Desc: desc, Cause: cause, Status: status, Message: msg, Start: at, End: at}
	g.Activities = append(g.Activities, a)
	if len(g.Activities) > 50 {
		g.Activities = g.Activities[len(g.Activities)-50:]
	}
	return a
}

func (t *tx) activityOut(g *asg, a asgActivity) astypes.Activity {
	out := astypes.Activity{ActivityId: aws.String(a.ID), AutoScalingGroupName: aws.String(g.Name), AutoScalingGroupARN: aws.String(g.ARN),
		Description: aws.String(a.Desc), Cause: aws.String(a.Cause), StartTime: tp(a.Start), EndTime: tp(a.End),
		StatusCode: astypes.ScalingActivityStatusCode(a.Status), Progress: aws.Int32(100), Details: aws.String("{}")}
	if a.Message != "" {
		out.StatusMessage = aws.String(a.Message)
	}
	return out
}

// resolveLT finds the launch template a group names.
func (t *tx) resolveLT(spec *astypes.LaunchTemplateSpecification) (*launchTemplate, ltRef, error) {
	id, name := aws.ToString(spec.LaunchTemplateId), aws.ToString(spec.LaunchTemplateName)
	if (id == "") == (name == "") {
		return nil, ltRef{}, validationError("Valid requests must contain either launchTemplateId or LaunchTemplateName")
	}
	lt, err := t.ltByRef(id, name)
	if err != nil {
		ref := "ID " + id
		if id == "" {
			ref = "name " + name
		}
		return nil, ltRef{}, validationError("You must use a valid fully-formed launch template. The specified launch template, with template %s, does not exist.", ref)
	}
	v := aws.ToString(spec.Version)
	if v == "" {
		v = "$Default"
	}
	if lt.version(v) == nil {
		return nil, ltRef{}, validationError("You must use a valid fully-formed launch template. The specified launch template version %s for template %s does not exist.", v, lt.ID)
	}
	return lt, ltRef{ID: lt.ID, Name: lt.Name, Version: v}, nil
}

func (t *tx) resolveSubnets(vzi string) ([]string, error) {
	var out []string
	for _, id := range strings.Split(vzi, ",") {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		if t.r.EC2.Subnets[id] == nil {
			return nil, validationError("The subnet ID '%s' does not exist", id)
		}
		out = append(out, id)
	}
	if len(out) == 0 {
		return nil, validationError("At least one Availability Zone or VPC Subnet is required.")
	}
	vpcID := t.r.EC2.Subnets[out[0]].VPC
	for _, id := range out {
		if t.r.EC2.Subnets[id].VPC != vpcID {
			return nil, validationError("The subnets '%s' belong to different VPCs.", strings.Join(out, ","))
		}
	}
	return out, nil
}

func (t *tx) checkTargetGroups(arns []string) error {
	for _, a := range arns {
		if t.r.ELB.TargetGroups[a] == nil {
			return validationError("Provided Target Groups may not be valid. Please ensure they exist and try again.")
		}
	}
	return nil
}

func checkSizes(min, max, desired int32) error {
	if min < 0 || max < 0 {
		return validationError("Min size and max size must be non-negative")
	}
	if max < min {
		return validationError("The parameter MaxSize must be greater than or equal to MinSize")
	}
	if desired < min || desired > max {
		return validationError("Desired capacity:%d must be between the specified min size:%d and max size:%d", desired, min, max)
	}
	return nil
}

func (a *autoscalingAPI) CreateAutoScalingGroup(ctx context.Context, in *autoscaling.CreateAutoScalingGroupInput, _ ...func(*autoscaling.Options)) (*autoscaling.CreateAutoScalingGroupOutput, error) {
	return call(ctx, a.s, svcAutoScaling, "CreateAutoScalingGroup", func(t *tx) (*autoscaling.CreateAutoScalingGroupOutput, error) {
		name := aws.ToString(in.AutoScalingGroupName)
		if name == "" || len(name) > 255 || strings.Contains(name, ":") {
			return nil, validationError("1 validation error detected: Value '%s' at 'autoScalingGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\r\\n\\t]*", name)
		}
		if in.MinSize == nil || in.MaxSize == nil {
			return nil, validationError("1 validation error detected: Value null at 'minSize' or 'maxSize' failed to satisfy constraint: Member must not be null")
		}
		if t.r.AutoScale.Groups[name] != nil {
			return nil, &astypes.AlreadyExistsFault{Message: aws.String("AutoScalingGroup by this name already exists - A group with the name " + name + " already exists")}
		}
		spec := in.LaunchTemplate
		if spec == nil && in.MixedInstancesPolicy != nil && in.MixedInstancesPolicy.LaunchTemplate != nil {
			spec = in.MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification
		}
		if in.LaunchConfigurationName != nil {
			return nil, validationError("Launch configuration name not found - Launch configuration %s not found", *in.LaunchConfigurationName)
		}
		if spec == nil {
			return nil, validationError("Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.")
		}
		lt, ref, err := t.resolveLT(spec)
		if err != nil {
			return nil, err
		}
		_ = lt
		subnets, err := t.resolveSubnets(aws.ToString(in.VPCZoneIdentifier))
		if err != nil {
			return nil, err
		}
		desired := aws.ToInt32(in.MinSize)
		if in.DesiredCapacity != nil {
			desired = *in.DesiredCapacity
		}
		if err := checkSizes(*in.MinSize, *in.MaxSize, desired); err != nil {
			return nil, err
		}
		if err := t.checkTargetGroups(in.TargetGroupARNs); err != nil {
			return nil, err
		}
		g := &asg{Meta: Meta{ID: name, ARN: t.asgARN(name), Created: t.now},
			Name: name, LT: ref, Min: *in.MinSize, Max: *in.MaxSize, Desired: desired, Subnets: subnets,
			HealthCheck: "EC2", Grace: 300, Cooldown: 300, Protected: aws.ToBool(in.NewInstancesProtectedFromScaleIn),
			TGs: in.TargetGroupARNs, Policies: in.TerminationPolicies, MaxLifetime: aws.ToInt32(in.MaxInstanceLifetime), ChangedAt: t.now}
		if in.HealthCheckType != nil {
			g.HealthCheck = *in.HealthCheckType
		}
		if in.HealthCheckGracePeriod != nil {
			g.Grace = *in.HealthCheckGracePeriod
		}
		if in.DefaultCooldown != nil {
			g.Cooldown = *in.DefaultCooldown
		}
		if err := t.setASGTags(g, in.Tags); err != nil {
			return nil, err
		}
		t.r.AutoScale.Groups[name] = g
		return &autoscaling.CreateAutoScalingGroupOutput{}, nil
	})
}

func (t *tx) setASGTags(g *asg, tags []astypes.Tag) error {
	kv := map[string]string{}
	for _, tg := range tags {
		if rt := aws.ToString(tg.ResourceType); rt != "" && rt != "auto-scaling-group" {
			return validationError("Invalid resource type %s", rt)
		}
		kv[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	if k, bad := reservedTag(kv); bad {
		return validationError("Tag key %s uses the reserved aws: prefix", k)
	}
	if err := mergeTags(&g.Tags, kv, &astypes.LimitExceededFault{Message: aws.String("The number of tags exceeds the limit of 50.")}); err != nil {
		return err
	}
	for _, tg := range tags {
		if g.Propagate == nil {
			g.Propagate = map[string]bool{}
		}
		g.Propagate[aws.ToString(tg.Key)] = aws.ToBool(tg.PropagateAtLaunch)
	}
	return nil
}

func (a *autoscalingAPI) UpdateAutoScalingGroup(ctx context.Context, in *autoscaling.UpdateAutoScalingGroupInput, _ ...func(*autoscaling.Options)) (*autoscaling.UpdateAutoScalingGroupOutput, error) {
	return call(ctx, a.s, svcAutoScaling, "UpdateAutoScalingGroup", func(t *tx) (*autoscaling.UpdateAutoScalingGroupOutput, error) {
		g, err := t.asgByName(aws.ToString(in.AutoScalingGroupName))
		if err != nil {
			return nil, err
		}
		if g.Deleting {
			return nil, &astypes.ScalingActivityInProgressFault{Message: aws.String("AutoScalingGroup " + g.Name + " is pending delete.")}
		}
		min, max, desired := g.Min, g.Max, g.Desired
		if in.MinSize != nil {
			min = *in.MinSize
		}
		if in.MaxSize != nil {
			max = *in.MaxSize
		}
		if in.DesiredCapacity != nil {
			desired = *in.DesiredCapacity
		} else {
			if desired < min {
				desired = min
			}
			if desired > max {
				desired = max
			}
		}
		if err := checkSizes(min, max, desired); err != nil {
			return nil, err
		}
		spec := in.LaunchTemplate
		if spec == nil && in.MixedInstancesPolicy != nil && in.MixedInstancesPolicy.LaunchTemplate != nil {
			spec = in.MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification
		}
		if spec != nil {
			_, ref, err := t.resolveLT(spec)
			if err != nil {
				return nil, err
			}
			g.LT = ref
		}
		if in.VPCZoneIdentifier != nil {
			subnets, err := t.resolveSubnets(*in.VPCZoneIdentifier)
			if err != nil {
				return nil, err
			}
			g.Subnets = subnets
		}
		if desired != g.Desired {
			g.ChangedAt = t.now
		}
		g.Min, g.Max, g.Desired = min, max, desired
		if in.HealthCheckType != nil {
			g.HealthCheck = *in.HealthCheckType
		}
		if in.HealthCheckGracePeriod != nil {
			g.Grace = *in.HealthCheckGracePeriod
		}
		if in.DefaultCooldown != nil {
			g.Cooldown = *in.DefaultCooldown
		}
		if in.NewInstancesProtectedFromScaleIn != nil {
			g.Protected = *in.NewInstancesProtectedFromScaleIn
		}
		if in.TerminationPolicies != nil {
			g.Policies = in.TerminationPolicies
		}
		if in.MaxInstanceLifetime != nil {
			g.MaxLifetime = *in.MaxInstanceLifetime
		}
		return &autoscaling.UpdateAutoScalingGroupOutput{}, nil
	})
}

func (a *autoscalingAPI) DeleteAutoScalingGroup(ctx context.Context, in *autoscaling.DeleteAutoScalingGroupInput, _ ...func(*autoscaling.Options)) (*autoscaling.DeleteAutoScalingGroupOutput, error) {
	return call(ctx, a.s, svcAutoScaling, "DeleteAutoScalingGroup", func(t *tx) (*autoscaling.DeleteAutoScalingGroupOutput, error) {
		g, err := t.asgByName(aws.ToString(in.AutoScalingGroupName))
		if err != nil {
			return nil, err
		}
		if g.Deleting {
			return &autoscaling.DeleteAutoScalingGroupOutput{}, nil
		}
		live, stopping := 0, 0
		for _, m := range g.Members {
			if i := t.r.EC2.Instances[m.ID]; i != nil {
				switch i.State {
				case "pending", "running":
					live++
				case "shutting-down":
					stopping++
				}
			}
		}
		if !aws.ToBool(in.ForceDelete) {
			if live > 0 {
				return nil, &astypes.ResourceInUseFault{Message: aws.String("You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.")}
			}
			if stopping > 0 {
				return nil, &astypes.ScalingActivityInProgressFault{Message: aws.String("You cannot delete an AutoScalingGroup while there are scaling activities in progress for that group.")}
			}
		}
		for _, cp := range t.r.ECS.CapacityProviders {
			if cp.ASGARN == g.ARN && cp.Status == "ACTIVE" && cp.UpdateStatus != "DELETE_IN_PROGRESS" {
				// AWS lets this through; the capacity provider goes on
				// referring to a group that is gone (and can't scale).
				break
			}
		}
		g.Deleting, g.Desired, g.Min, g.ChangedAt = true, 0, 0, t.now
		for i := range g.Members {
			if inst := t.r.EC2.Instances[g.Members[i].ID]; inst != nil {
				g.Members[i].Leaving = true
				t.stopInstance(inst, t.now, "Client.UserInitiatedShutdown: User initiated shutdown", "Terminated by Auto Scaling (group deleted)")
			}
		}
		if live > 0 {
			g.activity(t.now, "InProgress", "Terminating EC2 instances", "At "+t.now.Format(time.RFC3339)+" the group was deleted.", "")
		}
		return &autoscaling.DeleteAutoScalingGroupOutput{}, nil
	})
}

func (t *tx) asgOut(g *asg, withInstances bool) astypes.AutoScalingGroup {
	rn := t.regionName()
	out := astypes.AutoScalingGroup{
		AutoScalingGroupName: aws.String(g.Name), AutoScalingGroupARN: aws.String(g.ARN), CreatedTime: tp(g.Created),
		MinSize: aws.Int32(g.Min), MaxSize: aws.Int32(g.Max), DesiredCapacity: aws.Int32(g.Desired),
		DefaultCooldown: aws.Int32(g.Cooldown), HealthCheckType: aws.String(g.HealthCheck), HealthCheckGracePeriod: aws.Int32(g.Grace),
		VPCZoneIdentifier: aws.String(strings.Join(g.Subnets, ",")), NewInstancesProtectedFromScaleIn: aws.Bool(g.Protected),
		LaunchTemplate:  &astypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(g.LT.ID), LaunchTemplateName: aws.String(g.LT.Name), Version: aws.String(g.LT.Version)},
		TargetGroupARNs: append([]string{}, g.TGs...), LoadBalancerNames: []string{}, SuspendedProcesses: []astypes.SuspendedProcess{},
		EnabledMetrics: []astypes.EnabledMetric{}, TerminationPolicies: []string{"Default"},
		ServiceLinkedRoleARN: aws.String(serviceRoleARN(t.account(), "autoscaling.amazonaws.com", "AWSServiceRoleForAutoScaling")),
		CapacityRebalance:    aws.Bool(false), TrafficSources: []astypes.TrafficSourceIdentifier{},
	}
	if len(g.Policies) > 0 {
		out.TerminationPolicies = append([]string{}, g.Policies...)
	}
	if g.MaxLifetime > 0 {
		out.MaxInstanceLifetime = aws.Int32(g.MaxLifetime)
	}
	for _, a := range g.TGs {
		out.TrafficSources = append(out.TrafficSources, astypes.TrafficSourceIdentifier{Identifier: aws.String(a), Type: aws.String("elbv2")})
	}
	azs := map[string]bool{}
	for _, s := range g.Subnets {
		if sn := t.r.EC2.Subnets[s]; sn != nil {
			azs[sn.AZ] = true
		}
	}
	out.AvailabilityZones = sortedKeys(azs)
	if g.Deleting {
		out.Status = aws.String("Delete in progress")
	}
	for _, k := range sortedKeys(g.Tags) {
		out.Tags = append(out.Tags, astypes.TagDescription{Key: aws.String(k), Value: aws.String(g.Tags[k]),
			PropagateAtLaunch: aws.Bool(g.Propagate[k]), ResourceId: aws.String(g.Name), ResourceType: aws.String("auto-scaling-group")})
	}
	if out.Tags == nil {
		out.Tags = []astypes.TagDescription{}
	}
	out.Instances = []astypes.Instance{}
	if withInstances {
		for _, m := range g.Members {
			i := t.r.EC2.Instances[m.ID]
			if i == nil || i.State == "terminated" {
				continue
			}
			life, health := astypes.LifecycleStateInService, "Healthy"
			switch i.State {
			case "pending":
				life = astypes.LifecycleStatePending
			case "shutting-down":
				life = astypes.LifecycleStateTerminating
				if !m.Leaving {
					health = "Unhealthy"
				}
			}
			var lt *astypes.LaunchTemplateSpecification
			if i.LT != nil {
				lt = &astypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(i.LT.ID), LaunchTemplateName: aws.String(i.LT.Name), Version: aws.String(i.LT.Version)}
			}
			out.Instances = append(out.Instances, astypes.Instance{InstanceId: aws.String(i.ID), AvailabilityZone: aws.String(i.AZ),
				AvailabilityZoneId: aws.String(zoneID(rn, i.AZ)), LifecycleState: life, HealthStatus: aws.String(health),
				ProtectedFromScaleIn: aws.Bool(m.Protected), InstanceType: aws.String(i.Type), LaunchTemplate: lt})
		}
	}
	return out
}

func (a *autoscalingAPI) DescribeAutoScalingGroups(ctx context.Context, in *autoscaling.DescribeAutoScalingGroupsInput, _ ...func(*autoscaling.Options)) (*autoscaling.DescribeAutoScalingGroupsOutput, error) {
	return call(ctx, a.s, svcAutoScaling, "DescribeAutoScalingGroups", func(t *tx) (*autoscaling.DescribeAutoScalingGroupsOutput, error) {
		names := newIDSet(in.AutoScalingGroupNames)
		for _, f := range in.Filters {
			n := aws.ToString(f.Name)
			if n != "auto-scaling-group" && n != "tag-key" && n != "tag-value" && !strings.HasPrefix(n, "tag:") {
				return nil, validationError("Filter type %s is not correct. Allowed Filter types are: auto-scaling-group tag-key tag-value tag:<key>", n)
			}
		}
		var all []astypes.AutoScalingGroup
		for _, n := range sortedKeys(t.r.AutoScale.Groups) {
			g := t.r.AutoScale.Groups[n]
			if !names.has(n) || t.hidden(g.Created) {
				continue
			}
			ok := true
			for _, f := range in.Filters {
				fn := aws.ToString(f.Name)
				var have []string
				switch {
				case fn == "auto-scaling-group":
					have = []string{g.Name}
				case fn == "tag-key":
					have = sortedKeys(g.Tags)
				case fn == "tag-value":
					for _, k := range sortedKeys(g.Tags) {
						have = append(have, g.Tags[k])
					}
				default:
					if v, found := g.Tags[fn[4:]]; found {
						have = []string{v}
					}
				}
				match := false
				for _, w := range f.Values {
					for _, h := range have {
						match = match || w == h
					}
				}
				ok = ok && match
			}
			if ok {
				all = append(all, t.asgOut(g, in.IncludeInstances == nil || *in.IncludeInstances))
			}
		}
		max := int(aws.ToInt32(in.MaxRecords))
		if max == 0 {
			max = 50
		}
		if max > 100 {
			return nil, validationError("1 validation error detected: Value '%d' at 'maxRecords' failed to satisfy constraint: Member must have value less than or equal to 100", max)
		}
		items, next, err := page(all, in.NextToken, max)
		if err != nil {
			return nil, &astypes.InvalidNextToken{Message: aws.String("The token is invalid.")}
		}
		if items == nil {
			items = []astypes.AutoScalingGroup{}
		}
		return &autoscaling.DescribeAutoScalingGroupsOutput{AutoScalingGroups: items, NextToken: next}, nil
	})
}

func (a *autoscalingAPI) TerminateInstanceInAutoScalingGroup(ctx context.Context, in *autoscaling.TerminateInstanceInAutoScalingGroupInput, _ ...func(*autoscaling.Options)) (*autoscaling.TerminateInstanceInAutoScalingGroupOutput, error) {
	return call(ctx, a.s, svcAutoScaling, "TerminateInstanceInAutoScalingGroup", func(t *tx) (*autoscaling.TerminateInstanceInAutoScalingGroupOutput, error) {
		if in.ShouldDecrementDesiredCapacity == nil {
			return nil, validationError("1 validation error detected: Value null at 'shouldDecrementDesiredCapacity' failed to satisfy constraint: Member must not be null")
		}
		id := aws.ToString(in.InstanceId)
		g := t.groupOf(id)
		i := t.r.EC2.Instances[id]
		if g == nil || i == nil || i.State == "terminated" {
			return nil, validationError("Instance Id not found - No managed instance found for instance ID: %s", id)
		}
		dec := *in.ShouldDecrementDesiredCapacity
		if dec && g.Desired <= g.Min {
			return nil, validationError("Currently, desiredSize equals minSize (%d). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.", g.Min)
		}
		cause := fmt.Sprintf("At %s instance %s was taken out of service in response to a user request", t.now.UTC().Format(time.RFC3339), id)
		if dec {
			g.Desired--
			g.ChangedAt = t.now
			cause += ", shrinking the capacity from " + fmt.Sprint(g.Desired+1) + " to " + fmt.Sprint(g.Desired) + "."
			for k := range g.Members {
				if g.Members[k].ID == id {
					g.Members[k].Leaving = true
				}
			}
		} else {
			cause += "."
		}
		t.stopInstance(i, t.now, "Client.UserInitiatedShutdown: User initiated shutdown", "Terminated by Auto Scaling")
		act := g.activity(t.now, "InProgress", "Terminating EC2 instance: "+id, cause, "")
		out := t.activityOut(g, act)
		return &autoscaling.TerminateInstanceInAutoScalingGroupOutput{Activity: &out}, nil
	})
}

func (a *autoscalingAPI) CreateOrUpdateTags(ctx context.Context, in *autoscaling.CreateOrUpdateTagsInput, _ ...func(*autoscaling.Options)) (*autoscaling.CreateOrUpdateTagsOutput, error) {
	return call(ctx, a.s, svcAutoScaling, "CreateOrUpdateTags", func(t *tx) (*autoscaling.CreateOrUpdateTagsOutput, error) {
		byGroup := map[string][]astypes.Tag{}
		for _, tg := range in.Tags {
			byGroup[aws.ToString(tg.ResourceId)] = append(byGroup[aws.ToString(tg.ResourceId)], tg)
		}
		for _, n := range sortedKeys(byGroup) {
			g, err := t.asgByName(n)
			if err != nil {
				return nil, err
			}
			if err := t.setASGTags(g, byGroup[n]); err != nil {
				return nil, err
			}
		}
		return &autoscaling.CreateOrUpdateTagsOutput{}, nil
	})
}
