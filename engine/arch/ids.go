package arch

import "strings"

// The AWS types the design emits, in CloudFormation's spelling: the one home
// of each type's name. The engine's registry (engine/aws) says everything
// else about a type.
const (
	TypeKey              = "AWS::KMS::Key"
	TypeAlias            = "AWS::KMS::Alias"
	TypeVPC              = "AWS::EC2::VPC"
	TypeInternetGateway  = "AWS::EC2::InternetGateway"
	TypeSubnet           = "AWS::EC2::Subnet"
	TypeRouteTable       = "AWS::EC2::RouteTable"
	TypeSecurityGroup    = "AWS::EC2::SecurityGroup"
	TypeLaunchTemplate   = "AWS::EC2::LaunchTemplate"
	TypeLogGroup         = "AWS::Logs::LogGroup"
	TypeRepository       = "AWS::ECR::Repository"
	TypeTable            = "AWS::DynamoDB::Table"
	TypeBucket           = "AWS::S3::Bucket"
	TypeFileSystem       = "AWS::EFS::FileSystem"
	TypeMountTarget      = "AWS::EFS::MountTarget"
	TypeDBSubnetGroup    = "AWS::RDS::DBSubnetGroup"
	TypeCacheSubnetGroup = "AWS::ElastiCache::SubnetGroup"
	TypeReplicationGroup = "AWS::ElastiCache::ReplicationGroup"
	TypeDBInstance       = "AWS::RDS::DBInstance"
	TypeParameter        = "AWS::SSM::Parameter"
	TypeRole             = "AWS::IAM::Role"
	TypeInstanceProfile  = "AWS::IAM::InstanceProfile"
	TypeAutoScalingGroup = "AWS::AutoScaling::AutoScalingGroup"
	TypeCluster          = "AWS::ECS::Cluster"
	TypeCapacityProvider = "AWS::ECS::CapacityProvider"
	TypeClusterCapacity  = "AWS::ECS::ClusterCapacityProviderAssociations"
	TypeTaskDefinition   = "AWS::ECS::TaskDefinition"
	TypeService          = "AWS::ECS::Service"
	TypeLoadBalancer     = "AWS::ElasticLoadBalancingV2::LoadBalancer"
	TypeTargetGroup      = "AWS::ElasticLoadBalancingV2::TargetGroup"
	TypeListener         = "AWS::ElasticLoadBalancingV2::Listener"
	TypeListenerRule     = "AWS::ElasticLoadBalancingV2::ListenerRule"
	TypeAlarm            = "AWS::CloudWatch::Alarm"
	TypeDashboard        = "AWS::CloudWatch::Dashboard"
	TypeHealthCheck      = "AWS::Route53::HealthCheck"
	TypeTopic            = "AWS::SNS::Topic"
	TypeNamespace        = "AWS::ServiceDiscovery::HttpNamespace"
)

// The logical ids of resources an app has at most one of. They become the
// mvi:id tag, so changing one renames a live resource: never do it lightly.
const (
	IDKey              = "key"
	IDKeyAlias         = "key-alias"
	IDVPC              = "vpc"
	IDInternetGateway  = "igw"
	IDPublicRoutes     = "route-table/public"
	IDLBGroup          = "sg/lb"
	IDAppGroup         = "sg/app"
	IDDBGroup          = "sg/db"
	IDFSGroup          = "sg/fs"
	IDLogGroup         = "log-group"
	IDRepository       = "repository"
	IDTable            = "table"
	IDBucket           = "bucket"
	IDFileSystem       = "fs"
	IDDBSubnets        = "db-subnets"
	IDDBPassword       = "db-password"
	IDDatabase         = "database"
	IDCacheGroup       = "sg/cache"
	IDCacheSubnets     = "cache-subnets"
	IDCacheToken       = "cache-token"
	IDCache            = "cache"
	IDKVURL            = "kv-url"
	IDInstanceRole     = "role/instance"
	IDExecutionRole    = "role/execution"
	IDTaskRole         = "role/task"
	IDInstanceProfile  = "instance-profile"
	IDCluster          = "cluster"
	IDLaunchTemplate   = "launch-template"
	IDAutoScalingGroup = "asg"
	IDCapacityProvider = "capacity-provider"
	IDClusterCapacity  = "cluster-capacity"
	IDLoadBalancer     = "lb"
	IDCPUAlarm         = "alarm/cpu"
	IDDashboard        = "dashboard"
	IDSmokeCheck       = "smoke-check"
	IDSmokeAlarm       = "alarm/smoke"
	IDTopic            = "topic"
	IDNamespace        = "namespace"
)

// Prefixes of the ids made per process or per zone.
const (
	serviceIDPrefix        = "service/"
	taskDefinitionIDPrefix = "task-definition/"
	targetGroupIDPrefix    = "target-group/"
	listenerIDPrefix       = "listener/"
	listenerRuleIDPrefix   = "listener-rule/"
	subnetIDPrefix         = "subnet/"
	mountIDPrefix          = "fs-mount/"
	alarm5xxIDPrefix       = "alarm/5xx-"
	alarmUnhealthyIDPrefix = "alarm/unhealthy-"
)

// TopicID is the alarm topic kept in another region than the app's.
func TopicID(region string) string { return IDTopic + "/" + region }

// ServiceID is the ECS service that keeps a process's containers running.
func ServiceID(process string) string { return serviceIDPrefix + process }

// TaskDefinitionID is how one container of a process is started.
func TaskDefinitionID(process string) string { return taskDefinitionIDPrefix + process }

// TargetGroupID is the set of a process's containers the load balancer sends to.
func TargetGroupID(process string) string { return targetGroupIDPrefix + process }

// ListenerID is the load balancer port that forwards to a process.
func ListenerID(process string) string { return listenerIDPrefix + process }

// ListenerRuleID is the rule on the app's listener that sends a routed
// process its requests (by path or host).
func ListenerRuleID(process string) string { return listenerRuleIDPrefix + process }

// SubnetID names a subnet by its tier and zone letter: "public-a".
func SubnetID(tierZone string) string { return subnetIDPrefix + tierZone }

// MountTargetID is the file system's door in one zone ("a", "b").
func MountTargetID(zone string) string { return mountIDPrefix + zone }

// Alarm5xxID turns red on a process's server errors.
func Alarm5xxID(process string) string { return alarm5xxIDPrefix + process }

// AlarmUnhealthyID turns red on a process's failing health checks.
func AlarmUnhealthyID(process string) string { return alarmUnhealthyIDPrefix + process }

// ProcessOfAlarm reads back the process an alarm watches, if it watches
// one (the CPU alarm watches the cluster).
func ProcessOfAlarm(id string) (string, bool) {
	if p, ok := strings.CutPrefix(id, alarm5xxIDPrefix); ok {
		return p, true
	}
	return strings.CutPrefix(id, alarmUnhealthyIDPrefix)
}

// ProcessOfService reads the process back from a service's id.
func ProcessOfService(id string) (string, bool) { return strings.CutPrefix(id, serviceIDPrefix) }

// ProcessOfTaskDefinition reads the process back from a task definition's id.
func ProcessOfTaskDefinition(id string) (string, bool) {
	return strings.CutPrefix(id, taskDefinitionIDPrefix)
}

// LogGroupName is the CloudWatch log group every container of an app logs
// to; each process's streams start with the process name.
func LogGroupName(app string) string { return "/mvi/" + app }

// IDDatabaseURL is the parameter holding DATABASE_URL, password and all.
const IDDatabaseURL = "database-url"

// DatabaseURLName is the SSM name of the DATABASE_URL parameter.
func DatabaseURLName(app string) string { return "/mvi/" + app + "/database-url" }

// EnvParametersPath is where composed variables holding a secret live:
// <path><process>/<variable>.
func EnvParametersPath(app string) string { return "/mvi/" + app + "/env/" }

// EnvParameterID holds one process's variable whose value has a secret in
// it.
func EnvParameterID(process, name string) string { return "env/" + process + "/" + name }

// SecretsPath is where the secrets a person sets live in SSM: under the
// app's own path, which the task execution role may read.
func SecretsPath(app string) string { return "/mvi/" + app + "/secrets/" }

// BuildsPath is where a build on the app's cluster keeps its registry
// credentials while it runs (engine/release ClusterBuilder): under the
// app's path, which the task execution role may read.
func BuildsPath(app string) string { return "/mvi/" + app + "/build/" }

// SecretPath is one secret's SSM parameter name.
func SecretPath(app, name string) string { return SecretsPath(app) + name }

// idServices are the fixed ids whose type serves more than one service:
// an IAM role is the VMs' (role/instance) or the containers'
// (role/execution, role/task), and Inspect must group it where the
// design draws it.
var idServices = map[string]Service{IDInstanceRole: VM, IDCacheToken: KV, IDKVURL: KV}

// ServiceOfID is the service a fixed id belongs to when its type alone
// can't say; ok is false for every other id.
func ServiceOfID(id string) (s Service, ok bool) {
	s, ok = idServices[id]
	return s, ok
}
