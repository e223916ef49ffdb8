package aws

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/minimalinfra/mvi/engine/arch"
)

// ---- ECR repository (Registry) ----

type repositoryHandler struct{}

func (repositoryHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeRepository, Service: arch.Registry, DeleteRank: 13,
		ARNKinds: []string{"ecr:repository"},
		Console: func(s resource.Site) string {
			return console(s, "ecr/repositories/private/"+s.Attrs["account"]+"/"+s.Name()+"?region="+s.Region)
		},
		Lookup: func(s resource.Site) string {
			return "aws ecr describe-images --repository-name " + s.Name() + " " + regionFlag(s)
		},
	}
}

func ecrTags(m map[string]string) []ecrtypes.Tag {
	out := make([]ecrtypes.Tag, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, ecrtypes.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

func repoLive(typ string, r ecrtypes.Repository, tags map[string]string) resource.Live {
	l := newLive(typ, str(r.RepositoryName), tags)
	l.ARN = str(r.RepositoryArn)
	l.State = "available"
	l.Attrs["name"] = l.PhysicalID
	l.Attrs["arn"] = l.ARN
	l.Attrs["uri"] = str(r.RepositoryUri)
	l.Attrs["tag_mutability"] = string(r.ImageTagMutability)
	if r.EncryptionConfiguration != nil {
		l.Attrs["encryption"] = string(r.EncryptionConfiguration.EncryptionType)
		l.Attrs["kms_key"] = str(r.EncryptionConfiguration.KmsKey)
	}
	return l
}

func (h repositoryHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	prefix := appPrefix(env.App)
	var out []resource.Live
	p := ecr.NewDescribeRepositoriesPaginator(env.Clients.ECR, &ecr.DescribeRepositoriesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("list", "ECR repositories", err)
		}
		for _, r := range page.Repositories {
			if !strings.HasPrefix(str(r.RepositoryName), prefix) {
				continue
			}
			t, err := env.Clients.ECR.ListTagsForResource(ctx, &ecr.ListTagsForResourceInput{ResourceArn: r.RepositoryArn})
			if isCode(err, "RepositoryNotFoundException") {
				continue
			}
			if err != nil {
				return nil, wrap("list", str(r.RepositoryName), err)
			}
			tags := map[string]string{}
			for _, tg := range t.Tags {
				tags[str(tg.Key)] = str(tg.Value)
			}
			if ours(env.App, tags) {
				out = append(out, repoLive(h.Describe().Type, r, tags))
			}
		}
	}
	return out, nil
}

// lifecyclePolicy expires all but the newest keep images.
func lifecyclePolicy(keep int) string {
	b, _ := json.Marshal(map[string]any{"rules": []any{map[string]any{
		"rulePriority": 1,
		"description":  fmt.Sprintf("keep the newest %d images", keep),
		"selection":    map[string]any{"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": keep},
		"action":       map[string]any{"type": "expire"},
	}}})
	return string(b)
}

func (h repositoryHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	p, err := propsOf[arch.RepositoryProps]("create", r)
	if err != nil {
		return resource.Live{}, err
	}
	key, err := depAttr(env, r.ID, p.Key, "arn")
	if err != nil {
		return resource.Live{}, err
	}
	name := physName(env.App, r.ID, 256)
	mut := ecrtypes.ImageTagMutabilityMutable
	if p.ImmutableTags {
		mut = ecrtypes.ImageTagMutabilityImmutable
	}
	res, err := env.Clients.ECR.CreateRepository(ctx, &ecr.CreateRepositoryInput{
		RepositoryName:             aws.String(name),
		ImageTagMutability:         mut,
		ImageScanningConfiguration: &ecrtypes.ImageScanningConfiguration{ScanOnPush: p.ScanOnPush},
		EncryptionConfiguration:    &ecrtypes.EncryptionConfiguration{EncryptionType: ecrtypes.EncryptionTypeKms, KmsKey: aws.String(key)},
		Tags:                       ecrTags(createTags(env, r, true)),
	})
	var live resource.Live
	switch {
	case isCode(err, "RepositoryAlreadyExistsException"):
		d, derr := env.Clients.ECR.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{name}})
		if derr != nil || len(d.Repositories) == 0 {
			return resource.Live{}, wrap("create", r.ID, err)
		}
		live = repoLive(h.Describe().Type, d.Repositories[0], map[string]string{resource.TagID: r.ID})
	case err != nil:
		return resource.Live{}, wrap("create", r.ID, err)
	default:
		live = repoLive(h.Describe().Type, *res.Repository, map[string]string{resource.TagID: r.ID})
	}
	return h.Update(ctx, env, r, live)
}

func (h repositoryHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	p, err := propsOf[arch.RepositoryProps]("update", r)
	if err != nil {
		return resource.Live{}, err
	}
	key, err := depAttr(env, r.ID, p.Key, "arn")
	if err != nil {
		return resource.Live{}, err
	}
	// Encryption and tag mutability are fixed at creation.
	if k := live.Attrs["kms_key"]; k != "" && k != key {
		return resource.Live{}, resource.ErrReplace
	}
	if m := live.Attrs["tag_mutability"]; m != "" && (m == string(ecrtypes.ImageTagMutabilityImmutable)) != p.ImmutableTags {
		return resource.Live{}, resource.ErrReplace
	}
	name := aws.String(live.PhysicalID)
	if _, err := env.Clients.ECR.PutImageScanningConfiguration(ctx, &ecr.PutImageScanningConfigurationInput{
		RepositoryName: name, ImageScanningConfiguration: &ecrtypes.ImageScanningConfiguration{ScanOnPush: p.ScanOnPush}}); err != nil {
		return resource.Live{}, wrap("set scanning of", r.ID, err)
	}
	if p.Keep > 0 {
		if _, err := env.Clients.ECR.PutLifecyclePolicy(ctx, &ecr.PutLifecyclePolicyInput{
			RepositoryName: name, LifecyclePolicyText: aws.String(lifecyclePolicy(p.Keep))}); err != nil {
			return resource.Live{}, wrap("set lifecycle of", r.ID, err)
		}
	}
	tags := resource.Tags(env.App, r)
	if _, err := env.Clients.ECR.TagResource(ctx, &ecr.TagResourceInput{ResourceArn: aws.String(live.ARN), Tags: ecrTags(tags)}); err != nil {
		return resource.Live{}, wrap("tag", r.ID, err)
	}
	live.Hash = tags[resource.TagHash]
	return live, nil
}

// Delete removes the repository with its images (mvi down means all of it).
func (h repositoryHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	_, err := env.Clients.ECR.DeleteRepository(ctx, &ecr.DeleteRepositoryInput{RepositoryName: aws.String(live.PhysicalID), Force: true})
	if isCode(err, "RepositoryNotFoundException") {
		return nil
	}
	return wrap("delete", live.ID, err)
}

func (h repositoryHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	return true, "", nil
}

// ---- DynamoDB table (KV) ----

type tableHandler struct{}

func (tableHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeTable, Service: arch.KV, DeleteRank: 13,
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
	out := make([]ddbtypes.Tag, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, ddbtypes.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
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
func (h tableHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	found, err := taggedARNs(ctx, env, "dynamodb:table")
	if err != nil {
		return nil, wrap("list", "DynamoDB tables", err)
	}
	var out []resource.Live
	for _, f := range found {
		tags := rgtTagMap(f.Tags)
		if !ours(env.App, tags) {
			continue
		}
		arn := str(f.ResourceARN)
		name := arn[strings.LastIndex(arn, "/")+1:]
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

// ---- S3 bucket (Blob) ----

// bucketHandler is the app's one bucket, mvi-<app>-<account>-<region>:
// public access blocked, SSE-KMS with the app key and a bucket key,
// versioned, TLS only.
type bucketHandler struct{}

func (bucketHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeBucket, Service: arch.Blob, DeleteRank: 13,
		ARNKinds: []string{"s3:"},
		Console: func(s resource.Site) string {
			return "https://s3.console.aws.amazon.com/s3/buckets/" + s.Name() + "?region=" + s.Region
		},
		Lookup: func(s resource.Site) string { return "aws s3 ls s3://" + s.Name() + " " + regionFlag(s) },
	}
}

func bucketARN(env resource.Env, name string) string {
	return "arn:" + partition(env.Region) + ":s3:::" + name
}

func bucketLive(env resource.Env, typ, name string, tags map[string]string) resource.Live {
	l := newLive(typ, name, tags)
	l.ARN = bucketARN(env, name)
	l.State = "available"
	l.Attrs["name"] = name
	l.Attrs["arn"] = l.ARN
	return l
}

func s3Tags(m map[string]string) []s3types.Tag {
	out := make([]s3types.Tag, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, s3types.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

// List: bucket names are global and S3 has no tag filter, so mvi looks for
// its deterministic name and reads the bucket's tags.
func (h bucketHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	name := bucketName(env.App, env.Account, env.Region)
	_, err := env.Clients.S3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(name)})
	if isCode(err, "NotFound", "NoSuchBucket", "Forbidden", "AccessDenied", "301", "PermanentRedirect") {
		// Absent, or someone else's: not this app's.
		return nil, nil
	}
	if err != nil {
		return nil, wrap("list", "bucket "+name, err)
	}
	t, err := env.Clients.S3.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(name)})
	if isCode(err, "NoSuchTagSet", "NoSuchBucket") {
		return nil, nil
	}
	if err != nil {
		return nil, wrap("list", "bucket "+name, err)
	}
	tags := map[string]string{}
	for _, tg := range t.TagSet {
		tags[str(tg.Key)] = str(tg.Value)
	}
	if !ours(env.App, tags) {
		return nil, nil
	}
	return []resource.Live{bucketLive(env, h.Describe().Type, name, tags)}, nil
}

func (h bucketHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	if _, err := propsOf[arch.BucketProps]("create", r); err != nil {
		return resource.Live{}, err
	}
	name := bucketName(env.App, env.Account, env.Region)
	in := &s3.CreateBucketInput{Bucket: aws.String(name), ObjectOwnership: s3types.ObjectOwnershipBucketOwnerEnforced}
	if env.Region != "us-east-1" {
		in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(env.Region)}
	}
	_, err := env.Clients.S3.CreateBucket(ctx, in)
	if err != nil && !isCode(err, "BucketAlreadyOwnedByYou") {
		return resource.Live{}, wrap("create", r.ID, err)
	}
	// Tag at once (S3 takes no tags at creation here), then secure it;
	// Update writes the final hash last.
	if _, err := env.Clients.S3.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{
		Bucket: aws.String(name), Tagging: &s3types.Tagging{TagSet: s3Tags(createTags(env, r, true))}}); err != nil {
		return resource.Live{}, wrap("tag", r.ID, err)
	}
	return h.Update(ctx, env, r, bucketLive(env, h.Describe().Type, name, map[string]string{resource.TagID: r.ID}))
}

// bucketPolicy denies every request not made over TLS.
func bucketPolicy(arn string) string {
	b, _ := json.Marshal(policyDoc{Version: "2012-10-17", Statement: []policyStatement{{
		Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*",
		Resource:  []string{arn, arn + "/*"},
		Condition: map[string]any{"Bool": map[string]string{"aws:SecureTransport": "false"}},
	}}})
	return string(b)
}

// Update re-applies every setting (each call is idempotent), then the tags.
func (h bucketHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	p, err := propsOf[arch.BucketProps]("update", r)
	if err != nil {
		return resource.Live{}, err
	}
	key, err := depAttr(env, r.ID, p.Key, "arn")
	if err != nil {
		return resource.Live{}, err
	}
	b := aws.String(live.PhysicalID)
	if _, err := env.Clients.S3.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: b,
		PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
			BlockPublicAcls: aws.Bool(p.BlockPublic), IgnorePublicAcls: aws.Bool(p.BlockPublic),
			BlockPublicPolicy: aws.Bool(p.BlockPublic), RestrictPublicBuckets: aws.Bool(p.BlockPublic),
		}}); err != nil {
		return resource.Live{}, wrap("block public access of", r.ID, err)
	}
	if _, err := env.Clients.S3.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: b,
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(key)},
			BucketKeyEnabled:                   aws.Bool(true),
		}}}}); err != nil {
		return resource.Live{}, wrap("encrypt", r.ID, err)
	}
	status := s3types.BucketVersioningStatusSuspended
	if p.Versioning {
		status = s3types.BucketVersioningStatusEnabled
	}
	if _, err := env.Clients.S3.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: b,
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: status}}); err != nil {
		return resource.Live{}, wrap("set versioning of", r.ID, err)
	}
	if p.TLSOnly {
		if _, err := env.Clients.S3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(bucketPolicy(bucketARN(env, live.PhysicalID)))}); err != nil {
			return resource.Live{}, wrap("set policy of", r.ID, err)
		}
	}
	tags := resource.Tags(env.App, r)
	if _, err := env.Clients.S3.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: b, Tagging: &s3types.Tagging{TagSet: s3Tags(tags)}}); err != nil {
		return resource.Live{}, wrap("tag", r.ID, err)
	}
	return bucketLive(env, h.Describe().Type, live.PhysicalID, tags), nil
}

// Delete empties the bucket, every version and delete marker, then deletes it.
func (h bucketHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	b := aws.String(live.PhysicalID)
	in := &s3.ListObjectVersionsInput{Bucket: b}
	for {
		res, err := env.Clients.S3.ListObjectVersions(ctx, in)
		if isCode(err, "NoSuchBucket", "NotFound") {
			return nil
		}
		if err != nil {
			return wrap("empty", live.ID, err)
		}
		var objs []s3types.ObjectIdentifier
		for _, v := range res.Versions {
			objs = append(objs, s3types.ObjectIdentifier{Key: v.Key, VersionId: v.VersionId})
		}
		for _, m := range res.DeleteMarkers {
			objs = append(objs, s3types.ObjectIdentifier{Key: m.Key, VersionId: m.VersionId})
		}
		for len(objs) > 0 {
			n := min(len(objs), 1000)
			out, err := env.Clients.S3.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: b, Delete: &s3types.Delete{Objects: objs[:n], Quiet: aws.Bool(true)}})
			if err != nil {
				return wrap("empty", live.ID, err)
			}
			if len(out.Errors) > 0 {
				e := out.Errors[0]
				return fmt.Errorf("empty %s: %s %s: %s", live.ID, str(e.Key), str(e.Code), str(e.Message))
			}
			objs = objs[n:]
		}
		if !boolv(res.IsTruncated) {
			break
		}
		in.KeyMarker, in.VersionIdMarker = res.NextKeyMarker, res.NextVersionIdMarker
	}
	_, err := env.Clients.S3.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: b})
	if isCode(err, "NoSuchBucket", "NotFound") {
		return nil
	}
	return wrap("delete", live.ID, err)
}

func (h bucketHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	_, err := env.Clients.S3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(live.PhysicalID)})
	if isCode(err, "NotFound", "NoSuchBucket") {
		return false, "waiting for bucket (not found)", nil
	}
	if err != nil {
		return false, "", wrap("describe", live.ID, err)
	}
	return true, "", nil
}

// Replaces: a repository's tag mutability is fixed when mvi makes it.
func (repositoryHandler) Replaces(r arch.Resource, live resource.Live) string {
	p, ok := r.Props.(arch.RepositoryProps)
	if !ok {
		return ""
	}
	want := string(ecrtypes.ImageTagMutabilityMutable)
	if p.ImmutableTags {
		want = string(ecrtypes.ImageTagMutabilityImmutable)
	}
	return forces("tag mutability", live.Attrs["tag_mutability"], want, "mvi makes a repository's tags mutable or not only when it creates it")
}

// Replaces: a table's key schema is fixed when it is made.
func (tableHandler) Replaces(r arch.Resource, live resource.Live) string {
	p, ok := r.Props.(arch.TableProps)
	if !ok {
		return ""
	}
	return forces("key schema", live.Attrs["key_schema"], keySchemaOf(p), "DynamoDB can't change a table's keys: a new table starts empty")
}
