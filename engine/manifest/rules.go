package manifest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// rule is what one field accepts. Rules are data so that the parser checks
// them and the JSON Schema states them from the same table: an editor and
// `mvi` can't disagree.
//
// Rules are keyed by a pattern path: "processes.*.port" is the port of every
// process. On a map's element path ("processes.*", "env.*") the rule checks
// the key, the name a person chose; on "secrets[]" it checks each item.
type rule struct {
	min, max int      // integers, inclusive; max 0 means no upper bound
	oneOf    []int    // integers: the only values allowed
	enum     []string // strings: the only values allowed
	pattern  *regexp.Regexp
	maxLen   int    // strings, in characters
	minLen   int    // strings: characters; arrays: items
	noun     string // what a good value is: "70000 is not a port"
	shape    string // the pattern in words
	fix      string
	suggest  func(string) string // a corrected value, or ""
	// check is a test a pattern can't state (an image reference's grammar
	// depends on where its parts split); its error says what is wrong.
	check func(string) error
	// schemaPattern states check's grammar for editors (the JSON Schema),
	// where check's part-by-part reasons can't be said.
	schemaPattern *regexp.Regexp
}

// Names become parts of AWS resource names (load balancers allow 32
// characters, target groups 32, S3 buckets forbid a trailing dash), hence
// lowercase, no trailing dash, and short.
var (
	nameRe = regexp.MustCompile(`^[a-z]([a-z0-9-]*[a-z0-9])?$`)
	envRe  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	// The region shapes of the SDK's partitions (aws, aws-cn, aws-us-gov):
	// a well-formed new region passes, xx-fake-9 doesn't.
	regionRe    = regexp.MustCompile(`^(us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov)-[a-z]+-[0-9]+$`)
	pathRe      = regexp.MustCompile(`^/\S*$`)
	mountRe     = regexp.MustCompile(`^/\S+$`)
	instanceRe  = regexp.MustCompile(`^[a-z][a-z0-9-]*\.[a-z0-9]+$`)
	dbClassRe   = regexp.MustCompile(`^db\.[a-z0-9-]+\.[a-z0-9]+$`)
	dbVersionRe = regexp.MustCompile(`^[0-9]+(\.[0-9]+){0,2}$`)
	dbIdentRe   = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	cacheNodeRe = regexp.MustCompile(`^cache\.[a-z0-9-]+\.[a-z0-9]+$`)
)

const nameShape = "lowercase letters, digits and dashes, starting with a letter and not ending with a dash"

// retentionDays are the only retention periods CloudWatch Logs accepts.
var retentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// knownRegions only feeds did-you-mean: a well-formed region not listed here
// (a new one) is accepted.
var knownRegions = []string{
	"us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "ca-west-1",
	"sa-east-1", "mx-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2",
	"eu-north-1", "eu-south-1", "eu-south-2", "af-south-1", "me-south-1", "me-central-1",
	"il-central-1", "ap-south-1", "ap-south-2", "ap-east-1", "ap-northeast-1", "ap-northeast-2",
	"ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
	"ap-southeast-5", "ap-southeast-7", "us-gov-west-1", "us-gov-east-1",
}

// cpu is any count of CPU units from 128 (1/8 vCPU) to 16384 (16 vCPUs):
// containers run on VMs (ECS on EC2), which take any value, unlike Fargate's
// fixed sizes.
var rules = map[string]rule{
	"name": {pattern: nameRe, maxLen: 32, noun: "a valid app name", shape: nameShape,
		suggest: func(s string) string { return fixName(s, 32) }},
	"region": {pattern: regionRe, noun: "an AWS region", shape: "a region code such as us-east-1 or eu-west-1",
		suggest: func(s string) string { return nearest(strings.ToLower(s), knownRegions) }},
	"processes.*": {pattern: nameRe, maxLen: 20, noun: "a valid process name", shape: nameShape,
		suggest: func(s string) string { return fixName(s, 20) }},
	"processes.*.image": {minLen: 1, check: CheckImage, schemaPattern: imageRefRe, noun: "an image reference", suggest: fixImage,
		fix: `name an image as docker pull would, e.g. image = "httpd" or image = "ghcr.io/you/app:1.2"`},
	"processes.*.build": {minLen: 1, fix: `name the directory to build, e.g. build = "."`},
	"processes.*.command": {minLen: 1,
		fix: `remove command to run the image's default, or list the program and its arguments, e.g. command = ["bin/worker"]`},
	"processes.*.port": {min: 1, max: 65535, noun: "a port",
		fix: "use the port your server listens on, e.g. port = 8080"},
	"processes.*.count": {min: 1, max: 100, noun: "a container count",
		fix: "run between 1 and 100 containers of this process"},
	"processes.*.cpu": {min: 128, max: 16384, noun: "a CPU size",
		fix: "give CPU units: 1024 is one vCPU, e.g. cpu = 256 for a quarter"},
	"processes.*.memory": {min: 128, max: 30720, noun: "a memory size",
		fix: "give MiB between 128 and 30720, e.g. memory = 512"},
	"processes.*.health": {pattern: pathRe, noun: "a health check path", shape: "a path starting with /, e.g. /healthz",
		suggest: func(s string) string { return "/" + strings.TrimLeft(strings.TrimSpace(s), "/") }},
	"processes.*.health_command": {minLen: 1, maxLen: 1024, noun: "a health check command",
		fix: `give a shell command that exits 0 when the process is healthy, e.g. health_command = "redis-cli ping"`},
	"processes.*.path": {pattern: albPathRe, maxLen: 128, noun: "an ALB path pattern",
		shape: `a path starting with /, of letters, digits and _-.$/~"'@:+&, with * and ? as wildcards, e.g. /api/*`},
	"processes.*.host": {pattern: albHostRe, maxLen: 128, noun: "an ALB host pattern",
		shape: "a host name of letters, digits, dashes and dots, with * and ? as wildcards, e.g. api.example.com"},
	"processes.*.env.*": {pattern: envRe, noun: "an environment variable name",
		shape: "letters, digits and underscores, not starting with a digit", suggest: fixEnv},
	"env.*": {pattern: envRe, noun: "an environment variable name",
		shape: "letters, digits and underscores, not starting with a digit", suggest: fixEnv},
	"secrets[]": {pattern: envRe, maxLen: maxSecretName, noun: "a secret name",
		shape: "letters, digits and underscores, not starting with a digit (it becomes an environment variable)", suggest: fixEnv},
	"vm.type": {pattern: instanceRe, check: checkInstanceType, noun: "an EC2 instance type", shape: "family.size, e.g. t3.small",
		fix: `use a type EC2 sells, e.g. type = "t3.small"`, suggest: func(s string) string { return nearest(s, commonInstanceTypes) }},
	"vm.count":         {min: 1, max: 20, noun: "a VM count", fix: "run between 1 and 20 VMs; 2 or more keep the app up when one fails"},
	"database.engine":  {enum: []string{"postgres", "mysql", "mariadb"}, noun: "a database engine"},
	"database.version": {pattern: dbVersionRe, noun: "a database version", shape: "digits and dots, e.g. 16 or 8.0"},
	// RDS: 1-63 letters, digits and underscores starting with a letter (the
	// stricter of Postgres's and MySQL's rules), and not a reserved word.
	"database.name": {pattern: dbIdentRe, maxLen: 63, noun: "a database name", shape: "letters, digits and underscores, starting with a letter"},
	"database.user": {pattern: dbIdentRe, maxLen: 16, noun: "a database user name", shape: "up to 16 letters, digits and underscores, starting with a letter"},
	"database.size": {pattern: dbClassRe, noun: "an RDS instance class", shape: "db.family.size, e.g. db.t4g.micro"},
	"database.storage": {min: 20, max: 1000, noun: "a storage size",
		fix: "give GiB between 20 and 1000, e.g. storage = 20"},
	"kv.engine": {enum: []string{KVDynamoDB, KVRedis}, noun: "a key/value engine"},
	"kv.size":   {pattern: cacheNodeRe, noun: "an ElastiCache node type", shape: "cache.family.size, e.g. cache.t4g.micro"},
	// One primary and up to five replicas: ElastiCache's limit for a
	// replication group without cluster mode.
	"kv.nodes": {min: 1, max: 6, noun: "a node count",
		fix: "run between 1 and 6 nodes: 1 is the cheapest, 2 or more keep a copy in another zone"},
	"fs.path": {pattern: mountRe, noun: "a mount path", shape: "an absolute path, e.g. /mnt/shared"},
	"release.keep": {min: 1, max: 1000, noun: "a number of releases to keep",
		fix: "keep between 1 and 1000 releases, e.g. keep = 10"},
	"log.retention_days": {oneOf: retentionDays, noun: "a retention period CloudWatch Logs accepts"},
	"metric.cpu": {min: 1, max: 100, noun: "a CPU percentage",
		fix: "alarm at a percentage between 1 and 100, e.g. cpu = 80"},
	"metric.errors_5xx": {min: 1, noun: "a 5xx threshold", fix: "alarm at 1 or more errors per minute, e.g. errors_5xx = 10"},
	"metric.unhealthy_hosts": {min: 1, noun: "an unhealthy-hosts threshold",
		fix: "alarm at 1 or more unhealthy targets, e.g. unhealthy_hosts = 1"},
	"metric.notify[]": {check: checkEmail, schemaPattern: emailShapeRe, maxLen: 254, noun: "an email address",
		fix: `write one address per item, e.g. notify = ["ops@example.com"]`},
	// Route 53's limits: a resource path of at most 255 characters, a
	// failure threshold of 1 to 10.
	"check.path": {pattern: pathRe, maxLen: 255, noun: "a path to check", shape: "a path starting with /, e.g. /healthz",
		suggest: func(s string) string { return "/" + strings.TrimLeft(strings.TrimSpace(s), "/") }},
	"check.every": {check: checkEvery, schemaPattern: everyRe, noun: "a check interval",
		fix: `give a duration of 10s or more, e.g. every = "1m"`},
	"check.alarm_after": {min: 1, max: 10, noun: "a number of failures in a row",
		fix: "alarm after 1 to 10 failures in a row (AWS's range), e.g. alarm_after = 5"},
}

// checkInt reports an integer the rule refuses.
func (r rule) checkInt(c *collector, at pos, path []string, v int64) bool {
	if len(r.oneOf) > 0 {
		for _, ok := range r.oneOf {
			if v == int64(ok) {
				return true
			}
		}
		c.add(at, path, fmt.Sprintf("use %d, the nearest it allows (allowed: %s)", nearestInt(v, r.oneOf), joinInts(r.oneOf)),
			"%d is not %s", v, r.noun)
		return false
	}
	if v >= int64(r.min) && (r.max == 0 || v <= int64(r.max)) {
		return true
	}
	bounds := fmt.Sprintf("%d–%d", r.min, r.max)
	if r.max == 0 {
		bounds = fmt.Sprintf("at least %d", r.min)
	}
	c.add(at, path, r.fix, "%d is not %s (%s)", v, r.noun, bounds)
	return false
}

// checkString reports a string the rule refuses, suggesting a corrected
// value where one can be guessed.
func (r rule) checkString(c *collector, at pos, path []string, s string) bool {
	n := len([]rune(s))
	switch {
	case r.minLen > 0 && n < r.minLen:
		c.add(at, path, r.fix, "is an empty string")
		return false
	case len(r.enum) > 0:
		for _, ok := range r.enum {
			if s == ok {
				return true
			}
		}
		fix := "use " + orList(r.enum)
		if near := nearest(s, r.enum); near != "" {
			fix = fmt.Sprintf("did you mean %q? (allowed: %s)", near, strings.Join(r.enum, ", "))
		}
		c.add(at, path, fix, "%q is not %s (%s)", s, r.noun, orList(r.enum))
		return false
	case r.maxLen > 0 && n > r.maxLen:
		c.add(at, path, r.suggestion(s, fmt.Sprintf("shorten it to %d characters or fewer", r.maxLen)),
			"%q is too long for %s (%d characters, at most %d)", clip(s, 40), strings.TrimPrefix(r.noun, "a valid "), n, r.maxLen)
		return false
	case r.pattern != nil && !r.pattern.MatchString(s):
		c.add(at, path, r.suggestion(s, "use "+r.shape), "%q is not %s: use %s", s, r.noun, r.shape)
		return false
	case r.check != nil:
		if err := r.check(s); err != nil {
			c.add(at, path, r.suggestion(s, r.fix), "%q is not %s: %v", s, r.noun, err)
			return false
		}
	}
	return true
}

// suggestion prefers a concrete corrected value over advice.
func (r rule) suggestion(s, advice string) string {
	if r.suggest != nil {
		if t := r.suggest(s); t != "" && t != s && (r.pattern == nil || r.pattern.MatchString(t)) &&
			(r.maxLen == 0 || len(t) <= r.maxLen) && (r.check == nil || r.check(t) == nil) {
			return fmt.Sprintf("did you mean %q?", t)
		}
	}
	return advice
}

// fixName makes the nearest valid name, like NameFromDir.
func fixName(s string, maxLen int) string {
	t := strings.Trim(nameUnsafe.ReplaceAllString(strings.ToLower(s), "-"), "-")
	for t != "" && !(t[0] >= 'a' && t[0] <= 'z') {
		t = strings.TrimLeft(t[1:], "-")
	}
	if len(t) > maxLen {
		t = strings.TrimRight(t[:maxLen], "-")
	}
	return t
}

var envUnsafe = regexp.MustCompile(`[^A-Za-z0-9_]+`)

func fixEnv(s string) string {
	t := envUnsafe.ReplaceAllString(strings.TrimSpace(s), "_")
	if t != "" && t[0] >= '0' && t[0] <= '9' {
		t = "_" + t
	}
	return t
}

func joinInts(vs []int) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = strconv.Itoa(v)
	}
	return strings.Join(parts, ", ")
}

// orList is "a or b", "a, b or c".
func orList(xs []string) string {
	if len(xs) < 2 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}

// clip shortens a value quoted in a message: a 2,000-character name
// quoted whole buries the error.
func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
