package sandbox

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/minimalinfra/mvi/engine/sandbox/demo"
)

const demoManifest = "../../assets/examples/demo/mvi.toml"

func (h *hello) getPath(t *testing.T, path string) (int, string) {
	t.Helper()
	req := must(http.NewRequest(http.MethodGet, "http://"+h.dns+path, nil))
	resp := must(h.sb.Clients().HTTP.Do(req))
	defer resp.Body.Close()
	b := must(io.ReadAll(resp.Body))
	return resp.StatusCode, string(b)
}

// runAdmin runs the web service's task definition as a one-off task with
// command, waits for it to stop, and returns its exit code and log.
func (h *hello) runAdmin(t *testing.T, command ...string) (int32, string) {
	t.Helper()
	ctx := context.Background()
	c := h.sb.Clients()
	sv := must(c.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(h.cluster), Services: []string{h.service}}))
	td := aws.ToString(sv.Services[0].TaskDefinition)
	tdo := must(c.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(td)}))
	ct := tdo.TaskDefinition.ContainerDefinitions[0]
	out := must(c.ECS.RunTask(ctx, &ecs.RunTaskInput{Cluster: aws.String(h.cluster), TaskDefinition: aws.String(td),
		Overrides: &ecstypes.TaskOverride{ContainerOverrides: []ecstypes.ContainerOverride{{Name: ct.Name, Command: command}}}}))
	if len(out.Tasks) != 1 {
		t.Fatalf("RunTask: %d tasks, failures %+v", len(out.Tasks), out.Failures)
	}
	arn := aws.ToString(out.Tasks[0].TaskArn)
	var task ecstypes.Task
	eventually(t, "the one-off task stops", func() bool {
		d := must(c.ECS.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(h.cluster), Tasks: []string{arn}}))
		task = d.Tasks[0]
		return aws.ToString(task.LastStatus) == "STOPPED"
	})
	id := arn[strings.LastIndex(arn, "/")+1:]
	lc := ct.LogConfiguration.Options
	stream := lc["awslogs-stream-prefix"] + "/" + aws.ToString(ct.Name) + "/" + id
	ev := must(c.Logs.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(lc["awslogs-group"]), LogStreamName: aws.String(stream), StartFromHead: aws.Bool(true)}))
	var lines []string
	for _, e := range ev.Events {
		lines = append(lines, aws.ToString(e.Message))
	}
	return aws.ToInt32(task.Containers[0].ExitCode), strings.Join(lines, "\n")
}

// The demo app runs for real: its routes answer through the load
// balancer, /orders fails while its data in the KV table says so, its
// admin commands change that data as one-off tasks and end with their
// exit codes, and every request is an access line in its log.
func TestDemoAppRunsForReal(t *testing.T) {
	h := upExample(t, demoManifest, 0, ServeOptions{})
	if code, body := h.getPath(t, "/"); code != 200 || !strings.Contains(body, "mvi-demo") {
		t.Fatalf("/: %d %q", code, body)
	}
	if code, _ := h.getPath(t, "/orders"); code != 500 {
		t.Fatalf("/orders before migrate: %d, want 500 (no data yet)", code)
	}
	code, log := h.runAdmin(t, "migrate")
	if code != 0 || !strings.Contains(log, "schema 0 -> 2, 3 orders written") {
		t.Fatalf("migrate: exit %d, log:\n%s", code, log)
	}
	if code, body := h.getPath(t, "/orders"); code != 200 || !strings.Contains(body, "2 coffees") {
		t.Fatalf("/orders after migrate: %d %q", code, body)
	}
	if code, log := h.runAdmin(t, "migrate"); code != 0 || !strings.Contains(log, "nothing to do") {
		t.Errorf("second migrate: exit %d, log:\n%s", code, log)
	}
	if code, log := h.runAdmin(t, "break"); code != 0 || !strings.Contains(log, "schema 1") {
		t.Fatalf("break: exit %d, log:\n%s", code, log)
	}
	if code, _ := h.getPath(t, "/orders"); code != 500 {
		t.Errorf("/orders after break: %d, want 500", code)
	}
	if code, log := h.runAdmin(t, "fail"); code != demo.ExitFail || !strings.Contains(log, "exiting with status 3") {
		t.Errorf("fail: exit %d, log:\n%s", code, log)
	}
	if code, log := h.runAdmin(t, "nonsense"); code != 2 || !strings.Contains(log, "migrate, break, fail") {
		t.Errorf("unknown command: exit %d, log:\n%s", code, log)
	}
	// The access lines reach the log group (the data plane flushes them).
	ctx := context.Background()
	want := []string{"GET /orders 500", "GET /orders 200", "error: /orders: the data is at schema 1", "GET /health 200"}
	eventually(t, "the access lines are in the log", func() bool {
		out := must(h.sb.Clients().Logs.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("/mvi/demo"), LogStreamNamePrefix: aws.String("web/")}))
		var all strings.Builder
		for _, e := range out.Events {
			all.WriteString(aws.ToString(e.Message) + "\n")
		}
		for _, w := range want {
			if !strings.Contains(all.String(), w) {
				return false
			}
		}
		return true
	})
}

func TestDemoImage(t *testing.T) {
	for img, want := range map[string]bool{demo.Image: true, demo.Image + ":1": true, demo.Image + "@sha256:00": true,
		"minimalinfra/mvi-demo": false, "docker.io/minimalinfra/mvi-demo:1": false, demo.Image + "-x:1": false} {
		if isDemo(img) != want {
			t.Errorf("isDemo(%q) = %v", img, !want)
		}
	}
	if demoPullFailure(demo.Image+":1") != "" || !strings.Contains(demoPullFailure(demo.Image+":2"), "CannotPullContainerError") {
		t.Error("the demo image's tags are 1 and latest")
	}
}

// A RunTask retried with its client token starts nothing twice: ECS
// answers with the task the first call started.
func TestRunTaskClientTokenStartsOnce(t *testing.T) {
	h := upExample(t, demoManifest, 0, ServeOptions{})
	ctx := context.Background()
	c := h.sb.Clients()
	sv := must(c.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(h.cluster), Services: []string{h.service}}))
	in := &ecs.RunTaskInput{Cluster: aws.String(h.cluster), TaskDefinition: sv.Services[0].TaskDefinition, ClientToken: aws.String("retry-me"),
		Overrides: &ecstypes.TaskOverride{ContainerOverrides: []ecstypes.ContainerOverride{{Name: aws.String("web"), Command: []string{"fail"}}}}}
	first := must(c.ECS.RunTask(ctx, in))
	again := must(c.ECS.RunTask(ctx, in))
	if len(first.Tasks) != 1 || len(again.Tasks) != 1 || aws.ToString(first.Tasks[0].TaskArn) != aws.ToString(again.Tasks[0].TaskArn) {
		t.Fatalf("first %v, again %v", first.Tasks, again.Tasks)
	}
	h.sb.WaitPrograms(ctx)
	// The service's tasks run on; the one-off one has ended.
	if list := must(c.ECS.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String(h.cluster), DesiredStatus: ecstypes.DesiredStatusStopped})); len(list.TaskArns) != 1 {
		t.Errorf("one token started %d tasks", len(list.TaskArns))
	}
	in.ClientToken = aws.String(strings.Repeat("x", 65))
	if _, err := c.ECS.RunTask(ctx, in); err == nil || !strings.Contains(err.Error(), "InvalidParameterException") {
		t.Errorf("a 65-character token: %v", err)
	}
}

// A one-off command in an image the sandbox has no program for says so
// in its log and stands in, with no server of the image's pretending to
// have started, even while a data plane serves.
func TestOneOffCommandOfAnotherImageSaysItCantRun(t *testing.T) {
	h := upHello(t, 0, ServeOptions{})
	ctx := context.Background()
	c := h.sb.Clients()
	sv := must(c.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(h.cluster), Services: []string{h.service}}))
	td := must(c.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: sv.Services[0].TaskDefinition})).TaskDefinition
	ct := td.ContainerDefinitions[0]
	out := must(c.ECS.RunTask(ctx, &ecs.RunTaskInput{Cluster: aws.String(h.cluster), TaskDefinition: sv.Services[0].TaskDefinition,
		Overrides: &ecstypes.TaskOverride{ContainerOverrides: []ecstypes.ContainerOverride{{Name: ct.Name, Command: []string{"httpd", "-t"}}}}}))
	arn := aws.ToString(out.Tasks[0].TaskArn)
	id := arn[strings.LastIndex(arn, "/")+1:]
	lc := ct.LogConfiguration.Options
	stream := lc["awslogs-stream-prefix"] + "/" + aws.ToString(ct.Name) + "/" + id
	eventually(t, "the task runs", func() bool {
		d := must(c.ECS.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(h.cluster), Tasks: []string{arn}}))
		return aws.ToString(d.Tasks[0].LastStatus) == "RUNNING"
	})
	// The data plane's view holds no server to start for it.
	var v *view
	if err := h.sb.internal(ctx, func(t *tx) error { v = h.dp.snapshot(t); return nil }); err != nil {
		t.Fatal(err)
	}
	if v.tasks[arn] != nil {
		t.Error("the data plane would start a server for a one-off command")
	}
	ev := must(c.Logs.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(lc["awslogs-group"]), LogStreamName: aws.String(stream), StartFromHead: aws.Bool(true)}))
	if len(ev.Events) != 1 || !strings.Contains(aws.ToString(ev.Events[0].Message), "can't run here, so `httpd -t` does not run") {
		var got []string
		for _, e := range ev.Events {
			got = append(got, aws.ToString(e.Message))
		}
		t.Errorf("the one-off task's log: %q", got)
	}
}
