package sandbox

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func TestOfficialImageTags(t *testing.T) {
	for image, pulls := range map[string]bool{
		"httpd": true, "httpd:2.4": true, "httpd:2.4.62-alpine3.20": true, "httpd:bookworm": true,
		"nginx": true, "nginx:1.27.3": true, "nginx:stable-alpine-perl": true, "nginx:alpine-slim": true,
		"docker.io/library/nginx:mainline": true, "public.ecr.aws/docker/library/httpd:latest": true,
		"nginx@sha256:0123": true, "ghcr.io/acme/shop:lastest": true, "example/nginx:anything": true,
		"nginx:lastest": false, "httpd:3": false, "nginx:2.0": false, "docker.io/nginx:latst": false,
		"public.ecr.aws/docker/library/nginx:no-such-tag": false,
	} {
		why := pullFailure(image)
		if (why == "") != pulls {
			t.Errorf("%s: pulls %v, want %v (%q)", image, why == "", pulls, why)
		}
		if why != "" && !strings.HasPrefix(why, "CannotPullContainerError: ") {
			t.Errorf("%s: %q", image, why)
		}
	}
	if got := pullFailure("nginx:lastest"); !strings.Contains(got, "docker.io/library/nginx:lastest: not found") {
		t.Errorf("reason %q names the wrong ref", got)
	}
}

// A release whose image tag doesn't exist never starts a task; the
// circuit breaker fails it and rolls back to the revision that ran, and
// the old tasks serve all along.
func TestBadTagRollsBackToTheLastGoodRevision(t *testing.T) {
	s := openSB(t, Options{})
	c := s.Clients()
	n := buildNetwork(t, c, "rb")
	_, asgARN := buildVMs(t, c, "rb", n, 2)
	cluster, svcARN, _ := buildService(t, c, "rb", n, asgARN, 2)
	svc := describeService(t, c, cluster, svcARN)
	eventually(t, "the first release to complete", func() bool {
		svc = describeService(t, c, cluster, svcARN)
		return svc.RunningCount == 2 && svc.Deployments[0].RolloutState == ecstypes.DeploymentRolloutStateCompleted
	})
	good := *svc.TaskDefinition
	cur := must(c.ECS.DescribeTaskDefinition(bg, &ecs.DescribeTaskDefinitionInput{TaskDefinition: &good}))
	cd := cur.TaskDefinition.ContainerDefinitions[0]
	cd.Image = aws.String("nginx:lastest")
	bad := must(c.ECS.RegisterTaskDefinition(bg, &ecs.RegisterTaskDefinitionInput{Family: cur.TaskDefinition.Family, TaskRoleArn: cur.TaskDefinition.TaskRoleArn,
		Cpu: cur.TaskDefinition.Cpu, Memory: cur.TaskDefinition.Memory, ContainerDefinitions: []ecstypes.ContainerDefinition{cd}}))
	must(c.ECS.UpdateService(bg, &ecs.UpdateServiceInput{Cluster: &cluster, Service: &svcARN, TaskDefinition: bad.TaskDefinition.TaskDefinitionArn}))
	eventually(t, "the rollback to complete", func() bool {
		svc = describeService(t, c, cluster, svcARN)
		return len(svc.Deployments) == 1 && svc.Deployments[0].RolloutState == ecstypes.DeploymentRolloutStateCompleted
	})
	if *svc.TaskDefinition != good || *svc.Deployments[0].TaskDefinition != good || svc.RunningCount != 2 {
		t.Errorf("after the rollback the service runs %s (%d running); want %s", *svc.TaskDefinition, svc.RunningCount, good)
	}
	// At Speed 0 the failed deployment may be gone by the first look; the
	// service's events keep what happened.
	var failed, rolledBack bool
	for _, e := range svc.Events {
		failed = failed || strings.Contains(*e.Message, "deployment failed: tasks failed to start")
		rolledBack = rolledBack || strings.Contains(*e.Message, "rolling back to deployment")
	}
	if !failed || !rolledBack {
		t.Errorf("events say failed %v, rolled back %v", failed, rolledBack)
	}
	stopped := must(c.ECS.ListTasks(bg, &ecs.ListTasksInput{Cluster: &cluster, DesiredStatus: ecstypes.DesiredStatusStopped}))
	dt := must(c.ECS.DescribeTasks(bg, &ecs.DescribeTasksInput{Cluster: &cluster, Tasks: stopped.TaskArns}))
	pulls := 0
	for _, tk := range dt.Tasks {
		if *tk.TaskDefinitionArn == *bad.TaskDefinition.TaskDefinitionArn {
			if tk.StopCode != ecstypes.TaskStopCodeTaskFailedToStart || !strings.HasPrefix(aws.ToString(tk.StoppedReason), "CannotPullContainerError:") {
				t.Errorf("bad task stopped %s: %s", tk.StopCode, aws.ToString(tk.StoppedReason))
			}
			pulls++
		}
	}
	if pulls < 3 {
		t.Errorf("%d tasks of the bad release failed before the breaker; want at least 3", pulls)
	}
}
