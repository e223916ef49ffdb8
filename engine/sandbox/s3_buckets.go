package sandbox

import (
	"context"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func (a *s3API) CreateBucket(ctx context.Context, in *s3.CreateBucketInput, _ ...func(*s3.Options)) (*s3.CreateBucketOutput, error) {
	return call(ctx, a.s, svcS3, "CreateBucket", func(t *tx) (*s3.CreateBucketOutput, error) {
		name := aws.ToString(in.Bucket)
		if err := checkBucketName(name); err != nil {
			return nil, err
		}
		region := t.regionName()
		var lc string
		var tags map[string]string
		if c := in.CreateBucketConfiguration; c != nil {
			lc = string(c.LocationConstraint)
			if c.Bucket != nil || c.Location != nil {
				return nil, errf("InvalidRequest", "Directory buckets and bucket location types are not supported by the sandbox.")
			}
			if len(c.Tags) > 0 {
				m, err := s3TagMap(c.Tags)
				if err != nil {
					return nil, err
				}
				tags = m
			}
		}
		switch {
		case region == "us-east-1" && lc == "us-east-1":
			return nil, errf("InvalidLocationConstraint", "The specified location-constraint is not valid")
		case region != "us-east-1" && lc == "":
			return nil, errf("IllegalLocationConstraintException", "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.")
		case lc != "" && lc != region:
			return nil, errf("IllegalLocationConstraintException", "The %s location constraint is incompatible for the region specific endpoint this request was sent to.", lc)
		}
		own := string(in.ObjectOwnership)
		if own == "" {
			own = string(s3types.ObjectOwnershipBucketOwnerEnforced)
		}
		switch s3types.ObjectOwnership(own) {
		case s3types.ObjectOwnershipBucketOwnerEnforced, s3types.ObjectOwnershipBucketOwnerPreferred, s3types.ObjectOwnershipObjectWriter:
		default:
			return nil, errf("InvalidArgument", "Invalid x-amz-object-ownership header: %s", own)
		}
		if own == string(s3types.ObjectOwnershipBucketOwnerEnforced) && in.ACL != "" && in.ACL != s3types.BucketCannedACLPrivate {
			return nil, errf("InvalidBucketAclWithObjectOwnership", "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting")
		}
		if s3Taken[name] {
			return nil, withStatus(409, &s3types.BucketAlreadyExists{Message: aws.String("The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.")})
		}
		if b := t.st.S3.Buckets[name]; b != nil {
			if region == "us-east-1" && b.Region == "us-east-1" {
				// Legacy: re-creating your own bucket in us-east-1 succeeds.
				return &s3.CreateBucketOutput{Location: aws.String("/" + name), BucketArn: aws.String(b.ARN)}, nil
			}
			return nil, withStatus(409, &s3types.BucketAlreadyOwnedByYou{Message: aws.String("Your previous request to create the named bucket succeeded and you already own it.")})
		}
		b := &s3Bucket{Meta: Meta{ID: name, ARN: bucketARN(name), Created: t.now}, Name: name, Region: region,
			Ownership: own, SSEAlgo: string(s3types.ServerSideEncryptionAes256),
			PAB: &s3PAB{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}}
		if aws.ToBool(in.ObjectLockEnabledForBucket) {
			b.ObjectLock, b.Versioning = true, "Enabled"
		}
		b.setTags(tags)
		t.st.S3.Buckets[name] = b
		loc := "/" + name
		if region != "us-east-1" {
			loc = "http://" + name + ".s3.amazonaws.com/"
		}
		return &s3.CreateBucketOutput{Location: aws.String(loc), BucketArn: aws.String(b.ARN)}, nil
	})
}

func (a *s3API) DeleteBucket(ctx context.Context, in *s3.DeleteBucketInput, _ ...func(*s3.Options)) (*s3.DeleteBucketOutput, error) {
	return call(ctx, a.s, svcS3, "DeleteBucket", func(t *tx) (*s3.DeleteBucketOutput, error) {
		b, err := t.bucket(in.Bucket)
		if err != nil {
			return nil, err
		}
		if err := s3ExpectedOwner(t, in.ExpectedBucketOwner); err != nil {
			return nil, err
		}
		if !b.empty() {
			msg := "The bucket you tried to delete is not empty"
			if b.versionsEver() {
				msg += ". You must delete all versions in the bucket."
			}
			return nil, errf("BucketNotEmpty", "%s", msg)
		}
		delete(t.st.S3.Buckets, b.Name)
		return &s3.DeleteBucketOutput{}, nil
	})
}

func s3ExpectedOwner(t *tx, owner *string) error {
	if owner != nil && *owner != t.account() {
		return errf("AccessDenied", "Access Denied")
	}
	return nil
}

func (a *s3API) HeadBucket(ctx context.Context, in *s3.HeadBucketInput, _ ...func(*s3.Options)) (*s3.HeadBucketOutput, error) {
	return call(ctx, a.s, svcS3, "HeadBucket", func(t *tx) (*s3.HeadBucketOutput, error) {
		b, err := t.bucket(in.Bucket)
		if err != nil {
			return nil, &s3types.NotFound{} // a HEAD response has no body, so no code or message beyond 404
		}
		if in.ExpectedBucketOwner != nil && *in.ExpectedBucketOwner != t.account() {
			return nil, withStatus(403, errf("Forbidden", "Forbidden"))
		}
		return &s3.HeadBucketOutput{BucketRegion: aws.String(b.Region), BucketArn: aws.String(b.ARN), AccessPointAlias: aws.Bool(false)}, nil
	})
}

func (a *s3API) ListBuckets(ctx context.Context, in *s3.ListBucketsInput, _ ...func(*s3.Options)) (*s3.ListBucketsOutput, error) {
	return call(ctx, a.s, svcS3, "ListBuckets", func(t *tx) (*s3.ListBucketsOutput, error) {
		limit := int(aws.ToInt32(in.MaxBuckets))
		if in.MaxBuckets == nil {
			limit = 10000
		}
		if limit < 1 || limit > 10000 {
			return nil, errf("InvalidArgument", "Argument max-buckets must be an integer between 1 and 10000.")
		}
		var all []s3types.Bucket
		for _, n := range sortedKeys(t.st.S3.Buckets) {
			b := t.st.S3.Buckets[n]
			if t.hidden(b.Created) || !strings.HasPrefix(n, aws.ToString(in.Prefix)) || (in.BucketRegion != nil && *in.BucketRegion != b.Region) {
				continue
			}
			all = append(all, s3types.Bucket{Name: aws.String(n), CreationDate: tp(b.Created.Truncate(time.Second)), BucketRegion: aws.String(b.Region),
				BucketArn: aws.String(b.ARN)})
		}
		items, next, err := page(all, in.ContinuationToken, limit)
		if err != nil {
			return nil, errf("InvalidArgument", "The continuation token provided is incorrect")
		}
		if items == nil {
			items = []s3types.Bucket{}
		}
		return &s3.ListBucketsOutput{Buckets: items, ContinuationToken: next, Owner: s3Owner(t), Prefix: in.Prefix}, nil
	})
}
