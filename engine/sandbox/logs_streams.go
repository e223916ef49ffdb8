package sandbox

import (
	"context"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

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
