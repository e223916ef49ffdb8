package release

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/google/go-containerregistry/pkg/authn"

	"github.com/minimalinfra/mvi/engine/build"
	"github.com/minimalinfra/mvi/engine/build/buildkit"
	"github.com/minimalinfra/mvi/engine/resource"
)

// ClusterBuilder builds on the app's own cluster, for a Dockerfile that
// runs programs when this machine has no docker, podman or buildah: the
// book's build box inside the VPC. The context goes to the Blob bucket,
// a BuildKit task on the app's VMs fetches it by a presigned URL, builds
// and pushes to the Registry with credentials it gets as a secret, and
// its output, streamed here, becomes the build's log. What it makes for
// one build (the context object, the credentials parameter, the task
// definition) is removed when the build ends, however it ends.
type ClusterBuilder struct {
	ECS     ClusterECS
	SSM     ClusterParams
	Logs    ClusterLogs
	Presign func(ctx context.Context, bucket, key string, ttl time.Duration) (string, error)
	// App names what the build makes and tags it (mvi:app, and mvi:id
	// build/<tag>), so a down after an interrupted build finds it.
	App string
	// Cluster and CapacityProvider say where the task runs;
	// ExecutionRole (an ARN) lets ECS pull the image, read the
	// credentials and write the log; LogGroup is the app's; Key is the
	// KMS key the credentials are encrypted with.
	Cluster, CapacityProvider, ExecutionRole, LogGroup, Key string
	Region                                                  string // for the log driver
	// Sleep waits between polls; nil is a real timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Timeout bounds one build; 0 is DefaultClusterTimeout.
	Timeout time.Duration
}

// DefaultClusterTimeout is how long a cluster build may take, from
// asking for a VM to the push.
const DefaultClusterTimeout = 30 * time.Minute

// What the builder needs of each service.
type (
	ClusterECS interface {
		RegisterTaskDefinition(ctx context.Context, in *ecs.RegisterTaskDefinitionInput, opts ...func(*ecs.Options)) (*ecs.RegisterTaskDefinitionOutput, error)
		DeregisterTaskDefinition(ctx context.Context, in *ecs.DeregisterTaskDefinitionInput, opts ...func(*ecs.Options)) (*ecs.DeregisterTaskDefinitionOutput, error)
		DeleteTaskDefinitions(ctx context.Context, in *ecs.DeleteTaskDefinitionsInput, opts ...func(*ecs.Options)) (*ecs.DeleteTaskDefinitionsOutput, error)
		RunTask(ctx context.Context, in *ecs.RunTaskInput, opts ...func(*ecs.Options)) (*ecs.RunTaskOutput, error)
		DescribeTasks(ctx context.Context, in *ecs.DescribeTasksInput, opts ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error)
		StopTask(ctx context.Context, in *ecs.StopTaskInput, opts ...func(*ecs.Options)) (*ecs.StopTaskOutput, error)
	}
	ClusterParams interface {
		PutParameter(ctx context.Context, in *ssm.PutParameterInput, opts ...func(*ssm.Options)) (*ssm.PutParameterOutput, error)
		DeleteParameter(ctx context.Context, in *ssm.DeleteParameterInput, opts ...func(*ssm.Options)) (*ssm.DeleteParameterOutput, error)
	}
	ClusterLogs interface {
		GetLogEvents(ctx context.Context, in *cloudwatchlogs.GetLogEventsInput, opts ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.GetLogEventsOutput, error)
	}
)

// String names the builder for the plan and the build record.
func (cb ClusterBuilder) String() string {
	return "BuildKit task on cluster " + cb.Cluster
}

// pollEvery is how often the task and its log are looked at; pollFloor
// is the least real time between two looks, because the build runs in
// real time whatever clock the engine has (a test's Sleep returns at
// once) and asking faster than this only loads the cloud.
const (
	pollEvery = 3 * time.Second
	pollFloor = 25 * time.Millisecond
)

// build runs one build on the cluster: im's directory, pushed as tag.
func (cb ClusterBuilder) build(ctx context.Context, im Image, tag string, cred *authn.Basic, w io.Writer) (build.Result, error) {
	timeout := cb.Timeout
	if timeout <= 0 {
		timeout = DefaultClusterTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	src, err := build.SourceDigest(ctx, im.Dir, im.Dockerfile)
	if err != nil {
		return build.Result{}, err
	}
	c, err := build.OpenContext(ctx, im.Dir, im.Dockerfile)
	if err != nil {
		return build.Result{}, err
	}
	var tgz bytes.Buffer
	if err := c.TarGz(ctx, &tgz); err != nil {
		return build.Result{}, err
	}
	// Clean-up runs on a context of its own: a Ctrl-C or a timeout must
	// not leave the task running or the credentials behind.
	cleanup := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	}

	bucket, key := im.Store.Bucket, contextKey(tag)
	im.use(UseLogs)
	put, err := im.Store.Blob.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key),
		Body: bytes.NewReader(tgz.Bytes()), ContentType: aws.String("application/gzip")})
	if err != nil {
		return build.Result{}, fmt.Errorf("upload the build context to bucket %s: %w", bucket, err)
	}
	defer func() {
		// By version, so a versioned bucket keeps no copy of the source.
		cctx, done := cleanup()
		defer done()
		im.Store.Blob.DeleteObjects(cctx, &s3.DeleteObjectsInput{Bucket: aws.String(bucket), Delete: &s3types.Delete{
			Objects: []s3types.ObjectIdentifier{{Key: aws.String(key), VersionId: put.VersionId}}, Quiet: aws.Bool(true)}})
	}()
	fmt.Fprintf(w, "uploaded the build context (%d bytes) to s3://%s/%s\n", tgz.Len(), bucket, key)
	if cb.Presign == nil {
		return build.Result{}, errors.New("this cloud gives no way to presign the build context's URL (cloud.Clients.PresignGet is nil)")
	}
	url, err := cb.Presign(ctx, bucket, key, timeout)
	if err != nil {
		return build.Result{}, err
	}

	im.use(UseRegistry)
	param := authParam(cb.App, tag)
	if _, err := cb.SSM.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String(param), Type: ssmtypes.ParameterTypeSecureString,
		KeyId: aws.String(cb.Key), Value: aws.String(dockerConfig(im.URI, cred)), Overwrite: aws.Bool(false),
		Description: aws.String("registry credentials for build " + tag + "; removed when the build ends"),
		Tags:        ssmTags(cb.tags("build/" + tag))}); err != nil {
		return build.Result{}, fmt.Errorf("keep the registry credentials for the build as parameter %s: %w", param, err)
	}
	defer func() {
		cctx, done := cleanup()
		defer done()
		cb.SSM.DeleteParameter(cctx, &ssm.DeleteParameterInput{Name: aws.String(param)})
	}()

	td, err := cb.ECS.RegisterTaskDefinition(ctx, cb.taskDefinition(tag, url, im.Ref(), param, im.Dockerfile))
	if err != nil {
		return build.Result{}, fmt.Errorf("register the builder's task definition: %w", err)
	}
	tdARN := aws.ToString(td.TaskDefinition.TaskDefinitionArn)
	defer func() {
		cctx, done := cleanup()
		defer done()
		if _, err := cb.ECS.DeregisterTaskDefinition(cctx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String(tdARN)}); err == nil {
			cb.ECS.DeleteTaskDefinitions(cctx, &ecs.DeleteTaskDefinitionsInput{TaskDefinitions: []string{tdARN}})
		}
	}()

	task, err := cb.run(ctx, tdARN, tag, w)
	if err != nil {
		return build.Result{}, err
	}
	stopped, err := cb.follow(ctx, task, w)
	if err != nil {
		cctx, done := cleanup()
		cb.ECS.StopTask(cctx, &ecs.StopTaskInput{Cluster: aws.String(cb.Cluster), Task: aws.String(task), Reason: aws.String("mvi: the build was stopped: " + err.Error())})
		done()
		return build.Result{}, err
	}
	if err := exitError(stopped); err != nil {
		return build.Result{}, err
	}
	out, err := im.ECR.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String(im.Repository),
		ImageIds: []ecrtypes.ImageIdentifier{{ImageTag: aws.String(tag)}}})
	if err != nil || len(out.ImageDetails) == 0 {
		return build.Result{}, fmt.Errorf("the builder task ended well but image %s is not in repository %s: %v", tag, im.Repository, err)
	}
	digest := aws.ToString(out.ImageDetails[0].ImageDigest)
	return build.Result{Image: im.URI + "@" + digest, ImageDigest: digest, SourceDigest: src}, nil
}

func (cb ClusterBuilder) taskDefinition(tag, url, target, param, dockerfile string) *ecs.RegisterTaskDefinitionInput {
	return &ecs.RegisterTaskDefinitionInput{
		Family:                  aws.String(builderFamily(cb.App)),
		NetworkMode:             ecstypes.NetworkModeBridge,
		RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityEc2},
		ExecutionRoleArn:        aws.String(cb.ExecutionRole),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{
			Name: aws.String(buildkit.Container), Image: aws.String(buildkit.Image), Essential: aws.Bool(true),
			EntryPoint: buildkit.EntryPoint(), Command: buildkit.Command(),
			Cpu: buildkit.CPU, Memory: aws.Int32(buildkit.Memory),
			// Rootless BuildKit makes its own namespaces, which the
			// default seccomp and AppArmor profiles forbid.
			DockerSecurityOptions: []string{"seccomp=unconfined", "apparmor=unconfined"},
			Environment: []ecstypes.KeyValuePair{
				{Name: aws.String(buildkit.EnvContext), Value: aws.String(url)},
				{Name: aws.String(buildkit.EnvTarget), Value: aws.String(target)},
				{Name: aws.String(buildkit.EnvDockerfile), Value: aws.String(buildkit.DockerfileOf(dockerfile))},
				{Name: aws.String("BUILDKITD_FLAGS"), Value: aws.String(buildkit.BuildkitdFlags)},
			},
			Secrets: []ecstypes.Secret{{Name: aws.String(buildkit.EnvAuth), ValueFrom: aws.String(param)}},
			LogConfiguration: &ecstypes.LogConfiguration{LogDriver: ecstypes.LogDriverAwslogs, Options: map[string]string{
				"awslogs-group": cb.LogGroup, "awslogs-region": cb.Region, "awslogs-stream-prefix": builderStreamPrefix,
			}},
		}},
		Tags: ecsTags(cb.tags("build/" + tag)),
	}
}

// run starts the task, waiting while the cluster has no VM with room
// (on a first up the VMs are still joining).
func (cb ClusterBuilder) run(ctx context.Context, td, tag string, w io.Writer) (string, error) {
	said := ""
	for {
		out, err := cb.ECS.RunTask(ctx, &ecs.RunTaskInput{Cluster: aws.String(cb.Cluster), TaskDefinition: aws.String(td), Count: aws.Int32(1),
			StartedBy:                aws.String("mvi-build"),
			CapacityProviderStrategy: []ecstypes.CapacityProviderStrategyItem{{CapacityProvider: aws.String(cb.CapacityProvider), Weight: 1}},
			Tags:                     ecsTags(cb.tags("build/" + tag))})
		if err != nil {
			return "", fmt.Errorf("start the builder task on cluster %s: %w", cb.Cluster, err)
		}
		if len(out.Tasks) > 0 {
			arn := aws.ToString(out.Tasks[0].TaskArn)
			fmt.Fprintf(w, "started builder task %s on cluster %s\n", arn[strings.LastIndex(arn, "/")+1:], cb.Cluster)
			return arn, nil
		}
		why := "no room"
		if len(out.Failures) > 0 {
			why = aws.ToString(out.Failures[0].Reason)
			if d := aws.ToString(out.Failures[0].Detail); d != "" {
				why += ": " + d
			}
		}
		if why != said {
			fmt.Fprintf(w, "waiting for a VM of cluster %s to take the build (%s)\n", cb.Cluster, why)
			said = why
		}
		if err := cb.wait(ctx); err != nil {
			return "", fmt.Errorf("no VM of cluster %s took the build (%s): %w", cb.Cluster, why, err)
		}
	}
}

// follow copies the task's log to w until the task has stopped.
func (cb ClusterBuilder) follow(ctx context.Context, task string, w io.Writer) (ecstypes.Task, error) {
	stream := builderStreamPrefix + "/" + buildkit.Container + "/" + task[strings.LastIndex(task, "/")+1:]
	var token *string
	drain := func() {
		for {
			out, err := cb.Logs.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(cb.LogGroup),
				LogStreamName: aws.String(stream), StartFromHead: aws.Bool(true), NextToken: token})
			if err != nil {
				return // the stream appears when the container starts
			}
			for _, e := range out.Events {
				fmt.Fprintln(w, aws.ToString(e.Message))
			}
			if aws.ToString(out.NextForwardToken) == aws.ToString(token) || len(out.Events) == 0 {
				token = out.NextForwardToken
				return
			}
			token = out.NextForwardToken
		}
	}
	for {
		out, err := cb.ECS.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cb.Cluster), Tasks: []string{task}})
		if err != nil {
			return ecstypes.Task{}, fmt.Errorf("look at the builder task: %w", err)
		}
		if len(out.Tasks) == 0 {
			return ecstypes.Task{}, fmt.Errorf("the builder task %s is gone", task)
		}
		drain()
		if t := out.Tasks[0]; aws.ToString(t.LastStatus) == "STOPPED" {
			drain()
			return t, nil
		}
		if err := cb.wait(ctx); err != nil {
			return ecstypes.Task{}, fmt.Errorf("the build did not finish: %w", err)
		}
	}
}

func (cb ClusterBuilder) wait(ctx context.Context) error {
	floor := time.NewTimer(pollFloor)
	defer floor.Stop()
	sleep := cb.Sleep
	if sleep == nil {
		sleep = resource.Sleep
	}
	if err := sleep(ctx, pollEvery); err != nil {
		return err
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-floor.C:
		return nil
	}
}

// exitError is why a stopped builder task failed, nil if it built.
func exitError(t ecstypes.Task) error {
	for _, c := range t.Containers {
		if aws.ToString(c.Name) != buildkit.Container {
			continue
		}
		if c.ExitCode != nil && *c.ExitCode == 0 {
			return nil
		}
		if c.ExitCode != nil {
			return fmt.Errorf("the builder exited with code %d (its log above says why)", *c.ExitCode)
		}
		if r := aws.ToString(c.Reason); r != "" {
			return fmt.Errorf("the builder could not start: %s", r)
		}
	}
	return fmt.Errorf("the builder task stopped: %s", aws.ToString(t.StoppedReason))
}

// dockerConfig is a config.json with the one registry's credentials.
func dockerConfig(uri string, cred *authn.Basic) string {
	host, _, _ := strings.Cut(uri, "/")
	auth := base64.StdEncoding.EncodeToString([]byte(cred.Username + ":" + cred.Password))
	b, _ := json.Marshal(map[string]any{"auths": map[string]any{host: map[string]string{"auth": auth}}})
	return string(b)
}

// tags are what the builder puts on what it makes: the app's, and id.
func (cb ClusterBuilder) tags(id string) map[string]string {
	return map[string]string{resource.TagApp: cb.App, resource.TagID: id}
}

func ecsTags(tags map[string]string) []ecstypes.Tag {
	var out []ecstypes.Tag
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out = append(out, ecstypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out
}

func ssmTags(tags map[string]string) []ssmtypes.Tag {
	var out []ssmtypes.Tag
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out = append(out, ssmtypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out
}
