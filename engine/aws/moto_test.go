//go:build unix

package aws

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/minimalinfra/mvi/engine/release"
	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/cloud"
	"github.com/minimalinfra/mvi/engine/manifest"
)

// moto_server is started once, on first use, and stopped by TestMain.
var motoSrv struct {
	once     sync.Once
	cmd      *exec.Cmd
	endpoint string
	skip     string
	err      error
}

func TestMain(m *testing.M) {
	code := m.Run()
	stopMoto()
	os.Exit(code)
}

func stopMoto() {
	if c := motoSrv.cmd; c != nil && c.Process != nil {
		// The process group we started: moto_server and any child it forked.
		_ = syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
		_ = c.Wait()
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// motoClients returns clients pointed at a running moto_server, starting it
// on first use; it skips the test when moto_server is not installed.
func motoClients(t *testing.T) (*cloud.Clients, string) {
	t.Helper()
	motoSrv.once.Do(func() {
		bin, err := exec.LookPath("moto_server")
		if err != nil {
			motoSrv.skip = "moto_server not installed: " + err.Error()
			return
		}
		port, err := freePort()
		if err != nil {
			motoSrv.err = err
			return
		}
		cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
		cmd.Env = append(os.Environ(), "MOTO_IAM_LOAD_MANAGED_POLICIES=true")
		cmd.SysProcAttr = motoSysProcAttr()
		if testing.Verbose() {
			cmd.Stderr = os.Stderr
		}
		if err := cmd.Start(); err != nil {
			motoSrv.err = err
			return
		}
		motoSrv.cmd = cmd
		motoSrv.endpoint = fmt.Sprintf("http://127.0.0.1:%d", port)
		deadline := time.Now().Add(30 * time.Second)
		for {
			res, err := http.Get(motoSrv.endpoint + "/moto-api/")
			if err == nil {
				res.Body.Close()
				return
			}
			if time.Now().After(deadline) {
				motoSrv.err = fmt.Errorf("moto_server did not answer on %s: %w", motoSrv.endpoint, err)
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	if motoSrv.skip != "" {
		t.Skip(motoSrv.skip)
	}
	if motoSrv.err != nil {
		t.Fatal(motoSrv.err)
	}
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx,
		config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("testing", "testing", "")),
		config.WithBaseEndpoint(motoSrv.endpoint),
		config.WithSharedConfigFiles([]string{}),
		config.WithSharedCredentialsFiles([]string{}),
	)
	if err != nil {
		t.Fatal(err)
	}
	c := cloud.FromConfig(cfg)
	id, err := c.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	return c, aws.ToString(id.Account)
}

// resetMoto wipes moto's state so tests don't see each other's resources.
func resetMoto(t *testing.T) {
	t.Helper()
	res, err := http.Post(motoSrv.endpoint+"/moto-api/reset", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
}

// fullExample is the DESIGN.md example app with every service: a web
// process behind the load balancer, a worker, a database, a shared file
// system, KV, Blob and one secret.
func fullExample(t *testing.T) arch.Architecture {
	t.Helper()
	m := &manifest.Manifest{
		Name:   "shop",
		Region: "us-east-1",
		Processes: map[string]*manifest.Process{
			"web":    {Build: ".", Port: 3000, Count: 2},
			"worker": {Build: ".", Command: []string{"bin/worker"}},
		},
		Database: &manifest.Database{Engine: "postgres"},
		FS:       &manifest.FS{},
		KV:       &manifest.KV{},
		Blob:     &manifest.Blob{},
		Secrets:  []string{"STRIPE_KEY"},
	}
	a, err := arch.Design(m)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// envFor gives a handler exactly the live dependencies the design lists, as
// the engine guarantees, so a handler reaching for more fails here.
func envFor(base resource.Env, r arch.Resource, live map[string]resource.Live) resource.Env {
	e := base
	e.Deps = map[string]resource.Live{}
	for _, d := range r.DependsOn {
		e.Deps[d] = live[d]
	}
	return e
}

func listAll(t *testing.T, ctx context.Context, env resource.Env, types []string) map[string]resource.Live {
	t.Helper()
	hs := Handlers()
	out := map[string]resource.Live{}
	for _, typ := range types {
		ls, err := hs[typ].List(ctx, env)
		if err != nil {
			t.Fatalf("list %s: %v", typ, err)
		}
		for _, l := range ls {
			if l.Type != typ {
				t.Errorf("list %s returned %s of type %s", typ, l.ID, l.Type)
			}
			if prev, dup := out[l.ID]; dup {
				t.Errorf("list %s: %s found twice (%s and %s)", typ, l.ID, prev.PhysicalID, l.PhysicalID)
			}
			out[l.ID] = l
		}
	}
	return out
}

func typesOf(a arch.Architecture) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range a.Resources {
		if !seen[r.Type] {
			seen[r.Type] = true
			out = append(out, r.Type)
		}
	}
	return out
}

// TestMotoLifecycle drives every handler through the real SDK against
// moto_server: create the full example in order, wait until ready, find
// everything by tags, check the secure defaults, update in place, delete
// in reverse order and find nothing.
func TestMotoLifecycle(t *testing.T) {
	clients, account := motoClients(t)
	resetMoto(t)
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	dir := buildDir(t)
	a := pinSources(t, fullExample(t), dir)
	reg := newTestRegistry(t)
	clients.Registry = reg
	hs := Handlers()
	for _, r := range a.Resources {
		if hs[r.Type] == nil {
			t.Fatalf("no handler for %s (%s)", r.Type, r.ID)
		}
	}
	sent := &recordingECS{ECS: clients.ECS, createService: map[string]*ecs.CreateServiceInput{}}
	recorded := *clients
	recorded.ECS = sent
	recorded.S3 = &policyKeepingS3{motoS3: clients.S3.(motoS3)}
	base := resource.Env{Clients: &recorded, App: a.App, Region: a.Region, Account: account,
		Dir: dir, Clock: time.Now, Say: func(line string) { t.Log(line) }, Use: func(string) {}}

	// ---- create, in dependency order ----
	live := map[string]resource.Live{}
	for _, r := range a.Resources {
		h := hs[r.Type]
		l, err := h.Create(ctx, envFor(base, r, live), r)
		if err != nil {
			t.Fatalf("create %s: %v", r.ID, err)
		}
		if l.ID != r.ID || l.Type != r.Type || l.PhysicalID == "" {
			t.Fatalf("create %s returned %+v", r.ID, l)
		}
		live[r.ID] = l
		if r.Type == "AWS::ECS::Service" {
			// moto never starts ECS tasks (research/moto.md), so a service
			// never reaches runningCount == desiredCount there. Ready must
			// still answer without error and say what it waits for.
			ok, waiting, err := h.Ready(ctx, envFor(base, r, live), l)
			if err != nil {
				t.Fatalf("ready %s: %v", r.ID, err)
			}
			t.Logf("ready %s on moto: %v %q", r.ID, ok, waiting)
			if l.Hash != arch.Hash(r.Props) {
				t.Errorf("create %s: hash %q, want %q", r.ID, l.Hash, arch.Hash(r.Props))
			}
			continue
		}
		waitReady(t, ctx, h, envFor(base, r, live), l)
		// As the engine does: a create's last step runs once it is ready.
		if f, ok := resource.As[resource.Finisher](h); ok {
			if l, err = f.Finish(ctx, envFor(base, r, live), r, l); err != nil {
				t.Fatalf("finish %s: %v", r.ID, err)
			}
			live[r.ID] = l
		}
		if l.Hash != arch.Hash(r.Props) {
			t.Errorf("create %s: hash %q, want %q", r.ID, l.Hash, arch.Hash(r.Props))
		}
	}
	t.Logf("created %d resources in %s", len(a.Resources), time.Since(start).Round(time.Millisecond))
	checkBuilt(t, ctx, base, reg, live)

	// ---- find everything by tags ----
	types := typesOf(a)
	found := listAll(t, ctx, base, types)
	for _, r := range a.Resources {
		l, ok := found[r.ID]
		if !ok {
			t.Errorf("list: %s (%s) not found", r.ID, r.Type)
			continue
		}
		if l.Hash != arch.Hash(r.Props) {
			t.Errorf("list: %s hash %q, want %q", r.ID, l.Hash, arch.Hash(r.Props))
		}
		if l.PhysicalID != live[r.ID].PhysicalID {
			t.Errorf("list: %s is %s, created %s", r.ID, l.PhysicalID, live[r.ID].PhysicalID)
		}
	}
	if len(found) != len(a.Resources) {
		t.Errorf("list found %d resources, designed %d", len(found), len(a.Resources))
	}
	// The mvi:app tag (or name) scopes every List: another app sees nothing.
	other := base
	other.App = "shop2"
	if n := listAll(t, ctx, other, types); len(n) != 0 {
		t.Errorf("app shop2 sees %d of shop's resources: %v", len(n), keys(n))
	}

	checkSecureDefaults(t, ctx, base, a, live, sent)

	// ---- a retried create (a crash after the cloud acted) converges ----
	pw1, _ := clients.SSM.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(live["db-password"].PhysicalID), WithDecryption: aws.Bool(true)})
	for _, id := range []string{"key", "vpc", "igw", "subnet/public-a", "subnet/private-a", "route-table/public", "sg/app",
		"launch-template", "role/task", "service/web", "key-alias", "log-group", "repository", "table", "bucket", "fs", "fs-mount/a",
		"db-subnets", "db-password", "database", "role/execution", "instance-profile", "cluster", "asg",
		"capacity-provider", "cluster-capacity", "target-group/web", "lb", "listener/web", "alarm/cpu", "dashboard"} {
		r, _ := a.Get(id)
		l, err := hs[r.Type].Create(ctx, envFor(base, r, live), r)
		if err != nil {
			t.Errorf("create %s again: %v", id, err)
			continue
		}
		if l.PhysicalID != live[id].PhysicalID {
			t.Errorf("create %s again made %s, first %s", id, l.PhysicalID, live[id].PhysicalID)
		}
	}
	if again := listAll(t, ctx, base, types); len(again) != len(a.Resources) {
		t.Errorf("after retried creates list finds %d resources, designed %d", len(again), len(a.Resources))
	}
	pw2, _ := clients.SSM.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(live["db-password"].PhysicalID), WithDecryption: aws.Bool(true)})
	if pw1 == nil || pw2 == nil || aws.ToString(pw1.Parameter.Value) != aws.ToString(pw2.Parameter.Value) {
		t.Error("a retried create changed the database password")
	}

	// ---- update in place ----
	found = listAll(t, ctx, base, types)
	update := func(id string, change func(arch.Props) arch.Props) arch.Resource {
		t.Helper()
		r, _ := a.Get(id)
		r.Props = change(r.Props)
		l, err := hs[r.Type].Update(ctx, envFor(base, r, live), r, found[id])
		if err != nil {
			t.Fatalf("update %s: %v", id, err)
		}
		if l.Hash != arch.Hash(r.Props) {
			t.Errorf("update %s: hash %q, want %q", id, l.Hash, arch.Hash(r.Props))
		}
		live[id] = l
		return r
	}
	updated := map[string]arch.Resource{}
	updated["asg"] = update("asg", func(p arch.Props) arch.Props {
		q := p.(arch.AutoScalingGroupProps)
		q.Desired, q.Max = 3, 6
		return q
	})
	updated["log-group"] = update("log-group", func(p arch.Props) arch.Props {
		q := p.(arch.LogGroupProps)
		q.RetentionDays = 14
		return q
	})
	updated["alarm/cpu"] = update("alarm/cpu", func(p arch.Props) arch.Props {
		q := p.(arch.AlarmProps)
		q.Threshold = 65
		return q
	})
	updated["service/web"] = update("service/web", func(p arch.Props) arch.Props {
		q := p.(arch.ServiceProps)
		q.Count = 3
		return q
	})
	updated["target-group/web"] = update("target-group/web", func(p arch.Props) arch.Props {
		q := p.(arch.TargetGroupProps)
		q.HealthPath, q.DeregistrationDelay = "/healthz", 10
		return q
	})
	updated["sg/lb"] = update("sg/lb", func(p arch.Props) arch.Props {
		q := p.(arch.SecurityGroupProps)
		q.Ingress = append(append([]arch.Rule(nil), q.Ingress...), arch.Rule{Protocol: "tcp", FromPort: 443, ToPort: 443, CIDR: "0.0.0.0/0", Description: "HTTPS"})
		return q
	})
	updated["database"] = update("database", func(p arch.Props) arch.Props {
		q := p.(arch.DBInstanceProps)
		q.BackupDays = 14
		return q
	})
	updated["task-definition/web"] = update("task-definition/web", func(p arch.Props) arch.Props {
		q := p.(arch.TaskDefinitionProps)
		q.Memory = 1024
		return q
	})
	updated["role/task"] = update("role/task", func(p arch.Props) arch.Props {
		q := p.(arch.RoleProps)
		q.ManagedPolicies = []string{"AmazonSSMReadOnlyAccess"}
		return q
	})
	updated["table"] = update("table", func(p arch.Props) arch.Props { return p })
	updated["bucket"] = update("bucket", func(p arch.Props) arch.Props { return p })
	updated["launch-template"] = update("launch-template", func(p arch.Props) arch.Props {
		q := p.(arch.LaunchTemplateProps)
		q.InstanceType = "t3.medium"
		return q
	})
	checkUpdates(t, ctx, base, live)
	after := listAll(t, ctx, base, types)
	for id, r := range updated {
		if id == "launch-template" {
			// moto answers DescribeLaunchTemplates with the tags a template
			// was created with; its tag filter sees the current ones.
			res, err := clients.EC2.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{Filters: []ec2types.Filter{
				{Name: aws.String("tag:" + resource.TagHash), Values: []string{arch.Hash(r.Props)}},
				{Name: aws.String("tag:" + resource.TagID), Values: []string{id}},
			}})
			if err != nil || len(res.LaunchTemplates) != 1 {
				t.Errorf("launch template hash tag not refreshed: %v", err)
			}
			continue
		}
		if after[id].Hash != arch.Hash(r.Props) {
			t.Errorf("list after update: %s hash %q, want %q", id, after[id].Hash, arch.Hash(r.Props))
		}
	}

	// Changes AWS can't make in place ask for a replacement.
	for _, c := range []struct {
		id     string
		change func(arch.Props) arch.Props
	}{
		{"vpc", func(p arch.Props) arch.Props { q := p.(arch.VPCProps); q.CIDR = "10.1.0.0/16"; return q }},
		{"subnet/public-a", func(p arch.Props) arch.Props { q := p.(arch.SubnetProps); q.CIDR = "10.0.32.0/20"; return q }},
		{"database", func(p arch.Props) arch.Props { q := p.(arch.DBInstanceProps); q.Engine = "mysql"; return q }},
		{"table", func(p arch.Props) arch.Props { q := p.(arch.TableProps); q.RangeKey = "other"; return q }},
	} {
		r, _ := a.Get(c.id)
		r.Props = c.change(r.Props)
		if _, err := hs[r.Type].Update(ctx, envFor(base, r, live), r, after[c.id]); !errors.Is(err, resource.ErrReplace) {
			t.Errorf("update %s with a replacing change: %v, want ErrReplace", c.id, err)
		}
	}

	// ---- delete, in reverse order, twice (idempotent) ----
	for i := len(a.Resources) - 1; i >= 0; i-- {
		r := a.Resources[i]
		l := after[r.ID]
		if l.PhysicalID == "" {
			l = live[r.ID]
		}
		for n := 0; n < 2; n++ {
			if err := hs[r.Type].Delete(ctx, base, l); err != nil {
				t.Fatalf("delete %s (try %d): %v", r.ID, n+1, err)
			}
		}
	}
	if left := listAll(t, ctx, base, types); len(left) != 0 {
		t.Errorf("after delete, list still finds %v", keys(left))
	}
	t.Logf("moto lifecycle took %s", time.Since(start).Round(time.Millisecond))
}

func keys(m map[string]resource.Live) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func waitReady(t *testing.T, ctx context.Context, h resource.Handler, env resource.Env, l resource.Live) {
	t.Helper()
	var waiting string
	for i := 0; i < 50; i++ {
		ok, w, err := h.Ready(ctx, env, l)
		if err != nil {
			t.Fatalf("ready %s: %v", l.ID, err)
		}
		if ok {
			return
		}
		waiting = w
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("ready %s: still %s", l.ID, waiting)
}

// What the checks below read back beyond the calls the engine makes (the
// only ones cloud's interfaces name); the SDK clients have them all.
type (
	kmsReader interface {
		GetKeyRotationStatus(context.Context, *kms.GetKeyRotationStatusInput, ...func(*kms.Options)) (*kms.GetKeyRotationStatusOutput, error)
	}
	s3Reader interface {
		GetPublicAccessBlock(context.Context, *s3.GetPublicAccessBlockInput, ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error)
		GetBucketEncryption(context.Context, *s3.GetBucketEncryptionInput, ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error)
		GetBucketVersioning(context.Context, *s3.GetBucketVersioningInput, ...func(*s3.Options)) (*s3.GetBucketVersioningOutput, error)
		GetBucketPolicy(context.Context, *s3.GetBucketPolicyInput, ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error)
	}
	dynamoReader interface {
		DescribeContinuousBackups(context.Context, *dynamodb.DescribeContinuousBackupsInput, ...func(*dynamodb.Options)) (*dynamodb.DescribeContinuousBackupsOutput, error)
	}
	ecrReader interface {
		GetLifecyclePolicy(context.Context, *ecr.GetLifecyclePolicyInput, ...func(*ecr.Options)) (*ecr.GetLifecyclePolicyOutput, error)
	}
	iamReader interface {
		GetRolePolicy(context.Context, *iam.GetRolePolicyInput, ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error)
	}
	elbReader interface {
		DescribeTargetGroupAttributes(context.Context, *elb.DescribeTargetGroupAttributesInput, ...func(*elb.Options)) (*elb.DescribeTargetGroupAttributesOutput, error)
	}
)

// checkSecureDefaults reads back, through the same SDK clients, the secure
// settings moto keeps.
func checkSecureDefaults(t *testing.T, ctx context.Context, env resource.Env, a arch.Architecture, live map[string]resource.Live, sent *recordingECS) {
	t.Helper()
	c := env.Clients
	keyARN := live["key"].ARN
	sameKeyID := func(what, got string) {
		t.Helper()
		if got == "" || !sameKey(got, keyARN) {
			t.Errorf("%s: key %q, want the app key %s", what, got, keyARN)
		}
	}

	// Crypto: rotation on.
	rot, err := c.KMS.(kmsReader).GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: aws.String(live["key"].PhysicalID)})
	if err != nil || !rot.KeyRotationEnabled {
		t.Errorf("key rotation: %v %v", rot, err)
	}

	// VM: IMDSv2 only, hop limit 2, encrypted gp3 root with the app key,
	// the current ECS image, user data joining the cluster.
	v, err := c.EC2.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{
		LaunchTemplateId: aws.String(live["launch-template"].PhysicalID), Versions: []string{"$Default"}})
	if err != nil || len(v.LaunchTemplateVersions) != 1 {
		t.Fatalf("launch template versions: %v %v", v, err)
	}
	d := v.LaunchTemplateVersions[0].LaunchTemplateData
	if d.MetadataOptions == nil || d.MetadataOptions.HttpTokens != ec2types.LaunchTemplateHttpTokensStateRequired || aws.ToInt32(d.MetadataOptions.HttpPutResponseHopLimit) != 1 {
		t.Errorf("launch template metadata options: %+v", d.MetadataOptions)
	}
	if len(d.BlockDeviceMappings) != 1 || d.BlockDeviceMappings[0].Ebs == nil {
		t.Fatalf("launch template block devices: %+v", d.BlockDeviceMappings)
	}
	ebs := d.BlockDeviceMappings[0].Ebs
	if !aws.ToBool(ebs.Encrypted) || ebs.VolumeType != ec2types.VolumeTypeGp3 || aws.ToInt32(ebs.VolumeSize) != 30 {
		t.Errorf("root volume: encrypted %v type %s size %d", aws.ToBool(ebs.Encrypted), ebs.VolumeType, aws.ToInt32(ebs.VolumeSize))
	}
	sameKeyID("root volume", aws.ToString(ebs.KmsKeyId))
	ami, _ := c.SSM.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(arch.AMIParameter)})
	if ami == nil || aws.ToString(d.ImageId) != aws.ToString(ami.Parameter.Value) {
		t.Errorf("launch template image %s, want the SSM parameter's", aws.ToString(d.ImageId))
	}
	ud, _ := base64.StdEncoding.DecodeString(aws.ToString(d.UserData))
	if !strings.Contains(string(ud), "ECS_CLUSTER="+live["cluster"].Attrs["name"]+"\n") {
		t.Errorf("user data does not join the cluster:\n%s", ud)
	}
	if d.IamInstanceProfile == nil || aws.ToString(d.IamInstanceProfile.Arn) != live["instance-profile"].ARN {
		t.Errorf("launch template instance profile: %+v", d.IamInstanceProfile)
	}

	// The groups of what only answers keep no egress rule (AWS made one).
	for id, want := range map[string]bool{"sg/db": false, "sg/fs": false, "sg/app": true} {
		g, err := c.EC2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{live[id].PhysicalID}})
		if err != nil || len(g.SecurityGroups) != 1 {
			t.Fatalf("describe %s: %v", id, err)
		}
		if got := len(g.SecurityGroups[0].IpPermissionsEgress) > 0; got != want {
			t.Errorf("%s egress %+v, want some: %v", id, g.SecurityGroups[0].IpPermissionsEgress, want)
		}
	}
	// Database: encrypted with the app key, private, backed up, protected
	// from deletion (Delete turns that off first).
	db, err := c.RDS.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(live["database"].PhysicalID)})
	if err != nil || len(db.DBInstances) != 1 {
		t.Fatalf("describe database: %v", err)
	}
	dbi := db.DBInstances[0]
	if !aws.ToBool(dbi.StorageEncrypted) || aws.ToBool(dbi.PubliclyAccessible) || aws.ToInt32(dbi.BackupRetentionPeriod) != 7 || !aws.ToBool(dbi.DeletionProtection) {
		t.Errorf("database: encrypted %v public %v backups %d deletion protection %v",
			aws.ToBool(dbi.StorageEncrypted), aws.ToBool(dbi.PubliclyAccessible), aws.ToInt32(dbi.BackupRetentionPeriod), aws.ToBool(dbi.DeletionProtection))
	}
	sameKeyID("database", aws.ToString(dbi.KmsKeyId))
	for _, k := range []string{"endpoint", "port", "db_name", "username"} {
		if live["database"].Attrs[k] == "" {
			t.Errorf("database attrs lack %s: %v", k, live["database"].Attrs)
		}
	}

	// The password: a SecureString with the app key, strong, never overwritten.
	pd, err := c.SSM.DescribeParameters(ctx, &ssm.DescribeParametersInput{ParameterFilters: []ssmtypes.ParameterStringFilter{
		{Key: aws.String("Name"), Values: []string{live["db-password"].PhysicalID}}}})
	if err != nil || len(pd.Parameters) != 1 || pd.Parameters[0].Type != ssmtypes.ParameterTypeSecureString {
		t.Errorf("db password parameter: %+v %v", pd, err)
	} else {
		sameKeyID("db password", aws.ToString(pd.Parameters[0].KeyId))
	}
	pw, err := c.SSM.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(live["db-password"].PhysicalID), WithDecryption: aws.Bool(true)})
	if err != nil || len(aws.ToString(pw.Parameter.Value)) != passwordLength {
		t.Errorf("db password: length %d, %v", len(aws.ToString(pw.Parameter.Value)), err)
	}

	// Shared FS: encrypted with the app key.
	fs, err := c.EFS.DescribeFileSystems(ctx, &efs.DescribeFileSystemsInput{FileSystemId: aws.String(live["fs"].PhysicalID)})
	if err != nil || len(fs.FileSystems) != 1 || !aws.ToBool(fs.FileSystems[0].Encrypted) {
		t.Errorf("file system: %+v %v", fs, err)
	} else {
		sameKeyID("file system", aws.ToString(fs.FileSystems[0].KmsKeyId))
	}

	// Blob: public access blocked, SSE-KMS with a bucket key, versioned, TLS only.
	b := aws.String(live["bucket"].PhysicalID)
	pab, err := c.S3.(s3Reader).GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b})
	if err != nil {
		t.Errorf("public access block: %v", err)
	} else if p := pab.PublicAccessBlockConfiguration; !aws.ToBool(p.BlockPublicAcls) || !aws.ToBool(p.IgnorePublicAcls) || !aws.ToBool(p.BlockPublicPolicy) || !aws.ToBool(p.RestrictPublicBuckets) {
		t.Errorf("public access block: %+v", p)
	}
	enc, err := c.S3.(s3Reader).GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b})
	if err != nil || len(enc.ServerSideEncryptionConfiguration.Rules) != 1 {
		t.Errorf("bucket encryption: %v", err)
	} else {
		rule := enc.ServerSideEncryptionConfiguration.Rules[0]
		if rule.ApplyServerSideEncryptionByDefault.SSEAlgorithm != s3types.ServerSideEncryptionAwsKms || !aws.ToBool(rule.BucketKeyEnabled) {
			t.Errorf("bucket encryption: %s bucket key %v", rule.ApplyServerSideEncryptionByDefault.SSEAlgorithm, aws.ToBool(rule.BucketKeyEnabled))
		}
		sameKeyID("bucket", aws.ToString(rule.ApplyServerSideEncryptionByDefault.KMSMasterKeyID))
	}
	ver, err := c.S3.(s3Reader).GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b})
	if err != nil || ver.Status != s3types.BucketVersioningStatusEnabled {
		t.Errorf("bucket versioning: %+v %v", ver, err)
	}
	pol, err := c.S3.(s3Reader).GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b})
	if err != nil || !strings.Contains(aws.ToString(pol.Policy), `"aws:SecureTransport":"false"`) || !strings.Contains(aws.ToString(pol.Policy), `"Deny"`) {
		t.Errorf("bucket policy: %v %v", aws.ToString(pol.Policy), err)
	}
	if n := live["bucket"].PhysicalID; n != "mvi-shop-"+env.Account+"-us-east-1" {
		t.Errorf("bucket name %s", n)
	}

	// Log: encrypted, kept 30 days.
	lg, err := c.Logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/mvi/shop")})
	if err != nil || len(lg.LogGroups) != 1 || aws.ToInt32(lg.LogGroups[0].RetentionInDays) != 30 {
		t.Errorf("log group: %+v %v", lg, err)
	} else {
		sameKeyID("log group", aws.ToString(lg.LogGroups[0].KmsKeyId))
	}

	// KV: on demand, SSE-KMS with the app key, PITR.
	tb, err := c.DynamoDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(live["table"].PhysicalID)})
	if err != nil {
		t.Errorf("table: %v", err)
	} else {
		if tb.Table.SSEDescription == nil || tb.Table.SSEDescription.SSEType != ddbtypes.SSETypeKms {
			t.Errorf("table encryption: %+v", tb.Table.SSEDescription)
		} else {
			sameKeyID("table", aws.ToString(tb.Table.SSEDescription.KMSMasterKeyArn))
		}
		if tb.Table.BillingModeSummary == nil || tb.Table.BillingModeSummary.BillingMode != ddbtypes.BillingModePayPerRequest {
			t.Errorf("table billing: %+v", tb.Table.BillingModeSummary)
		}
	}
	cb, err := c.DynamoDB.(dynamoReader).DescribeContinuousBackups(ctx, &dynamodb.DescribeContinuousBackupsInput{TableName: aws.String(live["table"].PhysicalID)})
	if err != nil || cb.ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus != ddbtypes.PointInTimeRecoveryStatusEnabled {
		t.Errorf("table PITR: %+v %v", cb, err)
	}

	// Registry: immutable, scanned, KMS, lifecycle.
	repo, err := c.ECR.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{live["repository"].PhysicalID}})
	if err != nil || len(repo.Repositories) != 1 {
		t.Errorf("repository: %v", err)
	} else {
		rp := repo.Repositories[0]
		if rp.ImageTagMutability != ecrtypes.ImageTagMutabilityImmutable || !rp.ImageScanningConfiguration.ScanOnPush || rp.EncryptionConfiguration.EncryptionType != ecrtypes.EncryptionTypeKms {
			t.Errorf("repository: mutability %s scan %v encryption %s", rp.ImageTagMutability, rp.ImageScanningConfiguration.ScanOnPush, rp.EncryptionConfiguration.EncryptionType)
		}
	}
	lc, err := c.ECR.(ecrReader).GetLifecyclePolicy(ctx, &ecr.GetLifecyclePolicyInput{RepositoryName: aws.String(live["repository"].PhysicalID)})
	// [release] keep (default 10) images of each built process.
	if txt := aws.ToString(lc.LifecyclePolicyText); err != nil || !strings.Contains(txt, `"countNumber":10`) ||
		!strings.Contains(txt, `"tagPrefixList":["worker-"]`) || !strings.Contains(txt, `"tagPrefixList":["web-"]`) {
		t.Errorf("repository lifecycle: %v %v", lc, err)
	}

	// VPC: only the load balancer's group is open to the internet; the
	// database and file system groups admit the app group only.
	sgs, err := c.EC2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: appFilter("shop")})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range sgs.SecurityGroups {
		id := ec2TagMap(g.Tags)[resource.TagID]
		open := false
		for _, p := range g.IpPermissions {
			for _, r := range p.IpRanges {
				open = open || aws.ToString(r.CidrIp) == "0.0.0.0/0"
			}
		}
		if open != (id == "sg/lb") {
			t.Errorf("security group %s open to the internet: %v", id, open)
		}
		r, _ := a.Get(id)
		want, _ := wantRules(envFor(env, r, live), id, live[id].PhysicalID, r.Props.(arch.SecurityGroupProps).Ingress)
		have := haveRules(g.IpPermissions)
		if len(have) != len(want) {
			t.Errorf("security group %s rules %v, want %v", id, have, want)
		}
		for k := range want {
			if !have[k] {
				t.Errorf("security group %s lacks %+v", id, k)
			}
		}
	}

	// IAM: roles under /mvi/shop/, policies resolved to ARNs.
	for _, id := range []string{"role/instance", "role/execution", "role/task"} {
		g, err := c.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(live[id].PhysicalID)})
		if err != nil || aws.ToString(g.Role.Path) != "/mvi/shop/" {
			t.Errorf("role %s: %+v %v", id, g, err)
		}
	}
	ip, err := c.IAM.(iamReader).GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(live["role/execution"].PhysicalID), PolicyName: aws.String(inlinePolicyName)})
	if err != nil {
		t.Errorf("execution role policy: %v", err)
	} else {
		doc := decodePolicy(aws.ToString(ip.PolicyDocument))
		for _, want := range []string{live["log-group"].ARN + ":*", keyARN, live["repository"].ARN, live["db-password"].ARN,
			"arn:aws:ssm:us-east-1:" + env.Account + ":parameter/mvi/shop/secrets/*"} {
			if !strings.Contains(doc, want) {
				t.Errorf("execution role policy lacks %s:\n%s", want, doc)
			}
		}
		if strings.Contains(doc, "{") && strings.Contains(doc, "}\"") {
			t.Errorf("execution role policy keeps a placeholder:\n%s", doc)
		}
	}
	att, err := c.IAM.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(live["role/instance"].PhysicalID)})
	if err != nil || len(att.AttachedPolicies) != 1 || aws.ToString(att.AttachedPolicies[0].PolicyArn) != "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role" {
		t.Errorf("instance role policies: %+v %v", att, err)
	}

	// Container: bridge mode, dynamic host port, awslogs, secrets from SSM,
	// database env, encrypted EFS volume, the repository's image.
	td, err := c.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(live["task-definition/web"].ARN)})
	if err != nil {
		t.Fatalf("task definition: %v", err)
	}
	cd := td.TaskDefinition.ContainerDefinitions[0]
	if td.TaskDefinition.NetworkMode != ecstypes.NetworkModeBridge || len(cd.PortMappings) != 1 || aws.ToInt32(cd.PortMappings[0].HostPort) != 0 || aws.ToInt32(cd.PortMappings[0].ContainerPort) != 3000 {
		t.Errorf("task definition networking: %s %+v", td.TaskDefinition.NetworkMode, cd.PortMappings)
	}
	webTD, _ := a.Get(arch.TaskDefinitionID("web"))
	if want := release.Tag("web", webTD.Props.(arch.TaskDefinitionProps).Source); aws.ToString(cd.Image) != live["repository"].Attrs["uri"]+":"+want {
		t.Errorf("task definition image %s", aws.ToString(cd.Image))
	}
	if cd.LogConfiguration == nil || cd.LogConfiguration.LogDriver != ecstypes.LogDriverAwslogs || cd.LogConfiguration.Options["awslogs-group"] != "/mvi/shop" || cd.LogConfiguration.Options["awslogs-stream-prefix"] != "web" {
		t.Errorf("task definition logs: %+v", cd.LogConfiguration)
	}
	secrets := map[string]string{}
	for _, s := range cd.Secrets {
		secrets[aws.ToString(s.Name)] = aws.ToString(s.ValueFrom)
	}
	if secrets["DATABASE_PASSWORD"] != live["db-password"].ARN || !strings.HasSuffix(secrets["STRIPE_KEY"], ":parameter/mvi/shop/secrets/STRIPE_KEY") {
		t.Errorf("task definition secrets: %v", secrets)
	}
	envs := map[string]string{}
	for _, kv := range cd.Environment {
		envs[aws.ToString(kv.Name)] = aws.ToString(kv.Value)
	}
	if envs["DATABASE_HOST"] != live["database"].Attrs["endpoint"] || envs["DATABASE_PORT"] != "5432" || envs["DATABASE_USER"] == "" || envs["DATABASE_NAME"] == "" {
		t.Errorf("task definition env: %v", envs)
	}
	if _, leaked := envs["DATABASE_PASSWORD"]; leaked {
		t.Error("the database password is plain env")
	}
	// DATABASE_URL: a SecureString the design made, read at container start.
	if _, leaked := envs["DATABASE_URL"]; leaked || secrets["DATABASE_URL"] != live[arch.IDDatabaseURL].ARN {
		t.Errorf("DATABASE_URL: plain %v, secret %q, want %q", leaked, secrets["DATABASE_URL"], live[arch.IDDatabaseURL].ARN)
	}
	if u, err := env.Clients.SSM.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(live[arch.IDDatabaseURL].PhysicalID), WithDecryption: aws.Bool(true)}); err != nil {
		t.Errorf("read DATABASE_URL: %v", err)
	} else if v := aws.ToString(u.Parameter.Value); !strings.HasPrefix(v, "postgres://mvi:") || !strings.Contains(v, "@"+live["database"].Attrs["endpoint"]+":") {
		t.Errorf("DATABASE_URL on moto is not a postgres URL to the endpoint (%d characters)", len(v))
	}
	if len(td.TaskDefinition.Volumes) != 1 || td.TaskDefinition.Volumes[0].EfsVolumeConfiguration == nil ||
		td.TaskDefinition.Volumes[0].EfsVolumeConfiguration.TransitEncryption != ecstypes.EFSTransitEncryptionEnabled ||
		aws.ToString(td.TaskDefinition.Volumes[0].EfsVolumeConfiguration.FileSystemId) != live["fs"].PhysicalID {
		t.Errorf("task definition volumes: %+v", td.TaskDefinition.Volumes)
	}

	// The web service: rolling deployment with rollback, behind the target
	// group, spread across zones, on the capacity provider.
	sv, err := c.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(live["cluster"].Attrs["name"]), Services: []string{live["service/web"].PhysicalID}})
	if err != nil || len(sv.Services) != 1 {
		t.Fatalf("service: %v", err)
	}
	s := sv.Services[0]
	// moto keeps neither the deployment configuration, the capacity
	// provider strategy nor the placement strategy of a service, so the
	// request the handler sent is checked instead (see recordingECS).
	if len(s.LoadBalancers) != 1 {
		t.Errorf("service load balancers: %+v", s.LoadBalancers)
	}
	in := sent.createService["service/web"]
	if in == nil {
		t.Fatal("no CreateService request recorded for service/web")
	}
	dc := in.DeploymentConfiguration
	if dc == nil || aws.ToInt32(dc.MinimumHealthyPercent) != 100 || aws.ToInt32(dc.MaximumPercent) != 200 || dc.DeploymentCircuitBreaker == nil || !dc.DeploymentCircuitBreaker.Enable || !dc.DeploymentCircuitBreaker.Rollback {
		t.Errorf("service deployment: %+v", dc)
	}
	if len(in.LoadBalancers) != 1 || aws.ToString(in.LoadBalancers[0].TargetGroupArn) != live["target-group/web"].ARN || aws.ToInt32(s.LoadBalancers[0].ContainerPort) != 3000 {
		t.Errorf("service load balancers: %+v", in.LoadBalancers)
	}
	if len(in.CapacityProviderStrategy) != 1 || aws.ToString(in.CapacityProviderStrategy[0].CapacityProvider) != live["capacity-provider"].PhysicalID || in.LaunchType != "" {
		t.Errorf("service capacity providers: %+v (launch type %q)", in.CapacityProviderStrategy, in.LaunchType)
	}
	if len(in.PlacementStrategy) == 0 || aws.ToString(in.PlacementStrategy[0].Field) != "attribute:ecs.availability-zone" {
		t.Errorf("service placement: %+v", in.PlacementStrategy)
	}
	if aws.ToString(in.ClientToken) == "" || len(aws.ToString(in.ClientToken)) > 36 {
		t.Errorf("service client token %q", aws.ToString(in.ClientToken))
	}

	// Load balancer: internet facing, health check, listener forwarding.
	if live["lb"].Attrs["scheme"] != "internet-facing" || live["lb"].Attrs["dns_name"] == "" {
		t.Errorf("load balancer attrs: %v", live["lb"].Attrs)
	}
	ta, err := c.ELB.(elbReader).DescribeTargetGroupAttributes(ctx, &elb.DescribeTargetGroupAttributesInput{TargetGroupArn: aws.String(live["target-group/web"].ARN)})
	if err != nil {
		t.Errorf("target group attributes: %v", err)
	} else if got := tgAttr(ta.Attributes, "deregistration_delay.timeout_seconds"); got != "30" {
		t.Errorf("deregistration delay %q", got)
	}
	if live["listener/web"].Attrs["port"] != "80" || live["listener/web"].Attrs["target_group_arn"] != live["target-group/web"].ARN {
		t.Errorf("listener attrs: %v", live["listener/web"].Attrs)
	}

	// Metric: the 5xx alarm watches the target group on its load balancer.
	al, err := c.CloudWatch.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{live["alarm/5xx-web"].PhysicalID}})
	if err != nil || len(al.MetricAlarms) != 1 || len(al.MetricAlarms[0].Dimensions) != 2 {
		t.Errorf("5xx alarm: %+v %v", al, err)
	}
}

func tgAttr(as []elbtypes.TargetGroupAttribute, k string) string {
	for _, a := range as {
		if aws.ToString(a.Key) == k {
			return aws.ToString(a.Value)
		}
	}
	return ""
}

// checkUpdates reads back the in-place changes TestMotoLifecycle made.
func checkUpdates(t *testing.T, ctx context.Context, env resource.Env, live map[string]resource.Live) {
	t.Helper()
	c := env.Clients
	g, err := c.AutoScaling.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{live["asg"].PhysicalID}})
	if err != nil || len(g.AutoScalingGroups) != 1 || aws.ToInt32(g.AutoScalingGroups[0].DesiredCapacity) != 3 || aws.ToInt32(g.AutoScalingGroups[0].MaxSize) != 6 {
		t.Errorf("asg after update: %v", err)
	}
	lg, err := c.Logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/mvi/shop")})
	if err != nil || len(lg.LogGroups) != 1 || aws.ToInt32(lg.LogGroups[0].RetentionInDays) != 14 {
		t.Errorf("log retention after update: %v", err)
	}
	al, err := c.CloudWatch.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{live["alarm/cpu"].PhysicalID}})
	if err != nil || len(al.MetricAlarms) != 1 || aws.ToFloat64(al.MetricAlarms[0].Threshold) != 65 {
		t.Errorf("alarm threshold after update: %v", err)
	}
	sv, err := c.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(live["service/web"].Attrs["cluster"]), Services: []string{live["service/web"].PhysicalID}})
	if err != nil || len(sv.Services) != 1 || sv.Services[0].DesiredCount != 3 {
		t.Errorf("service count after update: %v", err)
	}
	tg, err := c.ELB.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{TargetGroupArns: []string{live["target-group/web"].ARN}})
	if err != nil || len(tg.TargetGroups) != 1 || aws.ToString(tg.TargetGroups[0].HealthCheckPath) != "/healthz" {
		t.Errorf("target group health path after update: %v", err)
	}
	ta, err := c.ELB.(elbReader).DescribeTargetGroupAttributes(ctx, &elb.DescribeTargetGroupAttributesInput{TargetGroupArn: aws.String(live["target-group/web"].ARN)})
	if err != nil || tgAttr(ta.Attributes, "deregistration_delay.timeout_seconds") != "10" {
		t.Errorf("deregistration delay after update: %v", err)
	}
	sg, err := c.EC2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{live["sg/lb"].PhysicalID}})
	if err != nil || len(sg.SecurityGroups) != 1 || !haveRules(sg.SecurityGroups[0].IpPermissions)[ruleKey{proto: "tcp", from: 443, to: 443, cidr: "0.0.0.0/0"}] {
		t.Errorf("sg/lb after update lacks 443: %v", err)
	}
	db, err := c.RDS.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(live["database"].PhysicalID)})
	if err != nil || len(db.DBInstances) != 1 || aws.ToInt32(db.DBInstances[0].BackupRetentionPeriod) != 14 {
		t.Errorf("database backups after update: %v", err)
	}
	v, err := c.EC2.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{
		LaunchTemplateId: aws.String(live["launch-template"].PhysicalID), Versions: []string{"$Default"}})
	if err != nil || len(v.LaunchTemplateVersions) != 1 || v.LaunchTemplateVersions[0].LaunchTemplateData.InstanceType != "t3.medium" {
		t.Errorf("launch template default version after update: %v", err)
	}
	att, err := c.IAM.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(live["role/task"].PhysicalID)})
	if err != nil || len(att.AttachedPolicies) != 1 || !strings.HasSuffix(aws.ToString(att.AttachedPolicies[0].PolicyArn), "/AmazonSSMReadOnlyAccess") {
		t.Errorf("task role policies after update: %+v %v", att, err)
	}
	td, err := c.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(live["task-definition/web"].ARN)})
	if err != nil || aws.ToInt32(td.TaskDefinition.ContainerDefinitions[0].Memory) != 1024 || td.TaskDefinition.Revision != 2 {
		t.Errorf("task definition after update: %v", err)
	}
}

// recordingECS keeps the CreateService requests, by mvi:id, so the test can
// check settings moto accepts but does not keep.
type recordingECS struct {
	cloud.ECS
	mu            sync.Mutex
	createService map[string]*ecs.CreateServiceInput
}

func (r *recordingECS) CreateService(ctx context.Context, in *ecs.CreateServiceInput, opts ...func(*ecs.Options)) (*ecs.CreateServiceOutput, error) {
	r.mu.Lock()
	for _, tg := range in.Tags {
		if aws.ToString(tg.Key) == resource.TagID {
			r.createService[aws.ToString(tg.Value)] = in
		}
	}
	r.mu.Unlock()
	return r.ECS.CreateService(ctx, in, opts...)
}

// decodePolicy turns IAM's URL-encoded policy documents back into JSON.
func decodePolicy(doc string) string {
	if s, err := url.QueryUnescape(doc); err == nil {
		return s
	}
	return doc
}
