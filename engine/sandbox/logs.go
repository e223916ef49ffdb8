package sandbox

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
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
// streams here too (ecs.go).

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
	if !ok || p.Service != "kms" || !strings.HasPrefix(p.Resource, "key/") {
		return "", logsInvalid("Invalid KMS key ARN: %s. Specify the ARN of a KMS key.", ref)
	}
	k := t.kmsKey(ref)
	if k == nil || k.usable() != nil {
		return "", logsInvalid("The specified KMS key does not exist or is not allowed to be used with Arn '%s'", t.arn("logs", "log-group:"+groupName))
	}
	return k.ARN, nil
}

func checkLogTags(m map[string]string) error {
	if len(m) > 50 {
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

// --- groups ---

func (a *logsAPI) CreateLogGroup(ctx context.Context, in *cloudwatchlogs.CreateLogGroupInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.CreateLogGroupOutput, error) {
	return call(ctx, a.s, svcLogs, "CreateLogGroup", func(t *tx) (*cloudwatchlogs.CreateLogGroupOutput, error) {
		name := aws.ToString(in.LogGroupName)
		if !logGroupRE.MatchString(name) {
			return nil, logsInvalid("1 validation error detected: Value '%s' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+", name)
		}
		if t.r.Logs.Groups[name] != nil {
			return nil, &cwltypes.ResourceAlreadyExistsException{Message: aws.String("The specified log group already exists")}
		}
		class := string(in.LogGroupClass)
		switch cwltypes.LogGroupClass(class) {
		case "", cwltypes.LogGroupClassStandard, cwltypes.LogGroupClassInfrequentAccess, cwltypes.LogGroupClassDelivery:
		default:
			return nil, logsInvalid("Invalid log group class %s.", class)
		}
		if err := checkLogTags(in.Tags); err != nil {
			return nil, err
		}
		key := ""
		if in.KmsKeyId != nil {
			k, err := t.logsKey(*in.KmsKeyId, name)
			if err != nil {
				return nil, err
			}
			key = k
		}
		g := &logGroup{Meta: Meta{ID: name, ARN: t.arn("logs", "log-group:"+name), Created: t.now}, Name: name, KMSKey: key,
			Class: class, Protected: aws.ToBool(in.DeletionProtectionEnabled), Streams: map[string]*logStream{}}
		if cwltypes.LogGroupClass(class) == cwltypes.LogGroupClassDelivery {
			g.Retention = 2
		}
		g.setTags(in.Tags)
		t.r.Logs.Groups[name] = g
		return &cloudwatchlogs.CreateLogGroupOutput{}, nil
	})
}

func (a *logsAPI) DeleteLogGroup(ctx context.Context, in *cloudwatchlogs.DeleteLogGroupInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DeleteLogGroupOutput, error) {
	return call(ctx, a.s, svcLogs, "DeleteLogGroup", func(t *tx) (*cloudwatchlogs.DeleteLogGroupOutput, error) {
		g, err := t.logGroupRef(in.LogGroupName, nil)
		if err != nil {
			return nil, err
		}
		if g.Protected {
			return nil, &cwltypes.ValidationException{Message: aws.String("Cannot delete log group with deletion protection enabled. Disable deletion protection first.")}
		}
		delete(t.r.Logs.Groups, g.Name)
		return &cloudwatchlogs.DeleteLogGroupOutput{}, nil
	})
}

func (a *logsAPI) DescribeLogGroups(ctx context.Context, in *cloudwatchlogs.DescribeLogGroupsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeLogGroupsOutput, error) {
	return call(ctx, a.s, svcLogs, "DescribeLogGroups", func(t *tx) (*cloudwatchlogs.DescribeLogGroupsOutput, error) {
		prefix, pattern := aws.ToString(in.LogGroupNamePrefix), aws.ToString(in.LogGroupNamePattern)
		if in.LogGroupNamePrefix != nil && in.LogGroupNamePattern != nil {
			return nil, logsInvalid("LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive.")
		}
		if len(in.LogGroupIdentifiers) > 0 && (in.LogGroupNamePrefix != nil || in.LogGroupNamePattern != nil) {
			return nil, logsInvalid("LogGroupIdentifiers is mutually exclusive with LogGroupNamePrefix and LogGroupNamePattern.")
		}
		lim := int(aws.ToInt32(in.Limit))
		if in.Limit == nil {
			lim = 50
		}
		if lim < 1 || lim > 50 {
			return nil, logsInvalid("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and 50", lim)
		}
		want := map[string]bool{}
		for _, id := range in.LogGroupIdentifiers {
			n := id
			if a, ok := parseARN(id); ok {
				n = strings.TrimSuffix(strings.TrimPrefix(a.Resource, "log-group:"), ":*")
			}
			want[n] = true
		}
		var all []cwltypes.LogGroup
		for _, n := range sortedKeys(t.r.Logs.Groups) {
			g := t.r.Logs.Groups[n]
			if t.hidden(g.Created) || !strings.HasPrefix(n, prefix) || (len(want) > 0 && !want[n]) {
				continue
			}
			if pattern != "" && !strings.Contains(strings.ToLower(n), strings.ToLower(pattern)) {
				continue
			}
			if in.LogGroupClass != "" && t.logGroupOut(g).LogGroupClass != in.LogGroupClass {
				continue
			}
			all = append(all, t.logGroupOut(g))
		}
		items, next, err := page(all, in.NextToken, lim)
		if err != nil {
			return nil, logsInvalid("The specified nextToken is invalid.")
		}
		if items == nil {
			items = []cwltypes.LogGroup{}
		}
		return &cloudwatchlogs.DescribeLogGroupsOutput{LogGroups: items, NextToken: next}, nil
	})
}

func (a *logsAPI) PutRetentionPolicy(ctx context.Context, in *cloudwatchlogs.PutRetentionPolicyInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutRetentionPolicyOutput, error) {
	return call(ctx, a.s, svcLogs, "PutRetentionPolicy", func(t *tx) (*cloudwatchlogs.PutRetentionPolicyOutput, error) {
		d := aws.ToInt32(in.RetentionInDays)
		if !logRetentionSet[d] {
			vals := make([]string, len(logRetentions))
			for i, v := range logRetentions {
				vals[i] = strconv.Itoa(int(v))
			}
			return nil, logsInvalid("1 validation error detected: Value '%d' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [%s]", d, strings.Join(vals, ", "))
		}
		g, err := t.logGroupRef(in.LogGroupName, nil)
		if err != nil {
			return nil, err
		}
		if cwltypes.LogGroupClass(g.Class) == cwltypes.LogGroupClassDelivery {
			return nil, &cwltypes.InvalidOperationException{Message: aws.String("Retention of a DELIVERY log group can't be changed.")}
		}
		g.Retention = d
		t.expireLogs(g)
		return &cloudwatchlogs.PutRetentionPolicyOutput{}, nil
	})
}

func (a *logsAPI) AssociateKmsKey(ctx context.Context, in *cloudwatchlogs.AssociateKmsKeyInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.AssociateKmsKeyOutput, error) {
	return call(ctx, a.s, svcLogs, "AssociateKmsKey", func(t *tx) (*cloudwatchlogs.AssociateKmsKeyOutput, error) {
		if in.ResourceIdentifier != nil {
			if in.LogGroupName != nil {
				return nil, logsInvalid("LogGroupName and ResourceIdentifier are mutually exclusive.")
			}
			if a, ok := parseARN(*in.ResourceIdentifier); !ok || !strings.HasPrefix(a.Resource, "log-group:") {
				return nil, logsInvalid("The sandbox supports log group ARNs as ResourceIdentifier only.")
			}
		}
		g, err := t.logGroupRef(in.LogGroupName, in.ResourceIdentifier)
		if err != nil {
			return nil, err
		}
		key, err := t.logsKey(aws.ToString(in.KmsKeyId), g.Name)
		if err != nil {
			return nil, err
		}
		g.KMSKey = key
		return &cloudwatchlogs.AssociateKmsKeyOutput{}, nil
	})
}

// --- streams ---

func (g *logGroup) stream(name string) (*logStream, error) {
	s := g.Streams[name]
	if s == nil {
		return nil, &cwltypes.ResourceNotFoundException{Message: aws.String("The specified log stream does not exist.")}
	}
	return s, nil
}

func (a *logsAPI) CreateLogStream(ctx context.Context, in *cloudwatchlogs.CreateLogStreamInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.CreateLogStreamOutput, error) {
	return call(ctx, a.s, svcLogs, "CreateLogStream", func(t *tx) (*cloudwatchlogs.CreateLogStreamOutput, error) {
		name := aws.ToString(in.LogStreamName)
		if name == "" || len(name) > 512 || strings.ContainsAny(name, ":*") {
			return nil, logsInvalid("1 validation error detected: Value '%s' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*", name)
		}
		g, err := t.logGroupRef(in.LogGroupName, nil)
		if err != nil {
			return nil, err
		}
		if g.Streams == nil {
			g.Streams = map[string]*logStream{}
		}
		if g.Streams[name] != nil {
			return nil, &cwltypes.ResourceAlreadyExistsException{Message: aws.String("The specified log stream already exists")}
		}
		g.Streams[name] = &logStream{Name: name, Created: t.now}
		return &cloudwatchlogs.CreateLogStreamOutput{}, nil
	})
}

func (t *tx) logStreamOut(g *logGroup, s *logStream) cwltypes.LogStream {
	out := cwltypes.LogStream{LogStreamName: aws.String(s.Name), Arn: aws.String(g.ARN + ":log-stream:" + s.Name),
		CreationTime: aws.Int64(unixMS(s.Created)), StoredBytes: aws.Int64(0)}
	if n := len(s.Events); n > 0 {
		out.FirstEventTimestamp = aws.Int64(s.Events[0].TS)
		out.LastEventTimestamp = aws.Int64(s.Events[n-1].TS)
	}
	if s.LastIngest != 0 {
		out.LastIngestionTime = aws.Int64(s.LastIngest)
		out.UploadSequenceToken = aws.String(seqToken(s.Seq))
	}
	return out
}

func (a *logsAPI) DescribeLogStreams(ctx context.Context, in *cloudwatchlogs.DescribeLogStreamsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeLogStreamsOutput, error) {
	return call(ctx, a.s, svcLogs, "DescribeLogStreams", func(t *tx) (*cloudwatchlogs.DescribeLogStreamsOutput, error) {
		g, err := t.logGroupRef(in.LogGroupName, in.LogGroupIdentifier)
		if err != nil {
			return nil, err
		}
		order := in.OrderBy
		if order == "" {
			order = cwltypes.OrderByLogStreamName
		}
		if order != cwltypes.OrderByLogStreamName && order != cwltypes.OrderByLastEventTime {
			return nil, logsInvalid("Invalid orderBy %s.", order)
		}
		if order == cwltypes.OrderByLastEventTime && in.LogStreamNamePrefix != nil {
			return nil, logsInvalid("Cannot order by LastEventTime with a logStreamNamePrefix.")
		}
		lim := int(aws.ToInt32(in.Limit))
		if in.Limit == nil {
			lim = 50
		}
		if lim < 1 || lim > 50 {
			return nil, logsInvalid("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and 50", lim)
		}
		var ss []*logStream
		for _, n := range sortedKeys(g.Streams) {
			if strings.HasPrefix(n, aws.ToString(in.LogStreamNamePrefix)) {
				ss = append(ss, g.Streams[n])
			}
		}
		if order == cwltypes.OrderByLastEventTime {
			last := func(s *logStream) int64 {
				if n := len(s.Events); n > 0 {
					return s.Events[n-1].TS
				}
				return 0
			}
			sort.SliceStable(ss, func(i, j int) bool { return last(ss[i]) < last(ss[j]) })
		}
		if aws.ToBool(in.Descending) {
			for i, j := 0, len(ss)-1; i < j; i, j = i+1, j-1 {
				ss[i], ss[j] = ss[j], ss[i]
			}
		}
		all := make([]cwltypes.LogStream, 0, len(ss))
		for _, s := range ss {
			all = append(all, t.logStreamOut(g, s))
		}
		items, next, err := page(all, in.NextToken, lim)
		if err != nil {
			return nil, logsInvalid("The specified nextToken is invalid.")
		}
		return &cloudwatchlogs.DescribeLogStreamsOutput{LogStreams: items, NextToken: next}, nil
	})
}

// --- events ---

func seqToken(n int64) string { return fmt.Sprintf("49%054d", n) }

// expireLogs drops events older than the group's retention.
func (t *tx) expireLogs(g *logGroup) {
	cut := t.logCutoff(g)
	for _, n := range sortedKeys(g.Streams) {
		s := g.Streams[n]
		i := 0
		for i < len(s.Events) && s.Events[i].TS < cut {
			i++
		}
		if i > 0 {
			s.Events = append([]logEvent(nil), s.Events[i:]...)
		}
	}
}

// appendLogEvents stores events (already validated) in a stream, keeping
// timestamp order and the bound. Other services' log drivers use it too.
func (t *tx) appendLogEvents(s *logStream, evs []cwltypes.InputLogEvent, ingest time.Time) {
	if len(evs) == 0 {
		return
	}
	sorted := len(s.Events) == 0 || s.Events[len(s.Events)-1].TS <= aws.ToInt64(evs[0].Timestamp)
	for _, e := range evs {
		s.Seq++
		s.Events = append(s.Events, logEvent{TS: aws.ToInt64(e.Timestamp), Ingest: unixMS(ingest), Seq: s.Seq, Msg: aws.ToString(e.Message)})
	}
	if !sorted {
		sort.SliceStable(s.Events, func(i, j int) bool {
			a, b := s.Events[i], s.Events[j]
			return a.TS < b.TS || (a.TS == b.TS && a.Seq < b.Seq)
		})
	}
	if n := len(s.Events); n > logsKeep {
		s.Events = append([]logEvent(nil), s.Events[n-logsKeep:]...)
	}
	s.LastIngest = unixMS(ingest)
}

func (a *logsAPI) PutLogEvents(ctx context.Context, in *cloudwatchlogs.PutLogEventsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutLogEventsOutput, error) {
	return call(ctx, a.s, svcLogs, "PutLogEvents", func(t *tx) (*cloudwatchlogs.PutLogEventsOutput, error) {
		if len(in.LogEvents) == 0 || len(in.LogEvents) > 10000 {
			return nil, logsInvalid("1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length between 1 and 10000")
		}
		size := 0
		for i, e := range in.LogEvents {
			if e.Timestamp == nil || e.Message == nil || *e.Message == "" {
				return nil, logsInvalid("Log event %d must have a timestamp and a non-empty message.", i)
			}
			size += len(*e.Message) + 26
			if i > 0 && *e.Timestamp < *in.LogEvents[i-1].Timestamp {
				return nil, logsInvalid("Log events in a single PutLogEvents request must be in chronological order.")
			}
		}
		if size > 1048576 {
			return nil, logsInvalid("Upload too large: %d bytes exceeds limit of 1048576", size)
		}
		if *in.LogEvents[len(in.LogEvents)-1].Timestamp-*in.LogEvents[0].Timestamp > 24*3600*1000 {
			return nil, logsInvalid("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
		}
		g, err := t.logGroupRef(in.LogGroupName, nil)
		if err != nil {
			return nil, err
		}
		s, err := g.stream(aws.ToString(in.LogStreamName))
		if err != nil {
			return nil, err
		}
		tooOld := unixMS(t.now.Add(-14 * 24 * time.Hour))
		tooNew := unixMS(t.now.Add(2 * time.Hour))
		expired := t.logCutoff(g)
		var ok []cwltypes.InputLogEvent
		var rej cwltypes.RejectedLogEventsInfo
		rejected := false
		for i, e := range in.LogEvents {
			ts := *e.Timestamp
			switch {
			case ts < expired:
				rej.ExpiredLogEventEndIndex, rejected = aws.Int32(int32(i)), true
			case ts < tooOld:
				rej.TooOldLogEventEndIndex, rejected = aws.Int32(int32(i)), true
			case ts > tooNew:
				if rej.TooNewLogEventStartIndex == nil {
					rej.TooNewLogEventStartIndex = aws.Int32(int32(i))
				}
				rejected = true
			default:
				ok = append(ok, e)
			}
		}
		t.appendLogEvents(s, ok, t.now)
		t.expireLogs(g)
		out := &cloudwatchlogs.PutLogEventsOutput{NextSequenceToken: aws.String(seqToken(s.Seq + 1))}
		if rejected {
			out.RejectedLogEventsInfo = &rej
		}
		return out, nil
	})
}

// eventKey orders events within a stream; tokens carry one.
type eventKey struct{ ts, seq int64 }

func (k eventKey) less(o eventKey) bool { return k.ts < o.ts || (k.ts == o.ts && k.seq < o.seq) }

func (e logEvent) key() eventKey { return eventKey{e.TS, e.Seq} }

func streamToken(dir string, k eventKey) string {
	return fmt.Sprintf("%s/%020d%020d", dir, k.ts, k.seq)
}

func parseStreamToken(s string) (string, eventKey, bool) {
	dir, rest, ok := strings.Cut(s, "/")
	if !ok || (dir != "f" && dir != "b") || len(rest) != 40 {
		return "", eventKey{}, false
	}
	ts, err1 := strconv.ParseInt(rest[:20], 10, 64)
	seq, err2 := strconv.ParseInt(rest[20:], 10, 64)
	if err1 != nil || err2 != nil {
		return "", eventKey{}, false
	}
	return dir, eventKey{ts, seq}, true
}

func (a *logsAPI) GetLogEvents(ctx context.Context, in *cloudwatchlogs.GetLogEventsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.GetLogEventsOutput, error) {
	return call(ctx, a.s, svcLogs, "GetLogEvents", func(t *tx) (*cloudwatchlogs.GetLogEventsOutput, error) {
		lim := int(aws.ToInt32(in.Limit))
		if in.Limit == nil {
			lim = 10000
		}
		if lim < 1 || lim > 10000 {
			return nil, logsInvalid("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and 10000", lim)
		}
		g, err := t.logGroupRef(in.LogGroupName, in.LogGroupIdentifier)
		if err != nil {
			return nil, err
		}
		s, err := g.stream(aws.ToString(in.LogStreamName))
		if err != nil {
			return nil, err
		}
		cut := t.logCutoff(g)
		var evs []logEvent
		for _, e := range s.Events {
			if e.TS < cut || (in.StartTime != nil && e.TS < *in.StartTime) || (in.EndTime != nil && e.TS >= *in.EndTime) {
				continue
			}
			evs = append(evs, e)
		}
		var from, to int // the slice [from, to) of evs to return
		var cursor eventKey
		dir := "f"
		if aws.ToBool(in.StartFromHead) {
			dir = "h"
		}
		if in.NextToken != nil {
			d, k, ok := parseStreamToken(*in.NextToken)
			if !ok {
				return nil, logsInvalid("The specified nextToken is invalid.")
			}
			dir, cursor = d, k
		}
		switch dir {
		case "h": // from the head
			from, to = 0, min(lim, len(evs))
		case "f":
			if in.NextToken == nil { // the tail
				from, to = max(0, len(evs)-lim), len(evs)
				break
			}
			from = sort.Search(len(evs), func(i int) bool { return cursor.less(evs[i].key()) })
			to = min(from+lim, len(evs))
		case "b":
			to = sort.Search(len(evs), func(i int) bool { return !evs[i].key().less(cursor) })
			from = max(0, to-lim)
		}
		out := &cloudwatchlogs.GetLogEventsOutput{Events: []cwltypes.OutputLogEvent{}}
		for _, e := range evs[from:to] {
			out.Events = append(out.Events, cwltypes.OutputLogEvent{Timestamp: aws.Int64(e.TS), IngestionTime: aws.Int64(e.Ingest), Message: aws.String(e.Msg)})
		}
		// Forward: after the last event returned (or where this page began);
		// backward: before the first.
		fwd, bwd := cursor, cursor
		if to > from {
			fwd, bwd = evs[to-1].key(), evs[from].key()
		} else if in.NextToken == nil {
			if from < len(evs) {
				bwd = evs[from].key()
			} else {
				bwd = eventKey{unixMS(t.now) + 1, 0}
			}
			if from > 0 {
				fwd = evs[from-1].key()
			}
		}
		out.NextForwardToken = aws.String(streamToken("f", fwd))
		out.NextBackwardToken = aws.String(streamToken("b", bwd))
		if in.NextToken != nil && to == from && dir == "f" {
			out.NextForwardToken = aws.String(*in.NextToken) // nothing new: the same token, as AWS answers
		}
		return out, nil
	})
}

// filterToken is FilterLogEvents' cursor: the last event returned.
type filterToken struct {
	TS     int64  `json:"t"`
	Stream string `json:"s"`
	Seq    int64  `json:"q"`
}

func (a *logsAPI) FilterLogEvents(ctx context.Context, in *cloudwatchlogs.FilterLogEventsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error) {
	return call(ctx, a.s, svcLogs, "FilterLogEvents", func(t *tx) (*cloudwatchlogs.FilterLogEventsOutput, error) {
		if len(in.LogStreamNames) > 0 && in.LogStreamNamePrefix != nil {
			return nil, logsInvalid("logStreamNames and logStreamNamePrefix are mutually exclusive.")
		}
		if len(in.LogStreamNames) > 100 {
			return nil, logsInvalid("1 validation error detected: Value at 'logStreamNames' failed to satisfy constraint: Member must have length less than or equal to 100")
		}
		lim := int(aws.ToInt32(in.Limit))
		if in.Limit == nil {
			lim = 10000
		}
		if lim < 1 || lim > 10000 {
			return nil, logsInvalid("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and 10000", lim)
		}
		if in.StartTime != nil && in.EndTime != nil && *in.EndTime < *in.StartTime {
			return nil, logsInvalid("endTime must be greater than or equal to startTime.")
		}
		match, err := compileFilterPattern(aws.ToString(in.FilterPattern))
		if err != nil {
			return nil, err
		}
		g, err := t.logGroupRef(in.LogGroupName, in.LogGroupIdentifier)
		if err != nil {
			return nil, err
		}
		var after *filterToken
		if in.NextToken != nil {
			b, err := base64.RawURLEncoding.DecodeString(*in.NextToken)
			after = &filterToken{}
			if err != nil || json.Unmarshal(b, after) != nil {
				return nil, logsInvalid("The specified nextToken is invalid.")
			}
		}
		names := sortedKeys(g.Streams)
		if len(in.LogStreamNames) > 0 {
			names = nil
			for _, n := range in.LogStreamNames {
				if g.Streams[n] == nil {
					return nil, &cwltypes.ResourceNotFoundException{Message: aws.String("The specified log stream does not exist.")}
				}
				names = append(names, n)
			}
			sort.Strings(names)
		}
		cut := t.logCutoff(g)
		type hit struct {
			stream string
			e      logEvent
		}
		var hits []hit
		out := &cloudwatchlogs.FilterLogEventsOutput{Events: []cwltypes.FilteredLogEvent{}, SearchedLogStreams: []cwltypes.SearchedLogStream{}}
		for _, n := range names {
			if !strings.HasPrefix(n, aws.ToString(in.LogStreamNamePrefix)) {
				continue
			}
			out.SearchedLogStreams = append(out.SearchedLogStreams, cwltypes.SearchedLogStream{LogStreamName: aws.String(n), SearchedCompletely: aws.Bool(true)})
			for _, e := range g.Streams[n].Events {
				if e.TS < cut || (in.StartTime != nil && e.TS < *in.StartTime) || (in.EndTime != nil && e.TS > *in.EndTime) || !match(e.Msg) {
					continue
				}
				hits = append(hits, hit{n, e})
			}
		}
		sort.SliceStable(hits, func(i, j int) bool {
			a, b := hits[i], hits[j]
			if a.e.TS != b.e.TS {
				return a.e.TS < b.e.TS
			}
			if a.stream != b.stream {
				return a.stream < b.stream
			}
			return a.e.Seq < b.e.Seq
		})
		start := 0
		if after != nil {
			start = sort.Search(len(hits), func(i int) bool {
				h := hits[i]
				if h.e.TS != after.TS {
					return h.e.TS > after.TS
				}
				if h.stream != after.Stream {
					return h.stream > after.Stream
				}
				return h.e.Seq > after.Seq
			})
		}
		end := min(start+lim, len(hits))
		for _, h := range hits[start:end] {
			out.Events = append(out.Events, cwltypes.FilteredLogEvent{
				EventId:       aws.String(fmt.Sprintf("%d%010d%014d", h.e.TS, logsHash(h.stream), h.e.Seq)),
				LogStreamName: aws.String(h.stream), Timestamp: aws.Int64(h.e.TS), IngestionTime: aws.Int64(h.e.Ingest), Message: aws.String(h.e.Msg),
			})
		}
		if end < len(hits) {
			last := hits[end-1]
			b, _ := json.Marshal(filterToken{TS: last.e.TS, Stream: last.stream, Seq: last.e.Seq})
			out.NextToken = aws.String(base64.RawURLEncoding.EncodeToString(b))
		}
		return out, nil
	})
}

func logsHash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// --- filter patterns ---

// compileFilterPattern turns a CloudWatch Logs filter pattern into a
// matcher: "" (everything), terms (all must appear; "quoted phrases";
// ?term: at least one of these; -term: none of these), or a JSON pattern
// { $.a.b = "x" && $.n >= 3 || ... } with =, !=, <, <=, >, >= and * in
// string values.
func compileFilterPattern(p string) (func(string) bool, error) {
	p = strings.TrimSpace(p)
	if p == "" {
		return func(string) bool { return true }, nil
	}
	if strings.HasPrefix(p, "{") {
		return compileJSONPattern(p)
	}
	if strings.HasPrefix(p, "[") {
		return nil, logsInvalid("Invalid filter pattern: the sandbox doesn't support space-delimited [...] patterns.")
	}
	var all, anyOf, none []string
	for len(p) > 0 {
		p = strings.TrimLeft(p, " \t")
		if p == "" {
			break
		}
		mod := byte(0)
		if p[0] == '?' || p[0] == '-' {
			mod, p = p[0], p[1:]
		}
		var term string
		if strings.HasPrefix(p, `"`) {
			end := strings.Index(p[1:], `"`)
			if end < 0 {
				return nil, logsInvalid("Invalid filter pattern: unterminated quote.")
			}
			term, p = p[1:1+end], p[2+end:]
		} else {
			end := strings.IndexAny(p, " \t")
			if end < 0 {
				end = len(p)
			}
			term, p = p[:end], p[end:]
		}
		if term == "" {
			continue
		}
		switch mod {
		case '?':
			anyOf = append(anyOf, term)
		case '-':
			none = append(none, term)
		default:
			all = append(all, term)
		}
	}
	return func(msg string) bool {
		for _, t := range all {
			if !strings.Contains(msg, t) {
				return false
			}
		}
		for _, t := range none {
			if strings.Contains(msg, t) {
				return false
			}
		}
		if len(anyOf) == 0 {
			return true
		}
		for _, t := range anyOf {
			if strings.Contains(msg, t) {
				return true
			}
		}
		return false
	}, nil
}

var jsonStepRE = regexp.MustCompile(`\.[A-Za-z0-9_\-]+|\[[0-9]+\]`)

var jsonCondRE = regexp.MustCompile(`^\s*\$((?:\.[A-Za-z0-9_\-]+|\[[0-9]+\])+)\s*(=|!=|<=|>=|<|>)\s*("(?:[^"\\]|\\.)*"|[^\s&|]+)\s*$`)

// compileJSONPattern handles conditions joined by && and || (&& binds
// tighter), without parentheses.
func compileJSONPattern(p string) (func(string) bool, error) {
	body := strings.TrimSpace(p)
	if !strings.HasSuffix(body, "}") {
		return nil, logsInvalid("Invalid filter pattern: %s", p)
	}
	body = strings.TrimSpace(body[1 : len(body)-1])
	type cond func(v any) bool
	var ors [][]cond
	for _, alt := range strings.Split(body, "||") {
		var ands []cond
		for _, c := range strings.Split(alt, "&&") {
			m := jsonCondRE.FindStringSubmatch(c)
			if m == nil {
				return nil, logsInvalid("Invalid filter pattern: %s", p)
			}
			path, op, lit := m[1], m[2], m[3]
			steps := jsonStepRE.FindAllString(path, -1)
			ands = append(ands, func(doc any) bool {
				v := doc
				for _, s := range steps {
					switch {
					case strings.HasPrefix(s, "."):
						o, ok := v.(map[string]any)
						if !ok {
							return false
						}
						v = o[s[1:]]
					default:
						a, ok := v.([]any)
						i, _ := strconv.Atoi(s[1 : len(s)-1])
						if !ok || i >= len(a) {
							return false
						}
						v = a[i]
					}
				}
				return jsonCompare(v, op, lit)
			})
		}
		ors = append(ors, ands)
	}
	return func(msg string) bool {
		var doc any
		if json.Unmarshal([]byte(msg), &doc) != nil {
			return false
		}
		for _, ands := range ors {
			ok := true
			for _, c := range ands {
				ok = ok && c(doc)
			}
			if ok {
				return true
			}
		}
		return false
	}, nil
}

func jsonCompare(v any, op, lit string) bool {
	if strings.HasPrefix(lit, `"`) {
		want, _ := strconv.Unquote(lit)
		s, ok := v.(string)
		if !ok {
			return false
		}
		eq := wildcard(want, s)
		switch op {
		case "=":
			return eq
		case "!=":
			return !eq
		}
		return false
	}
	if lit == "true" || lit == "false" || lit == "null" {
		var eq bool
		switch lit {
		case "null":
			eq = v == nil
		default:
			b, ok := v.(bool)
			eq = ok && b == (lit == "true")
		}
		return (op == "=" && eq) || (op == "!=" && !eq)
	}
	want, err := strconv.ParseFloat(lit, 64)
	n, ok := v.(float64)
	if err != nil || !ok {
		if op == "=" || op == "!=" {
			s, isStr := v.(string)
			eq := isStr && wildcard(lit, s)
			return (op == "=") == eq
		}
		return false
	}
	switch op {
	case "=":
		return n == want
	case "!=":
		return n != want
	case "<":
		return n < want
	case "<=":
		return n <= want
	case ">":
		return n > want
	case ">=":
		return n >= want
	}
	return false
}

// --- tags ---

func (t *tx) logsTaggable(ref string) (*logGroup, error) {
	a, ok := parseARN(ref)
	if !ok || a.Service != "logs" {
		return nil, logsInvalid("Invalid resource ARN: %s", ref)
	}
	if !strings.HasPrefix(a.Resource, "log-group:") {
		return nil, &cwltypes.ResourceNotFoundException{Message: aws.String("The specified resource does not exist.")}
	}
	if a.Region != t.regionName() || a.Account != t.account() {
		return nil, &cwltypes.ResourceNotFoundException{Message: aws.String("The specified resource does not exist.")}
	}
	n := strings.TrimSuffix(strings.TrimPrefix(a.Resource, "log-group:"), ":*")
	g := t.r.Logs.Groups[n]
	if g == nil || t.hidden(g.Created) {
		return nil, &cwltypes.ResourceNotFoundException{Message: aws.String("The specified resource does not exist.")}
	}
	return g, nil
}

func (a *logsAPI) TagResource(ctx context.Context, in *cloudwatchlogs.TagResourceInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.TagResourceOutput, error) {
	return call(ctx, a.s, svcLogs, "TagResource", func(t *tx) (*cloudwatchlogs.TagResourceOutput, error) {
		g, err := t.logsTaggable(aws.ToString(in.ResourceArn))
		if err != nil {
			return nil, err
		}
		if len(in.Tags) == 0 {
			return nil, logsInvalid("1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1")
		}
		merged := copyMap(g.Tags)
		if merged == nil {
			merged = map[string]string{}
		}
		for k, v := range in.Tags {
			merged[k] = v
		}
		if err := checkLogTags(merged); err != nil {
			return nil, err
		}
		g.setTags(in.Tags)
		return &cloudwatchlogs.TagResourceOutput{}, nil
	})
}

func (a *logsAPI) ListTagsForResource(ctx context.Context, in *cloudwatchlogs.ListTagsForResourceInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.ListTagsForResourceOutput, error) {
	return call(ctx, a.s, svcLogs, "ListTagsForResource", func(t *tx) (*cloudwatchlogs.ListTagsForResourceOutput, error) {
		g, err := t.logsTaggable(aws.ToString(in.ResourceArn))
		if err != nil {
			return nil, err
		}
		tags := copyMap(g.Tags)
		if tags == nil {
			tags = map[string]string{}
		}
		return &cloudwatchlogs.ListTagsForResourceOutput{Tags: tags}, nil
	})
}
