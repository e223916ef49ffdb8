package sandbox

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func (a *s3API) PutBucketEncryption(ctx context.Context, in *s3.PutBucketEncryptionInput, _ ...func(*s3.Options)) (*s3.PutBucketEncryptionOutput, error) {
	return call(ctx, a.s, svcS3, "PutBucketEncryption", func(t *tx) (*s3.PutBucketEncryptionOutput, error) {
		b, err := t.bucket(in.Bucket)
		if err != nil {
			return nil, err
		}
		c := in.ServerSideEncryptionConfiguration
		if c == nil || len(c.Rules) != 1 || c.Rules[0].ApplyServerSideEncryptionByDefault == nil {
			return nil, s3MalformedXML()
		}
		r := c.Rules[0]
		d := r.ApplyServerSideEncryptionByDefault
		switch d.SSEAlgorithm {
		case s3types.ServerSideEncryptionAes256:
			if d.KMSMasterKeyID != nil {
				return nil, errf("InvalidArgument", "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse")
			}
		case s3types.ServerSideEncryptionAwsKms, s3types.ServerSideEncryptionAwsKmsDsse:
			if k := aws.ToString(d.KMSMasterKeyID); k != "" {
				if p, ok := parseARN(k); ok && (p.Service != "kms" || (!p.is(kmsTypeKey) && !p.is(kmsTypeAlias))) {
					return nil, errf("InvalidArgument", "Invalid KMS key ARN: %s", k)
				}
			}
		default:
			return nil, s3MalformedXML()
		}
		b.SSEAlgo, b.SSEKey, b.BucketKey = string(d.SSEAlgorithm), aws.ToString(d.KMSMasterKeyID), aws.ToBool(r.BucketKeyEnabled)
		return &s3.PutBucketEncryptionOutput{}, nil
	})
}

func (a *s3API) GetBucketEncryption(ctx context.Context, in *s3.GetBucketEncryptionInput, _ ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error) {
	return call(ctx, a.s, svcS3, "GetBucketEncryption", func(t *tx) (*s3.GetBucketEncryptionOutput, error) {
		b, err := t.bucket(in.Bucket)
		if err != nil {
			return nil, err
		}
		if b.SSEAlgo == "" {
			return nil, errf("ServerSideEncryptionConfigurationNotFoundError", "The server side encryption configuration was not found")
		}
		d := &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryption(b.SSEAlgo)}
		if b.SSEKey != "" {
			d.KMSMasterKeyID = aws.String(b.SSEKey)
		}
		return &s3.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
			Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: d, BucketKeyEnabled: aws.Bool(b.BucketKey)}}}}, nil
	})
}

func (a *s3API) PutPublicAccessBlock(ctx context.Context, in *s3.PutPublicAccessBlockInput, _ ...func(*s3.Options)) (*s3.PutPublicAccessBlockOutput, error) {
	return call(ctx, a.s, svcS3, "PutPublicAccessBlock", func(t *tx) (*s3.PutPublicAccessBlockOutput, error) {
		b, err := t.bucket(in.Bucket)
		if err != nil {
			return nil, err
		}
		c := in.PublicAccessBlockConfiguration
		if c == nil {
			return nil, s3MalformedXML()
		}
		b.PAB = &s3PAB{BlockPublicAcls: aws.ToBool(c.BlockPublicAcls), IgnorePublicAcls: aws.ToBool(c.IgnorePublicAcls),
			BlockPublicPolicy: aws.ToBool(c.BlockPublicPolicy), RestrictPublicBuckets: aws.ToBool(c.RestrictPublicBuckets)}
		return &s3.PutPublicAccessBlockOutput{}, nil
	})
}

func (a *s3API) GetPublicAccessBlock(ctx context.Context, in *s3.GetPublicAccessBlockInput, _ ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error) {
	return call(ctx, a.s, svcS3, "GetPublicAccessBlock", func(t *tx) (*s3.GetPublicAccessBlockOutput, error) {
		b, err := t.bucket(in.Bucket)
		if err != nil {
			return nil, err
		}
		if b.PAB == nil {
			return nil, errf("NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
		}
		p := b.PAB
		return &s3.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
			BlockPublicAcls: aws.Bool(p.BlockPublicAcls), IgnorePublicAcls: aws.Bool(p.IgnorePublicAcls),
			BlockPublicPolicy: aws.Bool(p.BlockPublicPolicy), RestrictPublicBuckets: aws.Bool(p.RestrictPublicBuckets)}}, nil
	})
}

func (a *s3API) PutBucketVersioning(ctx context.Context, in *s3.PutBucketVersioningInput, _ ...func(*s3.Options)) (*s3.PutBucketVersioningOutput, error) {
	return call(ctx, a.s, svcS3, "PutBucketVersioning", func(t *tx) (*s3.PutBucketVersioningOutput, error) {
		b, err := t.bucket(in.Bucket)
		if err != nil {
			return nil, err
		}
		c := in.VersioningConfiguration
		if c == nil || (c.Status != s3types.BucketVersioningStatusEnabled && c.Status != s3types.BucketVersioningStatusSuspended) {
			return nil, s3MalformedXML()
		}
		if c.MFADelete == s3types.MFADeleteEnabled && in.MFA == nil {
			return nil, errf("InvalidRequest", "Enabling MFA delete requires the MFA parameter, which the sandbox doesn't support.")
		}
		if b.ObjectLock && c.Status == s3types.BucketVersioningStatusSuspended {
			return nil, withStatus(409, errf("InvalidBucketState", "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed."))
		}
		b.Versioning = string(c.Status)
		return &s3.PutBucketVersioningOutput{}, nil
	})
}

func (a *s3API) GetBucketVersioning(ctx context.Context, in *s3.GetBucketVersioningInput, _ ...func(*s3.Options)) (*s3.GetBucketVersioningOutput, error) {
	return call(ctx, a.s, svcS3, "GetBucketVersioning", func(t *tx) (*s3.GetBucketVersioningOutput, error) {
		b, err := t.bucket(in.Bucket)
		if err != nil {
			return nil, err
		}
		out := &s3.GetBucketVersioningOutput{Status: s3types.BucketVersioningStatus(b.Versioning)}
		if b.Versioning != "" {
			out.MFADelete = s3types.MFADeleteStatusDisabled
		}
		return out, nil
	})
}

// checkBucketPolicy validates a bucket policy as S3 does (JSON, statements
// with an effect, a principal and resources in this bucket) and says
// whether it grants public access.
func checkBucketPolicy(doc, bucketARN string) (public bool, err error) {
	bad := func(msg string) error { return errf("MalformedPolicy", "%s", msg) }
	if !strings.HasPrefix(strings.TrimSpace(doc), "{") {
		return false, bad("Policies must be valid JSON and the first byte must be '{'")
	}
	var p struct {
		Version   string          `json:"Version"`
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return false, bad("Policies must be valid JSON and the first byte must be '{'")
	}
	if p.Version != "" && p.Version != "2012-10-17" && p.Version != "2008-10-17" {
		return false, bad("Invalid policy version: " + p.Version)
	}
	if len(p.Statement) == 0 {
		return false, bad("Missing required field Statement")
	}
	var stmts []map[string]any
	if err := json.Unmarshal(p.Statement, &stmts); err != nil {
		var one map[string]any
		if json.Unmarshal(p.Statement, &one) != nil {
			return false, bad("Statement must be an object or a list of objects")
		}
		stmts = []map[string]any{one}
	}
	for _, s := range stmts {
		eff, _ := s["Effect"].(string)
		if eff != "Allow" && eff != "Deny" {
			return false, bad("Invalid effect: " + eff)
		}
		pr, hasP := s["Principal"]
		_, hasNP := s["NotPrincipal"]
		if !hasP && !hasNP {
			return false, bad("Missing required field Principal")
		}
		if _, a := s["Action"]; !a {
			if _, na := s["NotAction"]; !na {
				return false, bad("Missing required field Action")
			}
		}
		var res []string
		switch r := s["Resource"].(type) {
		case string:
			res = []string{r}
		case []any:
			for _, x := range r {
				if str, ok := x.(string); ok {
					res = append(res, str)
				}
			}
		default:
			if _, nr := s["NotResource"]; !nr {
				return false, bad("Missing required field Resource")
			}
		}
		for _, r := range res {
			if r != bucketARN && !strings.HasPrefix(r, bucketARN+"/") {
				return false, bad("Policy has invalid resource")
			}
		}
		star := pr == "*"
		if m, ok := pr.(map[string]any); ok {
			switch v := m["AWS"].(type) {
			case string:
				star = star || v == "*"
			case []any:
				for _, x := range v {
					star = star || x == "*"
				}
			}
		}
		if eff == "Allow" && star && s["Condition"] == nil {
			public = true
		}
	}
	return public, nil
}

func (a *s3API) PutBucketPolicy(ctx context.Context, in *s3.PutBucketPolicyInput, _ ...func(*s3.Options)) (*s3.PutBucketPolicyOutput, error) {
	return call(ctx, a.s, svcS3, "PutBucketPolicy", func(t *tx) (*s3.PutBucketPolicyOutput, error) {
		b, err := t.bucket(in.Bucket)
		if err != nil {
			return nil, err
		}
		doc := aws.ToString(in.Policy)
		if len(doc) > 20*1024 {
			return nil, errf("PolicyTooLarge", "Policy exceeds the maximum allowed document size.")
		}
		public, err := checkBucketPolicy(doc, b.ARN)
		if err != nil {
			return nil, err
		}
		if public && b.PAB != nil && b.PAB.BlockPublicPolicy {
			return nil, errf("AccessDenied", "User is not authorized to perform: s3:PutBucketPolicy on resource: \"%s\" because public policies are blocked by the BlockPublicPolicy block public access setting.", b.ARN)
		}
		b.Policy = doc
		return &s3.PutBucketPolicyOutput{}, nil
	})
}

func (a *s3API) GetBucketPolicy(ctx context.Context, in *s3.GetBucketPolicyInput, _ ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error) {
	return call(ctx, a.s, svcS3, "GetBucketPolicy", func(t *tx) (*s3.GetBucketPolicyOutput, error) {
		b, err := t.bucket(in.Bucket)
		if err != nil {
			return nil, err
		}
		if b.Policy == "" {
			return nil, errf("NoSuchBucketPolicy", "The bucket policy does not exist")
		}
		return &s3.GetBucketPolicyOutput{Policy: aws.String(b.Policy)}, nil
	})
}

func s3KV(t s3types.Tag) (string, string) { return aws.ToString(t.Key), aws.ToString(t.Value) }
func s3Tag(k, v string) s3types.Tag       { return s3types.Tag{Key: aws.String(k), Value: aws.String(v)} }

func s3TagMap(ts []s3types.Tag) (map[string]string, error) {
	if len(ts) > maxTags {
		return nil, errf("InvalidTag", "Bucket tag count cannot be greater than 50")
	}
	return checkedTagMap(ts, s3KV, tagRules{
		dup:      func(string) error { return errf("InvalidTag", "Cannot provide multiple Tags with the same key") },
		size:     errf("InvalidTag", "The TagKey you have provided is invalid"),
		reserved: func(string) error { return errf("InvalidTag", "Your TagKey cannot be prefixed with aws:") },
	})
}

func (a *s3API) PutBucketTagging(ctx context.Context, in *s3.PutBucketTaggingInput, _ ...func(*s3.Options)) (*s3.PutBucketTaggingOutput, error) {
	return call(ctx, a.s, svcS3, "PutBucketTagging", func(t *tx) (*s3.PutBucketTaggingOutput, error) {
		b, err := t.bucket(in.Bucket)
		if err != nil {
			return nil, err
		}
		if in.Tagging == nil {
			return nil, s3MalformedXML()
		}
		m, err := s3TagMap(in.Tagging.TagSet)
		if err != nil {
			return nil, err
		}
		b.Tags = nil // the tag set is replaced whole
		b.setTags(m)
		return &s3.PutBucketTaggingOutput{}, nil
	})
}

func (a *s3API) GetBucketTagging(ctx context.Context, in *s3.GetBucketTaggingInput, _ ...func(*s3.Options)) (*s3.GetBucketTaggingOutput, error) {
	return call(ctx, a.s, svcS3, "GetBucketTagging", func(t *tx) (*s3.GetBucketTaggingOutput, error) {
		b, err := t.bucket(in.Bucket)
		if err != nil {
			return nil, err
		}
		if len(b.Tags) == 0 {
			return nil, errf("NoSuchTagSet", "The TagSet does not exist")
		}
		return &s3.GetBucketTaggingOutput{TagSet: tagList(b.Tags, s3Tag)}, nil
	})
}
