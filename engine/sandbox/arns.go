package sandbox

import (
	"fmt"
	"strings"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// ARNs: one function per kind of resource, the only place the sandbox
// spells an ARN or reads a name back out of one. A resource is its type
// word and the names under it joined by "/" (resourcePath), or by ":" for
// the services that spell it so (logs, RDS, CloudWatch alarms).

// arn builds arn:aws:<service>:<region>:<account>:<resource>.
func arn(service, region, account, resource string) string {
	return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, region, account, resource)
}

// arn builds an ARN in this region and account.
func (t *tx) arn(service, resource string) string {
	return arn(service, t.r.Name, t.st.Account, resource)
}

// resourcePath joins a resource type and the names under it:
// resourcePath("service", "shop", "web") is service/shop/web.
func resourcePath(typ string, names ...string) string {
	return strings.Join(append([]string{typ}, names...), "/")
}

// resourceName is what a resource of type typ names: "shop/web" of
// service/shop/web; a resource of another type stays as it is.
func resourceName(res, typ string) string {
	name, _ := strings.CutPrefix(res, resourcePath(typ, ""))
	return name
}

// parsedARN is an ARN split into its parts.
type parsedARN struct {
	Partition, Service, Region, Account, Resource string
}

func parseARN(s string) (parsedARN, bool) {
	p := strings.SplitN(s, ":", 6)
	if len(p) != 6 || p[0] != "arn" {
		return parsedARN{}, false
	}
	return parsedARN{p[1], p[2], p[3], p[4], p[5]}, true
}

// is reports whether the ARN's resource is of type typ (typ/…).
func (a parsedARN) is(typ string) bool { return strings.HasPrefix(a.Resource, resourcePath(typ, "")) }

// name is what the ARN's resource of type typ names (see resourceName).
func (a parsedARN) name(typ string) string { return resourceName(a.Resource, typ) }

// resourceType is the Tagging API's "service:type" for an ARN: ec2:vpc,
// logs:log-group, elasticloadbalancing:loadbalancer, s3 …
func (a parsedARN) resourceType() string {
	r := a.Resource
	if a.Service == "s3" {
		return "s3"
	}
	i := strings.IndexAny(r, "/:")
	if i < 0 {
		return a.Service
	}
	return a.Service + ":" + r[:i]
}

// lastName is the last "/" element of an ARN's resource (a service's or
// task's own name or id), or ref itself when it is no ARN.
func lastName(ref string) string {
	if a, ok := parseARN(ref); ok {
		return a.Resource[strings.LastIndex(a.Resource, "/")+1:]
	}
	return ref
}

// orARN is ref when it is an ARN, else the ARN mk makes of it (how ECS
// names what it didn't find).
func orARN(ref string, mk func(string) string) string {
	if _, ok := parseARN(ref); ok {
		return ref
	}
	return mk(ref)
}

// --- EC2 ---

// ec2ARN is an EC2 resource's ARN; its type word is EC2's resource type
// (vpc, subnet, route-table …).
func ec2ARN(region, account string, rt ec2types.ResourceType, id string) string {
	return arn("ec2", region, account, resourcePath(string(rt), id))
}

func (t *tx) ec2ARN(rt ec2types.ResourceType, id string) string {
	return ec2ARN(t.regionName(), t.account(), rt, id)
}

// --- ECS ---

// ECS's resource types, as its ARNs spell them.
const (
	ecsTypeCluster           = "cluster"
	ecsTypeService           = "service"
	ecsTypeTask              = "task"
	ecsTypeTaskDef           = "task-definition"
	ecsTypeCapacityProvider  = "capacity-provider"
	ecsTypeContainerInstance = "container-instance"
	ecsTypeContainer         = "container"
)

func (t *tx) ecsARN(typ string, names ...string) string {
	return t.arn("ecs", resourcePath(typ, names...))
}

func (t *tx) clusterARN(name string) string { return t.ecsARN(ecsTypeCluster, name) }

func (t *tx) ecsServiceARN(cluster, name string) string {
	return t.ecsARN(ecsTypeService, cluster, name)
}

func (t *tx) ecsTaskARN(cluster, id string) string { return t.ecsARN(ecsTypeTask, cluster, id) }

// taskDefARN is the ARN of a task definition by its key, family:revision.
func (t *tx) taskDefARN(key string) string { return t.ecsARN(ecsTypeTaskDef, key) }

func (t *tx) capacityProviderARN(name string) string { return t.ecsARN(ecsTypeCapacityProvider, name) }

func (t *tx) containerInstanceARN(cluster, id string) string {
	return t.ecsARN(ecsTypeContainerInstance, cluster, id)
}

func (t *tx) containerARN(cluster, task, id string) string {
	return t.ecsARN(ecsTypeContainer, cluster, task, id)
}

// fromECSARN is the name in ref of ECS type typ when ref is an ARN, else
// ref as it is (a cluster's or capacity provider's name, a task
// definition's family:revision).
func fromECSARN(ref, typ string) string {
	if a, ok := parseARN(ref); ok {
		return a.name(typ)
	}
	return ref
}

// taskDefKey is a task definition's key (family:revision) in an ARN, or
// ref itself when it is no ARN.
func taskDefKey(ref string) string { return fromECSARN(ref, ecsTypeTaskDef) }

// taskDefOfFamily reports whether a task definition ARN is of family.
func taskDefOfFamily(tdARN, family string) bool {
	return strings.Contains(tdARN, ":"+resourcePath(ecsTypeTaskDef, family)+":")
}

// --- Elastic Load Balancing ---

const (
	elbTypeLoadBalancer = "loadbalancer"
	elbTypeTargetGroup  = "targetgroup"
	elbTypeListener     = "listener"
)

func (t *tx) loadBalancerARN(name, id string) string {
	return t.arn("elasticloadbalancing", resourcePath(elbTypeLoadBalancer, "app", name, id))
}

func (t *tx) targetGroupARN(name, id string) string {
	return t.arn("elasticloadbalancing", resourcePath(elbTypeTargetGroup, name, id))
}

// listenerARN is the ARN of a listener of a load balancer (by its ARN).
func (t *tx) listenerARN(lbARN, id string) string {
	return t.arn("elasticloadbalancing", resourcePath(elbTypeListener, lbPath(lbARN), id))
}

// lbPath is what a load balancer's ARN names, app/name/id: CloudWatch's
// LoadBalancer dimension, and the middle of its listeners' ARNs.
func lbPath(lbARN string) string {
	if i := strings.Index(lbARN, ":"+resourcePath(elbTypeLoadBalancer, "")); i >= 0 {
		return lbARN[i+len(":"+resourcePath(elbTypeLoadBalancer, "")):]
	}
	return lbARN
}

// isELBARN reports whether s looks like an ELB ARN of type typ.
func isELBARN(s, typ string) bool { return strings.Contains(s, ":"+resourcePath(typ, "")) }

// --- the others, by service ---

func (t *tx) repositoryARN(name string) string { return t.arn("ecr", resourcePath("repository", name)) }

// repositoryName is the repository an ECR ARN names.
func repositoryName(a parsedARN) string { return a.Resource[len(resourcePath("repository", "")):] }

const (
	dynamoTypeTable   = "table"
	efsTypeFileSystem = "file-system"
	kmsTypeKey        = "key"
	kmsTypeAlias      = "alias"
)

func (t *tx) tableARN(name string) string {
	return t.arn("dynamodb", resourcePath(dynamoTypeTable, name))
}

func (t *tx) fileSystemARN(id string) string {
	return t.arn("elasticfilesystem", resourcePath(efsTypeFileSystem, id))
}

func (t *tx) kmsKeyARN(id string) string { return t.arn("kms", kmsKeyPath(id)) }

// kmsKeyPath is a key's resource, key/<id>.
func kmsKeyPath(id string) string { return resourcePath(kmsTypeKey, id) }

// kmsAliasARN is the ARN of an alias by its name (alias/…).
func (t *tx) kmsAliasARN(name string) string { return t.arn("kms", name) }

// isAlias reports whether a KMS key reference names an alias (alias/… or
// its ARN).
func isAlias(ref string) bool {
	return strings.HasPrefix(ref, resourcePath(kmsTypeAlias, "")) || strings.Contains(ref, ":"+resourcePath(kmsTypeAlias, ""))
}

func (t *tx) logGroupARN(name string) string { return t.arn("logs", "log-group:"+name) }

func (t *tx) alarmARN(name string) string { return t.arn("cloudwatch", "alarm:"+name) }

// dashboardARN: dashboards are global, so their ARNs name no region.
func dashboardARN(t *tx, name string) string {
	return arn("cloudwatch", "", t.account(), resourcePath("dashboard", name))
}

func (t *tx) asgARN(name string) string {
	return t.arn("autoscaling", "autoScalingGroup:"+uuid()+":"+resourcePath("autoScalingGroupName", name))
}

// RDS's resource types: db:<id>, subgrp:<name>.
const (
	rdsTypeDB          = "db"
	rdsTypeSubnetGroup = "subgrp"
)

func (t *tx) rdsARN(typ, name string) string { return t.arn("rds", typ+":"+name) }

func (t *tx) secretARN(name string) string { return t.arn("secretsmanager", "secret:"+name) }

// paramARN is an SSM parameter's ARN: a name with a leading slash is
// already a path under parameter.
func paramARN(t *tx, name string) string {
	if strings.HasPrefix(name, "/") {
		return t.arn("ssm", "parameter"+name)
	}
	return t.arn("ssm", resourcePath("parameter", name))
}

// publicParamARN is the ARN of an AWS public parameter (/aws/…), which
// names no account.
func publicParamARN(region, name string) string { return arn("ssm", region, "", "parameter"+name) }

func bucketARN(name string) string { return arn("s3", "", "", name) }

// --- IAM (global: its ARNs name no region) ---

func iamARN(account, resource string) string { return arn("iam", "", account, resource) }

// roleARN is a role's ARN; path begins and ends with "/".
func roleARN(account, path, name string) string { return iamARN(account, "role"+path+name) }

func profileARN(account, path, name string) string {
	return iamARN(account, "instance-profile"+path+name)
}

// serviceRoleARN is the ARN of a service-linked role:
// role/aws-service-role/<service>/<name>.
func serviceRoleARN(account, service, name string) string {
	return iamARN(account, resourcePath("role", "aws-service-role", service, name))
}

// rootARN is the account's root user, who made what the sandbox made.
func rootARN(account string) string { return iamARN(account, "root") }

func userARN(account, name string) string { return iamARN(account, resourcePath("user", name)) }

// awsPolicyARN is an AWS-managed policy's ARN by its path and name
// (policy/… after arn:aws:iam::aws:).
func awsPolicyARN(pathName string) string { return iamARN("aws", resourcePath("policy", pathName)) }

// awsPolicyPath is what an AWS-managed policy's ARN names after "policy":
// /path/name.
func awsPolicyPath(a string) string { return strings.TrimPrefix(a, iamARN("aws", "policy")) }

// isRoleARN reports whether s is an IAM role's ARN.
func isRoleARN(s string) bool {
	p, ok := parseARN(s)
	return ok && p.Service == "iam" && p.is("role")
}
