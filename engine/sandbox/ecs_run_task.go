package sandbox

import (
	"context"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// RunTask starts standalone tasks (a build, an admin command) as ECS
// does: placed on the cluster's container instances by the capacity
// provider strategy, PROVISIONING → PENDING → RUNNING on the clock, and
// a task that finds no room comes back as a failure, not an error. A
// task of an image the sandbox can really run to its end (programs.go)
// runs once it is placed; any other stands in, as a service's does.
func (a *ecsAPI) RunTask(ctx context.Context, in *ecs.RunTaskInput, _ ...func(*ecs.Options)) (*ecs.RunTaskOutput, error) {
	var started []string
	out, err := call(ctx, a.s, svcECS, "RunTask", func(t *tx) (*ecs.RunTaskOutput, error) {
		c, err := t.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		if aws.ToString(in.TaskDefinition) == "" {
			return nil, ecsInvalid("TaskDefinition can not be blank.")
		}
		td := t.taskDefByRef(aws.ToString(in.TaskDefinition))
		if td == nil || td.Status != "ACTIVE" {
			return nil, ecsClient("Unable to describe task definition.")
		}
		n := aws.ToInt32(in.Count)
		if in.Count == nil {
			n = 1
		}
		if n < 1 || n > 10 {
			return nil, ecsInvalid("count must be between 1 and 10.")
		}
		if len(aws.ToString(in.StartedBy)) > 128 {
			return nil, ecsInvalid("startedBy must be at most 128 characters.")
		}
		_, strat, err := t.serviceStrategy(c, in.LaunchType, in.CapacityProviderStrategy)
		if err != nil {
			return nil, err
		}
		tags, err := ecsTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		if err := checkOverrides(td, in.Overrides); err != nil {
			return nil, err
		}
		token := aws.ToString(in.ClientToken)
		if len(token) > 64 {
			return nil, ecsInvalid("clientToken must be at most 64 characters.")
		}
		if done := t.tokenTasks(c.Name, token); len(done) > 0 {
			return &ecs.RunTaskOutput{Tasks: done, Failures: []ecstypes.Failure{}}, nil
		}
		// Placement reuses the services' rules; a standalone task is a
		// service of one with no name.
		one := &ecsService{Name: "", Cluster: c.Name, Placement: in.PlacementStrategy}
		dep := &ecsDeployment{ID: aws.ToString(in.StartedBy), Strategy: strat}
		res := &ecs.RunTaskOutput{Tasks: []ecstypes.Task{}, Failures: []ecstypes.Failure{}}
		for i := int32(0); i < n; i++ {
			room, why := t.place(one, dep, td)
			if room == nil {
				res.Failures = append(res.Failures, ecstypes.Failure{Arn: aws.String(c.ARN), Reason: aws.String(placementFailure(why)), Detail: aws.String(why)})
				continue
			}
			tk := t.startTask(one, dep, td, room, t.now)
			tk.Group = aws.ToString(in.Group)
			if tk.Group == "" {
				tk.Group = "family:" + td.Family
			}
			tk.Overrides, tk.Token = in.Overrides, token
			if len(tags) > 0 {
				tk.Tags = copyMap(tags)
			}
			if tk.FailReason == "" {
				tk.Program = programOf(td)
				if tk.Program == "" {
					t.sayCantRun(tk, td)
				} else {
					tk.Owner = os.Getpid()
				}
			}
			if tk.Program != "" {
				started = append(started, tk.ARN)
			}
			res.Tasks = append(res.Tasks, t.taskOut(tk, true))
			t.touch()
		}
		return res, nil
	})
	if err == nil {
		for _, arn := range started {
			a.s.runProgram(arn)
		}
	}
	return out, err
}

// placementFailure is the short reason RunTask gives beside the detail.
func placementFailure(why string) string {
	switch {
	case strings.Contains(why, "memory"):
		return "RESOURCE:MEMORY"
	case strings.Contains(why, "CPU"):
		return "RESOURCE:CPU"
	case strings.Contains(why, "port"):
		return "RESOURCE:PORTS"
	}
	return "No Container Instances were found in your cluster."
}

// checkOverrides refuses an override of a container the task definition
// doesn't have, as ECS does.
func checkOverrides(td *taskDef, o *ecstypes.TaskOverride) error {
	if o == nil {
		return nil
	}
	names := map[string]bool{}
	for _, c := range td.Containers {
		names[aws.ToString(c.Name)] = true
	}
	for _, co := range o.ContainerOverrides {
		if !names[aws.ToString(co.Name)] {
			return ecsInvalid("Override for container named %s is not a container in the TaskDefinition.", aws.ToString(co.Name))
		}
	}
	return nil
}

// tokenTasks are the tasks an earlier RunTask with this client token
// started on cluster (none for no token).
func (t *tx) tokenTasks(cluster, token string) []ecstypes.Task {
	if token == "" {
		return nil
	}
	var out []ecstypes.Task
	for _, k := range sortedKeys(t.r.ECS.Tasks) {
		if tk := t.r.ECS.Tasks[k]; tk.Cluster == cluster && tk.Token == token {
			out = append(out, t.taskOut(tk, true))
		}
	}
	return out
}
