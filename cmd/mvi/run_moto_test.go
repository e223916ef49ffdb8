package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/minimalinfra/mvi/engine/cloud"
)

// mvi run on the AWS path, through moto: the RunTask call carries the
// task definition web's service runs (its current release) and the
// command as the container's override, and is marked as mvi's.
func TestRunOnMotoUsesTheReleaseAndTheCommand(t *testing.T) {
	startMoto(t)
	runTasks := ecsShim(t)
	// moto never starts ECS tasks, so don't wait for containers to run.
	if out, errs, code := mvi(t, "up", "-f", demoFile, "--cloud", "aws", "--yes", "--wait-for-containers=false"); code != 0 {
		t.Fatalf("up: exit %d\n%s\n%s", code, tail(out), errs)
	}
	ctx := context.Background()
	cfg, err := cloud.Load(ctx, "", "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	c := ecs.NewFromConfig(cfg)
	cl, err := c.ListClusters(ctx, &ecs.ListClustersInput{})
	if err != nil || len(cl.ClusterArns) != 1 {
		t.Fatalf("clusters: %v %v", cl, err)
	}
	cluster := cl.ClusterArns[0]
	// moto's VMs run no ECS agent: register one of them, as its agent
	// would, so moto has somewhere to place the task.
	vms, err := ec2.NewFromConfig(cfg).DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	if err != nil || len(vms.Reservations) == 0 || len(vms.Reservations[0].Instances) == 0 {
		t.Fatalf("the app's VMs: %v %v", vms, err)
	}
	doc := `{"instanceId": "` + aws.ToString(vms.Reservations[0].Instances[0].InstanceId) + `"}`
	if _, err := c.RegisterContainerInstance(ctx, &ecs.RegisterContainerInstanceInput{Cluster: aws.String(cluster),
		InstanceIdentityDocument: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	out, errs, code := mvi(t, "run", "web", "-f", demoFile, "--cloud", "aws", "--detach", "--", "migrate", "--dry-run")
	task := strings.TrimSpace(out)
	if code != 0 || task == "" {
		t.Fatalf("run --detach: exit %d\n%s\n%s", code, out, errs)
	}
	svcs, err := c.ListServices(ctx, &ecs.ListServicesInput{Cluster: aws.String(cluster)})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := c.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: svcs.ServiceArns})
	if err != nil || len(ds.Services) != 1 {
		t.Fatalf("services: %v", err)
	}
	dt, err := c.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: []string{task}, Include: []ecstypes.TaskField{ecstypes.TaskFieldTags}})
	if err != nil || len(dt.Tasks) != 1 {
		t.Fatalf("describe task %s: %v %+v", task, err, dt)
	}
	got := dt.Tasks[0]
	// What mvi sent, as the SDK put it on the wire.
	if len(*runTasks) != 1 {
		t.Fatalf("%d RunTask calls, want 1", len(*runTasks))
	}
	var sent struct {
		TaskDefinition string
		StartedBy      string
		Overrides      struct {
			ContainerOverrides []struct {
				Name    string
				Command []string
			}
		}
	}
	if err := json.Unmarshal((*runTasks)[0], &sent); err != nil {
		t.Fatal(err)
	}
	if sent.TaskDefinition != aws.ToString(ds.Services[0].TaskDefinition) || len(sent.Overrides.ContainerOverrides) != 1 ||
		!slices.Equal(sent.Overrides.ContainerOverrides[0].Command, []string{"migrate", "--dry-run"}) {
		t.Errorf("RunTask sent %s", (*runTasks)[0])
	}
	if want := aws.ToString(ds.Services[0].TaskDefinition); aws.ToString(got.TaskDefinitionArn) != want {
		t.Errorf("task definition %s, want the service's %s", aws.ToString(got.TaskDefinitionArn), want)
	}
	if got.Overrides == nil || len(got.Overrides.ContainerOverrides) != 1 ||
		aws.ToString(got.Overrides.ContainerOverrides[0].Name) != "web" ||
		!slices.Equal(got.Overrides.ContainerOverrides[0].Command, []string{"migrate", "--dry-run"}) {
		t.Errorf("overrides %+v, want web's command [migrate --dry-run]", got.Overrides)
	}
	if aws.ToString(got.StartedBy) != "mvi-run" {
		t.Errorf("startedBy %q", aws.ToString(got.StartedBy))
	}
	tags := map[string]string{}
	for _, tg := range got.Tags {
		tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	if tags["mvi:app"] != "demo" || tags["mvi:id"] != "run/web" {
		t.Errorf("tags %v", tags)
	}
}

// ecsShim puts a loopback proxy in front of moto (AWS_ENDPOINT_URL) that
// keeps the body of every RunTask call, and mends one moto bug on the way
// back: it answers a task's container cpu and memory as numbers where ECS's API has
// a string, which the SDK refuses to read.
func ecsShim(t *testing.T) *[][]byte {
	t.Helper()
	target, err := url.Parse(os.Getenv("AWS_ENDPOINT_URL"))
	if err != nil {
		t.Fatal(err)
	}
	var calls [][]byte
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(r *http.Response) error {
		op := r.Request.Header.Get("X-Amz-Target")
		if !strings.HasSuffix(op, ".RunTask") && !strings.HasSuffix(op, ".DescribeTasks") {
			return nil
		}
		body, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return err
		}
		var doc map[string]any
		if json.Unmarshal(body, &doc) == nil {
			tasks, _ := doc["tasks"].([]any)
			for _, tk := range tasks {
				cs, _ := tk.(map[string]any)["containers"].([]any)
				for _, c := range cs {
					if m, ok := c.(map[string]any); ok {
						for _, k := range []string{"cpu", "memory", "memoryReservation"} {
							if n, ok := m[k].(float64); ok {
								m[k] = strconv.Itoa(int(n))
							}
						}
					}
				}
			}
			body, _ = json.Marshal(doc)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		r.Header.Set("Content-Length", strconv.Itoa(len(body)))
		return nil
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".RunTask") {
			b, _ := io.ReadAll(r.Body)
			calls = append(calls, b)
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	return &calls
}
