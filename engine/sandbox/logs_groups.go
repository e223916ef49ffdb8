package sandbox

import (
	"context"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

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
		g := &logGroup{Meta: Meta{ID: name, ARN: t.logGroupARN(name), Created: t.now}, Name: name, KMSKey: key,
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
