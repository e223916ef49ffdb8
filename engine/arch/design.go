package arch

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/minimalinfra/mvi/engine/manifest"
)

// AMIParameter is the public SSM parameter AWS keeps pointed at the current
// ECS-optimized Amazon Linux 2023 image, so VMs never run a stale AMI id.
const AMIParameter = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"

// The ports ECS hands out when containers map to dynamic host ports (bridge
// mode); the load balancer reaches containers on these.
const (
	ephemeralFrom = 32768
	ephemeralTo   = 65535
)

// design collects resources; add keeps the order the rules emit, which is
// already a dependency order.
type design struct {
	m   *manifest.Manifest
	out []Resource
	// waits are the process → process orderings Service Connect needs
	// (connect.go serverDeps).
	waits [][2]string
}

func (d *design) add(svc Service, id, typ string, p Props, reason string, deps ...string) {
	d.out = append(d.out, Resource{
		ID: id, Service: svc, Type: typ, Props: p, DependsOn: deps,
		Reason: reason, Chapter: "services/" + svc.Slug() + ".md",
	})
}

// Design applies the book's rules to a parsed manifest. The manifest must be
// valid (manifest.Parse returns only valid ones); Design still refuses what
// it cannot build rather than emitting a broken architecture.
func Design(m *manifest.Manifest) (Architecture, error) {
	if m == nil {
		return Architecture{}, fmt.Errorf("design: no manifest")
	}
	m.ApplyDefaults()
	if m.Name == "" {
		return Architecture{}, fmt.Errorf("design: the app has no name; set name = \"...\" in mvi.toml")
	}
	if len(m.Processes) == 0 {
		return Architecture{}, fmt.Errorf("design %s: no processes; add [processes.web] with an image", m.Name)
	}
	if err := checkRoutable(m); err != nil {
		return Architecture{}, err
	}
	d := &design{m: m}
	d.crypto()
	d.network()
	d.log()
	d.registry()
	d.kv()
	d.blob()
	d.fs()
	d.database()
	d.redis()
	d.vms()
	d.namespace()
	d.containers()
	d.metrics()
	d.keyReason()
	a := Architecture{App: m.Name, Region: m.Region, Resources: dependencyOrder(d.out), Placement: placement(m)}
	if err := a.Check(); err != nil {
		return Architecture{}, fmt.Errorf("design %s: %w", m.Name, err)
	}
	return a, nil
}

func (d *design) crypto() {
	d.add(Crypto, "key", TypeKey, KeyProps{Rotation: true},
		"one key of the app's own encrypts its disks, database, files, logs, objects and secrets, and rotates itself every year")
	d.add(Crypto, "key-alias", TypeAlias, AliasProps{Name: "alias/mvi/" + d.m.Name, Key: "key"},
		"a readable name for the key, so people and policies can find it", "key")
}

func (d *design) network() {
	m := d.m
	d.add(VPC, "vpc", TypeVPC, VPCProps{CIDR: vpcCIDR},
		"a private network of the app's own: nothing reaches in unless a rule lets it")
	d.add(VPC, "igw", TypeInternetGateway, InternetGatewayProps{VPC: "vpc"},
		ifPort(m, "the VPC's door to the internet, so VMs can pull images and the load balancer can answer",
			"the VPC's door to the internet, so VMs can pull images and reach AWS's services"), "vpc")
	d.add(VPC, "subnet/public-a", TypeSubnet, SubnetProps{VPC: "vpc", CIDR: "10.0.0.0/20", Zone: 0, Public: true},
		ifPort(m, "a slice of the network in the first zone, for VMs and the load balancer",
			"a slice of the network in the first zone, for the VMs"), "vpc")
	d.add(VPC, "subnet/public-b", TypeSubnet, SubnetProps{VPC: "vpc", CIDR: "10.0.16.0/20", Zone: 1, Public: true},
		"the same in a second zone: when one data center fails, the other still runs", "vpc")
	d.add(VPC, "route-table/public", TypeRouteTable,
		RouteTableProps{VPC: "vpc", InternetGateway: "igw", Subnets: []string{"subnet/public-a", "subnet/public-b"}},
		"sends traffic for the internet through the gateway from both public subnets",
		"vpc", "igw", "subnet/public-a", "subnet/public-b")
	if d.hasPrivateSubnets() {
		d.add(VPC, "subnet/private-a", TypeSubnet, SubnetProps{VPC: "vpc", CIDR: "10.0.128.0/20", Zone: 0},
			"a subnet with no route to the internet, so "+d.privateNeed()+" can't be reached from outside", "vpc")
		d.add(VPC, "subnet/private-b", TypeSubnet, SubnetProps{VPC: "vpc", CIDR: "10.0.144.0/20", Zone: 1},
			d.secondZoneReason(), "vpc")
	}
	appDeps := []string{"vpc"}
	var appIngress []Rule
	if m.DefaultProcess() != "" {
		d.add(VPC, "sg/lb", TypeSecurityGroup, SecurityGroupProps{
			VPC: "vpc", Description: "load balancer: HTTP from anywhere",
			Ingress: lbIngress(),
			// The group can't name sg/app (which names it back): the
			// VPC's range on the container ports says the same, and
			// keeps a broken-into load balancer from calling out.
			Egress: []Rule{{Protocol: "tcp", FromPort: ephemeralFrom, ToPort: ephemeralTo, CIDR: vpcCIDR, Description: "container ports, inside the VPC only"}},
		}, lbGroupReason(), "vpc")
		appIngress = []Rule{{Protocol: "tcp", FromPort: ephemeralFrom, ToPort: ephemeralTo, SourceGroup: "sg/lb",
			Description: "container ports, from the load balancer only"}}
		appDeps = append(appDeps, "sg/lb")
	}
	if hasPrivatePort(m) {
		// Containers run in bridge mode with dynamic host ports, so a
		// private process is reached on its VM's ephemeral port, not its
		// own: the rule covers that range, from the app's own VMs only.
		appIngress = append(appIngress, Rule{Protocol: "tcp", FromPort: ephemeralFrom, ToPort: ephemeralTo, SourceGroup: IDAppGroup,
			Description: "private processes, from the app's own VMs only"})
	}
	d.add(VPC, "sg/app", TypeSecurityGroup, SecurityGroupProps{
		VPC: "vpc", Description: "app VMs: container ports from the load balancer only", Ingress: appIngress,
	}, ifPort(m, "VMs accept traffic only from the load balancer, never straight from the internet",
		"VMs accept no connections at all: nothing of this app listens for requests"), appDeps...)
	if m.Database != nil {
		port := dbPort(m.Database.Engine)
		d.add(VPC, "sg/db", TypeSecurityGroup, SecurityGroupProps{
			VPC: "vpc", Description: "database: " + m.Database.Engine + " from app VMs only",
			Ingress:  []Rule{{Protocol: "tcp", FromPort: port, ToPort: port, SourceGroup: "sg/app", Description: "database port from app VMs"}},
			NoEgress: true,
		}, "only the app's containers may open connections to the database, and the database may open none", "vpc", "sg/app")
	}
	if m.FS != nil {
		d.add(VPC, "sg/fs", TypeSecurityGroup, SecurityGroupProps{
			VPC: "vpc", Description: "shared fs: NFS from app VMs only",
			Ingress:  []Rule{{Protocol: "tcp", FromPort: 2049, ToPort: 2049, SourceGroup: "sg/app", Description: "NFS from app VMs"}},
			NoEgress: true,
		}, "only the app's VMs may mount the shared file system, and it opens no connection of its own", "vpc", "sg/app")
	}
}

// vpcCIDR is the app network's range.
const vpcCIDR = "10.0.0.0/16"

func dbPort(engine string) int {
	if engine == "mysql" || engine == "mariadb" {
		return 3306
	}
	return 5432
}

func (d *design) log() {
	d.add(Log, "log-group", TypeLogGroup, LogGroupProps{
		Name: "/mvi/" + d.m.Name, RetentionDays: d.m.Log.RetentionDays, Key: "key",
	}, fmt.Sprintf("every container's output lands here, encrypted, kept %d days, so you can tail it now and search it later", d.m.Log.RetentionDays), "key")
}

func (d *design) registry() {
	if d.m.Registry == nil {
		return
	}
	var built []string
	for _, name := range d.m.ProcessNames() {
		if p := d.m.Processes[name]; p != nil && p.Build != "" {
			built = append(built, name)
		}
	}
	keep := 0
	if d.m.Release != nil {
		keep = d.m.Release.Keep
	}
	d.add(Registry, "repository", TypeRepository, RepositoryProps{
		ScanOnPush: true, ImmutableTags: true, Key: "key", Keep: keep, Processes: built, KeptTags: true,
	}, "the images mvi builds need a private home that VMs can pull from; tags never change, so a release always means the same bits, and every image a kept release runs stays", "key")
}

// releases need a record of what was built and what runs.
func (d *design) releases() bool { return d.m.HasBuild() }

// kv makes the DynamoDB table: the app's own KV, or where mvi keeps its
// build and release records. An app whose KV is Redis still gets the
// table when it builds: records must outlive any cache, survive a node
// restart and be backed up to a point in time, which a table does for
// cents and an in-memory store doesn't promise.
func (d *design) kv() {
	if (d.m.KV == nil || d.m.KV.Redis()) && !d.releases() {
		return
	}
	reason := "build and release records live here, so any release can be found and rolled back to"
	if d.m.KV.Redis() {
		reason = "build and release records live here, not in the Redis: they must survive any restart and be recoverable to a point in time, which a table does for cents"
	}
	d.add(KV, "table", TypeTable, TableProps{
		HashKey: "pk", RangeKey: "sk", OnDemand: true, PITR: true, Key: "key",
	}, reason, "key")
}

func (d *design) blob() {
	if d.m.Blob == nil && !d.releases() {
		return
	}
	d.add(Blob, "bucket", TypeBucket, BucketProps{
		Versioning: true, BlockPublic: true, TLSOnly: true, Key: "key",
	}, "build logs and artifacts are too big for the KV table, so they go to a private, encrypted bucket", "key")
}

func (d *design) fs() {
	if d.m.FS == nil {
		return
	}
	d.add(SharedFS, "fs", TypeFileSystem, FileSystemProps{Key: "key"},
		"files every container sees alike, surviving any one VM", "key")
	for _, z := range []string{"a", "b"} {
		d.add(SharedFS, MountTargetID(z), TypeMountTarget, MountTargetProps{
			FileSystem: "fs", Subnet: "subnet/public-" + z, SecurityGroup: "sg/fs",
		}, "a mount point in zone "+z+", so VMs there reach the files without crossing zones",
			"fs", "subnet/public-"+z, "sg/fs")
	}
}

func (d *design) database() {
	db := d.m.Database
	if db == nil {
		return
	}
	d.add(Database, "db-subnets", TypeDBSubnetGroup, DBSubnetGroupProps{
		Subnets: []string{"subnet/private-a", "subnet/private-b"},
	}, "tells the database service it may only live in the private subnets", "subnet/private-a", "subnet/private-b")
	d.add(Database, "db-password", TypeParameter, ParameterProps{
		Name: "/mvi/" + d.m.Name + "/db-password", Secure: true, Generated: true, Key: "key",
	}, "a generated password, encrypted with the app's key; containers get it as a secret and nobody has to see it", "key")
	d.add(Database, "database", TypeDBInstance, DBInstanceProps{
		Engine: db.Engine, Version: db.Version, Name: db.DBName, User: db.User, Class: db.Size, StorageGiB: db.Storage,
		SubnetGroup: "db-subnets", SecurityGroup: "sg/db", Key: "key", Password: "db-password", BackupDays: 7, Port: dbPort(db.Engine),
		DeletionProtection: true,
	}, "one place all containers share data, private, encrypted and backed up daily",
		"db-subnets", "sg/db", "key", "db-password")
	d.add(Database, IDDatabaseURL, TypeParameter, ParameterProps{
		Name: DatabaseURLName(d.m.Name), Secure: true, Key: IDKey, Template: Template{{Ref: DBURLRef}},
	}, "DATABASE_URL, the one setting most frameworks read: where the database is and how to log in, password included, so it is encrypted and reaches containers as a secret",
		IDKey, IDDatabase, IDDBPassword)
}

func (d *design) vms() {
	m := d.m
	d.add(VM, "role/instance", TypeRole, RoleProps{
		Principal:       "ec2.amazonaws.com",
		ManagedPolicies: []string{"service-role/AmazonEC2ContainerServiceforEC2Role"},
	}, "lets a VM join the container cluster, and nothing more")
	d.add(VM, "instance-profile", TypeInstanceProfile, InstanceProfileProps{Role: "role/instance"},
		"hands the instance role to the VMs", "role/instance")
	d.add(Container, "cluster", TypeCluster, ClusterProps{ContainerInsights: true},
		"the container service's view of the app: which VMs it may use and what runs where")
	d.add(VM, "launch-template", TypeLaunchTemplate, LaunchTemplateProps{
		InstanceType: m.VM.Type, AMIParameter: AMIParameter, IMDSv2: true, IMDSHopLimit: 1, VolumeGiB: 30, VolumeType: "gp3",
		Key: "key", InstanceProfile: "instance-profile", SecurityGroup: "sg/app", Cluster: "cluster",
	}, "the recipe for every VM: a current container-ready image, an encrypted disk, and metadata that needs a session token and answers the VM alone, not its containers",
		"instance-profile", "sg/app", "key", "cluster")
	reason := "one VM runs the containers; without a port nothing needs a second"
	if m.VM.Count > 1 {
		reason = fmt.Sprintf("%d VMs in 2 zones: when one fails, the others keep serving and a replacement is started", m.VM.Count)
	}
	d.add(VM, "asg", TypeAutoScalingGroup, AutoScalingGroupProps{
		LaunchTemplate: "launch-template", Subnets: []string{"subnet/public-a", "subnet/public-b"},
		Min: m.VM.Count, Max: m.VM.Count * 2, Desired: m.VM.Count,
	}, reason, "launch-template", "subnet/public-a", "subnet/public-b", "route-table/public")
	d.add(Container, "capacity-provider", TypeCapacityProvider, CapacityProviderProps{
		AutoScalingGroup: "asg", ManagedScaling: true,
	}, "lets the container service grow the VM group when containers need room", "asg")
	d.add(Container, "cluster-capacity", TypeClusterCapacity, ClusterCapacityProps{
		Cluster: "cluster", CapacityProvider: "capacity-provider",
	}, "puts the VM group at the cluster's disposal", "cluster", "capacity-provider")
}

func (d *design) containers() {
	m := d.m
	execDeps := []string{"key", "log-group"}
	execStmts := []Statement{
		{Actions: []string{"logs:CreateLogStream", "logs:PutLogEvents"}, Resources: []string{"{log-group}"}},
		{Actions: []string{"kms:Decrypt"}, Resources: []string{"{key}"}},
	}
	if m.Registry != nil {
		execDeps = append(execDeps, "repository")
		execStmts = append(execStmts,
			Statement{Actions: []string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"}, Resources: []string{"{repository}"}},
			// GetAuthorizationToken has no resource scope on AWS.
			Statement{Actions: []string{"ecr:GetAuthorizationToken"}, Resources: []string{"*"}})
	}
	if m.Database != nil || len(m.Secrets) > 0 || m.Registry != nil || m.KV.Redis() {
		var res []string
		if m.Database != nil {
			execDeps = append(execDeps, "db-password")
			res = append(res, "{db-password}")
		}
		if len(m.Secrets) > 0 {
			res = append(res, "arn:aws:ssm:{region}:{account}:parameter"+SecretsPath(m.Name)+"*")
		}
		// By name: naming {database-url} or {kv-url} would hold the role
		// back until the database or the Redis is made, minutes later.
		if m.Database != nil {
			res = append(res, "arn:aws:ssm:{region}:{account}:parameter"+DatabaseURLName(m.Name))
		}
		if m.KV.Redis() {
			res = append(res, "arn:aws:ssm:{region}:{account}:parameter"+KVURLName(m.Name))
		}
		// A variable composed around a password or a secret.
		res = append(res, "arn:aws:ssm:{region}:{account}:parameter"+EnvParametersPath(m.Name)+"*")
		if m.Registry != nil {
			// A build on the app's cluster gets its registry credentials
			// this way, for as long as it runs.
			res = append(res, "arn:aws:ssm:{region}:{account}:parameter"+BuildsPath(m.Name)+"*")
		}
		execStmts = append(execStmts, Statement{Actions: []string{"ssm:GetParameters"}, Resources: res})
	}
	d.add(Container, "role/execution", TypeRole, RoleProps{Principal: "ecs-tasks.amazonaws.com", Statements: execStmts},
		"lets the container service pull images, write logs and read this app's secrets, for this app only", execDeps...)

	var taskStmts []Statement
	var taskDeps []string
	if d.has("table") {
		taskDeps = append(taskDeps, "table")
		taskStmts = append(taskStmts, Statement{Actions: []string{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query"}, Resources: []string{"{table}"}})
	}
	if d.has("bucket") {
		taskDeps = append(taskDeps, "bucket")
		taskStmts = append(taskStmts, Statement{Actions: []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"}, Resources: []string{"{bucket}", "{bucket}/*"}})
	}
	if d.has("fs") {
		taskDeps = append(taskDeps, "fs")
		taskStmts = append(taskStmts, Statement{Actions: []string{"elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"}, Resources: []string{"{fs}"}})
	}
	if len(taskStmts) > 0 {
		taskStmts = append(taskStmts, Statement{Actions: []string{"kms:Decrypt", "kms:GenerateDataKey"}, Resources: []string{"{key}"}})
		taskDeps = append(taskDeps, "key")
	}
	touch := "what the app's own code may touch of AWS: nothing, as it has no table, bucket or shared files"
	if own := d.present(map[string]string{"table": "its table", "bucket": "its bucket", "fs": "its shared files"}, "table", "bucket", "fs"); own != "" {
		touch = "what the app's own code may touch: " + own + ", nothing else"
	}
	d.add(Container, "role/task", TypeRole, RoleProps{Principal: "ecs-tasks.amazonaws.com", Statements: taskStmts}, touch, taskDeps...)

	for _, name := range m.ProcessNames() {
		p := m.Processes[name]
		tdDeps := []string{"role/execution", "role/task", "log-group"}
		e := d.splitEnv(name, mergeEnv(m.Env, p.Env))
		td := TaskDefinitionProps{
			Process: name, Image: p.Image, Build: p.Build, Dockerfile: p.Dockerfile, Command: p.Command, Port: p.Port,
			CPU: p.CPU, Memory: p.Memory, Env: e.plain, Filled: e.filled, Secrets: m.Secrets,
			SecretVars: e.secrets, Params: e.params,
			LogGroup: "log-group", ExecutionRole: "role/execution", TaskRole: "role/task",
			HealthCheck: d.healthCheck(name, p),
		}
		connect := d.connectProps(name, p)
		if connect != nil {
			td.PortName = connect.PortName
		}
		for _, id := range e.deps {
			if !slices.Contains(tdDeps, id) {
				tdDeps = append(tdDeps, id)
			}
		}
		for _, id := range sortedKeys(e.params) {
			if pid := e.params[id]; !slices.Contains(tdDeps, pid) {
				tdDeps = append(tdDeps, pid)
			}
		}
		if p.Build != "" {
			td.Repository, td.Records, td.Logs = "repository", "table", "bucket"
			tdDeps = append(tdDeps, "repository", "table", "bucket")
		}
		if m.FS != nil {
			td.FileSystem, td.MountPath = "fs", m.FS.Path
			tdDeps = append(tdDeps, "fs", "fs-mount/a", "fs-mount/b")
		}
		if m.Database != nil {
			td.Database, td.DBPassword = "database", "db-password"
			tdDeps = append(tdDeps, "database", "db-password")
		}
		d.add(Container, TaskDefinitionID(name), TypeTaskDefinition, td,
			fmt.Sprintf("how to start one %s container: its image, command, size, settings and where its output goes", name), tdDeps...)

		svc := ServiceProps{
			Process: name, Cluster: "cluster", TaskDefinition: TaskDefinitionID(name), Release: Hash(td), CapacityProvider: "capacity-provider",
			Count: p.Count, MinHealthyPercent: 100, MaxPercent: 200, CircuitBreaker: true, Rollback: true,
		}
		svcDeps := []string{"cluster", "capacity-provider", "cluster-capacity", TaskDefinitionID(name)}
		reason := fmt.Sprintf("keeps %d %s container(s) running, replacing any that stop, and rolls out new releases without downtime", p.Count, name)
		if connect != nil {
			svc.Connect = connect
			svcDeps = append(append(svcDeps, IDNamespace, IDLogGroup), d.serverDeps(name)...)
		}
		if p.Port != 0 && !m.IsPublic(name) {
			reason = privateReason(name, p, td.HealthCheck)
		}
		if m.IsPublic(name) {
			d.loadBalancer(name, p)
			svc.TargetGroup, svc.Port = TargetGroupID(name), p.Port
			svcDeps = append(svcDeps, TargetGroupID(name), d.forwarder(name))
			reason = spreadReason(name, p.Count, m.VM.Count)
		}
		d.add(Container, ServiceID(name), TypeService, svc, reason, svcDeps...)
	}
}

func (d *design) loadBalancer(name string, p *manifest.Process) {
	if !d.has("lb") {
		d.add(LoadBalancer, "lb", TypeLoadBalancer, LoadBalancerProps{
			Scheme: "internet-facing", Subnets: []string{"subnet/public-a", "subnet/public-b"}, SecurityGroup: "sg/lb",
		}, d.lbReason(), "subnet/public-a", "subnet/public-b", "sg/lb", "route-table/public")
	}
	if d.has(TargetGroupID(name)) {
		return // the default process's, made first for a route's rule
	}
	def := d.m.DefaultProcess()
	if name != def {
		// A rule sits on the listener, which forwards to the default
		// process: make that first, whatever order the processes come in.
		d.loadBalancer(def, d.m.Processes[def])
	}
	d.add(LoadBalancer, TargetGroupID(name), TypeTargetGroup, TargetGroupProps{
		VPC: "vpc", Process: name, Port: p.Port, Protocol: "HTTP", HealthPath: p.Health,
		HealthInterval: 10, HealthyThreshold: 2, UnhealthyThreshold: 2, DeregistrationDelay: 30,
	}, fmt.Sprintf("the %s containers the load balancer may send to, checked on %s every 10 s so sick ones get no traffic", name, p.Health), "vpc")
	if name != def {
		d.listenerRule(name, p)
		return
	}
	// One listener on 80 for the app: the default process takes what no
	// rule matches (listenerRule adds the rules).
	d.add(LoadBalancer, ListenerID(name), TypeListener, ListenerProps{
		LoadBalancer: "lb", TargetGroup: TargetGroupID(name), Port: 80, Protocol: "HTTP",
	}, d.listenerReason(name), "lb", TargetGroupID(name))
}

func (d *design) metrics() {
	m := d.m
	d.topics()
	d.smoke()
	deps := []string{"cluster"}
	if d.has("lb") {
		deps = append(deps, "lb")
		for _, name := range m.ProcessNames() {
			if !m.IsPublic(name) {
				continue
			}
			tg := TargetGroupID(name)
			d.alarm(Alarm5xxID(name), AlarmProps{
				Namespace: "AWS/ApplicationELB", Metric: "HTTPCode_Target_5XX_Count", Statistic: "Sum",
				Threshold: float64(m.Metric.Errors5xx), Comparison: "GreaterThanThreshold", Period: 60, Evaluation: 5, Subject: tg,
			}, fmt.Sprintf("turns red when %s answers more than %d errors a minute for 5 minutes in a row", name, m.Metric.Errors5xx), tg, "lb")
			d.alarm(AlarmUnhealthyID(name), AlarmProps{
				Namespace: "AWS/ApplicationELB", Metric: "UnHealthyHostCount", Statistic: "Maximum",
				Threshold: float64(m.Metric.UnhealthyHosts), Comparison: "GreaterThanOrEqualToThreshold", Period: 60, Evaluation: 5, Subject: tg,
			}, fmt.Sprintf("turns red when %d or more %s containers fail their health check for 5 minutes", m.Metric.UnhealthyHosts, name), tg, "lb")
		}
	}
	d.alarm(IDCPUAlarm, AlarmProps{
		Namespace: "AWS/EC2", Metric: "CPUUtilization", Statistic: "Average",
		Threshold: float64(m.Metric.CPU), Comparison: "GreaterThanThreshold", Period: 300, Evaluation: 3, Subject: "asg",
	}, fmt.Sprintf("turns red when the VMs run above %d%% CPU for 15 minutes: time for more or bigger VMs", m.Metric.CPU), "asg")
	dash := DashboardProps{Cluster: "cluster"}
	if d.has("lb") {
		dash.LoadBalancer = "lb"
	}
	d.add(Metric, "dashboard", TypeDashboard, dash,
		"one page of graphs: requests, errors, latency, healthy containers and CPU", deps...)
}

func (d *design) has(id string) bool { return d.find(id) != nil }

func (d *design) find(id string) *Resource {
	for i := range d.out {
		if d.out[i].ID == id {
			return &d.out[i]
		}
	}
	return nil
}

func mergeEnv(app, proc map[string]string) map[string]string {
	if len(app)+len(proc) == 0 {
		return nil
	}
	out := make(map[string]string, len(app)+len(proc))
	for k, v := range app {
		out[k] = v
	}
	for k, v := range proc {
		out[k] = v
	}
	return out
}

// placement spreads containers over the VMs round robin, each process
// continuing where the previous one stopped, as ECS's spread strategy evens
// out tasks across zones. With web ×2 and a worker this is the book's
// picture: web 1 and worker 1 on VM 1, web 2 on VM 2.
func placement(m *manifest.Manifest) [][]Task {
	vms := make([][]Task, m.VM.Count)
	next := 0
	for _, name := range m.ProcessNames() {
		for i := 1; i <= m.Processes[name].Count; i++ {
			vms[next%len(vms)] = append(vms[next%len(vms)], Task{Process: name, N: i})
			next++
		}
	}
	for _, tasks := range vms {
		sort.SliceStable(tasks, func(i, j int) bool { return tasks[i].N < tasks[j].N })
	}
	return vms
}

// ifPort picks a reason by whether a process serves requests: the
// picture without a load balancer must not speak of one.
func ifPort(m *manifest.Manifest, withLB, without string) string {
	if m.DefaultProcess() != "" {
		return withLB
	}
	return without
}

// present lists, in order, the words of the ids the design has ("its
// table, its bucket and its shared files"), "" when none.
func (d *design) present(words map[string]string, ids ...string) string {
	var have []string
	for _, id := range ids {
		if d.has(id) {
			have = append(have, words[id])
		}
	}
	return andList(have)
}

func andList(have []string) string {
	switch len(have) {
	case 0:
		return ""
	case 1:
		return have[0]
	}
	return strings.Join(have[:len(have)-1], ", ") + " and " + have[len(have)-1]
}

// keyReason says what the key encrypts in this design: it is made first,
// before the rest is known, and its reason must not list a database or a
// bucket the app doesn't have.
func (d *design) keyReason() {
	k := d.find("key")
	if k == nil {
		return
	}
	var what []string
	for _, w := range []struct{ id, word string }{{"asg", "its VMs' disks"}, {"database", "its database"}, {"fs", "its files"},
		{"log-group", "its logs"}, {"bucket", "its objects"}, {"table", "its records"}, {IDCache, "its Redis"}} {
		if d.has(w.id) {
			what = append(what, w.word)
		}
	}
	if d.has("db-password") || d.has(IDCacheToken) || len(d.m.Secrets) > 0 {
		what = append(what, "its secrets")
	}
	k.Reason = "one key of the app's own encrypts " + andList(what) + ", and rotates itself every year"
}

// hasPrivatePort reports whether a process listens on a port the internet
// doesn't reach.
func hasPrivatePort(m *manifest.Manifest) bool {
	for name, p := range m.Processes {
		if p != nil && p.Port != 0 && !m.IsPublic(name) {
			return true
		}
	}
	return false
}
