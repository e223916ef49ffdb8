package sandbox

import (
	"context"
	"encoding/base64"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/minimalinfra/mvi/engine/cloud"
)

// ECS on EC2, as the engine uses it:
//
//   - Container instances: a running instance whose ECS agent can start
//     (an ECS-optimized AMI or user data that configures the agent, and an
//     instance profile whose role allows ecs:RegisterContainerInstance)
//     registers with the cluster named by ECS_CLUSTER in its user data
//     ("default" when none, which the agent creates, as on AWS) a couple of
//     seconds after it is running. Its capacity provider is the one whose
//     Auto Scaling group launched it. When the instance stops, the
//     container instance goes INACTIVE and its tasks stop.
//   - Services place tasks to reach desiredCount on container instances of
//     their capacity providers (or any, for launch type EC2), checking CPU,
//     memory and host ports, spreading over zones then instances; bridge
//     mode gets dynamic host ports from 32768. Tasks go PROVISIONING →
//     PENDING → RUNNING; a task whose start would fail on AWS (a missing log
//     group for awslogs, a missing SSM secret, a role ECS can't assume, a
//     missing ECR repository, a tag the official httpd or nginx image never
//     published (image_pull.go), an EFS file system without a mount target
//     in the zone) stops with AWS's stoppedReason. RUNNING tasks of a service
//     with a load balancer are registered as targets (instance id + host
//     port) and count as healthy once the target is. While a data plane
//     serves, a task whose target fails its health checks is stopped and
//     replaced (ecs_health.go).
//   - Deployments roll within minimumHealthyPercent/maximumPercent: new
//     tasks first, old ones stopped as new ones turn healthy; COMPLETED
//     when only the new deployment is left, at desired count and healthy.
//     The circuit breaker fails a deployment after
//     min(max(3, ⌈desired/2⌉), 200) failed tasks and, with rollback, rolls
//     back to the last completed task definition.
//   - Managed scaling: when a service can't place a task for lack of room
//     on a capacity provider with managed scaling ENABLED, the provider
//     raises its group's desired capacity (up to max).

type ecsAPI struct{ s *Sandbox }

var _ cloud.ECS = (*ecsAPI)(nil)

type ecsState struct {
	Clusters           map[string]*ecsCluster        `json:"clusters"`            // by name
	CapacityProviders  map[string]*capacityProvider  `json:"capacity_providers"`  // by name
	TaskDefs           map[string]*taskDef           `json:"task_definitions"`    // by family:revision
	Families           map[string]int32              `json:"families"`            // last revision per family
	Services           map[string]*ecsService        `json:"services"`            // by ARN
	Tasks              map[string]*ecsTask           `json:"tasks"`               // by ARN
	ContainerInstances map[string]*containerInstance `json:"container_instances"` // by ARN
}

type ecsCluster struct {
	Meta
	Name       string                                  `json:"name"`
	Status     string                                  `json:"status"`
	Settings   []ecstypes.ClusterSetting               `json:"settings"`
	Config     *ecstypes.ClusterConfiguration          `json:"configuration,omitempty"`
	CPs        []string                                `json:"capacity_providers,omitempty"`
	Strategy   []ecstypes.CapacityProviderStrategyItem `json:"default_strategy,omitempty"`
	InactiveAt time.Time                               `json:"inactive_at,omitempty"`
}

type capacityProvider struct {
	Meta
	Name         string                  `json:"name"`
	ASGARN       string                  `json:"asg_arn"`
	Scaling      ecstypes.ManagedScaling `json:"managed_scaling"`
	Termination  string                  `json:"managed_termination_protection"`
	Draining     string                  `json:"managed_draining"`
	Status       string                  `json:"status"`
	UpdateStatus string                  `json:"update_status,omitempty"`
	Reason       string                  `json:"update_status_reason,omitempty"`
	DeletedAt    time.Time               `json:"deleted_at,omitempty"`
}

type taskDef struct {
	Meta
	Family       string                         `json:"family"`
	Revision     int32                          `json:"revision"`
	Containers   []ecstypes.ContainerDefinition `json:"containers"`
	Volumes      []ecstypes.Volume              `json:"volumes,omitempty"`
	CPU          string                         `json:"cpu,omitempty"`
	Memory       string                         `json:"memory,omitempty"`
	NetworkMode  string                         `json:"network_mode"`
	TaskRole     string                         `json:"task_role,omitempty"`
	ExecRole     string                         `json:"execution_role,omitempty"`
	Requires     []string                       `json:"requires_compatibilities,omitempty"`
	Platform     *ecstypes.RuntimePlatform      `json:"runtime_platform,omitempty"`
	Status       string                         `json:"status"`
	Deregistered time.Time                      `json:"deregistered,omitempty"`
	DeleteAt     time.Time                      `json:"delete_requested,omitempty"`
}

type ecsService struct {
	Meta
	Name         string                                  `json:"name"`
	Cluster      string                                  `json:"cluster"`
	TaskDef      string                                  `json:"task_definition"`
	Desired      int32                                   `json:"desired"`
	Status       string                                  `json:"status"`
	LaunchType   string                                  `json:"launch_type,omitempty"`
	Strategy     []ecstypes.CapacityProviderStrategyItem `json:"strategy,omitempty"`
	LBs          []ecstypes.LoadBalancer                 `json:"load_balancers,omitempty"`
	MaxPercent   int32                                   `json:"max_percent"`
	MinHealthy   int32                                   `json:"min_healthy_percent"`
	Breaker      bool                                    `json:"circuit_breaker,omitempty"`
	Rollback     bool                                    `json:"rollback,omitempty"`
	Placement    []ecstypes.PlacementStrategy            `json:"placement_strategy,omitempty"`
	Constraints  []ecstypes.PlacementConstraint          `json:"placement_constraints,omitempty"`
	HealthGrace  int32                                   `json:"health_check_grace_period,omitempty"`
	Propagate    string                                  `json:"propagate_tags,omitempty"`
	ManagedTags  bool                                    `json:"ecs_managed_tags,omitempty"`
	ExecCommand  bool                                    `json:"execute_command,omitempty"`
	Scheduling   string                                  `json:"scheduling"`
	Deployments  []*ecsDeployment                        `json:"deployments"`
	Events       []ecsEvent                              `json:"events,omitempty"`
	ChangedAt    time.Time                               `json:"changed_at"`
	InactiveAt   time.Time                               `json:"inactive_at,omitempty"`
	LastPlaceErr string                                  `json:"last_place_error,omitempty"`
}

type ecsDeployment struct {
	ID         string                                  `json:"id"`
	Status     string                                  `json:"status"` // PRIMARY, ACTIVE
	TaskDef    string                                  `json:"task_definition"`
	Strategy   []ecstypes.CapacityProviderStrategyItem `json:"strategy,omitempty"`
	LaunchType string                                  `json:"launch_type,omitempty"`
	Created    time.Time                               `json:"created"`
	Updated    time.Time                               `json:"updated"`
	Rollout    string                                  `json:"rollout"`
	Reason     string                                  `json:"reason,omitempty"`
	Failed     int32                                   `json:"failed,omitempty"`
	LastFail   time.Time                               `json:"last_fail,omitempty"`
	FailTry    time.Time                               `json:"fail_try,omitempty"` // when a task that will fail was last started
}

type ecsEvent struct {
	ID      string    `json:"id"`
	At      time.Time `json:"at"`
	Message string    `json:"message"`
}

type ecsTask struct {
	Meta
	Cluster    string       `json:"cluster"`
	TaskDef    string       `json:"task_definition"`
	Service    string       `json:"service,omitempty"` // service name
	StartedBy  string       `json:"started_by,omitempty"`
	CI         string       `json:"container_instance"`
	Instance   string       `json:"instance"`
	AZ         string       `json:"az"`
	CP         string       `json:"capacity_provider,omitempty"`
	CPU        int          `json:"cpu"`
	Mem        int          `json:"memory"`
	Ports      []taskPort   `json:"ports,omitempty"`
	LastStatus string       `json:"last_status"`
	Desired    string       `json:"desired_status"`
	PendingAt  time.Time    `json:"pending_at"`
	RunningAt  time.Time    `json:"running_at"`
	FailAt     time.Time    `json:"fail_at,omitempty"`
	FailReason string       `json:"fail_reason,omitempty"`
	StopAsked  time.Time    `json:"stop_asked,omitempty"`
	StoppedAt  time.Time    `json:"stopped_at,omitempty"`
	StopCode   string       `json:"stop_code,omitempty"`
	StopReason string       `json:"stop_reason,omitempty"`
	Targets    []taskTarget `json:"targets,omitempty"`
	Version    int64        `json:"version"`
	Containers []taskCont   `json:"containers"`
}

type taskPort struct {
	Container     string `json:"container"`
	ContainerPort int32  `json:"container_port"`
	HostPort      int32  `json:"host_port"`
	Protocol      string `json:"protocol"`
}

type taskTarget struct {
	TG   string `json:"target_group"`
	Port int32  `json:"port"`
}

type taskCont struct {
	Name  string `json:"name"`
	Image string `json:"image"`
	ID    string `json:"id"`
}

type containerInstance struct {
	Meta
	Cluster    string    `json:"cluster"`
	Instance   string    `json:"instance"`
	AZ         string    `json:"az"`
	CP         string    `json:"capacity_provider,omitempty"`
	Status     string    `json:"status"`
	Reason     string    `json:"status_reason,omitempty"`
	CPU        int       `json:"cpu"`
	Mem        int       `json:"memory"`
	Registered time.Time `json:"registered"`
	GoneAt     time.Time `json:"gone_at,omitempty"`
	Version    int64     `json:"version"`
}

// --- errors and lookups ---

func clusterNotFound() error {
	return &ecstypes.ClusterNotFoundException{Message: aws.String("Cluster not found.")}
}

func ecsInvalid(format string, args ...any) error {
	return &ecstypes.InvalidParameterException{Message: aws.String(sprintf(format, args...))}
}

func ecsClient(format string, args ...any) error {
	return &ecstypes.ClientException{Message: aws.String(sprintf(format, args...))}
}

// clusterName accepts a name or ARN ("" → default).
func clusterName(ref string) string {
	if ref == "" {
		return "default"
	}
	if a, ok := parseARN(ref); ok {
		return strings.TrimPrefix(a.Resource, "cluster/")
	}
	return ref
}

func (t *tx) cluster(ref *string) (*ecsCluster, error) {
	c := t.r.ECS.Clusters[clusterName(aws.ToString(ref))]
	if c == nil || c.Status != "ACTIVE" || t.hidden(c.Created) {
		return nil, clusterNotFound()
	}
	return c, nil
}

func ecsTags(m map[string]string) []ecstypes.Tag {
	out := []ecstypes.Tag{}
	for _, k := range sortedKeys(m) {
		out = append(out, ecstypes.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

func ecsTagMap(ts []ecstypes.Tag) (map[string]string, error) {
	if len(ts) == 0 {
		return nil, nil
	}
	m := map[string]string{}
	for _, tg := range ts {
		m[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	if k, bad := reservedTag(m); bad {
		return nil, ecsInvalid("Tag keys beginning with 'aws:' are reserved (%s)", k)
	}
	if len(m) > 50 {
		return nil, ecsInvalid("Too many tags: the limit is 50")
	}
	return m, nil
}

// serviceByRef finds a service in a cluster by name or ARN (any status).
func (t *tx) serviceByRef(c *ecsCluster, ref string) *ecsService {
	name := ref
	if a, ok := parseARN(ref); ok {
		name = a.Resource[strings.LastIndex(a.Resource, "/")+1:]
	}
	s := t.r.ECS.Services[t.arn("ecs", "service/"+c.Name+"/"+name)]
	if s == nil || t.hidden(s.Created) {
		return nil
	}
	return s
}

// taskDefByRef resolves family, family:revision or an ARN.
func (t *tx) taskDefByRef(ref string) *taskDef {
	if a, ok := parseARN(ref); ok {
		ref = strings.TrimPrefix(a.Resource, "task-definition/")
	}
	if td := t.r.ECS.TaskDefs[ref]; td != nil {
		if t.hidden(td.Created) || td.Status == "DELETE_IN_PROGRESS" {
			return nil
		}
		return td
	}
	if strings.Contains(ref, ":") {
		return nil
	}
	var best *taskDef
	for _, td := range t.r.ECS.TaskDefs {
		if td.Family == ref && td.Status == "ACTIVE" && !t.hidden(td.Created) && (best == nil || td.Revision > best.Revision) {
			best = td
		}
	}
	return best
}

func (s *ecsService) primary() *ecsDeployment {
	if len(s.Deployments) == 0 {
		return nil
	}
	return s.Deployments[0]
}

func (s *ecsService) event(at time.Time, msg string) {
	if n := len(s.Events); n > 0 && s.Events[n-1].Message == msg {
		return
	}
	s.Events = append(s.Events, ecsEvent{ID: uuid(), At: at, Message: msg})
	if len(s.Events) > 100 {
		s.Events = s.Events[len(s.Events)-100:]
	}
}

func deploymentID() string { return "ecs-svc/" + digits(19) }

// --- clusters ---

var ecsNameRE = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,255}$`)

func (t *tx) clusterOut(c *ecsCluster, include []ecstypes.ClusterField) ecstypes.Cluster {
	out := ecstypes.Cluster{ClusterArn: aws.String(c.ARN), ClusterName: aws.String(c.Name), Status: aws.String(c.Status),
		CapacityProviders: append([]string{}, c.CPs...), DefaultCapacityProviderStrategy: clone(c.Strategy)}
	if out.DefaultCapacityProviderStrategy == nil {
		out.DefaultCapacityProviderStrategy = []ecstypes.CapacityProviderStrategyItem{}
	}
	for _, ci := range t.r.ECS.ContainerInstances {
		if ci.Cluster == c.Name && (ci.Status == "ACTIVE" || ci.Status == "DRAINING") {
			out.RegisteredContainerInstancesCount++
		}
	}
	for _, tk := range t.r.ECS.Tasks {
		if tk.Cluster != c.Name {
			continue
		}
		switch tk.LastStatus {
		case "RUNNING":
			out.RunningTasksCount++
		case "PROVISIONING", "PENDING", "ACTIVATING":
			out.PendingTasksCount++
		}
	}
	for _, s := range t.r.ECS.Services {
		if s.Cluster == c.Name && s.Status == "ACTIVE" {
			out.ActiveServicesCount++
		}
	}
	for _, f := range include {
		switch f {
		case ecstypes.ClusterFieldSettings:
			out.Settings = clone(c.Settings)
		case ecstypes.ClusterFieldTags:
			out.Tags = ecsTags(c.Tags)
		case ecstypes.ClusterFieldConfigurations:
			if c.Config != nil {
				cfg := clone(*c.Config)
				out.Configuration = &cfg
			}
		case ecstypes.ClusterFieldStatistics:
			out.Statistics = []ecstypes.KeyValuePair{}
		case ecstypes.ClusterFieldAttachments:
			out.Attachments = []ecstypes.Attachment{}
		}
	}
	return out
}

func checkClusterSettings(ss []ecstypes.ClusterSetting) error {
	for _, s := range ss {
		if s.Name != ecstypes.ClusterSettingNameContainerInsights {
			return ecsInvalid("Unsupported setting name %s", s.Name)
		}
		switch aws.ToString(s.Value) {
		case "enabled", "disabled", "enhanced":
		default:
			return ecsInvalid("Invalid value %s for setting containerInsights. Valid values are enabled, disabled, enhanced.", aws.ToString(s.Value))
		}
	}
	return nil
}

func (a *ecsAPI) CreateCluster(ctx context.Context, in *ecs.CreateClusterInput, _ ...func(*ecs.Options)) (*ecs.CreateClusterOutput, error) {
	return call(ctx, a.s, svcECS, "CreateCluster", func(t *tx) (*ecs.CreateClusterOutput, error) {
		name := aws.ToString(in.ClusterName)
		if name == "" {
			name = "default"
		}
		if !ecsNameRE.MatchString(name) {
			return nil, ecsInvalid("Cluster name should be between 1 and 255 characters and can only contain letters, numbers, underscores, and hyphens.")
		}
		if err := checkClusterSettings(in.Settings); err != nil {
			return nil, err
		}
		tags, err := ecsTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		c := t.r.ECS.Clusters[name]
		if c != nil && c.Status == "ACTIVE" {
			// CreateCluster is idempotent: it answers the existing cluster.
			return &ecs.CreateClusterOutput{Cluster: ptr(t.clusterOut(c, []ecstypes.ClusterField{ecstypes.ClusterFieldSettings, ecstypes.ClusterFieldTags}))}, nil
		}
		settings := clone(in.Settings)
		if len(settings) == 0 {
			settings = []ecstypes.ClusterSetting{{Name: ecstypes.ClusterSettingNameContainerInsights, Value: aws.String("disabled")}}
		}
		c = &ecsCluster{Meta: Meta{ID: name, ARN: t.arn("ecs", "cluster/"+name), Created: t.now, Tags: tags}, Name: name, Status: "ACTIVE", Settings: settings}
		if in.Configuration != nil {
			cfg := clone(*in.Configuration)
			c.Config = &cfg
		}
		t.r.ECS.Clusters[name] = c
		if len(in.CapacityProviders) > 0 || len(in.DefaultCapacityProviderStrategy) > 0 {
			if err := t.putClusterCPs(c, in.CapacityProviders, in.DefaultCapacityProviderStrategy); err != nil {
				return nil, err
			}
		}
		return &ecs.CreateClusterOutput{Cluster: ptr(t.clusterOut(c, []ecstypes.ClusterField{ecstypes.ClusterFieldSettings, ecstypes.ClusterFieldTags}))}, nil
	})
}

func (a *ecsAPI) DeleteCluster(ctx context.Context, in *ecs.DeleteClusterInput, _ ...func(*ecs.Options)) (*ecs.DeleteClusterOutput, error) {
	return call(ctx, a.s, svcECS, "DeleteCluster", func(t *tx) (*ecs.DeleteClusterOutput, error) {
		c, err := t.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		for _, s := range t.r.ECS.Services {
			if s.Cluster == c.Name && s.Status != "INACTIVE" {
				return nil, &ecstypes.ClusterContainsServicesException{Message: aws.String("The Cluster cannot be deleted while Services are active.")}
			}
		}
		for _, ci := range t.r.ECS.ContainerInstances {
			if ci.Cluster == c.Name && (ci.Status == "ACTIVE" || ci.Status == "DRAINING") {
				return nil, &ecstypes.ClusterContainsContainerInstancesException{Message: aws.String("The Cluster cannot be deleted while Container Instances are active or draining.")}
			}
		}
		for _, tk := range t.r.ECS.Tasks {
			if tk.Cluster == c.Name && tk.LastStatus != "STOPPED" {
				return nil, &ecstypes.ClusterContainsTasksException{Message: aws.String("The Cluster cannot be deleted while Tasks are active.")}
			}
		}
		c.Status, c.InactiveAt, c.CPs, c.Strategy = "INACTIVE", t.now, nil, nil
		return &ecs.DeleteClusterOutput{Cluster: ptr(t.clusterOut(c, nil))}, nil
	})
}

func (a *ecsAPI) DescribeClusters(ctx context.Context, in *ecs.DescribeClustersInput, _ ...func(*ecs.Options)) (*ecs.DescribeClustersOutput, error) {
	return call(ctx, a.s, svcECS, "DescribeClusters", func(t *tx) (*ecs.DescribeClustersOutput, error) {
		refs := in.Clusters
		if len(refs) == 0 {
			refs = []string{"default"}
		}
		if len(refs) > 100 {
			return nil, ecsInvalid("Clusters cannot have more than 100 elements")
		}
		out := &ecs.DescribeClustersOutput{Clusters: []ecstypes.Cluster{}, Failures: []ecstypes.Failure{}}
		for _, r := range refs {
			name := clusterName(r)
			c := t.r.ECS.Clusters[name]
			if c == nil || t.hidden(c.Created) {
				out.Failures = append(out.Failures, ecstypes.Failure{Arn: aws.String(t.arn("ecs", "cluster/"+name)), Reason: aws.String("MISSING")})
				continue
			}
			out.Clusters = append(out.Clusters, t.clusterOut(c, in.Include))
		}
		return out, nil
	})
}

func (a *ecsAPI) ListClusters(ctx context.Context, in *ecs.ListClustersInput, _ ...func(*ecs.Options)) (*ecs.ListClustersOutput, error) {
	return call(ctx, a.s, svcECS, "ListClusters", func(t *tx) (*ecs.ListClustersOutput, error) {
		var arns []string
		for _, n := range sortedKeys(t.r.ECS.Clusters) {
			if c := t.r.ECS.Clusters[n]; c.Status == "ACTIVE" && !t.hidden(c.Created) {
				arns = append(arns, c.ARN)
			}
		}
		items, next, err := ecsPage(arns, in.NextToken, in.MaxResults)
		if err != nil {
			return nil, err
		}
		return &ecs.ListClustersOutput{ClusterArns: items, NextToken: next}, nil
	})
}

func ecsPage[T any](items []T, token *string, max *int32) ([]T, *string, error) {
	n := int(aws.ToInt32(max))
	if n == 0 {
		n = 100
	}
	if n < 1 || n > 100 {
		return nil, nil, ecsInvalid("maxResults must be between 1 and 100")
	}
	out, next, err := page(items, token, n)
	if err != nil {
		return nil, nil, ecsInvalid("Invalid token")
	}
	if out == nil {
		out = []T{}
	}
	return out, next, nil
}

func (a *ecsAPI) UpdateCluster(ctx context.Context, in *ecs.UpdateClusterInput, _ ...func(*ecs.Options)) (*ecs.UpdateClusterOutput, error) {
	return call(ctx, a.s, svcECS, "UpdateCluster", func(t *tx) (*ecs.UpdateClusterOutput, error) {
		c, err := t.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		if err := checkClusterSettings(in.Settings); err != nil {
			return nil, err
		}
		for _, s := range in.Settings {
			found := false
			for i := range c.Settings {
				if c.Settings[i].Name == s.Name {
					c.Settings[i].Value, found = aws.String(aws.ToString(s.Value)), true
				}
			}
			if !found {
				c.Settings = append(c.Settings, ecstypes.ClusterSetting{Name: s.Name, Value: aws.String(aws.ToString(s.Value))})
			}
		}
		if in.Configuration != nil {
			cfg := clone(*in.Configuration)
			c.Config = &cfg
		}
		return &ecs.UpdateClusterOutput{Cluster: ptr(t.clusterOut(c, []ecstypes.ClusterField{ecstypes.ClusterFieldSettings, ecstypes.ClusterFieldConfigurations}))}, nil
	})
}

// --- capacity providers ---

func (t *tx) putClusterCPs(c *ecsCluster, cps []string, strategy []ecstypes.CapacityProviderStrategyItem) error {
	set := map[string]bool{}
	for _, n := range cps {
		if n == "FARGATE" || n == "FARGATE_SPOT" {
			set[n] = true
			continue
		}
		cp := t.r.ECS.CapacityProviders[n]
		if cp == nil {
			if a, ok := parseARN(n); ok {
				cp = t.r.ECS.CapacityProviders[strings.TrimPrefix(a.Resource, "capacity-provider/")]
			}
		}
		if cp == nil || cp.Status != "ACTIVE" {
			return ecsInvalid("The specified capacity provider does not exist. Specify a valid capacity provider and try again.")
		}
		for _, o := range t.r.ECS.Clusters {
			if o.Name == c.Name || o.Status != "ACTIVE" {
				continue
			}
			for _, x := range o.CPs {
				if x == cp.Name {
					return ecsInvalid("The specified capacity provider is already associated with cluster %s. A capacity provider can only be associated with one cluster.", o.Name)
				}
			}
		}
		set[cp.Name] = true
	}
	for _, s := range strategy {
		if !set[aws.ToString(s.CapacityProvider)] {
			return ecsInvalid("The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.")
		}
		if s.Weight < 0 || s.Weight > 1000 || s.Base < 0 || s.Base > 100000 {
			return ecsInvalid("Capacity provider strategy weight must be 0-1000 and base 0-100000.")
		}
	}
	// Removing a provider that a service still uses is refused.
	for _, old := range c.CPs {
		if set[old] {
			continue
		}
		for _, s := range t.r.ECS.Services {
			if s.Cluster != c.Name || s.Status == "INACTIVE" {
				continue
			}
			for _, it := range s.Strategy {
				if aws.ToString(it.CapacityProvider) == old {
					return &ecstypes.ResourceInUseException{Message: aws.String("The specified capacity provider is in use and cannot be removed.")}
				}
			}
		}
	}
	c.CPs = sortedKeys(set)
	c.Strategy = clone(strategy)
	return nil
}

func (a *ecsAPI) PutClusterCapacityProviders(ctx context.Context, in *ecs.PutClusterCapacityProvidersInput, _ ...func(*ecs.Options)) (*ecs.PutClusterCapacityProvidersOutput, error) {
	return call(ctx, a.s, svcECS, "PutClusterCapacityProviders", func(t *tx) (*ecs.PutClusterCapacityProvidersOutput, error) {
		c, err := t.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		if in.CapacityProviders == nil || in.DefaultCapacityProviderStrategy == nil {
			return nil, ecsInvalid("capacityProviders and defaultCapacityProviderStrategy are required (use empty lists to clear them)")
		}
		if err := t.putClusterCPs(c, in.CapacityProviders, in.DefaultCapacityProviderStrategy); err != nil {
			return nil, err
		}
		// Container instances of the new providers' groups now belong to them.
		for _, ci := range t.r.ECS.ContainerInstances {
			if ci.Cluster == c.Name {
				ci.CP = t.cpForInstance(c, ci.Instance)
			}
		}
		return &ecs.PutClusterCapacityProvidersOutput{Cluster: ptr(t.clusterOut(c, nil))}, nil
	})
}

func (t *tx) asgByRef(ref string) *asg {
	for _, n := range sortedKeys(t.r.AutoScale.Groups) {
		g := t.r.AutoScale.Groups[n]
		if g.ARN == ref || g.Name == ref {
			return g
		}
	}
	return nil
}

func (t *tx) cpOut(cp *capacityProvider, withTags bool) ecstypes.CapacityProvider {
	ms := cp.Scaling
	out := ecstypes.CapacityProvider{CapacityProviderArn: aws.String(cp.ARN), Name: aws.String(cp.Name),
		Status: ecstypes.CapacityProviderStatus(cp.Status), Type: ecstypes.CapacityProviderTypeEc2Autoscaling,
		AutoScalingGroupProvider: &ecstypes.AutoScalingGroupProvider{AutoScalingGroupArn: aws.String(cp.ASGARN), ManagedScaling: &ms,
			ManagedTerminationProtection: ecstypes.ManagedTerminationProtection(cp.Termination), ManagedDraining: ecstypes.ManagedDraining(cp.Draining)}}
	if cp.UpdateStatus != "" {
		out.UpdateStatus = ecstypes.CapacityProviderUpdateStatus(cp.UpdateStatus)
	}
	if cp.Reason != "" {
		out.UpdateStatusReason = aws.String(cp.Reason)
	}
	if withTags {
		out.Tags = ecsTags(cp.Tags)
	}
	return out
}

func defaultScaling(in *ecstypes.ManagedScaling) ecstypes.ManagedScaling {
	ms := ecstypes.ManagedScaling{Status: ecstypes.ManagedScalingStatusDisabled, TargetCapacity: aws.Int32(100),
		MinimumScalingStepSize: aws.Int32(1), MaximumScalingStepSize: aws.Int32(10000), InstanceWarmupPeriod: aws.Int32(300)}
	if in == nil {
		return ms
	}
	if in.Status != "" {
		ms.Status = in.Status
	}
	if in.TargetCapacity != nil {
		ms.TargetCapacity = aws.Int32(*in.TargetCapacity)
	}
	if in.MinimumScalingStepSize != nil {
		ms.MinimumScalingStepSize = aws.Int32(*in.MinimumScalingStepSize)
	}
	if in.MaximumScalingStepSize != nil {
		ms.MaximumScalingStepSize = aws.Int32(*in.MaximumScalingStepSize)
	}
	if in.InstanceWarmupPeriod != nil {
		ms.InstanceWarmupPeriod = aws.Int32(*in.InstanceWarmupPeriod)
	}
	return ms
}

func checkScaling(ms ecstypes.ManagedScaling) error {
	if tc := aws.ToInt32(ms.TargetCapacity); tc < 1 || tc > 100 {
		return ecsInvalid("The managed scaling target capacity must be between 1 and 100.")
	}
	return nil
}

func (a *ecsAPI) CreateCapacityProvider(ctx context.Context, in *ecs.CreateCapacityProviderInput, _ ...func(*ecs.Options)) (*ecs.CreateCapacityProviderOutput, error) {
	return call(ctx, a.s, svcECS, "CreateCapacityProvider", func(t *tx) (*ecs.CreateCapacityProviderOutput, error) {
		name := aws.ToString(in.Name)
		if !ecsNameRE.MatchString(name) {
			return nil, ecsClient("The specified capacity provider name is invalid. Up to 255 characters are allowed, including letters (upper and lowercase), numbers, underscores, and hyphens.")
		}
		low := strings.ToLower(name)
		if strings.HasPrefix(low, "aws") || strings.HasPrefix(low, "ecs") || strings.HasPrefix(low, "fargate") {
			return nil, ecsClient("The specified capacity provider name is invalid. Capacity provider names can't begin with aws, ecs, or fargate.")
		}
		if in.AutoScalingGroupProvider == nil {
			return nil, ecsInvalid("autoScalingGroupProvider is required (the sandbox has no managed instances)")
		}
		if old := t.r.ECS.CapacityProviders[name]; old != nil && (old.Status == "ACTIVE" || old.UpdateStatus == "DELETE_IN_PROGRESS") {
			return nil, ecsClient("The specified capacity provider already exists. To change the configuration of an existing capacity provider, update the capacity provider.")
		}
		g := t.asgByRef(aws.ToString(in.AutoScalingGroupProvider.AutoScalingGroupArn))
		if g == nil || g.Deleting {
			return nil, ecsClient("The specified Auto Scaling group ARN is not valid or the Auto Scaling group could not be found.")
		}
		for _, o := range t.r.ECS.CapacityProviders {
			if o.ASGARN == g.ARN && o.Status == "ACTIVE" {
				return nil, ecsClient("The specified Auto Scaling group ARN is already being used by another capacity provider. Specify a unique Auto Scaling group and try again.")
			}
		}
		ms := defaultScaling(in.AutoScalingGroupProvider.ManagedScaling)
		if err := checkScaling(ms); err != nil {
			return nil, err
		}
		term := string(in.AutoScalingGroupProvider.ManagedTerminationProtection)
		if term == "" {
			term = "DISABLED"
		}
		if term == "ENABLED" {
			if ms.Status != ecstypes.ManagedScalingStatusEnabled {
				return nil, ecsClient("The managed termination protection setting for the capacity provider is invalid. To enable managed termination protection for a capacity provider, managed scaling must also be enabled.")
			}
			if !g.Protected {
				return nil, ecsClient("The managed termination protection setting for the capacity provider is invalid. To enable managed termination protection for a capacity provider, the Auto Scaling group must have instance protection from scale in enabled.")
			}
		}
		drain := string(in.AutoScalingGroupProvider.ManagedDraining)
		if drain == "" {
			drain = "ENABLED"
		}
		tags, err := ecsTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		cp := &capacityProvider{Meta: Meta{ID: name, ARN: t.arn("ecs", "capacity-provider/"+name), Created: t.now, Tags: tags},
			Name: name, ASGARN: g.ARN, Scaling: ms, Termination: term, Draining: drain, Status: "ACTIVE"}
		t.r.ECS.CapacityProviders[name] = cp
		return &ecs.CreateCapacityProviderOutput{CapacityProvider: ptr(t.cpOut(cp, true))}, nil
	})
}

func (t *tx) cpByRef(ref string) *capacityProvider {
	if a, ok := parseARN(ref); ok {
		ref = strings.TrimPrefix(a.Resource, "capacity-provider/")
	}
	cp := t.r.ECS.CapacityProviders[ref]
	if cp == nil || t.hidden(cp.Created) {
		return nil
	}
	return cp
}

func (a *ecsAPI) DeleteCapacityProvider(ctx context.Context, in *ecs.DeleteCapacityProviderInput, _ ...func(*ecs.Options)) (*ecs.DeleteCapacityProviderOutput, error) {
	return call(ctx, a.s, svcECS, "DeleteCapacityProvider", func(t *tx) (*ecs.DeleteCapacityProviderOutput, error) {
		cp := t.cpByRef(aws.ToString(in.CapacityProvider))
		if cp == nil || cp.Status != "ACTIVE" {
			return nil, ecsClient("The specified capacity provider does not exist. Specify a valid name or ARN and try again.")
		}
		for _, n := range sortedKeys(t.r.ECS.Clusters) {
			c := t.r.ECS.Clusters[n]
			if c.Status != "ACTIVE" {
				continue
			}
			for _, x := range c.CPs {
				if x == cp.Name {
					return nil, &ecstypes.ResourceInUseException{Message: aws.String("The capacity provider cannot be deleted because it is associated with cluster: " + c.Name + ". Remove the capacity provider from the cluster and try again.")}
				}
			}
		}
		cp.Status, cp.UpdateStatus, cp.DeletedAt = "INACTIVE", "DELETE_IN_PROGRESS", t.now
		return &ecs.DeleteCapacityProviderOutput{CapacityProvider: ptr(t.cpOut(cp, false))}, nil
	})
}

func (a *ecsAPI) DescribeCapacityProviders(ctx context.Context, in *ecs.DescribeCapacityProvidersInput, _ ...func(*ecs.Options)) (*ecs.DescribeCapacityProvidersOutput, error) {
	return call(ctx, a.s, svcECS, "DescribeCapacityProviders", func(t *tx) (*ecs.DescribeCapacityProvidersOutput, error) {
		withTags := false
		for _, f := range in.Include {
			withTags = withTags || f == ecstypes.CapacityProviderFieldTags
		}
		fargate := func(n string) ecstypes.CapacityProvider {
			return ecstypes.CapacityProvider{Name: aws.String(n), CapacityProviderArn: aws.String("arn:aws:ecs:" + t.regionName() + ":" + t.account() + ":capacity-provider/" + n),
				Status: ecstypes.CapacityProviderStatusActive, Type: ecstypes.CapacityProviderType(n), Tags: []ecstypes.Tag{}}
		}
		out := &ecs.DescribeCapacityProvidersOutput{CapacityProviders: []ecstypes.CapacityProvider{}, Failures: []ecstypes.Failure{}}
		if len(in.CapacityProviders) == 0 {
			all := []ecstypes.CapacityProvider{fargate("FARGATE"), fargate("FARGATE_SPOT")}
			for _, n := range sortedKeys(t.r.ECS.CapacityProviders) {
				if cp := t.r.ECS.CapacityProviders[n]; !t.hidden(cp.Created) {
					all = append(all, t.cpOut(cp, withTags))
				}
			}
			items, next, err := ecsPage(all, in.NextToken, in.MaxResults)
			if err != nil {
				return nil, err
			}
			out.CapacityProviders, out.NextToken = items, next
			return out, nil
		}
		for _, r := range in.CapacityProviders {
			if r == "FARGATE" || r == "FARGATE_SPOT" {
				out.CapacityProviders = append(out.CapacityProviders, fargate(r))
				continue
			}
			cp := t.cpByRef(r)
			if cp == nil {
				a := r
				if _, ok := parseARN(r); !ok {
					a = t.arn("ecs", "capacity-provider/"+r)
				}
				out.Failures = append(out.Failures, ecstypes.Failure{Arn: aws.String(a), Reason: aws.String("MISSING")})
				continue
			}
			out.CapacityProviders = append(out.CapacityProviders, t.cpOut(cp, withTags))
		}
		return out, nil
	})
}

func (a *ecsAPI) UpdateCapacityProvider(ctx context.Context, in *ecs.UpdateCapacityProviderInput, _ ...func(*ecs.Options)) (*ecs.UpdateCapacityProviderOutput, error) {
	return call(ctx, a.s, svcECS, "UpdateCapacityProvider", func(t *tx) (*ecs.UpdateCapacityProviderOutput, error) {
		cp := t.cpByRef(aws.ToString(in.Name))
		if cp == nil || cp.Status != "ACTIVE" {
			return nil, ecsClient("The specified capacity provider does not exist. Specify a valid name or ARN and try again.")
		}
		u := in.AutoScalingGroupProvider
		if u == nil {
			return nil, ecsInvalid("autoScalingGroupProvider is required")
		}
		ms := cp.Scaling
		if u.ManagedScaling != nil {
			ms = defaultScaling(u.ManagedScaling)
			if err := checkScaling(ms); err != nil {
				return nil, err
			}
		}
		term := cp.Termination
		if u.ManagedTerminationProtection != "" {
			term = string(u.ManagedTerminationProtection)
		}
		if term == "ENABLED" {
			g := t.asgByRef(cp.ASGARN)
			if ms.Status != ecstypes.ManagedScalingStatusEnabled {
				return nil, ecsClient("The managed termination protection setting for the capacity provider is invalid. To enable managed termination protection for a capacity provider, managed scaling must also be enabled.")
			}
			if g == nil || !g.Protected {
				return nil, ecsClient("The managed termination protection setting for the capacity provider is invalid. To enable managed termination protection for a capacity provider, the Auto Scaling group must have instance protection from scale in enabled.")
			}
		}
		cp.Scaling, cp.Termination = ms, term
		if u.ManagedDraining != "" {
			cp.Draining = string(u.ManagedDraining)
		}
		cp.UpdateStatus = "UPDATE_COMPLETE"
		return &ecs.UpdateCapacityProviderOutput{CapacityProvider: ptr(t.cpOut(cp, false))}, nil
	})
}

// --- task definitions ---

func (t *tx) taskDefOut(td *taskDef) ecstypes.TaskDefinition {
	out := ecstypes.TaskDefinition{TaskDefinitionArn: aws.String(td.ARN), Family: aws.String(td.Family), Revision: td.Revision,
		ContainerDefinitions: clone(td.Containers), Volumes: clone(td.Volumes), NetworkMode: ecstypes.NetworkMode(td.NetworkMode),
		Status: ecstypes.TaskDefinitionStatus(td.Status), RegisteredAt: tp(td.Created), RegisteredBy: aws.String("arn:aws:iam::" + t.account() + ":root"),
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
		names := map[string]bool{}
		for _, c := range in.ContainerDefinitions {
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
			if p, ok := parseARN(r); !ok || p.Service != "iam" || !strings.HasPrefix(p.Resource, "role/") {
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
		td := &taskDef{Meta: Meta{ID: key, ARN: t.arn("ecs", "task-definition/"+key), Created: t.now, Tags: tags},
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
		ref := aws.ToString(in.TaskDefinition)
		if a, ok := parseARN(ref); ok {
			ref = strings.TrimPrefix(a.Resource, "task-definition/")
		}
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
			key := ref
			if a, ok := parseARN(ref); ok {
				key = strings.TrimPrefix(a.Resource, "task-definition/")
			}
			td := t.r.ECS.TaskDefs[key]
			switch {
			case td == nil || !strings.Contains(key, ":"):
				out.Failures = append(out.Failures, ecstypes.Failure{Arn: aws.String(t.arn("ecs", "task-definition/"+key)), Reason: aws.String("The specified task definition does not exist.")})
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

// --- services ---

func (t *tx) serviceOut(s *ecsService, withTags bool) ecstypes.Service {
	c := t.r.ECS.Clusters[s.Cluster]
	out := ecstypes.Service{ServiceArn: aws.String(s.ARN), ServiceName: aws.String(s.Name), ClusterArn: aws.String(c.ARN),
		Status: aws.String(s.Status), DesiredCount: s.Desired, TaskDefinition: aws.String(s.TaskDef), CreatedAt: tp(s.Created),
		CreatedBy: aws.String("arn:aws:iam::" + t.account() + ":root"), SchedulingStrategy: ecstypes.SchedulingStrategy(s.Scheduling),
		LoadBalancers: clone(s.LBs), CapacityProviderStrategy: clone(s.Strategy), PlacementStrategy: clone(s.Placement),
		PlacementConstraints: clone(s.Constraints), EnableECSManagedTags: s.ManagedTags, EnableExecuteCommand: s.ExecCommand,
		PropagateTags: ecstypes.PropagateTags(s.Propagate), ServiceRegistries: []ecstypes.ServiceRegistry{},
		DeploymentController: &ecstypes.DeploymentController{Type: ecstypes.DeploymentControllerTypeEcs},
		DeploymentConfiguration: &ecstypes.DeploymentConfiguration{MaximumPercent: aws.Int32(s.MaxPercent), MinimumHealthyPercent: aws.Int32(s.MinHealthy),
			DeploymentCircuitBreaker: &ecstypes.DeploymentCircuitBreaker{Enable: s.Breaker, Rollback: s.Rollback},
			Strategy:                 ecstypes.DeploymentStrategyRolling},
		Events: []ecstypes.ServiceEvent{},
	}
	if out.LoadBalancers == nil {
		out.LoadBalancers = []ecstypes.LoadBalancer{}
	}
	if out.PlacementStrategy == nil {
		out.PlacementStrategy = []ecstypes.PlacementStrategy{}
	}
	if out.PlacementConstraints == nil {
		out.PlacementConstraints = []ecstypes.PlacementConstraint{}
	}
	if s.LaunchType != "" {
		out.LaunchType = ecstypes.LaunchType(s.LaunchType)
	}
	if s.HealthGrace > 0 || len(s.LBs) > 0 {
		out.HealthCheckGracePeriodSeconds = aws.Int32(s.HealthGrace)
	}
	if len(s.LBs) > 0 {
		out.RoleArn = aws.String("arn:aws:iam::" + t.account() + ":role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS")
	}
	for _, d := range s.Deployments {
		dd := ecstypes.Deployment{Id: aws.String(d.ID), Status: aws.String(d.Status), TaskDefinition: aws.String(d.TaskDef),
			CreatedAt: tp(d.Created), UpdatedAt: tp(d.Updated), RolloutState: ecstypes.DeploymentRolloutState(d.Rollout),
			FailedTasks: d.Failed, CapacityProviderStrategy: clone(d.Strategy)}
		if d.LaunchType != "" {
			dd.LaunchType = ecstypes.LaunchType(d.LaunchType)
		}
		if d.Reason != "" {
			dd.RolloutStateReason = aws.String(d.Reason)
		}
		if d.Status == "PRIMARY" {
			dd.DesiredCount = s.Desired
		}
		for _, tk := range t.r.ECS.Tasks {
			if tk.Service != s.Name || tk.Cluster != s.Cluster || tk.StartedBy != d.ID || tk.Desired != "RUNNING" {
				continue
			}
			switch tk.LastStatus {
			case "RUNNING":
				dd.RunningCount++
			case "PROVISIONING", "PENDING", "ACTIVATING":
				dd.PendingCount++
			}
		}
		out.RunningCount += dd.RunningCount
		out.PendingCount += dd.PendingCount
		out.Deployments = append(out.Deployments, dd)
	}
	if out.Deployments == nil {
		out.Deployments = []ecstypes.Deployment{}
	}
	for i := len(s.Events) - 1; i >= 0; i-- {
		e := s.Events[i]
		out.Events = append(out.Events, ecstypes.ServiceEvent{Id: aws.String(e.ID), CreatedAt: tp(e.At), Message: aws.String(e.Message)})
	}
	if withTags {
		out.Tags = ecsTags(s.Tags)
	}
	return out
}

// checkServiceLBs validates the load balancers of a service against its
// task definition, as CreateService/UpdateService do.
func (t *tx) checkServiceLBs(lbs []ecstypes.LoadBalancer, td *taskDef) error {
	for _, lb := range lbs {
		if lb.LoadBalancerName != nil {
			return ecsInvalid("Classic load balancers are not supported by the sandbox; use targetGroupArn")
		}
		a := aws.ToString(lb.TargetGroupArn)
		tg := t.r.ELB.TargetGroups[a]
		if tg == nil {
			return ecsInvalid("Unable to assume role and validate the specified targetGroupArn. Please verify that the ECS service role being passed has the proper permissions.")
		}
		if len(t.tgLBs(tg)) == 0 {
			return ecsInvalid("The target group with targetGroupArn %s does not have an associated load balancer.", a)
		}
		if tg.TargetType == "ip" && td.NetworkMode != "awsvpc" {
			return ecsInvalid("The provided target group %s has target type ip, which is incompatible with the %s network mode specified in the task definition.", a, td.NetworkMode)
		}
		if tg.TargetType == "instance" && td.NetworkMode == "awsvpc" {
			return ecsInvalid("The provided target group %s has target type instance, which is incompatible with the awsvpc network mode specified in the task definition.", a)
		}
		name, port := aws.ToString(lb.ContainerName), aws.ToInt32(lb.ContainerPort)
		found := false
		for _, c := range td.Containers {
			if aws.ToString(c.Name) != name {
				continue
			}
			for _, pm := range c.PortMappings {
				if aws.ToInt32(pm.ContainerPort) == port {
					found = true
				}
			}
		}
		if !found {
			return ecsInvalid("The container %s did not have a container port %d defined.", name, port)
		}
	}
	return nil
}

// serviceStrategy settles a service's launch type / capacity provider strategy.
func (t *tx) serviceStrategy(c *ecsCluster, lt ecstypes.LaunchType, strat []ecstypes.CapacityProviderStrategyItem) (string, []ecstypes.CapacityProviderStrategyItem, error) {
	if lt != "" && len(strat) > 0 {
		return "", nil, ecsInvalid("Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.")
	}
	if lt != "" {
		if lt != ecstypes.LaunchTypeEc2 {
			return "", nil, ecsInvalid("The sandbox supports the EC2 launch type only, not %s", lt)
		}
		return string(lt), nil, nil
	}
	if len(strat) == 0 {
		if len(c.Strategy) == 0 {
			return "EC2", nil, nil
		}
		strat = c.Strategy
	}
	assoc := map[string]bool{}
	for _, x := range c.CPs {
		assoc[x] = true
	}
	weight := int32(0)
	for _, it := range strat {
		n := aws.ToString(it.CapacityProvider)
		if !assoc[n] {
			return "", nil, ecsInvalid("The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.")
		}
		if n == "FARGATE" || n == "FARGATE_SPOT" {
			return "", nil, ecsInvalid("The sandbox supports EC2 capacity providers only")
		}
		weight += it.Weight
	}
	if weight == 0 && len(strat) > 0 {
		return "", nil, ecsInvalid("The capacity provider strategy must have at least one capacity provider with a weight greater than 0.")
	}
	return "", clone(strat), nil
}

func (a *ecsAPI) CreateService(ctx context.Context, in *ecs.CreateServiceInput, _ ...func(*ecs.Options)) (*ecs.CreateServiceOutput, error) {
	return call(ctx, a.s, svcECS, "CreateService", func(t *tx) (*ecs.CreateServiceOutput, error) {
		c, err := t.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		name := aws.ToString(in.ServiceName)
		if !ecsNameRE.MatchString(name) {
			return nil, ecsInvalid("Service name is invalid: up to 255 letters, numbers, hyphens, and underscores are allowed.")
		}
		if old := t.r.ECS.Services[t.arn("ecs", "service/"+c.Name+"/"+name)]; old != nil {
			switch old.Status {
			case "ACTIVE":
				return nil, ecsInvalid("Creation of service was not idempotent.")
			case "DRAINING":
				return nil, ecsInvalid("Unable to Start a service that is still Draining.")
			}
		}
		if in.TaskDefinition == nil {
			return nil, ecsInvalid("TaskDefinition can not be blank.")
		}
		td := t.taskDefByRef(*in.TaskDefinition)
		if td == nil {
			return nil, ecsInvalid("Unable to find task definition '%s'.", *in.TaskDefinition)
		}
		if td.Status != "ACTIVE" {
			return nil, ecsInvalid("TaskDefinition is inactive")
		}
		if td.NetworkMode == "awsvpc" {
			return nil, ecsInvalid("The sandbox supports the bridge and host network modes; awsvpc tasks are not simulated")
		}
		sched := string(in.SchedulingStrategy)
		if sched == "" {
			sched = "REPLICA"
		}
		if sched != "REPLICA" {
			return nil, ecsInvalid("The sandbox supports the REPLICA scheduling strategy only")
		}
		if in.DesiredCount == nil {
			return nil, ecsInvalid("desiredCount is required for the REPLICA scheduling strategy.")
		}
		if *in.DesiredCount < 0 {
			return nil, ecsInvalid("desiredCount must be non-negative")
		}
		lt, strat, err := t.serviceStrategy(c, in.LaunchType, in.CapacityProviderStrategy)
		if err != nil {
			return nil, err
		}
		if err := t.checkServiceLBs(in.LoadBalancers, td); err != nil {
			return nil, err
		}
		if in.HealthCheckGracePeriodSeconds != nil && len(in.LoadBalancers) == 0 {
			return nil, ecsInvalid("Health check grace period is only valid for services configured to use load balancers")
		}
		tags, err := ecsTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		s := &ecsService{Meta: Meta{ID: name, ARN: t.arn("ecs", "service/"+c.Name+"/"+name), Created: t.now, Tags: tags},
			Name: name, Cluster: c.Name, TaskDef: td.ARN, Desired: *in.DesiredCount, Status: "ACTIVE", LaunchType: lt, Strategy: strat,
			LBs: clone(in.LoadBalancers), MaxPercent: 200, MinHealthy: 100, Scheduling: sched, ChangedAt: t.now,
			Placement: clone(in.PlacementStrategy), Constraints: clone(in.PlacementConstraints), HealthGrace: aws.ToInt32(in.HealthCheckGracePeriodSeconds),
			Propagate: string(in.PropagateTags), ManagedTags: in.EnableECSManagedTags, ExecCommand: in.EnableExecuteCommand}
		if s.Propagate == "" {
			s.Propagate = "NONE"
		}
		if err := s.applyDeployConfig(in.DeploymentConfiguration); err != nil {
			return nil, err
		}
		s.Deployments = []*ecsDeployment{{ID: deploymentID(), Status: "PRIMARY", TaskDef: td.ARN, Strategy: clone(strat), LaunchType: lt,
			Created: t.now, Updated: t.now, Rollout: "IN_PROGRESS", Reason: "ECS deployment " + "in progress."}}
		s.Deployments[0].Reason = "ECS deployment " + s.Deployments[0].ID + " in progress."
		t.r.ECS.Services[s.ARN] = s
		return &ecs.CreateServiceOutput{Service: ptr(t.serviceOut(s, true))}, nil
	})
}

func (s *ecsService) applyDeployConfig(dc *ecstypes.DeploymentConfiguration) error {
	if dc == nil {
		return nil
	}
	if dc.MaximumPercent != nil {
		s.MaxPercent = *dc.MaximumPercent
	}
	if dc.MinimumHealthyPercent != nil {
		s.MinHealthy = *dc.MinimumHealthyPercent
	}
	if s.MaxPercent < 100 || s.MaxPercent > 200 && s.MaxPercent > 2000 {
		return ecsInvalid("maximumPercent must be at least 100")
	}
	if s.MinHealthy < 0 || s.MinHealthy > 100 {
		return ecsInvalid("minimumHealthyPercent must be between 0 and 100")
	}
	if s.MaxPercent == 100 && s.MinHealthy == 100 {
		return ecsInvalid("The deployment configuration is invalid: maximumPercent and minimumHealthyPercent can't both be 100.")
	}
	if cb := dc.DeploymentCircuitBreaker; cb != nil {
		s.Breaker, s.Rollback = cb.Enable, cb.Rollback
	}
	return nil
}

func (a *ecsAPI) UpdateService(ctx context.Context, in *ecs.UpdateServiceInput, _ ...func(*ecs.Options)) (*ecs.UpdateServiceOutput, error) {
	return call(ctx, a.s, svcECS, "UpdateService", func(t *tx) (*ecs.UpdateServiceOutput, error) {
		c, err := t.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		s := t.serviceByRef(c, aws.ToString(in.Service))
		if s == nil {
			return nil, &ecstypes.ServiceNotFoundException{Message: aws.String("Service not found.")}
		}
		if s.Status != "ACTIVE" {
			return nil, &ecstypes.ServiceNotActiveException{Message: aws.String("Service was not ACTIVE.")}
		}
		td := t.r.ECS.TaskDefs[strings.TrimPrefix(mustResource(s.TaskDef), "task-definition/")]
		newTD := td
		if in.TaskDefinition != nil {
			newTD = t.taskDefByRef(*in.TaskDefinition)
			if newTD == nil {
				return nil, ecsInvalid("Unable to find task definition '%s'.", *in.TaskDefinition)
			}
			if newTD.Status != "ACTIVE" {
				return nil, ecsInvalid("TaskDefinition is inactive")
			}
			if newTD.NetworkMode == "awsvpc" {
				return nil, ecsInvalid("The sandbox supports the bridge and host network modes; awsvpc tasks are not simulated")
			}
		}
		if in.DesiredCount != nil && *in.DesiredCount < 0 {
			return nil, ecsInvalid("desiredCount must be non-negative")
		}
		lbs := s.LBs
		if in.LoadBalancers != nil {
			lbs = clone(in.LoadBalancers)
		}
		if err := t.checkServiceLBs(lbs, newTD); err != nil {
			return nil, err
		}
		strat, lt := s.Strategy, s.LaunchType
		if in.CapacityProviderStrategy != nil {
			_, st, err := t.serviceStrategy(c, "", in.CapacityProviderStrategy)
			if err != nil {
				return nil, err
			}
			strat, lt = st, ""
		}
		save := *s
		if err := s.applyDeployConfig(in.DeploymentConfiguration); err != nil {
			*s = save
			return nil, err
		}
		redeploy := in.ForceNewDeployment || newTD.ARN != s.TaskDef || in.LoadBalancers != nil || in.CapacityProviderStrategy != nil
		if in.DesiredCount != nil && *in.DesiredCount != s.Desired {
			s.Desired, s.ChangedAt = *in.DesiredCount, t.now
			if p := s.primary(); p != nil && !redeploy && p.Rollout == "COMPLETED" {
				// a scale change keeps the deployment but rolls it again
				p.Rollout, p.Updated, p.Reason = "IN_PROGRESS", t.now, "ECS deployment "+p.ID+" in progress."
			}
		}
		s.LBs, s.Strategy, s.LaunchType = lbs, strat, lt
		if in.HealthCheckGracePeriodSeconds != nil {
			s.HealthGrace = *in.HealthCheckGracePeriodSeconds
		}
		if in.PlacementStrategy != nil {
			s.Placement = clone(in.PlacementStrategy)
		}
		if in.PlacementConstraints != nil {
			s.Constraints = clone(in.PlacementConstraints)
		}
		if in.EnableExecuteCommand != nil {
			s.ExecCommand = *in.EnableExecuteCommand
		}
		if in.EnableECSManagedTags != nil {
			s.ManagedTags = *in.EnableECSManagedTags
		}
		if in.PropagateTags != "" {
			s.Propagate = string(in.PropagateTags)
		}
		if redeploy {
			s.TaskDef = newTD.ARN
			for _, d := range s.Deployments {
				d.Status = "ACTIVE"
				if d.Rollout == "IN_PROGRESS" {
					d.Rollout, d.Reason = "FAILED", "ECS deployment "+d.ID+" was replaced by a newer deployment."
				}
			}
			d := &ecsDeployment{ID: deploymentID(), Status: "PRIMARY", TaskDef: newTD.ARN, Strategy: clone(strat), LaunchType: lt,
				Created: t.now, Updated: t.now, Rollout: "IN_PROGRESS"}
			d.Reason = "ECS deployment " + d.ID + " in progress."
			s.Deployments = append([]*ecsDeployment{d}, s.Deployments...)
			s.ChangedAt = t.now
		}
		return &ecs.UpdateServiceOutput{Service: ptr(t.serviceOut(s, false))}, nil
	})
}

func mustResource(a string) string {
	p, _ := parseARN(a)
	return p.Resource
}

func (a *ecsAPI) DeleteService(ctx context.Context, in *ecs.DeleteServiceInput, _ ...func(*ecs.Options)) (*ecs.DeleteServiceOutput, error) {
	return call(ctx, a.s, svcECS, "DeleteService", func(t *tx) (*ecs.DeleteServiceOutput, error) {
		c, err := t.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		s := t.serviceByRef(c, aws.ToString(in.Service))
		if s == nil || s.Status == "INACTIVE" {
			return nil, &ecstypes.ServiceNotFoundException{Message: aws.String("Service not found.")}
		}
		if s.Status == "DRAINING" {
			return &ecs.DeleteServiceOutput{Service: ptr(t.serviceOut(s, false))}, nil
		}
		if s.Desired > 0 && !aws.ToBool(in.Force) {
			return nil, ecsInvalid("The service cannot be stopped while it is scaled above 0.")
		}
		s.Status, s.Desired, s.ChangedAt = "DRAINING", 0, t.now
		return &ecs.DeleteServiceOutput{Service: ptr(t.serviceOut(s, false))}, nil
	})
}

func (a *ecsAPI) DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, _ ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	return call(ctx, a.s, svcECS, "DescribeServices", func(t *tx) (*ecs.DescribeServicesOutput, error) {
		c, err := t.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		if len(in.Services) == 0 || len(in.Services) > 10 {
			return nil, ecsInvalid("Services cannot be empty and cannot have more than 10 elements.")
		}
		withTags := false
		for _, f := range in.Include {
			withTags = withTags || f == ecstypes.ServiceFieldTags
		}
		out := &ecs.DescribeServicesOutput{Services: []ecstypes.Service{}, Failures: []ecstypes.Failure{}}
		for _, r := range in.Services {
			s := t.serviceByRef(c, r)
			if s == nil {
				a := r
				if _, ok := parseARN(r); !ok {
					a = t.arn("ecs", "service/"+c.Name+"/"+r)
				}
				out.Failures = append(out.Failures, ecstypes.Failure{Arn: aws.String(a), Reason: aws.String("MISSING")})
				continue
			}
			out.Services = append(out.Services, t.serviceOut(s, withTags))
		}
		return out, nil
	})
}

func (a *ecsAPI) ListServices(ctx context.Context, in *ecs.ListServicesInput, _ ...func(*ecs.Options)) (*ecs.ListServicesOutput, error) {
	return call(ctx, a.s, svcECS, "ListServices", func(t *tx) (*ecs.ListServicesOutput, error) {
		c, err := t.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		var arns []string
		for _, k := range sortedKeys(t.r.ECS.Services) {
			s := t.r.ECS.Services[k]
			if s.Cluster != c.Name || s.Status == "INACTIVE" || t.hidden(s.Created) {
				continue
			}
			if in.LaunchType != "" && s.LaunchType != string(in.LaunchType) {
				continue
			}
			arns = append(arns, s.ARN)
		}
		max := in.MaxResults
		if max == nil {
			max = aws.Int32(10)
		}
		items, next, err := ecsPage(arns, in.NextToken, max)
		if err != nil {
			return nil, err
		}
		return &ecs.ListServicesOutput{ServiceArns: items, NextToken: next}, nil
	})
}

// --- tasks ---

func (t *tx) taskOut(tk *ecsTask, withTags bool) ecstypes.Task {
	c := t.r.ECS.Clusters[tk.Cluster]
	out := ecstypes.Task{TaskArn: aws.String(tk.ARN), ClusterArn: aws.String(c.ARN), TaskDefinitionArn: aws.String(tk.TaskDef),
		ContainerInstanceArn: aws.String(tk.CI), AvailabilityZone: aws.String(tk.AZ), LastStatus: aws.String(tk.LastStatus),
		DesiredStatus: aws.String(tk.Desired), Cpu: aws.String(strconv.Itoa(tk.CPU)), Memory: aws.String(strconv.Itoa(tk.Mem)),
		CreatedAt: tp(tk.Created), Version: tk.Version, LaunchType: ecstypes.LaunchTypeEc2, Connectivity: ecstypes.ConnectivityConnected,
		ConnectivityAt: tp(tk.Created), Attachments: []ecstypes.Attachment{}, Overrides: &ecstypes.TaskOverride{}, HealthStatus: ecstypes.HealthStatusUnknown,
		Attributes: []ecstypes.Attribute{{Name: aws.String("ecs.cpu-architecture"), Value: aws.String(archName(t.r.EC2.Instances[tk.Instance]))}}}
	if tk.CP != "" {
		out.CapacityProviderName = aws.String(tk.CP)
	}
	if tk.Service != "" {
		out.Group = aws.String("service:" + tk.Service)
	}
	if tk.StartedBy != "" {
		out.StartedBy = aws.String(tk.StartedBy)
	}
	if t.reached(tk.PendingAt) {
		out.PullStartedAt = tp(tk.PendingAt)
	}
	if t.reached(tk.RunningAt) && tk.FailReason == "" {
		out.PullStoppedAt = tp(tk.RunningAt)
		out.StartedAt = tp(tk.RunningAt)
	}
	if !tk.StopAsked.IsZero() {
		out.StoppingAt = tp(tk.StopAsked)
	}
	if tk.LastStatus == "STOPPED" {
		out.StoppedAt, out.ExecutionStoppedAt = tp(tk.StoppedAt), tp(tk.StoppedAt)
		out.StopCode = ecstypes.TaskStopCode(tk.StopCode)
		out.StoppedReason = aws.String(tk.StopReason)
	}
	for _, ct := range tk.Containers {
		co := ecstypes.Container{ContainerArn: aws.String(t.arn("ecs", "container/"+tk.Cluster+"/"+tk.ID+"/"+ct.ID)), Name: aws.String(ct.Name),
			Image: aws.String(ct.Image), TaskArn: aws.String(tk.ARN), LastStatus: aws.String(tk.LastStatus), HealthStatus: ecstypes.HealthStatusUnknown,
			NetworkInterfaces: []ecstypes.NetworkInterface{}}
		if tk.LastStatus == "RUNNING" || tk.LastStatus == "STOPPED" && tk.FailReason == "" {
			co.RuntimeId = aws.String(tk.ID + "-" + ct.ID[:8])
		}
		if tk.LastStatus == "STOPPED" {
			if tk.FailReason != "" {
				co.Reason = aws.String(tk.FailReason)
			} else {
				co.ExitCode = aws.Int32(137)
			}
		}
		for _, p := range tk.Ports {
			if p.Container == ct.Name && tk.LastStatus != "STOPPED" {
				co.NetworkBindings = append(co.NetworkBindings, ecstypes.NetworkBinding{BindIP: aws.String("0.0.0.0"),
					ContainerPort: aws.Int32(p.ContainerPort), HostPort: aws.Int32(p.HostPort), Protocol: ecstypes.TransportProtocol(p.Protocol)})
			}
		}
		out.Containers = append(out.Containers, co)
	}
	if withTags {
		out.Tags = ecsTags(tk.Tags)
	}
	return out
}

func archName(i *instance) string {
	if i != nil && i.Arch == "arm64" {
		return "arm64"
	}
	return "x86_64"
}

func (t *tx) taskByRef(c *ecsCluster, ref string) *ecsTask {
	id := ref
	if a, ok := parseARN(ref); ok {
		id = a.Resource[strings.LastIndex(a.Resource, "/")+1:]
	}
	tk := t.r.ECS.Tasks[t.arn("ecs", "task/"+c.Name+"/"+id)]
	if tk == nil || t.hidden(tk.Created) {
		return nil
	}
	return tk
}

func (a *ecsAPI) ListTasks(ctx context.Context, in *ecs.ListTasksInput, _ ...func(*ecs.Options)) (*ecs.ListTasksOutput, error) {
	return call(ctx, a.s, svcECS, "ListTasks", func(t *tx) (*ecs.ListTasksOutput, error) {
		c, err := t.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		if in.ServiceName != nil {
			if s := t.serviceByRef(c, *in.ServiceName); s == nil {
				return nil, &ecstypes.ServiceNotFoundException{Message: aws.String("Service not found.")}
			}
		}
		desired := string(in.DesiredStatus)
		if desired == "" {
			desired = "RUNNING"
		}
		var arns []string
		for _, k := range sortedKeys(t.r.ECS.Tasks) {
			tk := t.r.ECS.Tasks[k]
			if tk.Cluster != c.Name || tk.Desired != desired || t.hidden(tk.Created) {
				continue
			}
			if in.ServiceName != nil {
				n := *in.ServiceName
				if a, ok := parseARN(n); ok {
					n = a.Resource[strings.LastIndex(a.Resource, "/")+1:]
				}
				if tk.Service != n {
					continue
				}
			}
			if in.ContainerInstance != nil && !strings.HasSuffix(tk.CI, strings.TrimPrefix(mustResourceOr(*in.ContainerInstance), "container-instance/")) {
				continue
			}
			if in.Family != nil && !strings.Contains(tk.TaskDef, ":task-definition/"+*in.Family+":") {
				continue
			}
			if in.StartedBy != nil && tk.StartedBy != *in.StartedBy {
				continue
			}
			arns = append(arns, tk.ARN)
		}
		items, next, err := ecsPage(arns, in.NextToken, in.MaxResults)
		if err != nil {
			return nil, err
		}
		return &ecs.ListTasksOutput{TaskArns: items, NextToken: next}, nil
	})
}

func mustResourceOr(s string) string {
	if a, ok := parseARN(s); ok {
		return a.Resource
	}
	return s
}

func (a *ecsAPI) DescribeTasks(ctx context.Context, in *ecs.DescribeTasksInput, _ ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error) {
	return call(ctx, a.s, svcECS, "DescribeTasks", func(t *tx) (*ecs.DescribeTasksOutput, error) {
		c, err := t.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		if len(in.Tasks) == 0 || len(in.Tasks) > 100 {
			return nil, ecsInvalid("Tasks cannot be empty and cannot have more than 100 elements.")
		}
		withTags := false
		for _, f := range in.Include {
			withTags = withTags || f == ecstypes.TaskFieldTags
		}
		out := &ecs.DescribeTasksOutput{Tasks: []ecstypes.Task{}, Failures: []ecstypes.Failure{}}
		for _, r := range in.Tasks {
			tk := t.taskByRef(c, r)
			if tk == nil {
				a := r
				if _, ok := parseARN(r); !ok {
					a = t.arn("ecs", "task/"+c.Name+"/"+r)
				}
				out.Failures = append(out.Failures, ecstypes.Failure{Arn: aws.String(a), Reason: aws.String("MISSING")})
				continue
			}
			out.Tasks = append(out.Tasks, t.taskOut(tk, withTags))
		}
		return out, nil
	})
}

func (a *ecsAPI) StopTask(ctx context.Context, in *ecs.StopTaskInput, _ ...func(*ecs.Options)) (*ecs.StopTaskOutput, error) {
	return call(ctx, a.s, svcECS, "StopTask", func(t *tx) (*ecs.StopTaskOutput, error) {
		c, err := t.cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		tk := t.taskByRef(c, aws.ToString(in.Task))
		if tk == nil {
			return nil, ecsInvalid("The referenced task was not found.")
		}
		reason := aws.ToString(in.Reason)
		if reason == "" {
			reason = "Task stopped by user"
		}
		t.stopTask(tk, t.now, "UserInitiated", reason)
		return &ecs.StopTaskOutput{Task: ptr(t.taskOut(tk, false))}, nil
	})
}

// stopTask asks a task to stop at time at: its targets start draining and
// it is STOPPED when they are drained and the container has exited.
func (t *tx) stopTask(tk *ecsTask, at time.Time, code, reason string) {
	if tk.Desired == "STOPPED" {
		return
	}
	tk.Desired, tk.StopAsked, tk.StopCode, tk.StopReason = "STOPPED", at, code, reason
	stop := at.Add(t.dur(paceTaskStopping))
	for _, x := range tk.Targets {
		if tg := t.r.ELB.TargetGroups[x.TG]; tg != nil {
			if t.deregisterTarget(tg, tk.Instance, x.Port) {
				for _, tt := range tg.Targets {
					if tt.ID == tk.Instance && tt.Port == x.Port {
						stop = latest(stop, tt.DrainUntil)
					}
				}
			}
		}
	}
	tk.StoppedAt = stop
	tk.Version++
}

// --- container instances ---

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
			id := r
			if a, ok := parseARN(r); ok {
				id = a.Resource[strings.LastIndex(a.Resource, "/")+1:]
			}
			ci := t.r.ECS.ContainerInstances[t.arn("ecs", "container-instance/"+c.Name+"/"+id)]
			if ci == nil || t.hidden(ci.Created) {
				a := r
				if _, ok := parseARN(r); !ok {
					a = t.arn("ecs", "container-instance/"+c.Name+"/"+r)
				}
				out.Failures = append(out.Failures, ecstypes.Failure{Arn: aws.String(a), Reason: aws.String("MISSING")})
				continue
			}
			out.ContainerInstances = append(out.ContainerInstances, t.ciOut(ci))
		}
		return out, nil
	})
}

// --- tags ---

func (t *tx) ecsMeta(a string) *Meta {
	p, ok := parseARN(a)
	if !ok || p.Service != "ecs" {
		return nil
	}
	switch {
	case strings.HasPrefix(p.Resource, "cluster/"):
		if c := t.r.ECS.Clusters[strings.TrimPrefix(p.Resource, "cluster/")]; c != nil && c.Status == "ACTIVE" {
			return &c.Meta
		}
	case strings.HasPrefix(p.Resource, "service/"):
		if s := t.r.ECS.Services[a]; s != nil && s.Status != "INACTIVE" {
			return &s.Meta
		}
	case strings.HasPrefix(p.Resource, "task-definition/"):
		if td := t.r.ECS.TaskDefs[strings.TrimPrefix(p.Resource, "task-definition/")]; td != nil {
			return &td.Meta
		}
	case strings.HasPrefix(p.Resource, "capacity-provider/"):
		if cp := t.r.ECS.CapacityProviders[strings.TrimPrefix(p.Resource, "capacity-provider/")]; cp != nil && cp.Status == "ACTIVE" {
			return &cp.Meta
		}
	case strings.HasPrefix(p.Resource, "task/"):
		if tk := t.r.ECS.Tasks[a]; tk != nil {
			return &tk.Meta
		}
	case strings.HasPrefix(p.Resource, "container-instance/"):
		if ci := t.r.ECS.ContainerInstances[a]; ci != nil {
			return &ci.Meta
		}
	}
	return nil
}

func (a *ecsAPI) TagResource(ctx context.Context, in *ecs.TagResourceInput, _ ...func(*ecs.Options)) (*ecs.TagResourceOutput, error) {
	return call(ctx, a.s, svcECS, "TagResource", func(t *tx) (*ecs.TagResourceOutput, error) {
		m := t.ecsMeta(aws.ToString(in.ResourceArn))
		if m == nil {
			return nil, &ecstypes.ResourceNotFoundException{Message: aws.String("The specified resource could not be found.")}
		}
		kv, err := ecsTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		m.setTags(kv)
		if len(m.Tags) > 50 {
			return nil, ecsInvalid("Too many tags: the limit is 50")
		}
		return &ecs.TagResourceOutput{}, nil
	})
}

func (a *ecsAPI) ListTagsForResource(ctx context.Context, in *ecs.ListTagsForResourceInput, _ ...func(*ecs.Options)) (*ecs.ListTagsForResourceOutput, error) {
	return call(ctx, a.s, svcECS, "ListTagsForResource", func(t *tx) (*ecs.ListTagsForResourceOutput, error) {
		m := t.ecsMeta(aws.ToString(in.ResourceArn))
		if m == nil || t.hidden(m.Created) {
			return nil, &ecstypes.ResourceNotFoundException{Message: aws.String("The specified resource could not be found.")}
		}
		return &ecs.ListTagsForResourceOutput{Tags: ecsTags(m.Tags)}, nil
	})
}

// ============================================================ the clock ==

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

func advanceECS(t *tx) {
	t.registerContainerInstances()
	t.retireContainerInstances()
	t.advanceTasks()
	for _, k := range sortedKeys(t.r.ECS.Services) {
		t.advanceService(t.r.ECS.Services[k])
	}
	t.purgeECS()
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
			c = &ecsCluster{Meta: Meta{ID: name, ARN: t.arn("ecs", "cluster/"+name), Created: at}, Name: name, Status: "ACTIVE",
				Settings: []ecstypes.ClusterSetting{{Name: ecstypes.ClusterSettingNameContainerInsights, Value: aws.String("disabled")}}}
			t.r.ECS.Clusters[name] = c
		}
		if c == nil || c.Status != "ACTIVE" {
			continue // the agent keeps retrying until the cluster exists
		}
		at = latest(at, c.Created)
		cpu, mem, _, _ := instanceCapacity(i.Type)
		cid := hexID(32)
		ci := &containerInstance{Meta: Meta{ID: cid, ARN: t.arn("ecs", "container-instance/"+c.Name+"/"+cid), Created: at},
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

func (t *tx) advanceTasks() {
	for _, k := range sortedKeys(t.r.ECS.Tasks) {
		tk := t.r.ECS.Tasks[k]
		if tk.LastStatus == "STOPPED" {
			continue
		}
		st := tk.LastStatus
		switch {
		case tk.Desired == "STOPPED" && t.reached(tk.StoppedAt):
			st = "STOPPED"
		case tk.Desired == "STOPPED":
			st = "DEACTIVATING"
			if len(tk.Targets) == 0 || tk.LastStatus != "RUNNING" && tk.LastStatus != "DEACTIVATING" {
				st = "STOPPING"
			}
		case tk.FailReason != "" && t.reached(tk.FailAt):
			tk.Desired, tk.StoppedAt, tk.StopCode, tk.StopReason = "STOPPED", tk.FailAt, "TaskFailedToStart", tk.FailReason
			st = "STOPPED"
			t.noteFailure(tk)
		case tk.FailReason == "" && t.reached(tk.RunningAt):
			st = "RUNNING"
		case t.reached(tk.PendingAt):
			st = "PENDING"
		}
		if st == tk.LastStatus {
			continue
		}
		if st == "RUNNING" {
			t.registerTaskTargets(tk)
			t.startLogStreams(tk)
		}
		tk.LastStatus = st
		tk.Version++
		t.touch()
	}
}

func (t *tx) noteFailure(tk *ecsTask) {
	s := t.r.ECS.Services[t.arn("ecs", "service/"+tk.Cluster+"/"+tk.Service)]
	if s == nil {
		return
	}
	for _, d := range s.Deployments {
		if d.ID == tk.StartedBy {
			d.Failed++
			d.LastFail = tk.FailAt
		}
	}
	s.event(tk.FailAt, fmt.Sprintf("(service %s) (task %s) failed to start: %s", s.Name, tk.ID, tk.FailReason))
}

func (t *tx) registerTaskTargets(tk *ecsTask) {
	s := t.r.ECS.Services[t.arn("ecs", "service/"+tk.Cluster+"/"+tk.Service)]
	if s == nil {
		return
	}
	var names []string
	for _, lb := range s.LBs {
		tg := t.r.ELB.TargetGroups[aws.ToString(lb.TargetGroupArn)]
		if tg == nil {
			continue
		}
		for _, p := range tk.Ports {
			if p.Container == aws.ToString(lb.ContainerName) && p.ContainerPort == aws.ToInt32(lb.ContainerPort) {
				t.registerTarget(tg, tk.Instance, p.HostPort, tk.RunningAt)
				tk.Targets = append(tk.Targets, taskTarget{TG: tg.ARN, Port: p.HostPort})
				names = append(names, tg.ARN)
			}
		}
	}
	if len(names) > 0 {
		s.event(tk.RunningAt, fmt.Sprintf("(service %s) registered 1 targets in (target-group %s)", s.Name, strings.Join(names, ", ")))
	}
}

// startLogStreams creates the awslogs streams of a task as the driver does.
func (t *tx) startLogStreams(tk *ecsTask) {
	td := t.taskDefByKey(tk.TaskDef)
	if td == nil {
		return
	}
	for _, c := range td.Containers {
		lc := c.LogConfiguration
		if lc == nil || lc.LogDriver != ecstypes.LogDriverAwslogs {
			continue
		}
		g := t.r.Logs.Groups[lc.Options["awslogs-group"]]
		if g == nil {
			continue
		}
		name := tk.ID
		if p := lc.Options["awslogs-stream-prefix"]; p != "" {
			name = p + "/" + aws.ToString(c.Name) + "/" + tk.ID
		}
		if g.Streams == nil {
			g.Streams = map[string]*logStream{}
		}
		if g.Streams[name] == nil {
			g.Streams[name] = &logStream{Name: name, Created: tk.RunningAt}
		}
	}
}

func (t *tx) taskDefByKey(a string) *taskDef {
	return t.r.ECS.TaskDefs[strings.TrimPrefix(mustResourceOr(a), "task-definition/")]
}

// startFailure is why a task of td can't start on instance i, "" if it can.
func (t *tx) startFailure(td *taskDef, i *instance) string {
	for _, r := range []string{td.ExecRole, td.TaskRole} {
		if r == "" {
			continue
		}
		name := r[strings.LastIndex(r, "/")+1:]
		role := t.st.IAM.Roles[name]
		if role == nil || !strings.Contains(role.Assume, "ecs-tasks.amazonaws.com") {
			return "ECS was unable to assume the role '" + r + "' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role."
		}
	}
	host := t.account() + ".dkr.ecr." + t.regionName() + ".amazonaws.com/"
	for _, c := range td.Containers {
		img := aws.ToString(c.Image)
		if strings.HasPrefix(img, host) {
			repo := strings.TrimPrefix(img, host)
			if i := strings.IndexAny(repo, ":@"); i >= 0 {
				repo = repo[:i]
			}
			if t.r.ECR.Repos[repo] == nil {
				return "CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref " + img + ": " + img + ": not found"
			}
		}
		if why := pullFailure(img); why != "" {
			return why
		}
		if lc := c.LogConfiguration; lc != nil && lc.LogDriver == ecstypes.LogDriverAwslogs {
			g := lc.Options["awslogs-group"]
			if t.r.Logs.Groups[g] == nil {
				if lc.Options["awslogs-create-group"] == "true" {
					t.r.Logs.Groups[g] = &logGroup{Meta: Meta{ID: g, ARN: t.arn("logs", "log-group:"+g), Created: t.now}, Name: g}
				} else {
					return "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: operation error CloudWatch Logs: CreateLogStream, https response error StatusCode: 400, RequestID: " + uuid() + ", ResourceNotFoundException: The specified log group does not exist. : exit status 1"
				}
			}
		}
		for _, sec := range c.Secrets {
			from := aws.ToString(sec.ValueFrom)
			if p, ok := parseARN(from); ok && p.Service == "secretsmanager" {
				continue
			}
			if t.r.SSM.Params[t.paramName(from)] == nil {
				return "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: " + from
			}
		}
	}
	for _, v := range td.Volumes {
		ev := v.EfsVolumeConfiguration
		if ev == nil {
			continue
		}
		id := aws.ToString(ev.FileSystemId)
		fs := t.r.EFS.FileSystems[id]
		if fs == nil {
			return "ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: Failed to resolve \"" + id + ".efs." + t.regionName() + ".amazonaws.com\" - check that your file system ID is correct."
		}
		ok := false
		for _, mt := range t.r.EFS.MountTargets {
			if mt.FS == id && mt.AZ == i.AZ && t.reached(mt.AvailableAt) && mt.DeletedAt.IsZero() {
				ok = true
			}
		}
		if !ok {
			return "ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: Failed to resolve \"" + id + ".efs." + t.regionName() + ".amazonaws.com\" - check that your file system ID is correct, and ensure that the VPC has an EFS mount target for this file system ID."
		}
	}
	return ""
}

// placement candidates: container instances a service may use, with the
// room each has left.
type ciRoom struct {
	ci          *containerInstance
	cpu, mem    int
	ports       map[int32]bool
	mine, total int
}

func (t *tx) rooms(s *ecsService, d *ecsDeployment) []*ciRoom {
	cps := map[string]bool{}
	for _, it := range d.Strategy {
		cps[aws.ToString(it.CapacityProvider)] = true
	}
	var out []*ciRoom
	for _, k := range sortedKeys(t.r.ECS.ContainerInstances) {
		ci := t.r.ECS.ContainerInstances[k]
		if ci.Cluster != s.Cluster || ci.Status != "ACTIVE" {
			continue
		}
		if len(cps) > 0 && !cps[ci.CP] {
			continue
		}
		i := t.r.EC2.Instances[ci.Instance]
		if i == nil || i.State != "running" {
			continue
		}
		r := &ciRoom{ci: ci, cpu: ci.CPU, mem: ci.Mem, ports: map[int32]bool{22: true, 2375: true, 2376: true, 51678: true, 51679: true}}
		for _, tk := range t.r.ECS.Tasks {
			if tk.CI != ci.ARN || tk.LastStatus == "STOPPED" {
				continue
			}
			r.cpu -= tk.CPU
			r.mem -= tk.Mem
			r.total++
			if tk.Service == s.Name && tk.Cluster == s.Cluster {
				r.mine++
			}
			for _, p := range tk.Ports {
				r.ports[p.HostPort] = true
			}
		}
		out = append(out, r)
	}
	return out
}

// place picks a container instance for one task of td, or explains why
// none fits.
func (t *tx) place(s *ecsService, d *ecsDeployment, td *taskDef) (*ciRoom, string) {
	rooms := t.rooms(s, d)
	if len(rooms) == 0 {
		return nil, "No Container Instances were found in your cluster."
	}
	cpu, mem := td.size()
	var fit []*ciRoom
	reason := ""
	for _, r := range rooms {
		switch {
		case r.mem < mem:
			reason = fmt.Sprintf("The closest matching (container-instance %s) has insufficient memory available.", r.ci.ID)
		case r.cpu < cpu:
			reason = fmt.Sprintf("The closest matching (container-instance %s) has insufficient CPU units available.", r.ci.ID)
		case !r.fixedPortsFree(td):
			reason = fmt.Sprintf("The closest matching (container-instance %s) is already using a port required by your task.", r.ci.ID)
		default:
			fit = append(fit, r)
		}
	}
	if len(fit) == 0 {
		return nil, reason
	}
	byAZ := map[string]int{}
	for _, r := range rooms {
		byAZ[r.ci.AZ] += r.mine
	}
	binpack := len(s.Placement) > 0 && s.Placement[0].Type == ecstypes.PlacementStrategyTypeBinpack
	sort.SliceStable(fit, func(a, b int) bool {
		x, y := fit[a], fit[b]
		if binpack {
			if x.mem != y.mem {
				return x.mem < y.mem
			}
			return x.ci.ARN < y.ci.ARN
		}
		if byAZ[x.ci.AZ] != byAZ[y.ci.AZ] {
			return byAZ[x.ci.AZ] < byAZ[y.ci.AZ]
		}
		if x.mine != y.mine {
			return x.mine < y.mine
		}
		return x.ci.Registered.Before(y.ci.Registered) || x.ci.Registered.Equal(y.ci.Registered) && x.ci.ARN < y.ci.ARN
	})
	return fit[0], ""
}

func (r *ciRoom) fixedPortsFree(td *taskDef) bool {
	for _, c := range td.Containers {
		for _, pm := range c.PortMappings {
			if hp := aws.ToInt32(pm.HostPort); hp != 0 && r.ports[hp] {
				return false
			}
		}
	}
	return true
}

// startTask places a new task of deployment d on room r at time at.
func (t *tx) startTask(s *ecsService, d *ecsDeployment, td *taskDef, r *ciRoom, at time.Time) *ecsTask {
	id := hexID(32)
	i := t.r.EC2.Instances[r.ci.Instance]
	cpu, mem := td.size()
	tk := &ecsTask{Meta: Meta{ID: id, ARN: t.arn("ecs", "task/"+s.Cluster+"/"+id), Created: at},
		Cluster: s.Cluster, TaskDef: td.ARN, Service: s.Name, StartedBy: d.ID, CI: r.ci.ARN, Instance: r.ci.Instance, AZ: r.ci.AZ,
		CP: r.ci.CP, CPU: cpu, Mem: mem, LastStatus: "PROVISIONING", Desired: "RUNNING",
		PendingAt: at.Add(t.dur(paceTaskPending)), RunningAt: at.Add(t.dur(paceTaskRunning)), Version: 1}
	if s.Propagate == "SERVICE" && len(s.Tags) > 0 {
		tk.Tags = copyMap(s.Tags)
	} else if s.Propagate == "TASK_DEFINITION" && len(td.Tags) > 0 {
		tk.Tags = copyMap(td.Tags)
	}
	if s.ManagedTags {
		if tk.Tags == nil {
			tk.Tags = map[string]string{}
		}
		tk.Tags["aws:ecs:clusterName"] = s.Cluster
		tk.Tags["aws:ecs:serviceName"] = s.Name
	}
	next := int32(32768)
	for _, c := range td.Containers {
		tk.Containers = append(tk.Containers, taskCont{Name: aws.ToString(c.Name), Image: aws.ToString(c.Image), ID: uuid()})
		for _, pm := range c.PortMappings {
			hp := aws.ToInt32(pm.HostPort)
			if td.NetworkMode == "host" {
				hp = aws.ToInt32(pm.ContainerPort)
			}
			if hp == 0 {
				for r.ports[next] {
					next++
				}
				hp = next
			}
			r.ports[hp] = true
			tk.Ports = append(tk.Ports, taskPort{Container: aws.ToString(c.Name), ContainerPort: aws.ToInt32(pm.ContainerPort), HostPort: hp, Protocol: string(pm.Protocol)})
		}
	}
	r.cpu -= cpu
	r.mem -= mem
	r.mine++
	r.total++
	if why := t.startFailure(td, i); why != "" {
		tk.FailReason, tk.FailAt = why, at.Add(t.dur(paceTaskFail))
	}
	t.r.ECS.Tasks[tk.ARN] = tk
	return tk
}

func (t *tx) serviceTasks(s *ecsService) []*ecsTask {
	var out []*ecsTask
	for _, k := range sortedKeys(t.r.ECS.Tasks) {
		tk := t.r.ECS.Tasks[k]
		if tk.Cluster == s.Cluster && tk.Service == s.Name && tk.Desired == "RUNNING" {
			out = append(out, tk)
		}
	}
	return out
}

// taskHealthy: RUNNING and healthy in every target group of the service.
func (t *tx) taskHealthy(s *ecsService, tk *ecsTask) bool {
	if tk.LastStatus != "RUNNING" {
		return false
	}
	for _, x := range tk.Targets {
		if !t.healthyTarget(x.TG, tk.Instance, x.Port, tk.ARN) {
			return false
		}
	}
	return true
}

// healthyAt is when a task turned healthy (for ordering events).
func (t *tx) healthyAt(s *ecsService, tk *ecsTask) time.Time {
	at := tk.RunningAt
	for _, x := range tk.Targets {
		tg := t.r.ELB.TargetGroups[x.TG]
		if tg == nil {
			continue
		}
		var active time.Time
		for _, a := range t.tgLBs(tg) {
			if lb := t.r.ELB.LoadBalancers[a]; lb != nil && (active.IsZero() || lb.ActiveAt.Before(active)) {
				active = lb.ActiveAt
			}
		}
		at = latest(at, latest(tk.RunningAt, active).Add(t.dur(time.Duration(tg.HCInterval*tg.Healthy)*time.Second)))
	}
	return at
}

func (t *tx) advanceService(s *ecsService) {
	if s.Status == "INACTIVE" {
		return
	}
	c := t.r.ECS.Clusters[s.Cluster]
	p := s.primary()
	tasks := t.serviceTasks(s)
	if s.Status == "DRAINING" {
		last := s.ChangedAt
		for _, tk := range tasks {
			t.stopTask(tk, s.ChangedAt, "ServiceSchedulerInitiated", "Scaling activity initiated by (deployment "+tk.StartedBy+")")
			t.touch()
		}
		for _, tk := range t.r.ECS.Tasks {
			if tk.Cluster == s.Cluster && tk.Service == s.Name {
				if tk.LastStatus != "STOPPED" {
					return
				}
				last = latest(last, tk.StoppedAt)
			}
		}
		if t.reached(last.Add(t.dur(paceServiceDrain))) {
			s.Status, s.InactiveAt, s.Deployments = "INACTIVE", t.now, nil
			t.touch()
		}
		return
	}
	if p == nil || c == nil {
		return
	}
	td := t.taskDefByKey(p.TaskDef)
	var fresh, old []*ecsTask
	for _, tk := range tasks {
		if tk.StartedBy == p.ID {
			fresh = append(fresh, tk)
		} else {
			old = append(old, tk)
		}
	}
	D := int(s.Desired)
	maxTotal := int(math.Floor(float64(D) * float64(s.MaxPercent) / 100))
	if maxTotal < D {
		maxTotal = D
	}
	minHealthy := int(math.Ceil(float64(D) * float64(s.MinHealthy) / 100))

	// Circuit breaker.
	if s.Breaker && p.Rollout == "IN_PROGRESS" {
		threshold := int32(math.Min(math.Max(3, math.Ceil(float64(D)/2)), 200))
		if p.Failed >= threshold {
			p.Rollout, p.Updated = "FAILED", t.now
			p.Reason = "ECS deployment circuit breaker: tasks failed to start."
			s.event(p.LastFail, fmt.Sprintf("(service %s) (deployment %s) deployment failed: tasks failed to start.", s.Name, p.ID))
			t.touch()
			if s.Rollback {
				var prev *ecsDeployment
				for _, d := range s.Deployments[1:] {
					if d.Rollout == "COMPLETED" || d.Status == "ACTIVE" && d.TaskDef != p.TaskDef {
						prev = d
						break
					}
				}
				if prev != nil {
					nd := &ecsDeployment{ID: deploymentID(), Status: "PRIMARY", TaskDef: prev.TaskDef, Strategy: clone(p.Strategy), LaunchType: p.LaunchType,
						Created: t.now, Updated: t.now, Rollout: "IN_PROGRESS"}
					nd.Reason = "ECS deployment circuit breaker: rolling back to deploymentId " + prev.ID + "."
					p.Status = "ACTIVE"
					s.Deployments = append([]*ecsDeployment{nd}, s.Deployments...)
					s.TaskDef, s.ChangedAt = prev.TaskDef, t.now
					s.event(t.now, fmt.Sprintf("(service %s) rolling back to deployment %s.", s.Name, prev.ID))
				}
			}
			return
		}
	}

	// Scale in the primary deployment beyond desired.
	for len(fresh) > D {
		victim := fresh[len(fresh)-1]
		t.stopTask(victim, latest(s.ChangedAt, victim.Created), "ServiceSchedulerInitiated", "Scaling activity initiated by (deployment "+p.ID+")")
		fresh = fresh[:len(fresh)-1]
		s.event(t.now, fmt.Sprintf("(service %s) has stopped 1 running tasks: (task %s).", s.Name, victim.ID))
		t.touch()
	}

	// Replace tasks the load balancer found unhealthy (only a data plane
	// sees health for real; the clock model never fails a check).
	if t.dataPlane() {
		fresh = t.stopUnhealthy(s, p, fresh)
		old = t.stopUnhealthy(s, p, old)
	}

	// Start new tasks.
	// ECS throttles launches of tasks that keep failing: here, at most one
	// doomed task per call.
	canStart := td != nil && td.Status != "DELETE_IN_PROGRESS" && p.Rollout != "FAILED" && !p.FailTry.Equal(t.now)
	var started []string
	for canStart && len(fresh) < D && len(fresh)+len(old) < maxTotal {
		r, why := t.place(s, p, td)
		if r == nil {
			msg := fmt.Sprintf("(service %s) was unable to place a task because no container instance met all of its requirements. Reason: %s", s.Name, why)
			if s.LastPlaceErr != msg {
				s.LastPlaceErr = msg
				s.event(t.now, msg)
				t.touch()
			}
			t.managedScaleOut(s, p)
			break
		}
		at := latest(p.Created, s.ChangedAt, r.ci.Registered)
		for _, tk := range old {
			if !tk.StopAsked.IsZero() {
				at = latest(at, tk.StopAsked)
			}
		}
		if at.After(t.now) {
			at = t.now
		}
		tk := t.startTask(s, p, td, r, at)
		s.LastPlaceErr = ""
		fresh = append(fresh, tk)
		started = append(started, tk.ID)
		t.touch()
		if tk.FailReason != "" {
			p.FailTry = t.now
			break
		}
	}
	if len(started) > 0 {
		s.event(t.now, fmt.Sprintf("(service %s) has started %d tasks: %s.", s.Name, len(started), taskList(started)))
	}

	// Stop old tasks while enough healthy ones remain.
	healthy := 0
	for _, tk := range append(append([]*ecsTask{}, fresh...), old...) {
		if t.taskHealthy(s, tk) {
			healthy++
		}
	}
	sort.SliceStable(old, func(a, b int) bool { return !t.taskHealthy(s, old[a]) && t.taskHealthy(s, old[b]) })
	var stopped []string
	for _, tk := range old {
		h := t.taskHealthy(s, tk)
		if h && healthy-1 < minHealthy && D > 0 {
			break
		}
		at := t.now
		for _, f := range fresh {
			if t.taskHealthy(s, f) {
				at = latest(p.Created, t.healthyAt(s, f))
				break
			}
		}
		if at.After(t.now) || D == 0 {
			at = latest(s.ChangedAt, p.Created)
		}
		t.stopTask(tk, at, "ServiceSchedulerInitiated", "Scaling activity initiated by (deployment "+p.ID+")")
		if h {
			healthy--
		}
		stopped = append(stopped, tk.ID)
		t.touch()
	}
	if len(stopped) > 0 {
		s.event(t.now, fmt.Sprintf("(service %s) has stopped %d running tasks: %s.", s.Name, len(stopped), taskList(stopped)))
	}

	// Retire old deployments without tasks; complete the primary.
	remaining := map[string]bool{}
	for _, tk := range t.r.ECS.Tasks {
		if tk.Cluster == s.Cluster && tk.Service == s.Name && tk.LastStatus != "STOPPED" {
			remaining[tk.StartedBy] = true
		}
	}
	kept := s.Deployments[:1]
	for _, d := range s.Deployments[1:] {
		if remaining[d.ID] {
			kept = append(kept, d)
		} else {
			t.touch()
		}
	}
	s.Deployments = kept
	if p.Rollout == "IN_PROGRESS" && len(s.Deployments) == 1 && len(fresh) == D {
		all := true
		var at time.Time
		for _, tk := range fresh {
			if !t.taskHealthy(s, tk) {
				all = false
				break
			}
			at = latest(at, t.healthyAt(s, tk))
		}
		if all {
			at = latest(at, p.Created)
			if at.After(t.now) {
				at = t.now
			}
			p.Rollout, p.Updated = "COMPLETED", at
			p.Reason = "ECS deployment " + p.ID + " completed."
			s.event(at, fmt.Sprintf("(service %s) (deployment %s) deployment completed.", s.Name, p.ID))
			s.event(at, fmt.Sprintf("(service %s) has reached a steady state.", s.Name))
			t.touch()
		}
	}
}

func taskList(ids []string) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString("(task " + id + ")")
	}
	return b.String()
}

// managedScaleOut raises the group of a capacity provider with managed
// scaling when a task found no room.
func (t *tx) managedScaleOut(s *ecsService, d *ecsDeployment) {
	for _, it := range d.Strategy {
		cp := t.r.ECS.CapacityProviders[aws.ToString(it.CapacityProvider)]
		if cp == nil || cp.Scaling.Status != ecstypes.ManagedScalingStatusEnabled {
			continue
		}
		g := t.asgByRef(cp.ASGARN)
		if g == nil || g.Deleting || g.Desired >= g.Max {
			continue
		}
		// Only when every instance of the group is already in service (the
		// provider waits for launches in flight).
		pending := false
		for _, m := range g.Members {
			if i := t.r.EC2.Instances[m.ID]; i != nil && i.State == "pending" {
				pending = true
			}
		}
		registered := 0
		for _, ci := range t.r.ECS.ContainerInstances {
			if ci.CP == cp.Name && ci.Status == "ACTIVE" {
				registered++
			}
		}
		if pending || registered < int(g.Desired) {
			continue
		}
		g.Desired++
		g.ChangedAt = t.now
		g.activity(t.now, "Successful", "Setting desired capacity", fmt.Sprintf("At %s a monitor alarm TargetTracking-%s-AlarmHigh in state ALARM triggered policy ECSManagedAutoScalingPolicy changing the desired capacity from %d to %d.", t.now.UTC().Format(time.RFC3339), cp.Name, g.Desired-1, g.Desired), "")
		t.touch()
	}
}

func (t *tx) purgeECS() {
	// Stopped tasks stay describable for an hour, at most 100 per service.
	perService := map[string][]*ecsTask{}
	for _, k := range sortedKeys(t.r.ECS.Tasks) {
		tk := t.r.ECS.Tasks[k]
		if tk.LastStatus != "STOPPED" {
			continue
		}
		if t.now.Sub(tk.StoppedAt) > paceStoppedVisible {
			delete(t.r.ECS.Tasks, k)
			t.touch()
			continue
		}
		perService[tk.Cluster+"/"+tk.Service] = append(perService[tk.Cluster+"/"+tk.Service], tk)
	}
	for _, k := range sortedKeys(perService) {
		ts := perService[k]
		if len(ts) <= 100 {
			continue
		}
		sort.Slice(ts, func(i, j int) bool { return ts[i].StoppedAt.Before(ts[j].StoppedAt) })
		for _, tk := range ts[:len(ts)-100] {
			delete(t.r.ECS.Tasks, tk.ARN)
		}
		t.touch()
	}
	for _, k := range sortedKeys(t.r.ECS.ContainerInstances) {
		ci := t.r.ECS.ContainerInstances[k]
		if ci.Status == "INACTIVE" && t.now.Sub(ci.GoneAt) > paceStoppedVisible {
			delete(t.r.ECS.ContainerInstances, k)
			t.touch()
		}
	}
	for _, k := range sortedKeys(t.r.ECS.Services) {
		s := t.r.ECS.Services[k]
		if s.Status == "INACTIVE" && t.now.Sub(s.InactiveAt) > paceStoppedVisible {
			delete(t.r.ECS.Services, k)
			t.touch()
		}
	}
	for _, k := range sortedKeys(t.r.ECS.CapacityProviders) {
		cp := t.r.ECS.CapacityProviders[k]
		if cp.UpdateStatus == "DELETE_IN_PROGRESS" && t.reached(cp.DeletedAt.Add(t.dur(paceCPDelete))) {
			cp.UpdateStatus = "DELETE_COMPLETE"
			t.touch()
		}
		if cp.Status == "INACTIVE" && t.now.Sub(cp.DeletedAt) > paceStoppedVisible {
			delete(t.r.ECS.CapacityProviders, k)
			t.touch()
		}
	}
	// Task definitions being deleted go once nothing uses them.
	used := map[string]bool{}
	for _, s := range t.r.ECS.Services {
		for _, d := range s.Deployments {
			used[d.TaskDef] = true
		}
	}
	for _, tk := range t.r.ECS.Tasks {
		if tk.LastStatus != "STOPPED" {
			used[tk.TaskDef] = true
		}
	}
	for _, k := range sortedKeys(t.r.ECS.TaskDefs) {
		td := t.r.ECS.TaskDefs[k]
		if td.Status == "DELETE_IN_PROGRESS" && !used[td.ARN] {
			delete(t.r.ECS.TaskDefs, k)
			t.touch()
		}
	}
}
