package sandbox

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func (t *tx) taskOut(tk *ecsTask, withTags bool) ecstypes.Task {
	c := t.r.ECS.Clusters[tk.Cluster]
	out := ecstypes.Task{TaskArn: aws.String(tk.ARN), ClusterArn: aws.String(c.ARN), TaskDefinitionArn: aws.String(tk.TaskDef),
		ContainerInstanceArn: aws.String(tk.CI), AvailabilityZone: aws.String(tk.AZ), LastStatus: aws.String(tk.LastStatus),
		DesiredStatus: aws.String(tk.Desired), Cpu: aws.String(strconv.Itoa(tk.CPU)), Memory: aws.String(strconv.Itoa(tk.Mem)),
		CreatedAt: tp(tk.Created), Version: tk.Version, LaunchType: ecstypes.LaunchTypeEc2, Connectivity: ecstypes.ConnectivityConnected,
		ConnectivityAt: tp(tk.Created), Attachments: []ecstypes.Attachment{}, Overrides: &ecstypes.TaskOverride{}, HealthStatus: ecstypes.HealthStatusUnknown,
		Attributes: []ecstypes.Attribute{{Name: aws.String("ecs.cpu-architecture"), Value: aws.String(archName(t.r.EC2.Instances[tk.Instance]))}}}
	if tk.CP != "" {
		out.CapacityProviderName = aws.String(tk.CP)
	}
	if tk.Service != "" {
		out.Group = aws.String("service:" + tk.Service)
	} else if tk.Group != "" {
		out.Group = aws.String(tk.Group)
	}
	if tk.Overrides != nil {
		out.Overrides = tk.Overrides
	}
	if tk.StartedBy != "" {
		out.StartedBy = aws.String(tk.StartedBy)
	}
	if t.reached(tk.PendingAt) {
		out.PullStartedAt = tp(tk.PendingAt)
	}
	if t.reached(tk.RunningAt) && tk.FailReason == "" {
		out.PullStoppedAt = tp(tk.RunningAt)
		out.StartedAt = tp(tk.RunningAt)
	}
	// ECS says why from the moment it decides to stop a task, while the
	// task still drains, not only once it has stopped.
	if !tk.StopAsked.IsZero() {
		out.StoppingAt = tp(tk.StopAsked)
		out.StopCode = ecstypes.TaskStopCode(tk.StopCode)
		out.StoppedReason = aws.String(tk.StopReason)
	}
	if tk.LastStatus == "STOPPED" {
		out.StoppedAt, out.ExecutionStoppedAt = tp(tk.StoppedAt), tp(tk.StoppedAt)
		out.StopCode = ecstypes.TaskStopCode(tk.StopCode)
		out.StoppedReason = aws.String(tk.StopReason)
	}
	for _, ct := range tk.Containers {
		co := ecstypes.Container{ContainerArn: aws.String(t.containerARN(tk.Cluster, tk.ID, ct.ID)), Name: aws.String(ct.Name),
			Image: aws.String(ct.Image), TaskArn: aws.String(tk.ARN), LastStatus: aws.String(tk.LastStatus), HealthStatus: ecstypes.HealthStatusUnknown,
			NetworkInterfaces: []ecstypes.NetworkInterface{}}
		if tk.LastStatus == "RUNNING" || tk.LastStatus == "STOPPED" && tk.FailReason == "" {
			co.RuntimeId = aws.String(tk.ID + "-" + ct.ID[:8])
		}
		if tk.LastStatus == "STOPPED" {
			if tk.FailReason != "" {
				co.Reason = aws.String(tk.FailReason)
			} else if ct.Reason != "" {
				co.Reason, co.ExitCode = aws.String(ct.Reason), aws.Int32(137)
			} else if ct.Exit != nil {
				co.ExitCode = aws.Int32(*ct.Exit)
			} else {
				co.ExitCode = aws.Int32(137)
			}
		}
		for _, p := range tk.Ports {
			if p.Container == ct.Name && tk.LastStatus != "STOPPED" {
				co.NetworkBindings = append(co.NetworkBindings, ecstypes.NetworkBinding{BindIP: aws.String("0.0.0.0"),
					ContainerPort: aws.Int32(p.ContainerPort), HostPort: aws.Int32(p.HostPort), Protocol: ecstypes.TransportProtocol(p.Protocol)})
			}
		}
		out.Containers = append(out.Containers, co)
	}
	if withTags {
		out.Tags = ecsTags(tk.Tags)
	}
	return out
}

func archName(i *instance) string {
	if i != nil && i.Arch == "arm64" {
		return "arm64"
	}
	return "x86_64"
}

func (t *tx) taskByRef(c *ecsCluster, ref string) *ecsTask {
	tk := t.r.ECS.Tasks[t.ecsTaskARN(c.Name, lastName(ref))]
	if tk == nil || t.hidden(tk.Created) {
		return nil
	}
	return tk
}

func (a *ecsAPI) ListTasks(ctx context.Context, in *ecs.ListTasksInput, _ ...func(*ecs.Options)) (*ecs.ListTasksOutput, error) {
	return call(ctx, a.s, svcECS, "ListTasks", func(t *tx) (*ecs.ListTasksOutput, error) {
		c, err := t.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		if in.ServiceName != nil {
			if s := t.serviceByRef(c, *in.ServiceName); s == nil {
				return nil, &ecstypes.ServiceNotFoundException{Message: aws.String("Service not found.")}
			}
		}
		desired := string(in.DesiredStatus)
		if desired == "" {
			desired = "RUNNING"
		}
		var arns []string
		for _, k := range sortedKeys(t.r.ECS.Tasks) {
			tk := t.r.ECS.Tasks[k]
			if tk.Cluster != c.Name || tk.Desired != desired || t.hidden(tk.Created) {
				continue
			}
			if in.ServiceName != nil {
				n := *in.ServiceName
				if a, ok := parseARN(n); ok {
					n = a.Resource[strings.LastIndex(a.Resource, "/")+1:]
				}
				if tk.Service != n {
					continue
				}
			}
			if in.ContainerInstance != nil && !strings.HasSuffix(tk.CI, fromECSARN(*in.ContainerInstance, ecsTypeContainerInstance)) {
				continue
			}
			if in.Family != nil && !taskDefOfFamily(tk.TaskDef, *in.Family) {
				continue
			}
			if in.StartedBy != nil && tk.StartedBy != *in.StartedBy {
				continue
			}
			arns = append(arns, tk.ARN)
		}
		items, next, err := ecsPage(arns, in.NextToken, in.MaxResults)
		if err != nil {
			return nil, err
		}
		return &ecs.ListTasksOutput{TaskArns: items, NextToken: next}, nil
	})
}

func (a *ecsAPI) DescribeTasks(ctx context.Context, in *ecs.DescribeTasksInput, _ ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error) {
	return call(ctx, a.s, svcECS, "DescribeTasks", func(t *tx) (*ecs.DescribeTasksOutput, error) {
		c, err := t.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		if len(in.Tasks) == 0 || len(in.Tasks) > 100 {
			return nil, ecsInvalid("Tasks cannot be empty and cannot have more than 100 elements.")
		}
		withTags := false
		for _, f := range in.Include {
			withTags = withTags || f == ecstypes.TaskFieldTags
		}
		out := &ecs.DescribeTasksOutput{Tasks: []ecstypes.Task{}, Failures: []ecstypes.Failure{}}
		for _, r := range in.Tasks {
			tk := t.taskByRef(c, r)
			if tk == nil {
				a := orARN(r, func(id string) string { return t.ecsTaskARN(c.Name, id) })
				out.Failures = append(out.Failures, ecstypes.Failure{Arn: aws.String(a), Reason: aws.String("MISSING")})
				continue
			}
			out.Tasks = append(out.Tasks, t.taskOut(tk, withTags))
		}
		return out, nil
	})
}

func (a *ecsAPI) StopTask(ctx context.Context, in *ecs.StopTaskInput, _ ...func(*ecs.Options)) (*ecs.StopTaskOutput, error) {
	out, err := a.stopTask(ctx, in)
	if err == nil && out.Task != nil {
		a.s.stops.stop(aws.ToString(out.Task.TaskArn))
	}
	return out, err
}

func (a *ecsAPI) stopTask(ctx context.Context, in *ecs.StopTaskInput) (*ecs.StopTaskOutput, error) {
	return call(ctx, a.s, svcECS, "StopTask", func(t *tx) (*ecs.StopTaskOutput, error) {
		c, err := t.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		tk := t.taskByRef(c, aws.ToString(in.Task))
		if tk == nil {
			return nil, ecsInvalid("The referenced task was not found.")
		}
		reason := aws.ToString(in.Reason)
		if reason == "" {
			reason = "Task stopped by user"
		}
		t.stopTask(tk, t.now, "UserInitiated", reason)
		return &ecs.StopTaskOutput{Task: ptr(t.taskOut(tk, false))}, nil
	})
}

// stopTask asks a task to stop at time at: its targets start draining and
// it is STOPPED when they are drained and the container has exited.
func (t *tx) stopTask(tk *ecsTask, at time.Time, code, reason string) {
	if tk.Desired == "STOPPED" {
		return
	}
	tk.Desired, tk.StopAsked, tk.StopCode, tk.StopReason = "STOPPED", at, code, reason
	stop := at.Add(t.dur(paceTaskStopping))
	for _, x := range tk.Targets {
		if tg := t.r.ELB.TargetGroups[x.TG]; tg != nil {
			if t.deregisterTarget(tg, tk.Instance, x.Port) {
				for _, tt := range tg.Targets {
					if tt.ID == tk.Instance && tt.Port == x.Port {
						stop = latest(stop, tt.DrainUntil)
					}
				}
			}
		}
	}
	tk.StoppedAt = stop
	tk.Version++
}
