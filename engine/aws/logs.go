package aws

import (
	"context"
	"net/url"
	"strings"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/minimalinfra/mvi/engine/arch"
)

// logGroupHandler is the Log service: /mvi/<app>, encrypted with the app
// key, kept RetentionDays.
type logGroupHandler struct{}

func (logGroupHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeLogGroup, Service: arch.Log, DeleteRank: 13,
		ARNKinds: []string{"logs:log-group"},
		Console: func(s resource.Site) string {
			return console(s, "cloudwatch/home?region="+s.Region+"#logsV2:log-groups/log-group/"+url.QueryEscape(url.QueryEscape(s.Name())))
		},
		Lookup: func(s resource.Site) string { return "aws logs tail " + s.Name() + " --follow " + regionFlag(s) },
	}
}

// groupARN drops the ":*" DescribeLogGroups appends to a group's ARN.
func groupARN(g logtypes.LogGroup) string {
	if a := str(g.LogGroupArn); a != "" {
		return a
	}
	return strings.TrimSuffix(str(g.Arn), ":*")
}

func logLive(typ string, g logtypes.LogGroup, tags map[string]string) resource.Live {
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

func (h logGroupHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	base := "/mvi/" + env.App
	var out []resource.Live
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
				out = append(out, logLive(h.Describe().Type, g, t.Tags))
			}
		}
	}
	return out, nil
}

func (h logGroupHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	p, err := propsOf[arch.LogGroupProps]("create", r)
	if err != nil {
		return resource.Live{}, err
	}
	key, err := depAttr(env, r.ID, p.Key, "arn")
	if err != nil {
		return resource.Live{}, err
	}
	_, err = env.Clients.Logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{
		LogGroupName: aws.String(p.Name), KmsKeyId: aws.String(key), Tags: createTags(env, r, true),
	})
	if err != nil && !isCode(err, "ResourceAlreadyExistsException") {
		return resource.Live{}, wrap("create", r.ID, err)
	}
	live := resource.Live{ID: r.ID, Type: h.Describe().Type, PhysicalID: p.Name, State: "available", Attrs: map[string]string{"name": p.Name}}
	return h.Update(ctx, env, r, live)
}

func (h logGroupHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	p, err := propsOf[arch.LogGroupProps]("update", r)
	if err != nil {
		return resource.Live{}, err
	}
	if p.Name != live.PhysicalID {
		return resource.Live{}, resource.ErrReplace
	}
	key, err := depAttr(env, r.ID, p.Key, "arn")
	if err != nil {
		return resource.Live{}, err
	}
	res, err := env.Clients.Logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(p.Name)})
	if err != nil {
		return resource.Live{}, wrap("describe", r.ID, err)
	}
	var g *logtypes.LogGroup
	for i := range res.LogGroups {
		if str(res.LogGroups[i].LogGroupName) == p.Name {
			g = &res.LogGroups[i]
		}
	}
	if g == nil {
		return resource.Live{}, wrap("update", r.ID, &notFound{what: "log group " + p.Name})
	}
	// A retried create may find the group, but is it ours?
	if str(g.KmsKeyId) != key {
		if _, err := env.Clients.Logs.AssociateKmsKey(ctx, &cloudwatchlogs.AssociateKmsKeyInput{LogGroupName: aws.String(p.Name), KmsKeyId: aws.String(key)}); err != nil {
			return resource.Live{}, wrap("encrypt", r.ID, err)
		}
	}
	if int(i32(g.RetentionInDays)) != p.RetentionDays {
		if _, err := env.Clients.Logs.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{
			LogGroupName: aws.String(p.Name), RetentionInDays: aws.Int32(int32(p.RetentionDays))}); err != nil {
			return resource.Live{}, wrap("set retention of", r.ID, err)
		}
	}
	tags := resource.Tags(env.App, r)
	if _, err := env.Clients.Logs.TagResource(ctx, &cloudwatchlogs.TagResourceInput{ResourceArn: aws.String(groupARN(*g)), Tags: tags}); err != nil {
		return resource.Live{}, wrap("tag", r.ID, err)
	}
	g.KmsKeyId = aws.String(key)
	g.RetentionInDays = aws.Int32(int32(p.RetentionDays))
	return logLive(h.Describe().Type, *g, tags), nil
}

func (h logGroupHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	_, err := env.Clients.Logs.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String(live.PhysicalID)})
	if isCode(err, "ResourceNotFoundException") {
		return nil
	}
	return wrap("delete", live.ID, err)
}

func (h logGroupHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	return true, "", nil
}

// Changes names a new retention.
func (logGroupHandler) Changes(r arch.Resource, live resource.Live) []string {
	p, ok := r.Props.(arch.LogGroupProps)
	if !ok {
		return nil
	}
	return changes(change("retention days", live.Attrs["retention_days"], itoa(p.RetentionDays)))
}
