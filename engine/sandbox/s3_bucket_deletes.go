package sandbox

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// What a person does by hand in the console, and drift detection has to
// see: a bucket's policy and public access block deleted. As on S3, both
// answer 204 whether or not there was one.

func (a *s3API) DeleteBucketPolicy(ctx context.Context, in *s3.DeleteBucketPolicyInput, _ ...func(*s3.Options)) (*s3.DeleteBucketPolicyOutput, error) {
	return call(ctx, a.s, svcS3, "DeleteBucketPolicy", func(t *tx) (*s3.DeleteBucketPolicyOutput, error) {
		b, err := t.bucket(in.Bucket)
		if err != nil {
			return nil, err
		}
		b.Policy = ""
		return &s3.DeleteBucketPolicyOutput{}, nil
	})
}

func (a *s3API) DeletePublicAccessBlock(ctx context.Context, in *s3.DeletePublicAccessBlockInput, _ ...func(*s3.Options)) (*s3.DeletePublicAccessBlockOutput, error) {
	return call(ctx, a.s, svcS3, "DeletePublicAccessBlock", func(t *tx) (*s3.DeletePublicAccessBlockOutput, error) {
		b, err := t.bucket(in.Bucket)
		if err != nil {
			return nil, err
		}
		b.PAB = nil
		return &s3.DeletePublicAccessBlockOutput{}, nil
	})
}
