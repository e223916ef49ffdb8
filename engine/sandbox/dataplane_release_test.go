package sandbox

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// settled reports whether the service is on one completed deployment with
// every task running (what the engine's Ready waits for), and its revision.
func (h *hello) settled(t *testing.T) (bool, string) {
	t.Helper()
	out := must(h.sb.Clients().ECS.DescribeServices(context.Background(), &ecs.DescribeServicesInput{Cluster: aws.String(h.cluster), Services: []string{h.service}}))
	s := out.Services[0]
	ok := len(s.Deployments) == 1 && s.Deployments[0].RolloutState == ecstypes.DeploymentRolloutStateCompleted && s.RunningCount == s.DesiredCount
	return ok, aws.ToString(s.TaskDefinition)
}

// At Speed 0, with the data plane serving: once a rolling deployment is
// complete no task of the old release answers any more (its drain lasted
// until the load balancer stopped sending to it); a release whose image
// can't be pulled is rolled back with no request failing, and the tasks
// of the rollback only count healthy once their own checks pass (their
// host ports are ones earlier tasks used).
func TestDataPlaneReleaseAndRollbackAtSpeedZero(t *testing.T) {
	h := upHello(t, 0, ServeOptions{})
	ctx := context.Background()
	c := h.sb.Clients()
	old := h.taskIDs(t)
	td := h.newRevision(t, "2")
	must(c.ECS.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: aws.String(h.cluster), Service: aws.String(h.service), TaskDefinition: aws.String(td)}))
	eventually2(t, 30*time.Second, "the rollout to complete", func() bool { ok, run := h.settled(t); return ok && run == td })
	for i := 0; i < 50; i++ {
		code, _, task, err := h.get()
		if err != nil || code != 200 || old[task] {
			t.Fatalf("request %d after the rollout completed: %d %v, answered by %s (old task: %v)", i, code, err, task, old[task])
		}
	}

	good := td
	sv := must(c.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(h.cluster), Services: []string{h.service}}))
	cur := must(c.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: sv.Services[0].TaskDefinition})).TaskDefinition
	conts := cur.ContainerDefinitions
	conts[0].Image = aws.String("httpd:3")
	bad := must(c.ECS.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: cur.Family, ContainerDefinitions: conts,
		NetworkMode: cur.NetworkMode, ExecutionRoleArn: cur.ExecutionRoleArn, TaskRoleArn: cur.TaskRoleArn, RequiresCompatibilities: cur.RequiresCompatibilities}))
	l := h.startLoop()
	must(c.ECS.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: aws.String(h.cluster), Service: aws.String(h.service), TaskDefinition: bad.TaskDefinition.TaskDefinitionArn}))
	eventually2(t, 30*time.Second, "the rollback to complete", func() bool {
		ok, run := h.settled(t)
		return ok && run == good
	})
	l.end()
	l.mu.Lock()
	defer l.mu.Unlock()
	t.Logf("bad release: %d requests, %d failed", l.total(), l.failed.Load())
	if l.total() == 0 || l.failed.Load() != 0 {
		t.Errorf("%d of %d requests failed during the bad release and its rollback: %v", l.failed.Load(), l.total(), l.errs)
	}
}

// A health record is of one task: when a later task reuses the host port,
// ECS must not count it healthy (or stop it) on the earlier task's record.
func TestHealthRecordOfAnotherTaskDoesNotCount(t *testing.T) {
	h := upHello(t, 0, ServeOptions{})
	errStop := errors.New("look only")
	checked := 0
	err := h.sb.internal(context.Background(), func(t2 *tx) error {
		s := t2.r.ECS.Services[h.service]
		for _, tk := range t2.serviceTasks(s) {
			if !t2.taskHealthy(s, tk) {
				continue
			}
			x := tk.Targets[0]
			tg := t2.r.ELB.TargetGroups[x.TG]
			k := targetKey(tk.Instance, x.Port)
			o := tg.Observed[k]
			o.Task = "arn:aws:ecs:us-east-1:000000000000:task/earlier"
			tg.Observed[k] = o
			if t2.taskHealthy(s, tk) {
				t.Errorf("task %s counts healthy on another task's record", tk.ID)
			}
			o.State = "unhealthy"
			o.At = t2.now.Add(-time.Hour)
			tg.Observed[k] = o
			if left := t2.stopUnhealthy(s, s.primary(), []*ecsTask{tk}); len(left) != 1 {
				t.Errorf("task %s stopped for another task's failed checks", tk.ID)
			}
			checked++
		}
		return errStop // roll the changes back
	})
	if !errors.Is(err, errStop) {
		t.Fatal(err)
	}
	if checked == 0 {
		t.Fatal("no healthy task to look at")
	}
}
