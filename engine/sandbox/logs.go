package sandbox

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/minimalinfra/mvi/engine/cloud"
)

// CloudWatch Logs: log groups (KMS key, retention, tags, deletion
// protection), streams and events. Events are kept in timestamp order,
// at most logsKeep per stream (the oldest go first) so the state file
// stays small; events older than the group's retention are neither
// returned nor kept. FilterLogEvents understands term patterns (words,
// "quoted phrases", ?any-of, -excluded) and simple JSON patterns
// ({ $.a.b = "x" && $.n > 3 }). ECS's awslogs driver creates groups and
// streams here too (ecs_task_lifecycle.go).

type logsAPI struct{ s *Sandbox }

var _ cloud.Logs = (*logsAPI)(nil)

type logsState struct {
	Groups map[string]*logGroup `json:"groups"`
}

type logGroup struct {
	Meta
	Name      string                `json:"name"`
	KMSKey    string                `json:"kms_key,omitempty"`
	Retention int32                 `json:"retention_days,omitempty"`
	Class     string                `json:"class,omitempty"`
	Protected bool                  `json:"deletion_protection,omitempty"`
	Streams   map[string]*logStream `json:"streams"`
}

type logStream struct {
	Name       string     `json:"name"`
	Created    time.Time  `json:"created"`
	Seq        int64      `json:"seq,omitempty"`         // last event sequence number given
	LastIngest int64      `json:"last_ingest,omitempty"` // ms
	Events     []logEvent `json:"events,omitempty"`
}

type logEvent struct {
	TS     int64  `json:"t"`
	Ingest int64  `json:"i"`
	Seq    int64  `json:"s"`
	Msg    string `json:"m"`
}

// logsKeep bounds the events kept per stream.
const logsKeep = 10000

var (
	logGroupRE      = regexp.MustCompile(`^[.\-_/#A-Za-z0-9]{1,512}$`)
	logRetentions   = []int32{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
	logRetentionSet = func() map[int32]bool {
		m := map[int32]bool{}
		for _, d := range logRetentions {
			m[d] = true
		}
		return m
	}()
)

func logsInvalid(format string, args ...any) error {
	return &cwltypes.InvalidParameterException{Message: aws.String(fmt.Sprintf(format, args...))}
}

func logGroupNotFound() error {
	return &cwltypes.ResourceNotFoundException{Message: aws.String("The specified log group does not exist.")}
}

func unixMS(t time.Time) int64 { return t.UnixMilli() }

// logGroupRef resolves LogGroupName / LogGroupIdentifier (a name or an ARN).
func (t *tx) logGroupRef(name, ident *string) (*logGroup, error) {
	if (name == nil) == (ident == nil) {
		return nil, logsInvalid("Exactly one of logGroupName or logGroupIdentifier must be specified.")
	}
	n := aws.ToString(name)
	if ident != nil {
		n = *ident
		if a, ok := parseARN(n); ok {
			if a.Service != "logs" || a.Region != t.regionName() || a.Account != t.account() || !strings.HasPrefix(a.Resource, "log-group:") {
				return nil, logsInvalid("Invalid log group identifier %s.", n)
			}
			n = strings.TrimSuffix(strings.TrimPrefix(a.Resource, "log-group:"), ":*")
		}
	}
	g := t.r.Logs.Groups[n]
	if g == nil || t.hidden(g.Created) {
		return nil, logGroupNotFound()
	}
	return g, nil
}

// logsKey resolves a KMS key ARN for a log group.
func (t *tx) logsKey(ref, groupName string) (string, error) {
	p, ok := parseARN(ref)
	if !ok || p.Service != "kms" || !p.is(kmsTypeKey) {
		return "", logsInvalid("Invalid KMS key ARN: %s. Specify the ARN of a KMS key.", ref)
	}
	k := t.kmsKey(ref)
	if k == nil || k.usable() != nil {
		return "", logsInvalid("The specified KMS key does not exist or is not allowed to be used with Arn '%s'", t.logGroupARN(groupName))
	}
	return k.ARN, nil
}

func checkLogTags(m map[string]string) error {
	if len(m) > maxTags {
		return &cwltypes.TooManyTagsException{Message: aws.String("A resource can have no more than 50 tags.")}
	}
	for k, v := range m {
		if k == "" || len(k) > 128 || len(v) > 256 {
			return logsInvalid("Tag keys must be 1 to 128 characters and values at most 256 characters.")
		}
	}
	if k, bad := reservedTag(m); bad {
		return logsInvalid("Tag key %s uses the reserved aws: prefix.", k)
	}
	return nil
}

func (t *tx) logGroupOut(g *logGroup) cwltypes.LogGroup {
	out := cwltypes.LogGroup{
		LogGroupName: aws.String(g.Name), Arn: aws.String(g.ARN + ":*"), LogGroupArn: aws.String(g.ARN),
		CreationTime: aws.Int64(unixMS(g.Created)), MetricFilterCount: aws.Int32(0), StoredBytes: aws.Int64(0),
		LogGroupClass: cwltypes.LogGroupClass(g.Class), DeletionProtectionEnabled: aws.Bool(g.Protected),
		DataProtectionStatus: "", InheritedProperties: []cwltypes.InheritedProperty{},
	}
	if g.Class == "" {
		out.LogGroupClass = cwltypes.LogGroupClassStandard
	}
	if g.Retention != 0 {
		out.RetentionInDays = aws.Int32(g.Retention)
	}
	if g.KMSKey != "" {
		out.KmsKeyId = aws.String(g.KMSKey)
	}
	return out
}

// cutoff is the oldest timestamp (ms) the group's retention keeps.
func (t *tx) logCutoff(g *logGroup) int64 {
	if g.Retention == 0 {
		return -1 << 62
	}
	return unixMS(t.now.Add(-time.Duration(g.Retention) * 24 * time.Hour))
}
