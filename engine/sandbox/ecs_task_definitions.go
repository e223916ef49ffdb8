package sandbox

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func (t *tx) taskDefOut(td *taskDef) ecstypes.TaskDefinition {
	out := ecstypes.TaskDefinition{TaskDefinitionArn: aws.String(td.ARN), Family: aws.String(td.Family), Revision: td.Revision,
		ContainerDefinitions: clone(td.Containers), Volumes: clone(td.Volumes), NetworkMode: ecstypes.NetworkMode(td.NetworkMode),
		Status: ecstypes.TaskDefinitionStatus(td.Status), RegisteredAt: tp(td.Created), RegisteredBy: aws.String(rootARN(t.account())),
		Compatibilities:      []ecstypes.Compatibility{ecstypes.CompatibilityExternal, ecstypes.CompatibilityEc2},
		PlacementConstraints: []ecstypes.TaskDefinitionPlacementConstraint{}, RequiresAttributes: []ecstypes.Attribute{},
		DeregisteredAt: tp(td.Deregistered), DeleteRequestedAt: tp(td.DeleteAt)}
	if out.Volumes == nil {
		out.Volumes = []ecstypes.Volume{}
	}
	if td.CPU != "" {
		out.Cpu = aws.String(td.CPU)
	}
	if td.Memory != "" {
		out.Memory = aws.String(td.Memory)
	}
	if td.TaskRole != "" {
		out.TaskRoleArn = aws.String(td.TaskRole)
	}
	if td.ExecRole != "" {
		out.ExecutionRoleArn = aws.String(td.ExecRole)
	}
	for _, r := range td.Requires {
		out.RequiresCompatibilities = append(out.RequiresCompatibilities, ecstypes.Compatibility(r))
	}
	if td.Platform != nil {
		p := *td.Platform
		out.RuntimePlatform = &p
	}
	for _, c := range td.Containers {
		if c.LogConfiguration != nil && c.LogConfiguration.LogDriver == ecstypes.LogDriverAwslogs {
			out.RequiresAttributes = append(out.RequiresAttributes, ecstypes.Attribute{Name: aws.String("com.amazonaws.ecs.capability.logging-driver.awslogs")})
		}
		if len(c.Secrets) > 0 {
			out.RequiresAttributes = append(out.RequiresAttributes, ecstypes.Attribute{Name: aws.String("ecs.capability.secrets.ssm.environment-variables")})
		}
	}
	return out
}

// taskSize is the CPU units and MiB a task reserves on an instance.
func (td *taskDef) size() (int, int) {
	cpu, _ := strconv.Atoi(td.CPU)
	mem, _ := strconv.Atoi(td.Memory)
	ccpu, cmem := 0, 0
	for _, c := range td.Containers {
		ccpu += int(c.Cpu)
		switch {
		case c.Memory != nil:
			cmem += int(*c.Memory)
		case c.MemoryReservation != nil:
			cmem += int(*c.MemoryReservation)
		}
	}
	if cpu == 0 {
		cpu = ccpu
	}
	if mem == 0 {
		mem = cmem
	}
	return cpu, mem
}

// parseSize reads task cpu/memory, which may be "1 vCPU", "512", "1 GB".
func parseSize(s string, unit string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	if n, err := strconv.Atoi(s); err == nil && n > 0 {
		return strconv.Itoa(n), true
	}
	f := strings.Fields(strings.ToLower(s))
	if len(f) == 2 {
		v, err := strconv.ParseFloat(f[0], 64)
		if err == nil && ((unit == "cpu" && f[1] == "vcpu") || (unit == "mem" && f[1] == "gb")) {
			return strconv.Itoa(int(v * 1024)), true
		}
	}
	return "", false
}

func (a *ecsAPI) RegisterTaskDefinition(ctx context.Context, in *ecs.RegisterTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.RegisterTaskDefinitionOutput, error) {
	return call(ctx, a.s, svcECS, "RegisterTaskDefinition", func(t *tx) (*ecs.RegisterTaskDefinitionOutput, error) {
		family := aws.ToString(in.Family)
		if !ecsNameRE.MatchString(family) {
			return nil, ecsClient("Family contains invalid characters or is too long: up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.")
		}
		if len(in.ContainerDefinitions) == 0 {
			return nil, ecsClient("Container list cannot be empty.")
		}
		cpu, ok := parseSize(aws.ToString(in.Cpu), "cpu")
		if !ok {
			return nil, ecsClient("Invalid 'cpu' setting for task.")
		}
		mem, ok := parseSize(aws.ToString(in.Memory), "mem")
		if !ok {
			return nil, ecsClient("Invalid 'memory' setting for task.")
		}
		mode := string(in.NetworkMode)
		if mode == "" {
			mode = "bridge"
		}
		names, portNames := map[string]bool{}, map[string]bool{}
		for _, c := range in.ContainerDefinitions {
			if err := checkPortNamesAndHealth(c, portNames); err != nil {
				return nil, err
			}
			n := aws.ToString(c.Name)
			if n == "" {
				return nil, ecsClient("Container.name should not be null or empty.")
			}
			if names[n] {
				return nil, ecsClient("Duplicate container name: %s", n)
			}
			names[n] = true
			if aws.ToString(c.Image) == "" {
				return nil, ecsClient("Container.image should not be null or empty.")
			}
			if mem == "" && c.Memory == nil && c.MemoryReservation == nil {
				return nil, ecsClient("Invalid setting for container '%s'. At least one of 'memory' or 'memoryReservation' must be specified.", n)
			}
			if c.Memory != nil && *c.Memory < 6 {
				return nil, ecsClient("Invalid 'memory' setting for container '%s'. The minimum is 6 MiB.", n)
			}
			if c.Memory != nil && c.MemoryReservation != nil && *c.MemoryReservation > *c.Memory {
				return nil, ecsClient("Invalid setting for container '%s'. 'memoryReservation' must be less than or equal to 'memory'.", n)
			}
			if len(c.Secrets) > 0 && aws.ToString(in.ExecutionRoleArn) == "" {
				return nil, ecsClient("When you are specifying container secrets, you must also specify a value for 'executionRoleArn'.")
			}
			for _, pm := range c.PortMappings {
				if pm.ContainerPort == nil && pm.ContainerPortRange == nil {
					return nil, ecsClient("Invalid port mapping for container '%s': a container port is required.", n)
				}
				if mode == "awsvpc" || mode == "host" {
					if pm.HostPort != nil && *pm.HostPort != 0 && pm.ContainerPort != nil && *pm.HostPort != *pm.ContainerPort {
						return nil, ecsClient("When networkMode=%s, the containerPort and hostPort values must match.", mode)
					}
				}
			}
			if lc := c.LogConfiguration; lc != nil && lc.LogDriver == ecstypes.LogDriverAwslogs {
				if lc.Options["awslogs-group"] == "" || lc.Options["awslogs-region"] == "" {
					return nil, ecsClient("Log driver awslogs requires options: awslogs-group, awslogs-region")
				}
			}
		}
		for _, r := range []string{aws.ToString(in.TaskRoleArn), aws.ToString(in.ExecutionRoleArn)} {
			if r == "" {
				continue
			}
			if !isRoleARN(r) {
				return nil, ecsClient("Role is not valid")
			}
		}
		for _, v := range in.Volumes {
			if v.EfsVolumeConfiguration != nil && aws.ToString(v.EfsVolumeConfiguration.FileSystemId) == "" {
				return nil, ecsClient("Volume '%s': efsVolumeConfiguration.fileSystemId is required.", aws.ToString(v.Name))
			}
		}
		tags, err := ecsTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		t.r.ECS.Families[family]++
		rev := t.r.ECS.Families[family]
		key := family + ":" + strconv.Itoa(int(rev))
		td := &taskDef{Meta: Meta{ID: key, ARN: t.taskDefARN(key), Created: t.now, Tags: tags},
			Family: family, Revision: rev, Containers: clone(in.ContainerDefinitions), Volumes: clone(in.Volumes),
			CPU: cpu, Memory: mem, NetworkMode: mode, TaskRole: aws.ToString(in.TaskRoleArn), ExecRole: aws.ToString(in.ExecutionRoleArn), Status: "ACTIVE"}
		for _, r := range in.RequiresCompatibilities {
			td.Requires = append(td.Requires, string(r))
		}
		if in.RuntimePlatform != nil {
			p := *in.RuntimePlatform
			td.Platform = &p
		}
		for i := range td.Containers {
			c := &td.Containers[i]
			if c.Essential == nil {
				c.Essential = aws.Bool(true)
			}
			for j := range c.PortMappings {
				pm := &c.PortMappings[j]
				if pm.Protocol == "" {
					pm.Protocol = ecstypes.TransportProtocolTcp
				}
				if pm.HostPort == nil && mode != "bridge" {
					pm.HostPort = pm.ContainerPort
				}
				if pm.HostPort == nil && mode == "bridge" {
					pm.HostPort = aws.Int32(0)
				}
			}
			if c.Environment == nil {
				c.Environment = []ecstypes.KeyValuePair{}
			}
			if c.MountPoints == nil {
				c.MountPoints = []ecstypes.MountPoint{}
			}
			if c.VolumesFrom == nil {
				c.VolumesFrom = []ecstypes.VolumeFrom{}
			}
		}
		t.r.ECS.TaskDefs[key] = td
		return &ecs.RegisterTaskDefinitionOutput{TaskDefinition: ptr(t.taskDefOut(td)), Tags: ecsTags(td.Tags)}, nil
	})
}

func (a *ecsAPI) DeregisterTaskDefinition(ctx context.Context, in *ecs.DeregisterTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.DeregisterTaskDefinitionOutput, error) {
	return call(ctx, a.s, svcECS, "DeregisterTaskDefinition", func(t *tx) (*ecs.DeregisterTaskDefinitionOutput, error) {
		ref := taskDefKey(aws.ToString(in.TaskDefinition))
		if !strings.Contains(ref, ":") {
			return nil, ecsInvalid("TaskDefinition must include a revision: %s", ref)
		}
		td := t.taskDefByRef(ref)
		if td == nil {
			return nil, ecsClient("The specified task definition does not exist.")
		}
		if td.Status == "ACTIVE" {
			td.Status, td.Deregistered = "INACTIVE", t.now
		}
		return &ecs.DeregisterTaskDefinitionOutput{TaskDefinition: ptr(t.taskDefOut(td))}, nil
	})
}

func (a *ecsAPI) DescribeTaskDefinition(ctx context.Context, in *ecs.DescribeTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error) {
	return call(ctx, a.s, svcECS, "DescribeTaskDefinition", func(t *tx) (*ecs.DescribeTaskDefinitionOutput, error) {
		td := t.taskDefByRef(aws.ToString(in.TaskDefinition))
		if td == nil {
			return nil, ecsClient("Unable to describe task definition.")
		}
		out := &ecs.DescribeTaskDefinitionOutput{TaskDefinition: ptr(t.taskDefOut(td))}
		for _, f := range in.Include {
			if f == ecstypes.TaskDefinitionFieldTags {
				out.Tags = ecsTags(td.Tags)
			}
		}
		return out, nil
	})
}

func (a *ecsAPI) ListTaskDefinitions(ctx context.Context, in *ecs.ListTaskDefinitionsInput, _ ...func(*ecs.Options)) (*ecs.ListTaskDefinitionsOutput, error) {
	return call(ctx, a.s, svcECS, "ListTaskDefinitions", func(t *tx) (*ecs.ListTaskDefinitionsOutput, error) {
		status := string(in.Status)
		if status == "" {
			status = "ACTIVE"
		}
		var tds []*taskDef
		for _, td := range t.r.ECS.TaskDefs {
			if td.Status != status || t.hidden(td.Created) {
				continue
			}
			if in.FamilyPrefix != nil && td.Family != *in.FamilyPrefix {
				continue
			}
			tds = append(tds, td)
		}
		sort.Slice(tds, func(i, j int) bool {
			if tds[i].Family != tds[j].Family {
				return tds[i].Family < tds[j].Family
			}
			return tds[i].Revision < tds[j].Revision
		})
		if in.Sort == ecstypes.SortOrderDesc {
			for i, j := 0, len(tds)-1; i < j; i, j = i+1, j-1 {
				tds[i], tds[j] = tds[j], tds[i]
			}
		}
		arns := make([]string, len(tds))
		for i, td := range tds {
			arns[i] = td.ARN
		}
		max := in.MaxResults
		if max == nil {
			max = aws.Int32(100)
		}
		items, next, err := ecsPage(arns, in.NextToken, max)
		if err != nil {
			return nil, err
		}
		return &ecs.ListTaskDefinitionsOutput{TaskDefinitionArns: items, NextToken: next}, nil
	})
}

func (a *ecsAPI) DeleteTaskDefinitions(ctx context.Context, in *ecs.DeleteTaskDefinitionsInput, _ ...func(*ecs.Options)) (*ecs.DeleteTaskDefinitionsOutput, error) {
	return call(ctx, a.s, svcECS, "DeleteTaskDefinitions", func(t *tx) (*ecs.DeleteTaskDefinitionsOutput, error) {
		if len(in.TaskDefinitions) == 0 || len(in.TaskDefinitions) > 10 {
			return nil, ecsInvalid("taskDefinitions must have between 1 and 10 elements")
		}
		out := &ecs.DeleteTaskDefinitionsOutput{TaskDefinitions: []ecstypes.TaskDefinition{}, Failures: []ecstypes.Failure{}}
		for _, ref := range in.TaskDefinitions {
			key := taskDefKey(ref)
			td := t.r.ECS.TaskDefs[key]
			switch {
			case td == nil || !strings.Contains(key, ":"):
				out.Failures = append(out.Failures, ecstypes.Failure{Arn: aws.String(t.taskDefARN(key)), Reason: aws.String("The specified task definition does not exist.")})
			case td.Status == "ACTIVE":
				out.Failures = append(out.Failures, ecstypes.Failure{Arn: aws.String(td.ARN), Reason: aws.String("The specified task definition is still in ACTIVE status. Please deregister the target and try again.")})
			default:
				if td.Status == "INACTIVE" {
					td.Status, td.DeleteAt = "DELETE_IN_PROGRESS", t.now
				}
				out.TaskDefinitions = append(out.TaskDefinitions, t.taskDefOut(td))
			}
		}
		return out, nil
	})
}
