package sandbox

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	tagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	tagtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"

	"github.com/minimalinfra/mvi/engine/cloud"
)

func asgInstances(t testing.TB, c *cloud.Clients, name string) []string {
	t.Helper()
	out := must(c.AutoScaling.DescribeAutoScalingGroups(bg, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{name}}))
	var ids []string
	for _, i := range out.AutoScalingGroups[0].Instances {
		if i.LifecycleState == "InService" {
			ids = append(ids, *i.InstanceId)
		}
	}
	return ids
}

func TestAutoScalingReachesAndKeepsDesired(t *testing.T) {
	s := openSB(t, Options{})
	c := apiOf(s)
	n := buildNetwork(t, c.Clients, "asg")
	name, _ := buildVMs(t, c.Clients, "asg", n, 2)
	var ids []string
	eventually(t, "2 instances in service", func() bool { ids = asgInstances(t, c.Clients, name); return len(ids) == 2 })

	out := must(c.EC2.DescribeInstances(bg, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{
		{Name: aws.String("tag:aws:autoscaling:groupName"), Values: []string{name}},
		{Name: aws.String("instance-state-name"), Values: []string{"running"}}}}))
	if len(out.Reservations) != 2 {
		t.Fatalf("%d running instances", len(out.Reservations))
	}
	azs := map[string]bool{}
	for _, r := range out.Reservations {
		i := r.Instances[0]
		azs[*i.Placement.AvailabilityZone] = true
		tags := fromEC2Tags(i.Tags)
		if tags["mvi:app"] != "asg" || tags["Name"] != "asg" || tags["mvi:id"] != "" {
			t.Fatalf("instance tags %v (want propagated mvi:app, template Name, no mvi:id)", tags)
		}
		if i.PublicIpAddress == nil || i.IamInstanceProfile == nil || i.MetadataOptions.HttpTokens != ec2types.HttpTokensStateRequired {
			t.Fatalf("instance %+v", i)
		}
	}
	if len(azs) != 2 {
		t.Fatalf("instances in %d zones, want 2", len(azs))
	}

	// Terminate one: the group notices and replaces it.
	victim := ids[0]
	must(c.EC2.TerminateInstances(bg, &ec2.TerminateInstancesInput{InstanceIds: []string{victim}}))
	eventually(t, "a replacement", func() bool {
		now := asgInstances(t, c.Clients, name)
		if len(now) != 2 {
			return false
		}
		for _, id := range now {
			if id == victim {
				return false
			}
		}
		return true
	})
	term := must(c.EC2.DescribeInstances(bg, &ec2.DescribeInstancesInput{InstanceIds: []string{victim}}))
	if st := term.Reservations[0].Instances[0].State.Name; st != ec2types.InstanceStateNameTerminated && st != ec2types.InstanceStateNameShuttingDown {
		t.Fatalf("victim is %s", st)
	}

	// Scale in by API; the group deletes only with force while instances live.
	must(c.AutoScaling.UpdateAutoScalingGroup(bg, &autoscaling.UpdateAutoScalingGroupInput{AutoScalingGroupName: &name, MinSize: aws.Int32(1), DesiredCapacity: aws.Int32(1)}))
	eventually(t, "1 instance", func() bool { return len(asgInstances(t, c.Clients, name)) == 1 })
	_, err := c.AutoScaling.DeleteAutoScalingGroup(bg, &autoscaling.DeleteAutoScalingGroupInput{AutoScalingGroupName: &name})
	wantCode(t, err, "ResourceInUse")
	must(c.AutoScaling.DeleteAutoScalingGroup(bg, &autoscaling.DeleteAutoScalingGroupInput{AutoScalingGroupName: &name, ForceDelete: aws.Bool(true)}))
	eventually(t, "the group to go", func() bool {
		out := must(c.AutoScaling.DescribeAutoScalingGroups(bg, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{name}}))
		return len(out.AutoScalingGroups) == 0
	})
}

func TestAutoScalingLaunchFailureIsAnActivity(t *testing.T) {
	s := openSB(t, Options{})
	c := s.Clients()
	n := buildNetwork(t, c, "bad")
	name, _ := buildVMs(t, c, "bad", n, 1)
	// Break the template: the instance profile disappears.
	eventually(t, "first instance", func() bool { return len(asgInstances(t, c, name)) == 1 })
	role := "mvi-bad-instance"
	must(c.IAM.RemoveRoleFromInstanceProfile(bg, &iam.RemoveRoleFromInstanceProfileInput{InstanceProfileName: &role, RoleName: &role}))
	must(c.IAM.DeleteInstanceProfile(bg, &iam.DeleteInstanceProfileInput{InstanceProfileName: &role}))
	must(c.AutoScaling.UpdateAutoScalingGroup(bg, &autoscaling.UpdateAutoScalingGroupInput{AutoScalingGroupName: &name, DesiredCapacity: aws.Int32(2)}))
	must(c.AutoScaling.DescribeAutoScalingGroups(bg, &autoscaling.DescribeAutoScalingGroupsInput{}))
	if got := len(asgInstances(t, c, name)); got != 1 {
		t.Fatalf("%d instances launched without a profile", got)
	}
}

// buildService sets up the cluster, capacity provider, load balancer and a
// web service with count tasks.
func buildService(t testing.TB, c *cloud.Clients, app string, n network, asgARN string, count int32) (cluster, svcARN, tgARN string) {
	t.Helper()
	cluster = "mvi-" + app
	must(c.ECS.CreateCluster(bg, &ecs.CreateClusterInput{ClusterName: &cluster, Tags: []ecstypes.Tag{{Key: aws.String("mvi:app"), Value: aws.String(app)}},
		Settings: []ecstypes.ClusterSetting{{Name: ecstypes.ClusterSettingNameContainerInsights, Value: aws.String("enabled")}}}))
	cp := "mvi-" + app + "-cp"
	must(c.ECS.CreateCapacityProvider(bg, &ecs.CreateCapacityProviderInput{Name: &cp, Tags: []ecstypes.Tag{{Key: aws.String("mvi:app"), Value: aws.String(app)}},
		AutoScalingGroupProvider: &ecstypes.AutoScalingGroupProvider{AutoScalingGroupArn: &asgARN,
			ManagedScaling: &ecstypes.ManagedScaling{Status: ecstypes.ManagedScalingStatusEnabled, TargetCapacity: aws.Int32(100)}}}))
	strat := []ecstypes.CapacityProviderStrategyItem{{CapacityProvider: &cp, Weight: 1}}
	must(c.ECS.PutClusterCapacityProviders(bg, &ecs.PutClusterCapacityProvidersInput{Cluster: &cluster, CapacityProviders: []string{cp}, DefaultCapacityProviderStrategy: strat}))
	lb := must(c.ELB.CreateLoadBalancer(bg, &elb.CreateLoadBalancerInput{Name: aws.String("mvi-" + app), Subnets: n.subnets, SecurityGroups: []string{n.sgLB},
		Tags: []elbtypes.Tag{{Key: aws.String("mvi:app"), Value: aws.String(app)}}}))
	tg := must(c.ELB.CreateTargetGroup(bg, &elb.CreateTargetGroupInput{Name: aws.String("mvi-" + app + "-web"), Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(80), VpcId: &n.vpc, HealthCheckPath: aws.String("/"), HealthCheckIntervalSeconds: aws.Int32(10), HealthyThresholdCount: aws.Int32(2),
		Tags: []elbtypes.Tag{{Key: aws.String("mvi:app"), Value: aws.String(app)}}}))
	tgARN = *tg.TargetGroups[0].TargetGroupArn
	must(c.ELB.ModifyTargetGroupAttributes(bg, &elb.ModifyTargetGroupAttributesInput{TargetGroupArn: &tgARN,
		Attributes: []elbtypes.TargetGroupAttribute{{Key: aws.String("deregistration_delay.timeout_seconds"), Value: aws.String("30")}}}))
	must(c.ELB.CreateListener(bg, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancers[0].LoadBalancerArn, Port: aws.Int32(80), Protocol: elbtypes.ProtocolEnumHttp,
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: &tgARN}}}))
	role := "mvi-" + app + "-task"
	r := must(c.IAM.CreateRole(bg, &iam.CreateRoleInput{RoleName: &role, AssumeRolePolicyDocument: aws.String(assumeTasks)}))
	td := must(c.ECS.RegisterTaskDefinition(bg, &ecs.RegisterTaskDefinitionInput{Family: aws.String("mvi-" + app + "-web"), TaskRoleArn: r.Role.Arn,
		Cpu: aws.String("256"), Memory: aws.String("512"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("web"), Image: aws.String("httpd"),
			PortMappings: []ecstypes.PortMapping{{ContainerPort: aws.Int32(80)}}}}}))
	svc := must(c.ECS.CreateService(bg, &ecs.CreateServiceInput{Cluster: &cluster, ServiceName: aws.String("web"), TaskDefinition: td.TaskDefinition.TaskDefinitionArn,
		DesiredCount: aws.Int32(count), CapacityProviderStrategy: strat,
		LoadBalancers: []ecstypes.LoadBalancer{{TargetGroupArn: &tgARN, ContainerName: aws.String("web"), ContainerPort: aws.Int32(80)}},
		DeploymentConfiguration: &ecstypes.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(100), MaximumPercent: aws.Int32(200),
			DeploymentCircuitBreaker: &ecstypes.DeploymentCircuitBreaker{Enable: true, Rollback: true}},
		Tags: []ecstypes.Tag{{Key: aws.String("mvi:app"), Value: aws.String(app)}}}))
	return cluster, *svc.Service.ServiceArn, tgARN
}

func describeService(t testing.TB, c *cloud.Clients, cluster, arn string) ecstypes.Service {
	t.Helper()
	out := must(c.ECS.DescribeServices(bg, &ecs.DescribeServicesInput{Cluster: &cluster, Services: []string{arn}}))
	if len(out.Services) != 1 {
		t.Fatalf("service missing: %+v", out.Failures)
	}
	return out.Services[0]
}

func TestECSServiceOnCapacityProvider(t *testing.T) {
	s := openSB(t, Options{})
	c := apiOf(s)
	n := buildNetwork(t, c.Clients, "web")
	_, asgARN := buildVMs(t, c.Clients, "web", n, 2)
	cluster, svcARN, tgARN := buildService(t, c.Clients, "web", n, asgARN, 2)

	var svc ecstypes.Service
	eventually(t, "2 running tasks and a completed deployment", func() bool {
		svc = describeService(t, c.Clients, cluster, svcARN)
		return svc.RunningCount == 2 && svc.Deployments[0].RolloutState == ecstypes.DeploymentRolloutStateCompleted
	})
	tasks := must(c.ECS.ListTasks(bg, &ecs.ListTasksInput{Cluster: &cluster, ServiceName: aws.String("web")}))
	if len(tasks.TaskArns) != 2 {
		t.Fatalf("%d tasks", len(tasks.TaskArns))
	}
	dt := must(c.ECS.DescribeTasks(bg, &ecs.DescribeTasksInput{Cluster: &cluster, Tasks: tasks.TaskArns}))
	azs, insts := map[string]bool{}, map[string]bool{}
	for _, tk := range dt.Tasks {
		if *tk.LastStatus != "RUNNING" || *tk.CapacityProviderName != "mvi-web-cp" {
			t.Fatalf("task %s on %v", *tk.LastStatus, tk.CapacityProviderName)
		}
		azs[*tk.AvailabilityZone] = true
		hp := *tk.Containers[0].NetworkBindings[0].HostPort
		if hp < 32768 {
			t.Fatalf("host port %d", hp)
		}
		cis := must(c.ECS.DescribeContainerInstances(bg, &ecs.DescribeContainerInstancesInput{Cluster: &cluster, ContainerInstances: []string{*tk.ContainerInstanceArn}}))
		insts[*cis.ContainerInstances[0].Ec2InstanceId] = true
	}
	if len(azs) != 2 || len(insts) != 2 {
		t.Fatalf("tasks not spread: %d zones, %d instances", len(azs), len(insts))
	}
	th := must(c.ELB.DescribeTargetHealth(bg, &elb.DescribeTargetHealthInput{TargetGroupArn: &tgARN}))
	if len(th.TargetHealthDescriptions) != 2 {
		t.Fatalf("%d targets", len(th.TargetHealthDescriptions))
	}
	for _, d := range th.TargetHealthDescriptions {
		if d.TargetHealth.State != elbtypes.TargetHealthStateEnumHealthy || !insts[*d.Target.Id] || *d.Target.Port < 32768 {
			t.Fatalf("target %s:%d is %s", *d.Target.Id, *d.Target.Port, d.TargetHealth.State)
		}
	}
	cl := must(c.ECS.DescribeClusters(bg, &ecs.DescribeClustersInput{Clusters: []string{cluster}}))
	if cl.Clusters[0].RegisteredContainerInstancesCount != 2 || cl.Clusters[0].RunningTasksCount != 2 || cl.Clusters[0].ActiveServicesCount != 1 {
		t.Fatalf("cluster %+v", cl.Clusters[0])
	}

	// Terminating an instance stops its task; the service and the group
	// both heal.
	var victim string
	for id := range insts {
		victim = id
		break
	}
	must(c.EC2.TerminateInstances(bg, &ec2.TerminateInstancesInput{InstanceIds: []string{victim}}))
	eventually(t, "the service to heal", func() bool {
		svc = describeService(t, c.Clients, cluster, svcARN)
		if svc.RunningCount != 2 {
			return false
		}
		tasks := must(c.ECS.ListTasks(bg, &ecs.ListTasksInput{Cluster: &cluster, ServiceName: aws.String("web")}))
		dt := must(c.ECS.DescribeTasks(bg, &ecs.DescribeTasksInput{Cluster: &cluster, Tasks: tasks.TaskArns}))
		for _, tk := range dt.Tasks {
			cis := must(c.ECS.DescribeContainerInstances(bg, &ecs.DescribeContainerInstancesInput{Cluster: &cluster, ContainerInstances: []string{*tk.ContainerInstanceArn}}))
			if *cis.ContainerInstances[0].Ec2InstanceId == victim {
				return false
			}
		}
		return len(dt.Tasks) == 2
	})
	stopped := must(c.ECS.ListTasks(bg, &ecs.ListTasksInput{Cluster: &cluster, DesiredStatus: ecstypes.DesiredStatusStopped}))
	if len(stopped.TaskArns) == 0 {
		t.Fatal("no stopped task after terminating its host")
	}
	st := must(c.ECS.DescribeTasks(bg, &ecs.DescribeTasksInput{Cluster: &cluster, Tasks: stopped.TaskArns}))
	if !strings.Contains(*st.Tasks[0].StoppedReason, victim) {
		t.Fatalf("stopped reason %q", *st.Tasks[0].StoppedReason)
	}

	// A new task definition rolls out; the old tasks go.
	td2 := must(c.ECS.RegisterTaskDefinition(bg, &ecs.RegisterTaskDefinitionInput{Family: aws.String("mvi-web-web"), Cpu: aws.String("256"), Memory: aws.String("512"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("web"), Image: aws.String("httpd:2.4"), PortMappings: []ecstypes.PortMapping{{ContainerPort: aws.Int32(80)}}}}}))
	must(c.ECS.UpdateService(bg, &ecs.UpdateServiceInput{Cluster: &cluster, Service: aws.String("web"), TaskDefinition: td2.TaskDefinition.TaskDefinitionArn}))
	eventually(t, "the rollout", func() bool {
		svc = describeService(t, c.Clients, cluster, svcARN)
		return len(svc.Deployments) == 1 && svc.Deployments[0].RolloutState == ecstypes.DeploymentRolloutStateCompleted &&
			*svc.Deployments[0].TaskDefinition == *td2.TaskDefinition.TaskDefinitionArn && svc.RunningCount == 2
	})

	// Deleting: a cluster with services refuses; a service above 0 refuses.
	_, err := c.ECS.DeleteCluster(bg, &ecs.DeleteClusterInput{Cluster: &cluster})
	wantCode(t, err, "ClusterContainsServicesException")
	_, err = c.ECS.DeleteService(bg, &ecs.DeleteServiceInput{Cluster: &cluster, Service: aws.String("web")})
	wantCode(t, err, "InvalidParameterException")
	must(c.ECS.DeleteService(bg, &ecs.DeleteServiceInput{Cluster: &cluster, Service: aws.String("web"), Force: aws.Bool(true)}))
	eventually(t, "the service to drain", func() bool { return *describeService(t, c.Clients, cluster, svcARN).Status == "INACTIVE" })
}

func TestECSTaskThatCannotStart(t *testing.T) {
	s := openSB(t, Options{})
	c := s.Clients()
	n := buildNetwork(t, c, "fail")
	_, asgARN := buildVMs(t, c, "fail", n, 1)
	cluster := "mvi-fail"
	must(c.ECS.CreateCluster(bg, &ecs.CreateClusterInput{ClusterName: &cluster}))
	_ = asgARN
	td := must(c.ECS.RegisterTaskDefinition(bg, &ecs.RegisterTaskDefinitionInput{Family: aws.String("w"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("w"), Image: aws.String("httpd"), Memory: aws.Int32(128),
			LogConfiguration: &ecstypes.LogConfiguration{LogDriver: ecstypes.LogDriverAwslogs, Options: map[string]string{
				"awslogs-group": "/mvi/missing", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "w"}}}}}))
	svc := must(c.ECS.CreateService(bg, &ecs.CreateServiceInput{Cluster: &cluster, ServiceName: aws.String("w"), TaskDefinition: td.TaskDefinition.TaskDefinitionArn,
		DesiredCount: aws.Int32(1), LaunchType: ecstypes.LaunchTypeEc2,
		DeploymentConfiguration: &ecstypes.DeploymentConfiguration{DeploymentCircuitBreaker: &ecstypes.DeploymentCircuitBreaker{Enable: true}}}))
	eventually(t, "the circuit breaker", func() bool {
		d := describeService(t, c, cluster, *svc.Service.ServiceArn).Deployments[0]
		return d.RolloutState == ecstypes.DeploymentRolloutStateFailed
	})
	stopped := must(c.ECS.ListTasks(bg, &ecs.ListTasksInput{Cluster: &cluster, DesiredStatus: ecstypes.DesiredStatusStopped}))
	if len(stopped.TaskArns) < 3 {
		t.Fatalf("%d failed tasks before the breaker", len(stopped.TaskArns))
	}
	st := must(c.ECS.DescribeTasks(bg, &ecs.DescribeTasksInput{Cluster: &cluster, Tasks: stopped.TaskArns[:1]}))
	if st.Tasks[0].StopCode != ecstypes.TaskStopCodeTaskFailedToStart || !strings.Contains(*st.Tasks[0].StoppedReason, "log group does not exist") {
		t.Fatalf("stop %s: %s", st.Tasks[0].StopCode, *st.Tasks[0].StoppedReason)
	}
}

func TestTaggingGetResources(t *testing.T) {
	s := openSB(t, Options{})
	c := apiOf(s)
	n := buildNetwork(t, c.Clients, "tg")
	buildNetwork(t, c.Clients, "other")
	k := must(c.KMS.CreateKey(bg, &kms.CreateKeyInput{Tags: []kmstypes.Tag{{TagKey: aws.String("mvi:app"), TagValue: aws.String("tg")}}}))
	_, asgARN := buildVMs(t, c.Clients, "tg", n, 1)
	buildService(t, c.Clients, "tg", n, asgARN, 1)

	out := must(c.Tagging.GetResources(bg, &tagging.GetResourcesInput{TagFilters: []tagtypes.TagFilter{{Key: aws.String("mvi:app"), Values: []string{"tg"}}}}))
	types := map[string]int{}
	for _, m := range out.ResourceTagMappingList {
		p, _ := parseARN(*m.ResourceARN)
		types[p.resourceType()]++
		if p.Service == "iam" {
			t.Fatalf("IAM in the Tagging API: %s", *m.ResourceARN)
		}
	}
	for rt, want := range map[string]int{"ec2:vpc": 1, "ec2:subnet": 2, "ec2:internet-gateway": 1, "ec2:security-group": 2, "ec2:route-table": 1,
		"ec2:launch-template": 1, "ec2:instance": 1, "kms:key": 1, "ecs:cluster": 1, "ecs:capacity-provider": 1, "ecs:service": 1,
		"elasticloadbalancing:loadbalancer": 1, "elasticloadbalancing:targetgroup": 1, "autoscaling:autoScalingGroup": 1} {
		if types[rt] != want {
			t.Errorf("%s: %d, want %d (all: %v)", rt, types[rt], want, types)
		}
	}
	only := must(c.Tagging.GetResources(bg, &tagging.GetResourcesInput{ResourceTypeFilters: []string{"ec2:vpc"},
		TagFilters: []tagtypes.TagFilter{{Key: aws.String("mvi:app")}}}))
	if len(only.ResourceTagMappingList) != 2 {
		t.Fatalf("ec2:vpc with mvi:app: %d", len(only.ResourceTagMappingList))
	}
	pg := must(c.Tagging.GetResources(bg, &tagging.GetResourcesInput{ResourcesPerPage: aws.Int32(3), TagFilters: []tagtypes.TagFilter{{Key: aws.String("mvi:app"), Values: []string{"tg"}}}}))
	if len(pg.ResourceTagMappingList) != 3 || aws.ToString(pg.PaginationToken) == "" {
		t.Fatalf("paging: %d, %q", len(pg.ResourceTagMappingList), aws.ToString(pg.PaginationToken))
	}
	// TagResources reaches anything taggable.
	res := must(c.Tagging.TagResources(bg, &tagging.TagResourcesInput{ResourceARNList: []string{*k.KeyMetadata.Arn, "arn:aws:iam::1:role/x"}, Tags: map[string]string{"extra": "1"}}))
	if len(res.FailedResourcesMap) != 1 {
		t.Fatalf("failures %v", res.FailedResourcesMap)
	}
	kt := must(c.KMS.ListResourceTags(bg, &kms.ListResourceTagsInput{KeyId: k.KeyMetadata.KeyId}))
	if len(kt.Tags) != 2 {
		t.Fatalf("key tags %v", kt.Tags)
	}
}

func TestTransitionsOnTheClock(t *testing.T) {
	clk := NewManualClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	s := openSB(t, Options{Speed: 1, Clock: clk})
	c := apiOf(s)
	n := buildNetwork(t, c.Clients, "clk")
	name, _ := buildVMs(t, c.Clients, "clk", n, 1)
	state := func() string {
		out := must(c.EC2.DescribeInstances(bg, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{{Name: aws.String("tag:aws:autoscaling:groupName"), Values: []string{name}}}}))
		if len(out.Reservations) == 0 {
			return "none"
		}
		return string(out.Reservations[0].Instances[0].State.Name)
	}
	if st := state(); st != "pending" {
		t.Fatalf("at launch: %s", st)
	}
	clk.Advance(paceInstanceRunning - time.Second)
	if st := state(); st != "pending" {
		t.Fatalf("before 8s: %s", st)
	}
	clk.Advance(2 * time.Second)
	if st := state(); st != "running" {
		t.Fatalf("after 8s: %s", st)
	}
	lb := must(c.ELB.CreateLoadBalancer(bg, &elb.CreateLoadBalancerInput{Name: aws.String("clk"), Subnets: n.subnets, SecurityGroups: []string{n.sgLB}}))
	if lb.LoadBalancers[0].State.Code != elbtypes.LoadBalancerStateEnumProvisioning || !strings.HasSuffix(*lb.LoadBalancers[0].DNSName, ".us-east-1.elb.amazonaws.com") {
		t.Fatalf("new ALB %s %s", lb.LoadBalancers[0].State.Code, *lb.LoadBalancers[0].DNSName)
	}
	clk.Advance(paceLBActive)
	d := must(c.ELB.DescribeLoadBalancers(bg, &elb.DescribeLoadBalancersInput{Names: []string{"clk"}}))
	if d.LoadBalancers[0].State.Code != elbtypes.LoadBalancerStateEnumActive {
		t.Fatalf("ALB after 15s: %s", d.LoadBalancers[0].State.Code)
	}
	// Twice as fast halves the wait.
	s2 := openSB(t, Options{Dir: s.Dir(), Speed: 2, Clock: clk})
	lb2 := must(s2.Clients().ELB.CreateLoadBalancer(bg, &elb.CreateLoadBalancerInput{Name: aws.String("clk2"), Subnets: n.subnets}))
	clk.Advance(paceLBActive/2 + time.Millisecond)
	d = must(s2.Clients().ELB.DescribeLoadBalancers(bg, &elb.DescribeLoadBalancersInput{LoadBalancerArns: []string{*lb2.LoadBalancers[0].LoadBalancerArn}}))
	if d.LoadBalancers[0].State.Code != elbtypes.LoadBalancerStateEnumActive {
		t.Fatalf("ALB at speed 2 after 7.5s: %s", d.LoadBalancers[0].State.Code)
	}
}
