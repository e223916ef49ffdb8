package engine

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/minimalinfra/mvi/engine/resource"
)

// RunningTask is a one-off task (mvi run) that hasn't stopped yet.
type RunningTask struct {
	Process string
	Task    string // its id
	Status  string // ECS's last status: PROVISIONING … RUNNING, STOPPING
	Command []string
	Started time.Time // when ECS accepted it
}

// runsShown bounds how many one-off tasks one look describes: a screen
// shows a few, and ECS describes at most 100 in one call.
const runsShown = 100

// Runs lists the app's one-off tasks on cluster (a name or ARN) that
// haven't stopped, oldest first: one ListTasks, and one DescribeTasks
// when there are any, so a view that refreshes stays cheap.
func Runs(ctx context.Context, cfg Config, cluster string) ([]RunningTask, error) {
	r := cfg.retry()
	var arns []string
	err := retrying(ctx, r, func() error {
		out, err := cfg.Clients.ECS.ListTasks(ctx, &ecs.ListTasksInput{Cluster: sdkaws.String(cluster), StartedBy: sdkaws.String(RunStartedBy),
			MaxResults: sdkaws.Int32(runsShown)})
		if err == nil {
			arns = out.TaskArns
		}
		return err
	}, nil)
	if err != nil {
		return nil, fmt.Errorf("list the one-off tasks on cluster %s: %w", resource.LastPart(cluster), err)
	}
	if len(arns) == 0 {
		return nil, nil
	}
	var tasks []ecstypes.Task
	err = retrying(ctx, r, func() error {
		out, err := cfg.Clients.ECS.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: sdkaws.String(cluster), Tasks: arns,
			Include: []ecstypes.TaskField{ecstypes.TaskFieldTags}})
		if err == nil {
			tasks = out.Tasks
		}
		return err
	}, nil)
	if err != nil {
		return nil, fmt.Errorf("describe the one-off tasks on cluster %s: %w", resource.LastPart(cluster), err)
	}
	var runs []RunningTask
	for _, t := range tasks {
		tags := map[string]string{}
		for _, tg := range t.Tags {
			tags[sdkaws.ToString(tg.Key)] = sdkaws.ToString(tg.Value)
		}
		process, ok := strings.CutPrefix(tags[resource.TagID], RunIDPrefix)
		if tags[resource.TagApp] != cfg.App || !ok || sdkaws.ToString(t.LastStatus) == "STOPPED" {
			continue // another app's, or not started by mvi run
		}
		rt := RunningTask{Process: process, Task: resource.LastPart(sdkaws.ToString(t.TaskArn)), Status: sdkaws.ToString(t.LastStatus),
			Started: sdkaws.ToTime(t.CreatedAt)}
		if t.Overrides != nil {
			for _, co := range t.Overrides.ContainerOverrides {
				if len(co.Command) > 0 {
					rt.Command = co.Command
				}
			}
		}
		runs = append(runs, rt)
	}
	sort.Slice(runs, func(i, j int) bool {
		if !runs[i].Started.Equal(runs[j].Started) {
			return runs[i].Started.Before(runs[j].Started)
		}
		return runs[i].Task < runs[j].Task
	})
	return runs, nil
}
