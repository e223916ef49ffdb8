package sandbox

import (
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
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
	// Connect is its Service Connect configuration (ecs_service_connect.go).
	Connect *scConfig `json:"service_connect,omitempty"`
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
	Connect    *scConfig                               `json:"service_connect,omitempty"`
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
	// A standalone task (RunTask) has a group, what it overrode, and,
	// when its image is one the sandbox really runs, that program.
	Group     string                 `json:"group,omitempty"`
	Overrides *ecstypes.TaskOverride `json:"overrides,omitempty"`
	Program   string                 `json:"program,omitempty"`
	// Owner is the pid of the mvi process running Program: the program
	// runs inside it, and ends when it does.
	Owner int `json:"owner,omitempty"`
	// Token is RunTask's clientToken: the same token again returns the
	// tasks it started, so a retried call starts nothing twice.
	Token string `json:"client_token,omitempty"`
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
	// Exit is a program's exit code once it has ended; nil is a
	// container stopped from outside (137, SIGKILL after the grace).
	Exit *int32 `json:"exit,omitempty"`
	// Reason says why it stopped when the sandbox, not its program, ended
	// it.
	Reason string `json:"reason,omitempty"`
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
	return fromECSARN(ref, ecsTypeCluster)
}

func (t *tx) cluster(ref *string) (*ecsCluster, error) {
	c := t.r.ECS.Clusters[clusterName(aws.ToString(ref))]
	if c == nil || c.Status != "ACTIVE" || t.hidden(c.Created) {
		return nil, clusterNotFound()
	}
	return c, nil
}

func ecsKV(t ecstypes.Tag) (string, string) { return aws.ToString(t.Key), aws.ToString(t.Value) }
func ecsTag(k, v string) ecstypes.Tag       { return ecstypes.Tag{Key: aws.String(k), Value: aws.String(v)} }

// ecsTags lists a record's tags as ECS does.
func ecsTags(m map[string]string) []ecstypes.Tag { return tagList(m, ecsTag) }

func ecsTooManyTags() error { return ecsInvalid("Too many tags: the limit is 50") }

func ecsTagMap(ts []ecstypes.Tag) (map[string]string, error) {
	if len(ts) == 0 {
		return nil, nil
	}
	return checkedTagMap(ts, ecsKV, tagRules{
		reserved: func(k string) error { return ecsInvalid("Tag keys beginning with 'aws:' are reserved (%s)", k) },
		tooMany:  ecsTooManyTags(),
	})
}

// serviceByRef finds a service in a cluster by name or ARN (any status).
func (t *tx) serviceByRef(c *ecsCluster, ref string) *ecsService {
	s := t.r.ECS.Services[t.ecsServiceARN(c.Name, lastName(ref))]
	if s == nil || t.hidden(s.Created) {
		return nil
	}
	return s
}

// taskDefByRef resolves family, family:revision or an ARN.
func (t *tx) taskDefByRef(ref string) *taskDef {
	ref = taskDefKey(ref)
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
