package arch

// Props is the desired settings of one resource. Each AWS type has its own
// struct so handlers read typed fields, never a map. Fields that name other
// resources hold their logical ids.
type Props interface{ props() }

// Rule is one security group ingress rule: from a CIDR or from another
// group, never both.
type Rule struct {
	Protocol    string `json:"protocol"`
	FromPort    int    `json:"from_port"`
	ToPort      int    `json:"to_port"`
	CIDR        string `json:"cidr,omitempty"`
	SourceGroup string `json:"source_group,omitempty"`
	Description string `json:"description"`
}

// Statement is one IAM policy statement. Resources are ARN patterns where
// "{id}" placeholders name logical ids that the engine resolves to ARNs.
type Statement struct {
	Actions   []string `json:"actions"`
	Resources []string `json:"resources"`
}

type (
	VPCProps struct {
		CIDR string `json:"cidr"`
	}
	InternetGatewayProps struct {
		VPC string `json:"vpc"`
	}
	SubnetProps struct {
		VPC    string `json:"vpc"`
		CIDR   string `json:"cidr"`
		Zone   int    `json:"zone"` // index into the region's zones: 0 → a
		Public bool   `json:"public"`
	}
	// RouteTableProps include the default route and the subnet associations,
	// which have no life of their own.
	RouteTableProps struct {
		VPC             string   `json:"vpc"`
		InternetGateway string   `json:"internet_gateway,omitempty"`
		Subnets         []string `json:"subnets"`
	}
	SecurityGroupProps struct {
		VPC         string `json:"vpc"`
		Description string `json:"description"`
		Ingress     []Rule `json:"ingress"`
		// NoEgress: the group may open no connection at all. AWS gives
		// every new group an allow-all egress rule; a group that only
		// answers (the database, the file system) has it revoked, so a
		// compromised server can't call out. Others keep it: VMs pull
		// images and talk to AWS's APIs.
		NoEgress bool `json:"no_egress,omitempty"`
		// Egress, when set, are the only connections the group may open
		// (the load balancer's, into the VPC on the container ports).
		Egress []Rule `json:"egress,omitempty"`
	}
	RoleProps struct {
		Principal string `json:"principal"`
		// ManagedPolicies are AWS-managed policy names.
		ManagedPolicies []string    `json:"managed_policies,omitempty"`
		Statements      []Statement `json:"statements,omitempty"`
	}
	InstanceProfileProps struct {
		Role string `json:"role"`
	}
	LaunchTemplateProps struct {
		InstanceType string `json:"instance_type"`
		AMIParameter string `json:"ami_parameter"`
		IMDSv2       bool   `json:"imdsv2_required"`
		// IMDSHopLimit is how many network hops the instance metadata's
		// answer to a token request may travel. 1 keeps it on the VM
		// itself: a container in bridge mode sits one hop further, behind
		// docker's bridge, so it can't get a token and with it the
		// instance role's credentials (ECS's ECS_AWSVPC_BLOCK_IMDS covers
		// awsvpc mode only). The ECS agent uses the host's network.
		IMDSHopLimit    int    `json:"imds_hop_limit,omitempty"`
		VolumeGiB       int    `json:"volume_gib"`
		VolumeType      string `json:"volume_type"`
		Key             string `json:"kms_key"`
		InstanceProfile string `json:"instance_profile"`
		SecurityGroup   string `json:"security_group"`
		Cluster         string `json:"cluster"`
	}
	AutoScalingGroupProps struct {
		LaunchTemplate string   `json:"launch_template"`
		Subnets        []string `json:"subnets"`
		Min            int      `json:"min"`
		Max            int      `json:"max"`
		Desired        int      `json:"desired"`
	}
	CapacityProviderProps struct {
		AutoScalingGroup string `json:"auto_scaling_group"`
		ManagedScaling   bool   `json:"managed_scaling"`
	}
	ClusterCapacityProps struct {
		Cluster          string `json:"cluster"`
		CapacityProvider string `json:"capacity_provider"`
	}
	KeyProps struct {
		Rotation bool `json:"rotation"`
		// AlarmTopic lets CloudWatch encrypt its messages to the app's
		// topic with this key (the key policy names it only then).
		AlarmTopic bool `json:"alarm_topic,omitempty"`
	}
	AliasProps struct {
		Name string `json:"name"`
		Key  string `json:"key"`
	}
	ClusterProps struct {
		ContainerInsights bool `json:"container_insights"`
	}
	TaskDefinitionProps struct {
		Process string `json:"process"`
		Image   string `json:"image,omitempty"`
		Build   string `json:"build,omitempty"`
		// Dockerfile is the recipe's path in Build ("" is Build/Dockerfile).
		Dockerfile string `json:"dockerfile,omitempty"`
		// Source is the build directory's digest, read at plan time: a
		// new one is a new build and a new release.
		Source string `json:"source,omitempty"`
		// Records and Logs are the table and bucket a build's record and
		// log go to (logical ids).
		Records string   `json:"records,omitempty"`
		Logs    string   `json:"logs,omitempty"`
		Command []string `json:"command,omitempty"`
		Port    int      `json:"port,omitempty"`
		CPU     int      `json:"cpu"`
		Memory  int      `json:"memory"`
		// Env are plain values; Filled are filled in at apply time from the
		// resources they name (${database.host}, ${kv.table}).
		Env    map[string]string   `json:"env,omitempty"`
		Filled map[string]Template `json:"filled,omitempty"`
		// Secrets are env names whose values come from SSM SecureString
		// parameters at container start, never from plain env: the secrets
		// a person sets, by their own name.
		Secrets []string `json:"secrets,omitempty"`
		// SecretVars are variables set from one of those secrets by
		// reference (VAR = "${secrets.NAME}"): variable → secret name.
		SecretVars map[string]string `json:"secret_vars,omitempty"`
		// Params are variables read at start from a parameter the design
		// makes (the database password, DATABASE_URL, a composed value):
		// variable → the parameter's logical id.
		Params map[string]string `json:"params,omitempty"`
		// SecretVersions are the versions of the secrets it reads, by
		// name: see SecretVersions.
		SecretVersions SecretVersions `json:"secret_versions,omitempty"`
		LogGroup       string         `json:"log_group"`
		ExecutionRole  string         `json:"execution_role"`
		TaskRole       string         `json:"task_role"`
		Repository     string         `json:"repository,omitempty"`
		FileSystem     string         `json:"file_system,omitempty"`
		MountPath      string         `json:"mount_path,omitempty"`
		Database       string         `json:"database,omitempty"`
		DBPassword     string         `json:"db_password,omitempty"`
		// PortName names the port mapping, which Service Connect serves
		// the port by (ConnectProps.PortName); "" outside Service Connect.
		PortName string `json:"port_name,omitempty"`
		// HealthCheck is the container's own health check, run by ECS
		// inside it; nil when nothing but "it runs" is checked.
		HealthCheck *HealthCheckProps `json:"health_check,omitempty"`
	}
	ServiceProps struct {
		Process        string `json:"process"`
		Cluster        string `json:"cluster"`
		TaskDefinition string `json:"task_definition"`
		// Release is the task definition's digest. The task definition is
		// named by logical id, so without it a new image or setting would
		// register a revision that the service never rolls out.
		Release           string `json:"release"`
		CapacityProvider  string `json:"capacity_provider"`
		Count             int    `json:"count"`
		MinHealthyPercent int    `json:"min_healthy_percent"`
		MaxPercent        int    `json:"max_percent"`
		CircuitBreaker    bool   `json:"circuit_breaker"`
		Rollback          bool   `json:"rollback"`
		TargetGroup       string `json:"target_group,omitempty"`
		Port              int    `json:"port,omitempty"`
		// Connect is the service's part in ECS Service Connect, nil when
		// the app has no process another one reaches by name.
		Connect *ConnectProps `json:"connect,omitempty"`
	}
	RepositoryProps struct {
		ScanOnPush    bool   `json:"scan_on_push"`
		ImmutableTags bool   `json:"immutable_tags"`
		Key           string `json:"kms_key"`
		// Keep is [release] keep: the lifecycle rule keeps Keep images of
		// each of Processes (the built ones), see engine/aws lifecyclePolicy.
		Keep      int      `json:"keep"`
		Processes []string `json:"processes,omitempty"`
		// KeptTags puts first the rule that keeps every image with a kept
		// tag (KeptTag): what a kept release runs after a rollback.
		KeptTags bool `json:"kept_tags,omitempty"`
	}
	LoadBalancerProps struct {
		Scheme        string   `json:"scheme"`
		Subnets       []string `json:"subnets"`
		SecurityGroup string   `json:"security_group"`
	}
	TargetGroupProps struct {
		VPC                 string `json:"vpc"`
		Process             string `json:"process"`
		Port                int    `json:"port"`
		Protocol            string `json:"protocol"`
		HealthPath          string `json:"health_path"`
		HealthInterval      int    `json:"health_interval_seconds"`
		HealthyThreshold    int    `json:"healthy_threshold"`
		UnhealthyThreshold  int    `json:"unhealthy_threshold"`
		DeregistrationDelay int    `json:"deregistration_delay_seconds"`
	}
	ListenerProps struct {
		LoadBalancer string `json:"load_balancer"`
		TargetGroup  string `json:"target_group"`
		Port         int    `json:"port"`
		Protocol     string `json:"protocol"`
	}
	// ListenerRuleProps is one rule on the app's listener: requests whose
	// path matches Path (when set) and whose host matches Host (when set)
	// go to TargetGroup. A lower Priority is tried first.
	ListenerRuleProps struct {
		Listener    string `json:"listener"`
		TargetGroup string `json:"target_group"`
		Priority    int    `json:"priority"`
		Path        string `json:"path_pattern,omitempty"`
		Host        string `json:"host_header,omitempty"`
	}
	DBSubnetGroupProps struct {
		Subnets []string `json:"subnets"`
	}
	// ParameterProps is an SSM parameter; Generated ones hold a random value
	// mvi makes and never shows.
	ParameterProps struct {
		Name      string `json:"name"`
		Secure    bool   `json:"secure"`
		Generated bool   `json:"generated"`
		Key       string `json:"kms_key"`
		// Template, when set, is the value: composed at apply time from
		// what it references (DATABASE_URL from the endpoint and password).
		Template Template `json:"template,omitempty"`
		// SecretVersions are the versions of the secrets the template
		// reads: a new value of one is a new value of this.
		SecretVersions SecretVersions `json:"secret_versions,omitempty"`
	}
	DBInstanceProps struct {
		Engine        string `json:"engine"`
		Version       string `json:"version,omitempty"`
		Name          string `json:"db_name,omitempty"`
		User          string `json:"user,omitempty"`
		Class         string `json:"class"`
		StorageGiB    int    `json:"storage_gib"`
		SubnetGroup   string `json:"subnet_group"`
		SecurityGroup string `json:"security_group"`
		Key           string `json:"kms_key"`
		Password      string `json:"password_parameter"`
		BackupDays    int    `json:"backup_days"`
		Public        bool   `json:"publicly_accessible"`
		Port          int    `json:"port"`
		// DeletionProtection makes RDS refuse to delete the database
		// until it is turned off: a script, a console click or another
		// tool can't drop it by mistake. `mvi down` and a consented
		// removal turn it off just before they delete.
		DeletionProtection bool `json:"deletion_protection,omitempty"`
	}
	CacheSubnetGroupProps struct {
		Subnets []string `json:"subnets"`
	}
	// ReplicationGroupProps is the app's Redis: an ElastiCache
	// replication group without cluster mode (one shard, Nodes nodes).
	ReplicationGroupProps struct {
		Engine        string `json:"engine"`
		NodeType      string `json:"node_type"`
		Nodes         int    `json:"nodes"`
		Port          int    `json:"port"`
		SubnetGroup   string `json:"subnet_group"`
		SecurityGroup string `json:"security_group"`
		Key           string `json:"kms_key"`
		// AuthToken is the generated parameter holding the AUTH token.
		AuthToken string `json:"auth_token_parameter"`
		// Failover moves the primary to a replica in another zone when
		// its zone fails; it needs two nodes or more.
		Failover bool `json:"automatic_failover"`
	}
	FileSystemProps struct {
		Key string `json:"kms_key"`
	}
	MountTargetProps struct {
		FileSystem    string `json:"file_system"`
		Subnet        string `json:"subnet"`
		SecurityGroup string `json:"security_group"`
	}
	LogGroupProps struct {
		Name          string `json:"name"`
		RetentionDays int    `json:"retention_days"`
		Key           string `json:"kms_key"`
	}
	AlarmProps struct {
		Namespace  string  `json:"namespace"`
		Metric     string  `json:"metric"`
		Statistic  string  `json:"statistic"`
		Threshold  float64 `json:"threshold"`
		Comparison string  `json:"comparison"`
		Period     int     `json:"period_seconds"`
		Evaluation int     `json:"evaluation_periods"`
		// Subject is the logical id whose dimensions the alarm watches.
		Subject string `json:"subject"`
		// Region is where the alarm lives when it isn't the app's: the
		// smoke alarm's metric exists only in us-east-1.
		Region string `json:"region,omitempty"`
		// Actions are the topics told when the alarm turns to ALARM and
		// back to OK.
		Actions []string `json:"actions,omitempty"`
	}
	SmokeCheckProps struct {
		// LoadBalancer is checked by its DNS name, from outside AWS's
		// network, as a user reaches it.
		LoadBalancer     string `json:"load_balancer"`
		Port             int    `json:"port"`
		Path             string `json:"path"`
		Type             string `json:"type"` // HTTP or HTTP_STR_MATCH
		SearchString     string `json:"search_string,omitempty"`
		Interval         int    `json:"request_interval"`
		FailureThreshold int    `json:"failure_threshold"`
	}
	TopicProps struct {
		Emails []string `json:"emails"`
		// Key encrypts the topic's messages at rest; "" is SNS's own.
		Key    string `json:"kms_key,omitempty"`
		Region string `json:"region,omitempty"`
	}
	DashboardProps struct {
		Cluster      string `json:"cluster"`
		LoadBalancer string `json:"load_balancer,omitempty"`
	}
	TableProps struct {
		HashKey  string `json:"hash_key"`
		RangeKey string `json:"range_key"`
		OnDemand bool   `json:"on_demand"`
		PITR     bool   `json:"point_in_time_recovery"`
		Key      string `json:"kms_key"`
	}
	BucketProps struct {
		Versioning  bool   `json:"versioning"`
		BlockPublic bool   `json:"block_public_access"`
		TLSOnly     bool   `json:"tls_only"`
		Key         string `json:"kms_key"`
	}
)

func (VPCProps) props()              {}
func (InternetGatewayProps) props()  {}
func (SubnetProps) props()           {}
func (RouteTableProps) props()       {}
func (SecurityGroupProps) props()    {}
func (RoleProps) props()             {}
func (InstanceProfileProps) props()  {}
func (LaunchTemplateProps) props()   {}
func (AutoScalingGroupProps) props() {}
func (CapacityProviderProps) props() {}
func (ClusterCapacityProps) props()  {}
func (KeyProps) props()              {}
func (AliasProps) props()            {}
func (ClusterProps) props()          {}
func (TaskDefinitionProps) props()   {}
func (ServiceProps) props()          {}
func (RepositoryProps) props()       {}
func (LoadBalancerProps) props()     {}
func (TargetGroupProps) props()      {}
func (ListenerProps) props()         {}
func (ListenerRuleProps) props()     {}
func (DBSubnetGroupProps) props()    {}
func (ParameterProps) props()        {}
func (DBInstanceProps) props()       {}
func (FileSystemProps) props()       {}
func (CacheSubnetGroupProps) props() {}
func (ReplicationGroupProps) props() {}
func (MountTargetProps) props()      {}
func (LogGroupProps) props()         {}
func (AlarmProps) props()            {}
func (SmokeCheckProps) props()       {}
func (TopicProps) props()            {}
func (DashboardProps) props()        {}
func (TableProps) props()            {}
func (BucketProps) props()           {}
func (NamespaceProps) props()        {}

// ImageTagPrefix is how every image tag of a built process begins
// (release.Tag adds the source digest), so a registry rule can count one
// process's images apart from another's.
func ImageTagPrefix(process string) string { return process + "-" }

// KeptTagPrefix begins the second tag an image carries while a kept
// release needs it (engine/release KeepImages): the registry's first
// rule keeps every image with such a tag, whatever its age, because a
// rollback can make an old image needed again. No process prefix can
// match it: process names have no ".".
const KeptTagPrefix = "kept."

// KeptTag is the kept tag of the image built as build (a release.Tag).
func KeptTag(build string) string { return KeptTagPrefix + build }

// NamespaceProps is the Cloud Map namespace Service Connect keeps the
// app's names in.
type NamespaceProps struct {
	Name string `json:"name"`
}

// ConnectProps is one ECS service's part in Service Connect: every
// service of the app is a client (its containers get the app's names);
// one with a port is also a server, reached as Alias:Port.
type ConnectProps struct {
	Namespace string `json:"namespace"` // logical id
	// PortName is the task definition's port mapping it serves; "" for
	// a client only.
	PortName string `json:"port_name,omitempty"`
	// Alias is the name other processes dial (the process name), and
	// Port the port they dial it on.
	Alias string `json:"alias,omitempty"`
	Port  int    `json:"port,omitempty"`
	// LogGroup is where the Service Connect proxy of each task writes
	// its lines, under the process's own stream prefix: `mvi logs web`
	// shows why web couldn't reach api beside what web said.
	LogGroup string `json:"log_group"`
}

// HealthCheckProps is a container health check: Command runs in the
// container's shell every Interval seconds; Retries failures in a row
// (each given Timeout seconds) make it unhealthy, after a StartPeriod in
// which failures don't count.
type HealthCheckProps struct {
	Command     string `json:"command"`
	Interval    int    `json:"interval_seconds"`
	Timeout     int    `json:"timeout_seconds"`
	Retries     int    `json:"retries"`
	StartPeriod int    `json:"start_period_seconds"`
}
