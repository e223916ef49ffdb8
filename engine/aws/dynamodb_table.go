package aws

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/minimalinfra/mvi/engine/arch"
)

type tableHandler struct{}

func (tableHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeTable, Service: arch.KV, DeleteRank: 13, HoldsData: true,
		ARNKinds: []string{"dynamodb:table"},
		Console: func(s resource.Site) string {
			return console(s, "dynamodbv2/home?region="+s.Region+"#table?name="+s.Name())
		},
		Lookup: func(s resource.Site) string {
			return "aws dynamodb describe-table --table-name " + s.Name() + " " + regionFlag(s)
		},
	}
}

func ddbTags(m map[string]string) []ddbtypes.Tag {
	return toSDK(m, func(k, v *string) ddbtypes.Tag { return ddbtypes.Tag{Key: k, Value: v} })
}

func tableLive(typ string, t ddbtypes.TableDescription, tags map[string]string) resource.Live {
	l := newLive(typ, str(t.TableName), tags)
	l.ARN = str(t.TableArn)
	l.State = string(t.TableStatus)
	l.Attrs["name"] = l.PhysicalID
	l.Attrs["arn"] = l.ARN
	var keys []string
	for _, k := range t.KeySchema {
		keys = append(keys, string(k.KeyType)+"="+str(k.AttributeName))
	}
	l.Attrs["key_schema"] = strings.Join(keys, ",")
	return l
}

func keySchemaOf(p arch.TableProps) string {
	s := "HASH=" + p.HashKey
	if p.RangeKey != "" {
		s += ",RANGE=" + p.RangeKey
	}
	return s
}

// List asks the Tagging API (DynamoDB has no tag filter), then DescribeTable
// for state: the Tagging API lags behind deletes.
// List asks the Tagging API and DynamoDB itself (tables named for the
// app): an index that lags or misses a table must not hide it.
func (h tableHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	found, err := taggedARNs(ctx, env, "dynamodb:table")
	if err != nil {
		return nil, wrap("list", "DynamoDB tables", err)
	}
	byName := map[string]map[string]string{}
	for _, f := range found {
		arn := str(f.ResourceARN)
		byName[arn[strings.LastIndex(arn, "/")+1:]] = rgtTagMap(f.Tags)
	}
	if err := h.namedForApp(ctx, env, byName); err != nil {
		return nil, err
	}
	var out []resource.Live
	for _, name := range slices.Sorted(maps.Keys(byName)) {
		tags := byName[name]
		if !ours(env.App, tags) {
			continue
		}
		d, err := env.Clients.DynamoDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
		if isCode(err, "ResourceNotFoundException") {
			continue
		}
		if err != nil {
			return nil, wrap("list", tags[resource.TagID], err)
		}
		if d.Table.TableStatus == ddbtypes.TableStatusDeleting {
			continue
		}
		out = append(out, tableLive(h.Describe().Type, *d.Table, tags))
	}
	return out, nil
}

// namedForApp adds the tables whose names start with the app's prefix,
// with their tags, to byName.
func (tableHandler) namedForApp(ctx context.Context, env resource.Env, byName map[string]map[string]string) error {
	in := &dynamodb.ListTablesInput{}
	for {
		res, err := env.Clients.DynamoDB.ListTables(ctx, in)
		if err != nil {
			return wrap("list", "DynamoDB tables", err)
		}
		for _, n := range res.TableNames {
			if _, ok := byName[n]; ok || !strings.HasPrefix(n, appPrefix(env.App)) {
				continue
			}
			tags := map[string]string{}
			tin := &dynamodb.ListTagsOfResourceInput{ResourceArn: aws.String("arn:" + partition(env.Region) + ":dynamodb:" + env.Region + ":" + env.Account + ":table/" + n)}
			for {
				tr, err := env.Clients.DynamoDB.ListTagsOfResource(ctx, tin)
				if isCode(err, "ResourceNotFoundException") {
					break
				}
				if err != nil {
					return wrap("list", n, err)
				}
				for _, t := range tr.Tags {
					tags[str(t.Key)] = str(t.Value)
				}
				if str(tr.NextToken) == "" {
					break
				}
				tin.NextToken = tr.NextToken
			}
			byName[n] = tags
		}
		if str(res.LastEvaluatedTableName) == "" {
			return nil
		}
		in.ExclusiveStartTableName = res.LastEvaluatedTableName
	}
}

func (h tableHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	p, err := propsOf[arch.TableProps]("create", r)
	if err != nil {
		return resource.Live{}, err
	}
	key, err := depAttr(env, r.ID, p.Key, "arn")
	if err != nil {
		return resource.Live{}, err
	}
	name := physName(env.App, r.ID, 255)
	in := &dynamodb.CreateTableInput{
		TableName:                 aws.String(name),
		AttributeDefinitions:      []ddbtypes.AttributeDefinition{{AttributeName: aws.String(p.HashKey), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:                 []ddbtypes.KeySchemaElement{{AttributeName: aws.String(p.HashKey), KeyType: ddbtypes.KeyTypeHash}},
		SSESpecification:          &ddbtypes.SSESpecification{Enabled: aws.Bool(true), SSEType: ddbtypes.SSETypeKms, KMSMasterKeyId: aws.String(key)},
		DeletionProtectionEnabled: aws.Bool(false),
		Tags:                      ddbTags(createTags(env, r, p.PITR)),
	}
	if p.RangeKey != "" {
		in.AttributeDefinitions = append(in.AttributeDefinitions, ddbtypes.AttributeDefinition{AttributeName: aws.String(p.RangeKey), AttributeType: ddbtypes.ScalarAttributeTypeS})
		in.KeySchema = append(in.KeySchema, ddbtypes.KeySchemaElement{AttributeName: aws.String(p.RangeKey), KeyType: ddbtypes.KeyTypeRange})
	}
	if p.OnDemand {
		in.BillingMode = ddbtypes.BillingModePayPerRequest
	} else {
		in.BillingMode = ddbtypes.BillingModeProvisioned
		in.ProvisionedThroughput = &ddbtypes.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(1), WriteCapacityUnits: aws.Int64(1)}
	}
	res, err := env.Clients.DynamoDB.CreateTable(ctx, in)
	var live resource.Live
	switch {
	case isCode(err, "ResourceInUseException"):
		// Exists: a retried create. Converge it if it is ours.
		d, derr := env.Clients.DynamoDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
		if derr != nil {
			return resource.Live{}, wrap("create", r.ID, err)
		}
		live = tableLive(h.Describe().Type, *d.Table, map[string]string{resource.TagID: r.ID})
		return h.Update(ctx, env, r, live)
	case err != nil:
		return resource.Live{}, wrap("create", r.ID, err)
	}
	live = tableLive(h.Describe().Type, *res.TableDescription, map[string]string{resource.TagID: r.ID})
	live.Hash = arch.Hash(r.Props)
	if p.PITR {
		live.Hash = hashPending // Finish turns it on, once the table is ACTIVE
	}
	return live, nil
}

// Finish turns on point-in-time recovery, which DynamoDB allows only once
// the table is ACTIVE (seconds for an empty table), and writes the final
// hash: until then a crash leaves the table marked pending, so the next
// plan finishes it.
func (h tableHandler) Finish(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	if live.Hash == arch.Hash(r.Props) {
		return live, nil
	}
	return h.Update(ctx, env, r, live)
}

func (h tableHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	p, err := propsOf[arch.TableProps]("update", r)
	if err != nil {
		return resource.Live{}, err
	}
	if ks := live.Attrs["key_schema"]; ks != "" && ks != keySchemaOf(p) {
		return resource.Live{}, resource.ErrReplace
	}
	key, err := depAttr(env, r.ID, p.Key, "arn")
	if err != nil {
		return resource.Live{}, err
	}
	d, err := env.Clients.DynamoDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(live.PhysicalID)})
	if err != nil {
		return resource.Live{}, wrap("describe", r.ID, err)
	}
	t := d.Table
	var upd dynamodb.UpdateTableInput
	changed := false
	mode := ddbtypes.BillingModeProvisioned
	if t.BillingModeSummary != nil {
		mode = t.BillingModeSummary.BillingMode
	}
	if p.OnDemand && mode != ddbtypes.BillingModePayPerRequest {
		upd.BillingMode, changed = ddbtypes.BillingModePayPerRequest, true
	}
	if !p.OnDemand && mode != ddbtypes.BillingModeProvisioned {
		upd.BillingMode, changed = ddbtypes.BillingModeProvisioned, true
		upd.ProvisionedThroughput = &ddbtypes.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(1), WriteCapacityUnits: aws.Int64(1)}
	}
	if t.SSEDescription == nil || t.SSEDescription.SSEType != ddbtypes.SSETypeKms || str(t.SSEDescription.KMSMasterKeyArn) != key {
		upd.SSESpecification, changed = &ddbtypes.SSESpecification{Enabled: aws.Bool(true), SSEType: ddbtypes.SSETypeKms, KMSMasterKeyId: aws.String(key)}, true
	}
	if changed {
		upd.TableName = aws.String(live.PhysicalID)
		if _, err := env.Clients.DynamoDB.UpdateTable(ctx, &upd); err != nil {
			return resource.Live{}, wrap("update", r.ID, err)
		}
	}
	if _, err := env.Clients.DynamoDB.UpdateContinuousBackups(ctx, &dynamodb.UpdateContinuousBackupsInput{
		TableName:                        aws.String(live.PhysicalID),
		PointInTimeRecoverySpecification: &ddbtypes.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: aws.Bool(p.PITR)},
	}); err != nil {
		return resource.Live{}, wrap("set point-in-time recovery of", r.ID, err)
	}
	tags := resource.Tags(env.App, r)
	if _, err := env.Clients.DynamoDB.TagResource(ctx, &dynamodb.TagResourceInput{ResourceArn: t.TableArn, Tags: ddbTags(tags)}); err != nil {
		return resource.Live{}, wrap("tag", r.ID, err)
	}
	live = tableLive(h.Describe().Type, *t, tags)
	return live, nil
}

func (h tableHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	_, err := env.Clients.DynamoDB.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(live.PhysicalID)})
	if isCode(err, "ResourceNotFoundException") {
		return nil
	}
	return wrap("delete", live.ID, err)
}

func (h tableHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	d, err := env.Clients.DynamoDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(live.PhysicalID)})
	if err != nil {
		return false, "", wrap("describe", live.ID, err)
	}
	if d.Table.TableStatus != ddbtypes.TableStatusActive {
		return false, "waiting for table (" + string(d.Table.TableStatus) + ")", nil
	}
	return true, "", nil
}

// Replaces: a table's key schema is fixed when it is made.
func (tableHandler) Replaces(r arch.Resource, live resource.Live) string {
	p, ok := r.Props.(arch.TableProps)
	if !ok {
		return ""
	}
	return forces("key schema", live.Attrs["key_schema"], keySchemaOf(p), "DynamoDB can't change a table's keys: a new table starts empty")
}
