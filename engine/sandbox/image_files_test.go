package sandbox

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/minimalinfra/mvi/engine/build"
)

// A learner's FROM httpd + COPY, built in process and pushed to the
// sandbox's ECR, answers its own page through the load balancer; a tag
// that was never pushed stops the task with ECS's pull error.
func TestBuiltHTTPDImageServesItsOwnFiles(t *testing.T) {
	ctx := context.Background()
	h := upHello(t, 0, ServeOptions{})
	c := h.sb.Clients()
	must(c.ECR.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("hello")}))
	dir := t.TempDir()
	token := "token-" + uuid()
	os.MkdirAll(filepath.Join(dir, "public-html"), 0o755)
	os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM httpd:2.4\nCOPY ./public-html/ /usr/local/apache2/htdocs/\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "public-html", "index.html"), []byte("<h1>"+token+"</h1>\n"), 0o644)
	host := h.sb.Account() + ".dkr.ecr.us-east-1.amazonaws.com"
	res, err := build.Build(ctx, build.Options{Dir: dir, Target: host + "/hello:b-1",
		Remote: []remote.Option{remote.WithTransport(c.Registry), remote.WithAuth(ecrAuth(t, h.sb))}})
	if err != nil {
		t.Fatalf("build: %v", err)
	}

	sv := must(c.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(h.cluster), Services: []string{h.service}}))
	td := must(c.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: sv.Services[0].TaskDefinition})).TaskDefinition
	register := func(image string) string {
		defs := td.ContainerDefinitions
		defs[0].Image = aws.String(image)
		out := must(c.ECS.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: td.Family, ContainerDefinitions: defs,
			ExecutionRoleArn: td.ExecutionRoleArn, TaskRoleArn: td.TaskRoleArn, NetworkMode: td.NetworkMode, Cpu: td.Cpu, Memory: td.Memory,
			RequiresCompatibilities: td.RequiresCompatibilities}))
		return aws.ToString(out.TaskDefinition.TaskDefinitionArn)
	}
	must(c.ECS.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: aws.String(h.cluster), Service: aws.String(h.service), TaskDefinition: aws.String(register(res.Image))}))
	var body string
	eventually(t, "the built page through the load balancer", func() bool {
		code, b, _, err := h.get()
		body = b
		return err == nil && code == 200 && strings.Contains(b, token)
	})
	req, _ := http.NewRequest(http.MethodGet, h.url+"nope.html", nil)
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 404 || !strings.Contains(string(b), "The requested URL was not found on this server.") || resp.Header.Get("Server") != httpdServer {
		t.Errorf("404 page: %d %q %q (the page was %q)", resp.StatusCode, b, resp.Header.Get("Server"), body)
	}

	missing := register(host + "/hello:never-pushed")
	must(c.ECS.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: aws.String(h.cluster), Service: aws.String(h.service), TaskDefinition: aws.String(missing)}))
	var reason string
	eventually(t, "a task with the missing tag to stop", func() bool {
		l := must(c.ECS.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String(h.cluster), DesiredStatus: ecstypes.DesiredStatusStopped}))
		if len(l.TaskArns) == 0 {
			return false
		}
		d := must(c.ECS.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(h.cluster), Tasks: l.TaskArns}))
		for _, tk := range d.Tasks {
			if aws.ToString(tk.TaskDefinitionArn) == missing {
				reason = aws.ToString(tk.StoppedReason)
				return true
			}
		}
		return false
	})
	want := "CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref " + host + "/hello:never-pushed: " + host + "/hello:never-pushed: not found"
	if reason != want {
		t.Fatalf("stoppedReason %q, want %q", reason, want)
	}
}
