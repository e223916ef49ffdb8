package engine

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/minimalinfra/mvi/engine/sandbox"
)

const pageManifest = "name = \"page\"\n[processes.web]\nbuild = \".\"\nport = 80\n"

// clusterApp is app "page" building dir's files (written there) by the
// manifest toml, on a sandbox, on a machine whose docker doesn't answer:
// so a Dockerfile with RUN goes to the cluster's builder.
func clusterApp(t *testing.T, files map[string]string, toml string) (arch.Architecture, *sandbox.Sandbox, Config) {
	t.Helper()
	dir := t.TempDir()
	for f, body := range files {
		p := filepath.Join(dir, f)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	m, err := manifest.Parse("mvi.toml", []byte(toml))
	if err != nil {
		t.Fatal(err)
	}
	a, err := arch.Design(m)
	if err != nil {
		t.Fatal(err)
	}
	sb, cfg := openSandbox(t, sandbox.Options{})
	cfg.App, cfg.Dir, cfg.Exec = "page", dir, fakeDocker{daemonUp: false}
	return a, sb, cfg
}

// A Dockerfile that runs programs, on a machine without a working
// docker: the plan says a BuildKit task on the app's own cluster builds
// it, and on the sandbox that task really builds and pushes (every step
// but RUN, which it says it did not execute). What the build made for
// itself (context object, credentials parameter, task definition) is
// gone when it ends, and the image the task definition names is the
// one it pushed.
func TestClusterBuildWhenThisMachineHasNoBuilder(t *testing.T) {
	a, sb, cfg := clusterApp(t, map[string]string{
		"Dockerfile":             "FROM httpd:2.4\nRUN apt-get update && apt-get install -y curl\nCOPY ./public-html/ /usr/local/apache2/htdocs/\n",
		"public-html/index.html": "<h1>cluster-7731</h1>\n",
	}, pageManifest)
	ctx := context.Background()
	p, err := MakePlan(ctx, cfg, a)
	if err != nil {
		t.Fatal(err)
	}
	said := false
	for _, s := range p.Steps {
		if s.ID == "task-definition/web" {
			said = strings.Contains(s.Reason, "a BuildKit task on the app's own cluster builds it") && strings.Contains(s.Reason, "Dockerfile:2")
			if !said {
				t.Errorf("reason %q does not say the cluster builds it", s.Reason)
			}
		}
	}
	if !said {
		t.Fatal("no task definition step")
	}
	if err := Apply(ctx, cfg, p, nil); err != nil {
		t.Fatal(err)
	}
	store, err := Records(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	builds, err := store.Builds(ctx)
	if err != nil || len(builds) != 1 {
		t.Fatalf("builds = %+v, %v", builds, err)
	}
	b := builds[0]
	if !strings.Contains(b.Builder, "BuildKit task on cluster") || b.ImageDigest == "" || !strings.Contains(b.Image, "@"+b.ImageDigest) {
		t.Errorf("build record = %+v", b)
	}
	log, err := store.Log(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"uploaded the build context", "started builder task", "is BuildKit; the sandbox builds with mvi's own builder",
		"NOT executed (the sandbox runs no programs): ", "Dockerfile:2: RUN apt-get update", "pushed "} {
		if !strings.Contains(string(log), want) {
			t.Errorf("the build log lacks %q:\n%s", want, log)
		}
	}

	// Nothing of the build's own is left.
	cl := sb.Clients()
	params, err := cl.SSM.DescribeParameters(ctx, &ssm.DescribeParametersInput{ParameterFilters: []ssmtypes.ParameterStringFilter{
		{Key: aws.String("Name"), Option: aws.String("BeginsWith"), Values: []string{arch.BuildsPath("page")}}}})
	if err != nil || len(params.Parameters) != 0 {
		t.Errorf("credentials parameters left: %+v, %v", params, err)
	}
	tds, err := cl.ECS.ListTaskDefinitions(ctx, &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("mvi-page-build")})
	if err != nil || len(tds.TaskDefinitionArns) != 0 {
		t.Errorf("builder task definitions left: %v, %v", tds.TaskDefinitionArns, err)
	}
	objs, err := cl.S3.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(store.Bucket), Prefix: aws.String("builds/")})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs.Versions {
		if strings.HasSuffix(aws.ToString(o.Key), ".context.tar.gz") {
			t.Errorf("the build context is still in the bucket: %s", aws.ToString(o.Key))
		}
	}

	// The same source builds nothing again.
	p2, err := MakePlan(ctx, cfg, a)
	if err != nil {
		t.Fatal(err)
	}
	if p2.Changes() != 0 {
		t.Errorf("second plan has %d changes", p2.Changes())
	}
	if err := Destroy(ctx, cfg, nil); err != nil {
		t.Fatal(err)
	}
	if snap, err := Status(ctx, cfg); err != nil || snap.Total != 0 {
		t.Fatalf("after destroy: %d resources, %v", snap.Total, err)
	}
}

// A build the cluster's task fails ends the apply with the task's own
// words and the log's address, and still leaves none of its makings.
func TestClusterBuildThatFailsSaysWhyAndCleansUp(t *testing.T) {
	a, sb, cfg := clusterApp(t, map[string]string{"Dockerfile": "FROM httpd:2.4\nRUN make\nCOPY --from=nowhere /x /y\n"}, pageManifest)
	ctx := context.Background()
	_, err := planApply(t, ctx, cfg, a, nil)
	if err == nil || !strings.Contains(err.Error(), "the builder exited with code 1") {
		t.Fatalf("err = %v, want the builder's exit code", err)
	}
	store, err := Records(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	builds, _ := store.Builds(ctx)
	if len(builds) != 1 || builds[0].Status != "failed" {
		t.Fatalf("builds = %+v", builds)
	}
	log, _ := store.Log(ctx, builds[0].ID)
	if !strings.Contains(string(log), "COPY --from reads another stage or image") {
		t.Errorf("the log does not say why the sandbox's builder could not build it:\n%s", log)
	}
	tds, err := sb.Clients().ECS.ListTaskDefinitions(ctx, &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("mvi-page-build")})
	if err != nil || len(tds.TaskDefinitionArns) != 0 {
		t.Errorf("builder task definitions left: %v, %v", tds.TaskDefinitionArns, err)
	}
	if err := Destroy(ctx, cfg, nil); err != nil {
		t.Fatal(err)
	}
}

// A build cut off before it could clean up (the machine died) leaves a
// task definition and a credentials parameter, both tagged as the app's:
// down finds and removes them.
func TestDownRemovesWhatAnInterruptedClusterBuildLeft(t *testing.T) {
	sb, cfg := openSandbox(t, sandbox.Options{})
	cfg.App = "page"
	ctx := context.Background()
	cl := sb.Clients()
	tags := []ecstypes.Tag{{Key: aws.String("mvi:app"), Value: aws.String("page")}, {Key: aws.String("mvi:id"), Value: aws.String("build/web-0123456789ab")}}
	if _, err := cl.ECS.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("mvi-page-build"), Tags: tags,
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("build"), Image: aws.String("moby/buildkit:rootless"), Memory: aws.Int32(512)}}}); err != nil {
		t.Fatal(err)
	}
	name := arch.BuildsPath("page") + "web-0123456789ab/registry-auth"
	if _, err := cl.SSM.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String(name), Type: ssmtypes.ParameterTypeSecureString, Value: aws.String("{}"),
		Tags: []ssmtypes.Tag{{Key: aws.String("mvi:app"), Value: aws.String("page")}, {Key: aws.String("mvi:id"), Value: aws.String("build/web-0123456789ab")}}}); err != nil {
		t.Fatal(err)
	}
	if err := Destroy(ctx, cfg, nil); err != nil {
		t.Fatal(err)
	}
	tds, _ := cl.ECS.ListTaskDefinitions(ctx, &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("mvi-page-build")})
	if len(tds.TaskDefinitionArns) != 0 {
		t.Errorf("down left the builder's task definition: %v", tds.TaskDefinitionArns)
	}
	if _, err := cl.SSM.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name)}); err == nil {
		t.Errorf("down left the build's credentials parameter %s", name)
	}
}

// A monorepo's Dockerfile at services/web/Dockerfile, with RUN, built on
// the cluster: the builder task is told which recipe (MVI_DOCKERFILE),
// and the sandbox's builder reads that one; the plan and the log name it.
func TestClusterBuildOfADockerfileElsewhere(t *testing.T) {
	a, _, cfg := clusterApp(t, map[string]string{
		"services/web/Dockerfile": "FROM httpd:2.4\nRUN apt-get update && apt-get install -y curl\nCOPY ./public-html/ /usr/local/apache2/htdocs/\n",
		"public-html/index.html":  "<h1>monorepo-4410</h1>\n",
	}, "name = \"page\"\n[processes.web]\nbuild = \".\"\ndockerfile = \"services/web/Dockerfile\"\nport = 80\n")
	ctx := context.Background()
	p, err := MakePlan(ctx, cfg, a)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range p.Steps {
		if s.ID == "task-definition/web" && !strings.Contains(s.Reason, "services/web/Dockerfile:2") {
			t.Errorf("reason %q does not name the recipe's RUN", s.Reason)
		}
	}
	if err := Apply(ctx, cfg, p, nil); err != nil {
		if store, serr := Records(ctx, cfg); serr == nil {
			if bs, _ := store.Builds(ctx); len(bs) > 0 {
				l, _ := store.Log(ctx, bs[0].ID)
				t.Logf("the build's log:\n%s", l)
			}
		}
		t.Fatal(err)
	}
	store, err := Records(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	builds, err := store.Builds(ctx)
	if err != nil || len(builds) != 1 {
		t.Fatalf("builds = %+v, %v", builds, err)
	}
	log, err := store.Log(ctx, builds[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"NOT executed (the sandbox runs no programs): ", "services/web/Dockerfile:2: RUN apt-get update", "pushed "} {
		if !strings.Contains(string(log), want) {
			t.Errorf("the build log lacks %q:\n%s", want, log)
		}
	}
	if p2, err := MakePlan(ctx, cfg, a); err != nil || p2.Changes() != 0 {
		t.Errorf("second plan: %v changes, %v", p2.Changes(), err)
	}
	if err := Destroy(ctx, cfg, nil); err != nil {
		t.Fatal(err)
	}
}
