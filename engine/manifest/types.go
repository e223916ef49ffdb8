// Package manifest reads mvi.toml, the one file where a person declares what
// their app needs. It owns the types, the defaults and the validation; every
// mistake is reported with file:line:col, the key path and a fix.
package manifest

// Manifest is an app as its author declares it. Pointers to sections mean
// "asked for": a nil Database is an app without a database.
type Manifest struct {
	// Name is the app's name; it prefixes and tags every cloud resource.
	// Defaults to the name of the directory holding mvi.toml.
	Name string `toml:"name" json:"name" jsonschema:"description=The app's name: lowercase letters digits and dashes; it tags every resource. Defaults to the directory name."`
	// Region is the AWS region the app runs in.
	Region string `toml:"region" json:"region" jsonschema:"description=AWS region to run in (default us-east-1)."`
	// Processes are the app's process types (web, worker, ...), by name.
	Processes map[string]*Process `toml:"processes" json:"processes" jsonschema:"description=Process types by name: each runs as containers."`

	VM       *VM       `toml:"vm" json:"vm,omitempty" jsonschema:"description=The VMs the containers run on."`
	Database *Database `toml:"database" json:"database,omitempty" jsonschema:"description=A managed SQL database in private subnets."`
	FS       *FS       `toml:"fs" json:"fs,omitempty" jsonschema:"description=A shared file system mounted in every container."`
	KV       *KV       `toml:"kv" json:"kv,omitempty" jsonschema:"description=A key/value store: a DynamoDB table, or with engine = redis a managed Valkey (Redis) in private subnets."`
	Blob     *Blob     `toml:"blob" json:"blob,omitempty" jsonschema:"description=An object bucket for build logs and artifacts."`
	Registry *Registry `toml:"registry" json:"registry,omitempty" jsonschema:"description=The private image registry (added by any build process)."`
	Release  *Release  `toml:"release" json:"release,omitempty" jsonschema:"description=Releases of built processes: how many stay possible to roll back to."`
	Log      *Log      `toml:"log" json:"log,omitempty" jsonschema:"description=Where container output goes."`
	Metric   *Metric   `toml:"metric" json:"metric,omitempty" jsonschema:"description=Alarm thresholds and who hears the alarms."`
	Check    *Check    `toml:"check" json:"check,omitempty" jsonschema:"description=The smoke check: a request from outside, as a user would make it, that alarms after failures in a row (made for every app with a public process)."`

	// Env is set in every process; a process's own env wins.
	Env map[string]string `toml:"env" json:"env,omitempty" jsonschema:"description=Environment variables for every process."`
	// Secrets are names only: values are set with mvi and never live in this file.
	Secrets []string `toml:"secrets" json:"secrets,omitempty" jsonschema:"description=Names of secrets (values never go in this file)."`

	// File is where the manifest was read from, for messages.
	File string `toml:"-" json:"-"`
}

// Process is one process type: many identical containers from one image.
type Process struct {
	Image string `toml:"image" json:"image,omitempty" jsonschema:"description=A public or private image to run (e.g. httpd). One of image or build."`
	Build string `toml:"build" json:"build,omitempty" jsonschema:"description=A directory to build an image from (brings the Registry). One of image or build."`
	// Dockerfile is the recipe's path inside Build, for a Dockerfile that
	// isn't Build/Dockerfile (a monorepo's services/api/Dockerfile).
	Dockerfile string   `toml:"dockerfile" json:"dockerfile,omitempty" jsonschema:"description=The Dockerfile's path inside the build directory (default Dockerfile), e.g. docker/Dockerfile.prod."`
	Command    []string `toml:"command" json:"command,omitempty" jsonschema:"description=The command to run instead of the image's default."`
	Port       int      `toml:"port" json:"port,omitempty" jsonschema:"description=The port the process listens on; brings the Load Balancer."`
	Count      int      `toml:"count" json:"count,omitempty" jsonschema:"description=How many containers to run (default 2 with a port else 1)."`
	CPU        int      `toml:"cpu" json:"cpu,omitempty" jsonschema:"description=CPU units per container; 1024 is one vCPU (default 256)."`
	Memory     int      `toml:"memory" json:"memory,omitempty" jsonschema:"description=Memory per container in MiB (default 512)."`
	Health     string   `toml:"health" json:"health,omitempty" jsonschema:"description=HTTP path the load balancer checks (default /)."`
	// HealthCommand is a shell command run inside the container to say
	// it is healthy (exit 0): how a process the load balancer doesn't
	// check (a private one, a worker) is checked. ECS can run a command
	// in the container and nothing else: it has no TCP or HTTP probe of
	// its own, so a private process is checked only this way.
	HealthCommand string            `toml:"health_command" json:"health_command,omitempty" jsonschema:"description=A shell command run in the container every 10 s; exit 0 means healthy (e.g. redis-cli ping). The default for redis, valkey, postgres, mysql, mariadb and rabbitmq images is their own ping tool; other private processes are checked only as running."`
	Env           map[string]string `toml:"env" json:"env,omitempty" jsonschema:"description=Environment variables for this process."`
	Public        *bool             `toml:"public" json:"public,omitempty" jsonschema:"description=Whether the load balancer routes the internet to this process (default: true for the app's first process with an HTTP port, false for the rest; a private one is reached by other processes as NAME:PORT)."`
	Path          string            `toml:"path" json:"path,omitempty" jsonschema:"description=An ALB path pattern routed to this public process, e.g. /api/*."`
	Host          string            `toml:"host" json:"host,omitempty" jsonschema:"description=An ALB host pattern routed to this public process, e.g. api.example.com."`
}

// VM sizes the machines containers are placed on.
type VM struct {
	Type  string `toml:"type" json:"type,omitempty" jsonschema:"description=EC2 instance type (default t3.small)."`
	Count int    `toml:"count" json:"count,omitempty" jsonschema:"description=How many VMs (default 2 when a process has a port else 1)."`
}

// Database is a managed SQL database.
type Database struct {
	Engine  string `toml:"engine" json:"engine,omitempty" jsonschema:"description=postgres, mysql or mariadb (default postgres)."`
	Version string `toml:"version" json:"version,omitempty" jsonschema:"description=The engine's major or full version (e.g. 16 or 8.0); default: RDS's current default."`
	DBName  string `toml:"name" json:"name,omitempty" jsonschema:"description=The database the app uses (default app)."`
	User    string `toml:"user" json:"user,omitempty" jsonschema:"description=The user the app connects as (default mvi)."`
	Size    string `toml:"size" json:"size,omitempty" jsonschema:"description=RDS instance class (default db.t4g.micro)."`
	Storage int    `toml:"storage" json:"storage,omitempty" jsonschema:"description=Storage in GiB (default 20)."`
}

// FS is a shared file system mounted in every container.
type FS struct {
	Path string `toml:"path" json:"path,omitempty" jsonschema:"description=Where the file system is mounted in containers (default /mnt/shared)."`
}

// KV is the Key/Value service: a DynamoDB table by default, or a managed
// Redis (ElastiCache for Valkey) when the app's code speaks Redis.
type KV struct {
	Engine string `toml:"engine" json:"engine,omitempty" jsonschema:"description=dynamodb (a table that costs cents while small) or redis (ElastiCache for Valkey: in-memory and Redis-compatible, billed per node-hour); default dynamodb."`
	Size   string `toml:"size" json:"size,omitempty" jsonschema:"description=With engine = redis: the ElastiCache node type (default cache.t4g.micro)."`
	Nodes  int    `toml:"nodes" json:"nodes,omitempty" jsonschema:"description=With engine = redis: how many nodes, a primary and its replicas in other zones (default 1)."`
}

// Redis reports whether the app's KV is a managed Redis.
func (k *KV) Redis() bool { return k != nil && k.Engine == KVRedis }

// Blob is an object bucket.
type Blob struct{}

// Registry is the private image registry. How many images it keeps
// follows from [release] keep, its one home.
type Registry struct{}

// Release says how many releases stay possible to roll back to.
type Release struct {
	Keep int `toml:"keep" json:"keep,omitempty" jsonschema:"description=How many releases stay possible to roll back to; the registry keeps every image they need (default 10)."`
}

// Log is where container output is kept.
type Log struct {
	RetentionDays int `toml:"retention_days" json:"retention_days,omitempty" jsonschema:"description=Days to keep log lines (default 30)."`
}

// Metric holds alarm thresholds and who is told when an alarm turns.
type Metric struct {
	// Notify are the email addresses every alarm mails when it turns red
	// and when it turns back: an alarm nobody hears is a light in an
	// empty room.
	Notify         []string `toml:"notify" json:"notify,omitempty" jsonschema:"description=Email addresses told whenever an alarm turns red or back to OK (each confirms once by a link in a mail from AWS)."`
	CPU            int      `toml:"cpu" json:"cpu,omitempty" jsonschema:"description=Alarm when average VM CPU percent exceeds this (default 80)."`
	Errors5xx      int      `toml:"errors_5xx" json:"errors_5xx,omitempty" jsonschema:"description=Alarm when 5xx responses per minute exceed this (default 10)."`
	UnhealthyHosts int      `toml:"unhealthy_hosts" json:"unhealthy_hosts,omitempty" jsonschema:"description=Alarm when unhealthy targets reach this (default 1)."`
}

// Check is the smoke check: the book's "external blackbox end-to-end test"
// that alarms after several failures in a row.
type Check struct {
	Path       string  `toml:"path" json:"path,omitempty" jsonschema:"description=The path requested through the load balancer (default: the health path of the app's public process)."`
	Every      string  `toml:"every" json:"every,omitempty" jsonschema:"description=How often to check, e.g. 1m or 30s (default 1m; AWS checks every 10 or 30 seconds, the nearest not slower than this)."`
	AlarmAfter int     `toml:"alarm_after" json:"alarm_after,omitempty" jsonschema:"description=Failures in a row before the alarm turns red (default 5)."`
	Expect     *Expect `toml:"expect" json:"expect,omitempty" jsonschema:"description=What a good answer is: a status (200–399) or a text that must be in the body (default: any 2xx or 3xx status)."`
}

// Expect is written as a status (expect = 200) or as a text the body must
// hold (expect = "ok"); exactly one of the two is set.
type Expect struct {
	Status int    `json:"status,omitempty"`
	Text   string `json:"text,omitempty"`
}
