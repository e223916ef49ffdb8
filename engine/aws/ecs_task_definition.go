package aws

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/minimalinfra/mvi/engine/release"
	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/minimalinfra/mvi/engine/arch"
)

type taskDefinitionHandler struct{}

func (taskDefinitionHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeTaskDefinition, Service: arch.Container, DeleteRank: 2,
		ARNKinds: []string{"ecs:task-definition"},
		Console:  func(s resource.Site) string { return console(s, "ecs/v2/task-definitions?region="+s.Region) },
		Lookup: func(s resource.Site) string {
			// The reference is family:revision (what mvi status shows): the
			// ARN's last ":" part alone is the bare revision number, which
			// the aws CLI would take for a family named "1".
			ref := s.PhysicalID[strings.LastIndex(s.PhysicalID, "/")+1:]
			if f, r := s.Attrs["family"], s.Attrs["revision"]; f != "" && r != "" {
				ref = f + ":" + r
			}
			return "aws ecs describe-task-definition --task-definition " + ref + " " + regionFlag(s)
		},
	}
}

func tdLive(typ string, td ecstypes.TaskDefinition, tags []ecstypes.Tag) resource.Live {
	l := newLive(typ, str(td.TaskDefinitionArn), ecsTagMap(tags))
	l.ARN = l.PhysicalID
	l.State = string(td.Status)
	l.Attrs["arn"] = l.ARN
	l.Attrs["family"] = str(td.Family)
	l.Attrs["revision"] = itoa(int(td.Revision))
	if len(td.ContainerDefinitions) > 0 {
		c := td.ContainerDefinitions[0]
		l.Attrs["image"] = str(c.Image)
		l.Attrs["cpu"] = itoa(int(c.Cpu))
		l.Attrs["memory"] = itoa(int(i32(c.Memory)))
		l.Attrs["command"] = strings.Join(c.Command, " ")
		l.Attrs["secret_versions"] = c.DockerLabels[labelSecretVersions]
	}
	return l
}

// labelSecretVersions is the container label that records the versions
// of the secrets a revision was made with (arch.SecretVersions): numbers,
// never values, so a plan can name the secret whose change rolls it.
const labelSecretVersions = "mvi.secret-versions"

// Changes names what a new revision changes that a person wrote.
func (taskDefinitionHandler) Changes(r arch.Resource, live resource.Live) []string {
	p, ok := r.Props.(arch.TaskDefinitionProps)
	if !ok {
		return nil
	}
	cs := changes(change("cpu", live.Attrs["cpu"], itoa(p.CPU)), change("memory", live.Attrs["memory"], itoa(p.Memory)))
	if p.Image != "" {
		cs = append(changes(change("image", live.Attrs["image"], p.Image)), cs...)
	}
	if p.Build != "" && live.Attrs["image"] != "" {
		was := live.Attrs["image"][strings.LastIndex(live.Attrs["image"], ":")+1:]
		if now := release.Tag(p.Process, p.Source); now != was {
			cs = append([]string{fmt.Sprintf("the source in %s changed: build %s (was %s)", p.Build, now, was)}, cs...)
		}
	}
	if cmd := strings.Join(p.Command, " "); live.Attrs["image"] != "" && live.Attrs["command"] != cmd {
		cs = append(cs, fmt.Sprintf("command %q → %q", live.Attrs["command"], cmd))
	}
	if live.Attrs["image"] != "" {
		cs = append(cs, p.SecretVersions.Changes(arch.ParseSecretVersions(live.Attrs["secret_versions"]))...)
	}
	return cs
}

// familyOf splits a task definition ARN into family and revision.
func familyOf(arn string) (string, int) {
	s := arnName(arn)
	i := strings.LastIndex(s, ":")
	if i < 0 {
		return s, 0
	}
	n, _ := strconv.Atoi(s[i+1:])
	return s[:i], n
}

func (h taskDefinitionHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	prefix := appPrefix(env.App)
	latest := map[string]string{}
	rev := map[string]int{}
	p := ecs.NewListTaskDefinitionsPaginator(env.Clients.ECS, &ecs.ListTaskDefinitionsInput{Status: ecstypes.TaskDefinitionStatusActive})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("list", "task definitions", err)
		}
		for _, arn := range page.TaskDefinitionArns {
			fam, n := familyOf(arn)
			if strings.HasPrefix(fam, prefix) && n > rev[fam] {
				latest[fam], rev[fam] = arn, n
			}
		}
	}
	var out []resource.Live
	for _, fam := range sortedKeys(latest) {
		d, err := env.Clients.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{
			TaskDefinition: aws.String(latest[fam]), Include: []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags}})
		if err != nil {
			return nil, wrap("list", fam, err)
		}
		if ours(env.App, ecsTagMap(d.Tags)) {
			out = append(out, tdLive(h.Describe().Type, *d.TaskDefinition, d.Tags))
		}
	}
	return out, nil
}

// input renders the task definition: bridge networking with a dynamic host
// port, awslogs, secrets from SSM, database settings as plain env, the
// shared file system over TLS with IAM authorization.
func (h taskDefinitionHandler) input(ctx context.Context, env resource.Env, r arch.Resource, p arch.TaskDefinitionProps) (*ecs.RegisterTaskDefinitionInput, error) {
	exec, err := depAttr(env, r.ID, p.ExecutionRole, "arn")
	if err != nil {
		return nil, err
	}
	task, err := depAttr(env, r.ID, p.TaskRole, "arn")
	if err != nil {
		return nil, err
	}
	group, err := depAttr(env, r.ID, p.LogGroup, "name")
	if err != nil {
		return nil, err
	}
	image := p.Image
	if image == "" {
		if image, err = builtImage(ctx, env, r, p); err != nil {
			return nil, err
		}
	}
	env2 := map[string]string{}
	for k, v := range p.Env {
		env2[k] = v
	}
	secretFrom := map[string]string{} // variable → parameter ARN
	if p.Database != "" {
		// The database's settings under the names most images read; a
		// person's own value of the same name wins.
		for k, attr := range arch.DatabaseVars() {
			v, err := depAttr(env, r.ID, p.Database, attr)
			if err != nil {
				return nil, err
			}
			if _, set := env2[k]; !set {
				env2[k] = v
			}
		}
		pw, err := depAttr(env, r.ID, p.DBPassword, "arn")
		if err != nil {
			return nil, err
		}
		secretFrom["DATABASE_PASSWORD"] = pw
	}
	for k, t := range p.Filled {
		v, err := fill(ctx, env, r.ID, t, nil)
		if err != nil {
			return nil, err
		}
		env2[k] = v
	}
	for _, s := range p.Secrets {
		secretFrom[s] = parameterARN(env, arch.SecretPath(env.App, s))
	}
	for k, s := range p.SecretVars {
		secretFrom[k] = parameterARN(env, arch.SecretPath(env.App, s))
	}
	for k, id := range p.Params {
		a, err := depAttr(env, r.ID, id, "arn")
		if err != nil {
			return nil, err
		}
		secretFrom[k] = a
	}
	var secrets []ecstypes.Secret
	for _, k := range sortedKeys(secretFrom) {
		delete(env2, k) // a secret is never also plain environment
		secrets = append(secrets, ecstypes.Secret{Name: aws.String(k), ValueFrom: aws.String(secretFrom[k])})
	}
	var kv []ecstypes.KeyValuePair
	for _, k := range sortedKeys(env2) {
		kv = append(kv, ecstypes.KeyValuePair{Name: aws.String(k), Value: aws.String(env2[k])})
	}
	c := ecstypes.ContainerDefinition{
		Name:         aws.String(p.Process),
		Image:        aws.String(image),
		Essential:    aws.Bool(true),
		Command:      p.Command,
		Cpu:          int32(p.CPU),
		Memory:       aws.Int32(int32(p.Memory)),
		Environment:  kv,
		Secrets:      secrets,
		DockerLabels: secretLabels(p.SecretVersions),
		LogConfiguration: &ecstypes.LogConfiguration{LogDriver: ecstypes.LogDriverAwslogs, Options: map[string]string{
			"awslogs-group": group, "awslogs-region": env.Region, "awslogs-stream-prefix": p.Process,
		}},
	}
	if p.Port != 0 {
		c.PortMappings = []ecstypes.PortMapping{{ContainerPort: aws.Int32(int32(p.Port)), HostPort: aws.Int32(0), Protocol: ecstypes.TransportProtocolTcp}}
		if p.PortName != "" {
			c.PortMappings[0].Name = aws.String(p.PortName)
		}
	}
	c.HealthCheck = containerHealth(p.HealthCheck)
	in := &ecs.RegisterTaskDefinitionInput{
		Family:                  aws.String(physName(env.App, r.ID, 255)),
		NetworkMode:             ecstypes.NetworkModeBridge,
		RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityEc2},
		ExecutionRoleArn:        aws.String(exec),
		TaskRoleArn:             aws.String(task),
		ContainerDefinitions:    []ecstypes.ContainerDefinition{c},
		Tags:                    ecsTags(resource.Tags(env.App, r)),
	}
	if p.FileSystem != "" {
		// The design lists the mount targets, not the file system, among the
		// dependencies: either carries the file system id.
		fs, err := depAttrVia(env, r.ID, p.FileSystem, "file_system_id", arch.TypeMountTarget, "file_system_id")
		if err != nil {
			return nil, err
		}
		in.Volumes = []ecstypes.Volume{{Name: aws.String("shared"), EfsVolumeConfiguration: &ecstypes.EFSVolumeConfiguration{
			FileSystemId: aws.String(fs), RootDirectory: aws.String("/"),
			TransitEncryption:   ecstypes.EFSTransitEncryptionEnabled,
			AuthorizationConfig: &ecstypes.EFSAuthorizationConfig{Iam: ecstypes.EFSAuthorizationConfigIAMEnabled},
		}}}
		in.ContainerDefinitions[0].MountPoints = []ecstypes.MountPoint{{SourceVolume: aws.String("shared"), ContainerPath: aws.String(p.MountPath)}}
	}
	return in, nil
}

func secretLabels(v arch.SecretVersions) map[string]string {
	if len(v) == 0 {
		return nil
	}
	return map[string]string{labelSecretVersions: v.String()}
}

func (h taskDefinitionHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	return h.register(ctx, env, r, "create")
}

func (h taskDefinitionHandler) register(ctx context.Context, env resource.Env, r arch.Resource, op string) (resource.Live, error) {
	p, err := propsOf[arch.TaskDefinitionProps](op, r)
	if err != nil {
		return resource.Live{}, err
	}
	in, err := h.input(ctx, env, r, p)
	if err != nil {
		return resource.Live{}, err
	}
	res, err := env.Clients.ECS.RegisterTaskDefinition(ctx, in)
	if err != nil {
		return resource.Live{}, wrap(op, r.ID, err)
	}
	l := tdLive(h.Describe().Type, *res.TaskDefinition, res.Tags)
	l.ID, l.Hash = r.ID, arch.Hash(r.Props)
	return l, nil
}

// Update registers a new revision (task definitions are immutable); earlier
// revisions stay until delete, so a circuit-breaker rollback can use them.
func (h taskDefinitionHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	return h.register(ctx, env, r, "update")
}

// Delete deregisters every revision of the family, then deletes them.
func (h taskDefinitionHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	fam := live.Attrs["family"]
	if fam == "" {
		fam, _ = familyOf(live.PhysicalID)
	}
	var arns []string
	p := ecs.NewListTaskDefinitionsPaginator(env.Clients.ECS, &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String(fam), Status: ecstypes.TaskDefinitionStatusActive})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return wrap("delete", live.ID, err)
		}
		for _, arn := range page.TaskDefinitionArns {
			if f, _ := familyOf(arn); f == fam {
				arns = append(arns, arn)
			}
		}
	}
	for _, arn := range arns {
		_, err := env.Clients.ECS.DeregisterTaskDefinition(ctx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String(arn)})
		if err != nil && !isCode(err, "ClientException", "InvalidParameterException") {
			return wrap("deregister", live.ID, err)
		}
	}
	for len(arns) > 0 {
		n := min(len(arns), 10)
		if _, err := env.Clients.ECS.DeleteTaskDefinitions(ctx, &ecs.DeleteTaskDefinitionsInput{TaskDefinitions: arns[:n]}); err != nil {
			return wrap("delete", live.ID, err)
		}
		arns = arns[n:]
	}
	return nil
}

func (h taskDefinitionHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	d, err := env.Clients.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(live.PhysicalID)})
	if err != nil {
		return false, "", wrap("describe", live.ID, err)
	}
	if d.TaskDefinition.Status != ecstypes.TaskDefinitionStatusActive {
		return false, "waiting for task definition (" + string(d.TaskDefinition.Status) + ")", nil
	}
	return true, "", nil
}
