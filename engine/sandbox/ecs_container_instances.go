package sandbox

import (
	"context"
	"encoding/base64"
	"regexp"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func (t *tx) ciOut(ci *containerInstance) ecstypes.ContainerInstance {
	usedCPU, usedMem, running, pending := 0, 0, int32(0), int32(0)
	var ports []string
	for _, tk := range t.r.ECS.Tasks {
		if tk.CI != ci.ARN || tk.LastStatus == "STOPPED" {
			continue
		}
		usedCPU += tk.CPU
		usedMem += tk.Mem
		if tk.LastStatus == "RUNNING" {
			running++
		} else {
			pending++
		}
		for _, p := range tk.Ports {
			ports = append(ports, strconv.Itoa(int(p.HostPort)))
		}
	}
	res := func(cpu, mem int, ps []string) []ecstypes.Resource {
		return []ecstypes.Resource{
			{Name: aws.String("CPU"), Type: aws.String("INTEGER"), IntegerValue: int32(cpu)},
			{Name: aws.String("MEMORY"), Type: aws.String("INTEGER"), IntegerValue: int32(mem)},
			{Name: aws.String("PORTS"), Type: aws.String("STRINGSET"), StringSetValue: append([]string{"22", "2375", "2376", "51678", "51679"}, ps...)},
			{Name: aws.String("PORTS_UDP"), Type: aws.String("STRINGSET"), StringSetValue: []string{}},
		}
	}
	out := ecstypes.ContainerInstance{ContainerInstanceArn: aws.String(ci.ARN), Ec2InstanceId: aws.String(ci.Instance), Status: aws.String(ci.Status),
		AgentConnected: ci.Status == "ACTIVE" || ci.Status == "DRAINING", RegisteredAt: tp(ci.Registered), Version: ci.Version,
		RunningTasksCount: running, PendingTasksCount: pending, RegisteredResources: res(ci.CPU, ci.Mem, nil),
		RemainingResources: res(ci.CPU-usedCPU, ci.Mem-usedMem, ports), Tags: ecsTags(ci.Tags),
		VersionInfo: &ecstypes.VersionInfo{AgentVersion: aws.String("1.99.0"), AgentHash: aws.String("4ad3f2c1"), DockerVersion: aws.String("DockerVersion: 25.0.8")},
		Attributes: []ecstypes.Attribute{
			{Name: aws.String("ecs.availability-zone"), Value: aws.String(ci.AZ)},
			{Name: aws.String("ecs.instance-type"), Value: aws.String(t.instanceType(ci.Instance))},
			{Name: aws.String("ecs.os-type"), Value: aws.String("linux")},
			{Name: aws.String("ecs.cpu-architecture"), Value: aws.String(archName(t.r.EC2.Instances[ci.Instance]))},
			{Name: aws.String("com.amazonaws.ecs.capability.logging-driver.awslogs")},
			{Name: aws.String("ecs.capability.secrets.ssm.environment-variables")},
			{Name: aws.String("ecs.capability.efsAuth")},
		},
		Attachments: []ecstypes.Attachment{}}
	if ci.CP != "" {
		out.CapacityProviderName = aws.String(ci.CP)
	}
	if ci.Reason != "" {
		out.StatusReason = aws.String(ci.Reason)
	}
	return out
}

func (t *tx) instanceType(id string) string {
	if i := t.r.EC2.Instances[id]; i != nil {
		return i.Type
	}
	return ""
}

func (a *ecsAPI) ListContainerInstances(ctx context.Context, in *ecs.ListContainerInstancesInput, _ ...func(*ecs.Options)) (*ecs.ListContainerInstancesOutput, error) {
	return call(ctx, a.s, svcECS, "ListContainerInstances", func(t *tx) (*ecs.ListContainerInstancesOutput, error) {
		c, err := t.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		if in.Filter != nil && *in.Filter != "" {
			return nil, ecsInvalid("The sandbox does not evaluate cluster query language filters")
		}
		var arns []string
		for _, k := range sortedKeys(t.r.ECS.ContainerInstances) {
			ci := t.r.ECS.ContainerInstances[k]
			if ci.Cluster != c.Name || t.hidden(ci.Created) {
				continue
			}
			if in.Status != "" {
				if ci.Status != string(in.Status) {
					continue
				}
			} else if ci.Status != "ACTIVE" && ci.Status != "DRAINING" {
				continue
			}
			arns = append(arns, ci.ARN)
		}
		items, next, err := ecsPage(arns, in.NextToken, in.MaxResults)
		if err != nil {
			return nil, err
		}
		return &ecs.ListContainerInstancesOutput{ContainerInstanceArns: items, NextToken: next}, nil
	})
}

func (a *ecsAPI) DescribeContainerInstances(ctx context.Context, in *ecs.DescribeContainerInstancesInput, _ ...func(*ecs.Options)) (*ecs.DescribeContainerInstancesOutput, error) {
	return call(ctx, a.s, svcECS, "DescribeContainerInstances", func(t *tx) (*ecs.DescribeContainerInstancesOutput, error) {
		c, err := t.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		if len(in.ContainerInstances) == 0 || len(in.ContainerInstances) > 100 {
			return nil, ecsInvalid("ContainerInstances cannot be empty and cannot have more than 100 elements.")
		}
		out := &ecs.DescribeContainerInstancesOutput{ContainerInstances: []ecstypes.ContainerInstance{}, Failures: []ecstypes.Failure{}}
		for _, r := range in.ContainerInstances {
			ci := t.r.ECS.ContainerInstances[t.containerInstanceARN(c.Name, lastName(r))]
			if ci == nil || t.hidden(ci.Created) {
				a := orARN(r, func(id string) string { return t.containerInstanceARN(c.Name, id) })
				out.Failures = append(out.Failures, ecstypes.Failure{Arn: aws.String(a), Reason: aws.String("MISSING")})
				continue
			}
			out.ContainerInstances = append(out.ContainerInstances, t.ciOut(ci))
		}
		return out, nil
	})
}

var ecsClusterRE = regexp.MustCompile(`ECS_CLUSTER=["']?([a-zA-Z0-9_-]+)`)

// agentCluster is the cluster an instance's ECS agent registers with, and
// whether the instance runs an agent at all.
func (t *tx) agentCluster(i *instance) (string, bool) {
	ud := ""
	if b, err := base64.StdEncoding.DecodeString(i.UserData); err == nil {
		ud = string(b)
	}
	ecsAMI := false
	for _, p := range publicParams {
		if strings.Contains(p, "/ecs/") && publicAMI(t.regionName(), p) == i.Image {
			ecsAMI = true
		}
	}
	m := ecsClusterRE.FindStringSubmatch(ud)
	if !ecsAMI && m == nil {
		return "", false
	}
	if m == nil {
		return "default", true
	}
	return m[1], true
}

// agentCanRegister checks the instance's role lets the agent call ECS.
func (t *tx) agentCanRegister(i *instance) bool {
	if i.ProfileARN == "" {
		return false
	}
	p := t.profileByRef(i.ProfileARN, "")
	if p == nil || len(p.Roles) == 0 {
		return false
	}
	return t.roleCanRunECSAgent(p.Roles[0])
}

// cpForInstance is the capacity provider (of the cluster) whose group
// launched an instance.
func (t *tx) cpForInstance(c *ecsCluster, instanceID string) string {
	g := t.groupOf(instanceID)
	if g == nil {
		return ""
	}
	for _, n := range c.CPs {
		if cp := t.r.ECS.CapacityProviders[n]; cp != nil && cp.ASGARN == g.ARN {
			return n
		}
	}
	return ""
}

func (t *tx) registerContainerInstances() {
	have := map[string]bool{}
	for _, ci := range t.r.ECS.ContainerInstances {
		if ci.Status != "INACTIVE" {
			have[ci.Instance] = true
		}
	}
	for _, id := range sortedKeys(t.r.EC2.Instances) {
		i := t.r.EC2.Instances[id]
		if i.State != "running" || have[id] {
			continue
		}
		name, ok := t.agentCluster(i)
		if !ok || !t.agentCanRegister(i) {
			continue
		}
		at := i.RunningAt.Add(t.dur(paceAgentRegister))
		if !t.reached(at) {
			continue
		}
		c := t.r.ECS.Clusters[name]
		if c == nil && name == "default" {
			// The agent creates the default cluster it registers with.
			c = &ecsCluster{Meta: Meta{ID: name, ARN: t.clusterARN(name), Created: at}, Name: name, Status: "ACTIVE",
				Settings: []ecstypes.ClusterSetting{{Name: ecstypes.ClusterSettingNameContainerInsights, Value: aws.String("disabled")}}}
			t.r.ECS.Clusters[name] = c
		}
		if c == nil || c.Status != "ACTIVE" {
			continue // the agent keeps retrying until the cluster exists
		}
		at = latest(at, c.Created)
		cpu, mem, _, _ := instanceCapacity(i.Type)
		cid := hexID(32)
		ci := &containerInstance{Meta: Meta{ID: cid, ARN: t.containerInstanceARN(c.Name, cid), Created: at},
			Cluster: c.Name, Instance: id, AZ: i.AZ, CP: t.cpForInstance(c, id), Status: "ACTIVE", CPU: cpu, Mem: mem, Registered: at, Version: 1}
		t.r.ECS.ContainerInstances[ci.ARN] = ci
		have[id] = true
		t.touch()
	}
}

func (t *tx) retireContainerInstances() {
	for _, k := range sortedKeys(t.r.ECS.ContainerInstances) {
		ci := t.r.ECS.ContainerInstances[k]
		if ci.Status == "INACTIVE" {
			continue
		}
		i := t.r.EC2.Instances[ci.Instance]
		if i != nil && (i.State == "running" || i.State == "pending") {
			continue
		}
		at := t.now
		if i != nil && !i.StopAt.IsZero() {
			at = i.StopAt
		}
		ci.Status, ci.GoneAt, ci.Reason = "INACTIVE", at, "Instance "+ci.Instance+" was terminated"
		ci.Version++
		for _, tk := range t.r.ECS.Tasks {
			if tk.CI == ci.ARN && tk.Desired == "RUNNING" {
				t.stopTask(tk, at, "TerminationNotice", "Host EC2 (instance "+ci.Instance+") stopped/terminated.")
				tk.StoppedAt = at.Add(t.dur(paceTaskStopping))
			}
		}
		t.touch()
	}
}
