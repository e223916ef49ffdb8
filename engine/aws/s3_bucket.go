package aws

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/minimalinfra/mvi/engine/arch"
)

// bucketHandler is the app's one bucket, mvi-<app>-<account>-<region>:
// public access blocked, SSE-KMS with the app key and a bucket key,
// versioned, TLS only.
type bucketHandler struct{}

func (bucketHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeBucket, Service: arch.Blob, DeleteRank: 13, HoldsData: true,
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
	return toSDK(m, func(k, v *string) s3types.Tag { return s3types.Tag{Key: k, Value: v} })
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
