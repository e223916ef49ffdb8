package aws

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/minimalinfra/mvi/engine/arch"
)

// logGroupHandler is the Log service: /mvi/<app>, encrypted with the app
// key, kept RetentionDays.
type logGroupHandler struct{}

func (logGroupHandler) Type() string { return "AWS::Logs::LogGroup" }

// groupARN drops the ":*" DescribeLogGroups appends to a group's ARN.
func groupARN(g logtypes.LogGroup) string {
	if a := str(g.LogGroupArn); a != "" {
		return a
	}
	return strings.TrimSuffix(str(g.Arn), ":*")
}

func logLive(typ string, g logtypes.LogGroup, tags map[string]string) Live {
	l := newLive(typ, str(g.LogGroupName), tags)
	l.ARN = groupARN(g)
	l.State = "available"
	l.Attrs["name"] = l.PhysicalID
	l.Attrs["arn"] = l.ARN
	// IAM statements for streams and events need the "…:*" form.
	l.Attrs["policy_arn"] = l.ARN + ":*"
	l.Attrs["kms_key_id"] = str(g.KmsKeyId)
	l.Attrs["retention_days"] = itoa(int(i32(g.RetentionInDays)))
	return l
}

func (h logGroupHandler) List(ctx context.Context, env Env) ([]Live, error) {
	base := "/mvi/" + env.App
	var out []Live
	p := cloudwatchlogs.NewDescribeLogGroupsPaginator(env.Clients.Logs, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(base)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("list", "log groups", err)
		}
		for _, g := range page.LogGroups {
			name := str(g.LogGroupName)
			if name != base && !strings.HasPrefix(name, base+"/") {
				continue
			}
			t, err := env.Clients.Logs.ListTagsForResource(ctx, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: aws.String(groupARN(g))})
			if isCode(err, "ResourceNotFoundException") {
				continue
			}
			if err != nil {
				return nil, wrap("list", name, err)
			}
			if ours(env.App, t.Tags) {
				out = append(out, logLive(h.Type(), g, t.Tags))
			}
		}
	}
	return out, nil
}

func (h logGroupHandler) Create(ctx context.Context, env Env, r arch.Resource) (Live, error) {
	p, err := propsOf[arch.LogGroupProps]("create", r)
	if err != nil {
		return Live{}, err
	}
	key, err := depAttr(env, r.ID, p.Key, "arn")
	if err != nil {
		return Live{}, err
	}
	_, err = env.Clients.Logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{
		LogGroupName: aws.String(p.Name), KmsKeyId: aws.String(key), Tags: createTags(env, r, true),
	})
	if err != nil && !isCode(err, "ResourceAlreadyExistsException") {
		return Live{}, wrap("create", r.ID, err)
	}
	live := Live{ID: r.ID, Type: h.Type(), PhysicalID: p.Name, State: "available", Attrs: map[string]string{"name": p.Name}}
	return h.Update(ctx, env, r, live)
}

func (h logGroupHandler) Update(ctx context.Context, env Env, r arch.Resource, live Live) (Live, error) {
	p, err := propsOf[arch.LogGroupProps]("update", r)
	if err != nil {
		return Live{}, err
	}
	if p.Name != live.PhysicalID {
		return Live{}, ErrReplace
	}
	key, err := depAttr(env, r.ID, p.Key, "arn")
	if err != nil {
		return Live{}, err
	}
	res, err := env.Clients.Logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(p.Name)})
	if err != nil {
		return Live{}, wrap("describe", r.ID, err)
	}
	var g *logtypes.LogGroup
	for i := range res.LogGroups {
		if str(res.LogGroups[i].LogGroupName) == p.Name {
			g = &res.LogGroups[i]
		}
	}
	if g == nil {
		return Live{}, wrap("update", r.ID, &notFound{what: "log group " + p.Name})
	}
	// A retried create may find the group, but is it ours?
	if str(g.KmsKeyId) != key {
		if _, err := env.Clients.Logs.AssociateKmsKey(ctx, &cloudwatchlogs.AssociateKmsKeyInput{LogGroupName: aws.String(p.Name), KmsKeyId: aws.String(key)}); err != nil {
			return Live{}, wrap("encrypt", r.ID, err)
		}
	}
	if int(i32(g.RetentionInDays)) != p.RetentionDays {
		if _, err := env.Clients.Logs.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{
			LogGroupName: aws.String(p.Name), RetentionInDays: aws.Int32(int32(p.RetentionDays))}); err != nil {
			return Live{}, wrap("set retention of", r.ID, err)
		}
	}
	tags := Tags(env.App, r)
	if _, err := env.Clients.Logs.TagResource(ctx, &cloudwatchlogs.TagResourceInput{ResourceArn: aws.String(groupARN(*g)), Tags: tags}); err != nil {
		return Live{}, wrap("tag", r.ID, err)
	}
	g.KmsKeyId = aws.String(key)
	g.RetentionInDays = aws.Int32(int32(p.RetentionDays))
	return logLive(h.Type(), *g, tags), nil
}

func (h logGroupHandler) Delete(ctx context.Context, env Env, live Live) error {
	_, err := env.Clients.Logs.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String(live.PhysicalID)})
	if isCode(err, "ResourceNotFoundException") {
		return nil
	}
	return wrap("delete", live.ID, err)
}

func (h logGroupHandler) Ready(ctx context.Context, env Env, live Live) (bool, string, error) {
	return true, "", nil
}
