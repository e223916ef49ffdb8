package sandbox

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/minimalinfra/mvi/engine/cloud"
)

// S3: buckets, global across the sandbox's regions (each records the
// region it was created in), with the defaults AWS has given new buckets
// since 2023 (SSE-S3 encryption, all four public access blocks on, ACLs
// disabled); encryption, public access block, versioning, policy and tags;
// objects with small bodies (at most s3MaxObject bytes, kept in the state
// file), versions and delete markers. Buckets embed Meta with their ARN, so
// the Tagging API lists tagged ones.

type s3API struct{ s *Sandbox }

var _ cloud.S3 = (*s3API)(nil)

type s3State struct {
	Buckets map[string]*s3Bucket `json:"buckets"`
}

type s3Bucket struct {
	Meta
	Name       string                 `json:"name"`
	Region     string                 `json:"region"`
	Ownership  string                 `json:"object_ownership"`
	SSEAlgo    string                 `json:"sse_algorithm"`
	SSEKey     string                 `json:"sse_kms_key,omitempty"`
	BucketKey  bool                   `json:"bucket_key,omitempty"`
	PAB        *s3PAB                 `json:"public_access_block,omitempty"`
	Versioning string                 `json:"versioning,omitempty"` // "", Enabled, Suspended
	ObjectLock bool                   `json:"object_lock,omitempty"`
	Policy     string                 `json:"policy,omitempty"`
	Objects    map[string][]*s3Object `json:"objects,omitempty"` // by key, oldest version first
}

type s3PAB struct {
	BlockPublicAcls       bool `json:"block_public_acls"`
	IgnorePublicAcls      bool `json:"ignore_public_acls"`
	BlockPublicPolicy     bool `json:"block_public_policy"`
	RestrictPublicBuckets bool `json:"restrict_public_buckets"`
}

type s3Object struct {
	VersionID    string            `json:"version_id"` // "null" when written unversioned
	DeleteMarker bool              `json:"delete_marker,omitempty"`
	Body         []byte            `json:"body,omitempty"`
	ETag         string            `json:"etag,omitempty"`
	Modified     time.Time         `json:"modified"`
	ContentType  string            `json:"content_type,omitempty"`
	Metadata     map[string]string `json:"metadata,omitempty"`
	SSE          string            `json:"sse,omitempty"`
	SSEKey       string            `json:"sse_kms_key,omitempty"`
	BucketKey    bool              `json:"bucket_key,omitempty"`
}

// s3MaxObject bounds object bodies (they live in the state file).
const s3MaxObject = 5 << 20

var (
	s3NameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	// s3Taken are names other AWS accounts own (BucketAlreadyExists).
	s3Taken = map[string]bool{"test": true, "bucket": true, "example": true, "examplebucket": true, "my-bucket": true,
		"mybucket": true, "data": true, "backup": true, "logs": true, "images": true, "static": true, "assets": true, "www": true, "aws": true}
)

func noSuchBucket(name string) error {
	return &s3types.NoSuchBucket{Message: aws.String("The specified bucket does not exist")}
}

func s3MalformedXML() error {
	return errf("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
}

// s3Owner is the account's canonical user.
func s3Owner(t *tx) *s3types.Owner {
	h := sha256.Sum256([]byte("s3-canonical|" + t.account()))
	return &s3types.Owner{ID: aws.String(hex.EncodeToString(h[:]))}
}

func checkBucketName(n string) error {
	bad := errf("InvalidBucketName", "The specified bucket is not valid.")
	if !s3NameRE.MatchString(n) || strings.Contains(n, "..") || strings.Contains(n, ".-") || strings.Contains(n, "-.") {
		return bad
	}
	if a, err := netip.ParseAddr(n); err == nil && a.Is4() {
		return bad
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(n, p) {
			return bad
		}
	}
	for _, s := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(n, s) {
			return bad
		}
	}
	return nil
}

func (t *tx) bucket(name *string) (*s3Bucket, error) {
	n := aws.ToString(name)
	b := t.st.S3.Buckets[n]
	if b == nil || t.hidden(b.Created) {
		return nil, noSuchBucket(n)
	}
	return b, nil
}

// latestObject is a key's current version (nil if none).
func (b *s3Bucket) latestObject(key string) *s3Object {
	vs := b.Objects[key]
	if len(vs) == 0 {
		return nil
	}
	return vs[len(vs)-1]
}

func (b *s3Bucket) versionsEver() bool { return b.Versioning != "" }

func newVersionID() string {
	// AWS's version ids are 32 URL-safe characters.
	return strings.NewReplacer("+", ".", "/", "_").Replace(base64.StdEncoding.EncodeToString(randBytes(24)))
}

// putVersion adds a version (or delete marker) as the versioning state
// dictates: a new id when Enabled, else replacing the "null" version.
func (b *s3Bucket) putVersion(key string, o *s3Object) {
	if b.Objects == nil {
		b.Objects = map[string][]*s3Object{}
	}
	if b.Versioning == "Enabled" {
		o.VersionID = newVersionID()
		b.Objects[key] = append(b.Objects[key], o)
		return
	}
	o.VersionID = "null"
	kept := b.Objects[key][:0:0]
	for _, v := range b.Objects[key] {
		if v.VersionID != "null" {
			kept = append(kept, v)
		}
	}
	b.Objects[key] = append(kept, o)
}

func (b *s3Bucket) empty() bool {
	for _, vs := range b.Objects {
		if len(vs) > 0 {
			return false
		}
	}
	return true
}

// --- buckets ---

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
		b := &s3Bucket{Meta: Meta{ID: name, ARN: "arn:aws:s3:::" + name, Created: t.now}, Name: name, Region: region,
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

// --- bucket settings ---

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
				if p, ok := parseARN(k); ok && (p.Service != "kms" || (!strings.HasPrefix(p.Resource, "key/") && !strings.HasPrefix(p.Resource, "alias/"))) {
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

func s3TagMap(ts []s3types.Tag) (map[string]string, error) {
	if len(ts) > 50 {
		return nil, errf("InvalidTag", "Bucket tag count cannot be greater than 50")
	}
	m := map[string]string{}
	for _, tg := range ts {
		k, v := aws.ToString(tg.Key), aws.ToString(tg.Value)
		if _, dup := m[k]; dup {
			return nil, errf("InvalidTag", "Cannot provide multiple Tags with the same key")
		}
		if k == "" || len(k) > 128 || len(v) > 256 {
			return nil, errf("InvalidTag", "The TagKey you have provided is invalid")
		}
		m[k] = v
	}
	if _, bad := reservedTag(m); bad {
		return nil, errf("InvalidTag", "Your TagKey cannot be prefixed with aws:")
	}
	return m, nil
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
		out := &s3.GetBucketTaggingOutput{TagSet: []s3types.Tag{}}
		for _, k := range sortedKeys(b.Tags) {
			out.TagSet = append(out.TagSet, s3types.Tag{Key: aws.String(k), Value: aws.String(b.Tags[k])})
		}
		return out, nil
	})
}

// --- objects ---

func checkObjectKey(k string) error {
	if k == "" {
		return errf("InvalidArgument", "Key must not be empty")
	}
	if len(k) > 1024 {
		return errf("KeyTooLongError", "Your key is too long")
	}
	return nil
}

func (a *s3API) PutObject(ctx context.Context, in *s3.PutObjectInput, _ ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	// The body is read before the call takes the lock.
	var body []byte
	if in.Body != nil {
		var err error
		if body, err = io.ReadAll(io.LimitReader(in.Body, s3MaxObject+1)); err != nil {
			return nil, fmt.Errorf("sandbox: S3 PutObject: read body: %w", err)
		}
	}
	return call(ctx, a.s, svcS3, "PutObject", func(t *tx) (*s3.PutObjectOutput, error) {
		b, err := t.bucket(in.Bucket)
		if err != nil {
			return nil, err
		}
		key := aws.ToString(in.Key)
		if err := checkObjectKey(key); err != nil {
			return nil, err
		}
		if len(body) > s3MaxObject {
			return nil, errf("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size (the sandbox keeps objects of at most %d bytes)", s3MaxObject)
		}
		sum := md5.Sum(body)
		if m := aws.ToString(in.ContentMD5); m != "" && m != base64.StdEncoding.EncodeToString(sum[:]) {
			return nil, errf("BadDigest", "The Content-MD5 you specified did not match what we received.")
		}
		etag := `"` + hex.EncodeToString(sum[:]) + `"`
		cur := b.latestObject(key)
		live := cur != nil && !cur.DeleteMarker
		if m := aws.ToString(in.IfNoneMatch); m != "" {
			if m != "*" {
				return nil, errf("NotImplemented", "A header you provided implies functionality that is not implemented")
			}
			if live {
				return nil, withStatus(412, errf("PreconditionFailed", "At least one of the pre-conditions you specified did not hold"))
			}
		}
		if m := aws.ToString(in.IfMatch); m != "" {
			if !live {
				return nil, &s3types.NoSuchKey{Message: aws.String("The specified key does not exist.")}
			}
			if m != cur.ETag && m != "*" {
				return nil, withStatus(412, errf("PreconditionFailed", "At least one of the pre-conditions you specified did not hold"))
			}
		}
		if b.Ownership == string(s3types.ObjectOwnershipBucketOwnerEnforced) && in.ACL != "" && in.ACL != s3types.ObjectCannedACLPrivate && in.ACL != s3types.ObjectCannedACLBucketOwnerFullControl {
			return nil, errf("AccessControlListNotSupported", "The bucket does not allow ACLs")
		}
		sse, kmsKey, bucketKey := b.SSEAlgo, b.SSEKey, b.BucketKey
		if in.ServerSideEncryption != "" {
			sse, kmsKey, bucketKey = string(in.ServerSideEncryption), "", false
		}
		if in.SSEKMSKeyId != nil {
			if sse != string(s3types.ServerSideEncryptionAwsKms) && sse != string(s3types.ServerSideEncryptionAwsKmsDsse) {
				return nil, errf("InvalidArgument", "Server Side Encryption with KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms")
			}
			kmsKey = *in.SSEKMSKeyId
		}
		if in.BucketKeyEnabled != nil {
			bucketKey = *in.BucketKeyEnabled
		}
		switch s3types.ServerSideEncryption(sse) {
		case s3types.ServerSideEncryptionAes256:
		case s3types.ServerSideEncryptionAwsKms, s3types.ServerSideEncryptionAwsKmsDsse:
			if kmsKey == "" {
				kmsKey = managedKeyARN(t, "s3")
			} else if b.Region == t.regionName() {
				k := t.kmsKey(kmsKey)
				if k == nil {
					return nil, errf("KMS.NotFoundException", "Invalid keyId %s", kmsKey)
				}
				if err := k.usable(); err != nil {
					return nil, errf("KMS.DisabledException", "%s", err.Error())
				}
				kmsKey = k.ARN
			}
		default:
			return nil, errf("InvalidArgument", "The encryption method specified is not supported")
		}
		o := &s3Object{Body: body, ETag: etag, Modified: t.now, ContentType: aws.ToString(in.ContentType), Metadata: copyMap(in.Metadata),
			SSE: sse, BucketKey: bucketKey}
		if o.ContentType == "" {
			o.ContentType = "binary/octet-stream"
		}
		if sse != string(s3types.ServerSideEncryptionAes256) {
			o.SSEKey = kmsKey
		}
		b.putVersion(key, o)
		out := &s3.PutObjectOutput{ETag: aws.String(etag), ServerSideEncryption: s3types.ServerSideEncryption(sse), Size: aws.Int64(int64(len(body))),
			ChecksumType: s3types.ChecksumTypeFullObject}
		if o.SSEKey != "" {
			out.SSEKMSKeyId = aws.String(o.SSEKey)
			out.BucketKeyEnabled = aws.Bool(bucketKey)
		}
		if b.Versioning == "Enabled" {
			out.VersionId = aws.String(o.VersionID)
		}
		return out, nil
	})
}

// parseRange parses a single "bytes=a-b" range against a size.
func parseRange(r string, size int64) (int64, int64, bool) {
	spec, ok := strings.CutPrefix(r, "bytes=")
	if !ok || strings.Contains(spec, ",") {
		return 0, 0, false
	}
	from, to, ok := strings.Cut(spec, "-")
	if !ok {
		return 0, 0, false
	}
	if from == "" {
		n, err := strconv.ParseInt(to, 10, 64)
		if err != nil || n <= 0 {
			return 0, 0, false
		}
		return max(0, size-n), size - 1, size > 0
	}
	a, err := strconv.ParseInt(from, 10, 64)
	if err != nil || a >= size {
		return 0, 0, false
	}
	b := size - 1
	if to != "" {
		if b, err = strconv.ParseInt(to, 10, 64); err != nil || b < a {
			return 0, 0, false
		}
		b = min(b, size-1)
	}
	return a, b, true
}

func (a *s3API) GetObject(ctx context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	return call(ctx, a.s, svcS3, "GetObject", func(t *tx) (*s3.GetObjectOutput, error) {
		b, err := t.bucket(in.Bucket)
		if err != nil {
			return nil, err
		}
		key := aws.ToString(in.Key)
		if err := checkObjectKey(key); err != nil {
			return nil, err
		}
		var o *s3Object
		if v := aws.ToString(in.VersionId); v != "" {
			for _, x := range b.Objects[key] {
				if x.VersionID == v {
					o = x
				}
			}
			if o == nil {
				if v != "null" && len(v) != 32 {
					return nil, errf("InvalidArgument", "Invalid version id specified")
				}
				return nil, errf("NoSuchVersion", "The specified version does not exist.")
			}
			if o.DeleteMarker {
				return nil, withStatus(405, errf("MethodNotAllowed", "The specified method is not allowed against this resource."))
			}
		} else {
			o = b.latestObject(key)
			if o == nil || o.DeleteMarker {
				return nil, &s3types.NoSuchKey{Message: aws.String("The specified key does not exist.")}
			}
		}
		if m := aws.ToString(in.IfMatch); m != "" && m != o.ETag && m != "*" {
			return nil, withStatus(412, errf("PreconditionFailed", "At least one of the pre-conditions you specified did not hold"))
		}
		body := o.Body
		out := &s3.GetObjectOutput{ETag: aws.String(o.ETag), LastModified: tp(o.Modified.Truncate(time.Second)), ContentType: aws.String(o.ContentType),
			Metadata: copyMap(o.Metadata), AcceptRanges: aws.String("bytes"), ServerSideEncryption: s3types.ServerSideEncryption(o.SSE)}
		if out.Metadata == nil {
			out.Metadata = map[string]string{}
		}
		if r := aws.ToString(in.Range); r != "" {
			size := int64(len(body))
			from, to, ok := parseRange(r, size)
			if !ok {
				return nil, withStatus(416, errf("InvalidRange", "The requested range is not satisfiable"))
			}
			body = body[from : to+1]
			out.ContentRange = aws.String(fmt.Sprintf("bytes %d-%d/%d", from, to, size))
		}
		out.Body = io.NopCloser(bytes.NewReader(append([]byte{}, body...)))
		out.ContentLength = aws.Int64(int64(len(body)))
		if o.SSEKey != "" {
			out.SSEKMSKeyId = aws.String(o.SSEKey)
			out.BucketKeyEnabled = aws.Bool(o.BucketKey)
		}
		if b.versionsEver() {
			out.VersionId = aws.String(o.VersionID)
		}
		return out, nil
	})
}

func (a *s3API) DeleteObjects(ctx context.Context, in *s3.DeleteObjectsInput, _ ...func(*s3.Options)) (*s3.DeleteObjectsOutput, error) {
	return call(ctx, a.s, svcS3, "DeleteObjects", func(t *tx) (*s3.DeleteObjectsOutput, error) {
		b, err := t.bucket(in.Bucket)
		if err != nil {
			return nil, err
		}
		if in.Delete == nil || len(in.Delete.Objects) == 0 || len(in.Delete.Objects) > 1000 {
			return nil, s3MalformedXML()
		}
		quiet := aws.ToBool(in.Delete.Quiet)
		out := &s3.DeleteObjectsOutput{}
		for _, id := range in.Delete.Objects {
			key := aws.ToString(id.Key)
			if err := checkObjectKey(key); err != nil {
				out.Errors = append(out.Errors, s3types.Error{Key: id.Key, VersionId: id.VersionId, Code: aws.String(ErrorCode(err)), Message: aws.String(err.Error())})
				continue
			}
			d := s3types.DeletedObject{Key: aws.String(key)}
			if v := aws.ToString(id.VersionId); v != "" {
				d.VersionId = aws.String(v)
				vs := b.Objects[key]
				for i, x := range vs {
					if x.VersionID == v {
						if x.DeleteMarker {
							d.DeleteMarker, d.DeleteMarkerVersionId = aws.Bool(true), aws.String(v)
						}
						b.Objects[key] = append(vs[:i:i], vs[i+1:]...)
						break
					}
				}
			} else if b.Versioning == "" {
				delete(b.Objects, key)
			} else {
				m := &s3Object{DeleteMarker: true, Modified: t.now}
				b.putVersion(key, m)
				d.DeleteMarker, d.DeleteMarkerVersionId = aws.Bool(true), aws.String(m.VersionID)
			}
			if len(b.Objects[key]) == 0 {
				delete(b.Objects, key)
			}
			if !quiet {
				out.Deleted = append(out.Deleted, d)
			}
		}
		return out, nil
	})
}

func (a *s3API) ListObjectVersions(ctx context.Context, in *s3.ListObjectVersionsInput, _ ...func(*s3.Options)) (*s3.ListObjectVersionsOutput, error) {
	return call(ctx, a.s, svcS3, "ListObjectVersions", func(t *tx) (*s3.ListObjectVersionsOutput, error) {
		b, err := t.bucket(in.Bucket)
		if err != nil {
			return nil, err
		}
		maxKeys := int32(1000)
		if in.MaxKeys != nil {
			if *in.MaxKeys < 0 {
				return nil, errf("InvalidArgument", "Argument maxKeys must be an integer between 0 and 2147483647")
			}
			maxKeys = min(*in.MaxKeys, 1000)
		}
		prefix, delim := aws.ToString(in.Prefix), aws.ToString(in.Delimiter)
		keyMarker, verMarker := aws.ToString(in.KeyMarker), aws.ToString(in.VersionIdMarker)
		if verMarker != "" && keyMarker == "" {
			return nil, errf("InvalidArgument", "A version-id marker cannot be specified without a key marker.")
		}
		owner := s3Owner(t)
		out := &s3.ListObjectVersionsOutput{Name: aws.String(b.Name), Prefix: in.Prefix, Delimiter: in.Delimiter, MaxKeys: aws.Int32(maxKeys),
			KeyMarker: in.KeyMarker, VersionIdMarker: in.VersionIdMarker, IsTruncated: aws.Bool(false)}
		keys := sortedKeys(b.Objects)
		var n int32
		seenPrefix := map[string]bool{}
		var lastKey, lastVer string
		truncate := func(k, v string) {
			out.IsTruncated = aws.Bool(true)
			out.NextKeyMarker = aws.String(k)
			if v != "" {
				out.NextVersionIdMarker = aws.String(v)
			}
		}
	keysLoop:
		for _, k := range keys {
			if !strings.HasPrefix(k, prefix) || (keyMarker != "" && k < keyMarker) || (keyMarker != "" && verMarker == "" && k == keyMarker) {
				continue
			}
			if delim != "" {
				if i := strings.Index(k[len(prefix):], delim); i >= 0 {
					cp := k[:len(prefix)+i+len(delim)]
					if seenPrefix[cp] || (keyMarker != "" && cp <= keyMarker && strings.HasPrefix(keyMarker, cp)) {
						continue
					}
					if n >= maxKeys {
						truncate(lastKey, lastVer)
						break
					}
					seenPrefix[cp] = true
					out.CommonPrefixes = append(out.CommonPrefixes, s3types.CommonPrefix{Prefix: aws.String(cp)})
					n++
					lastKey, lastVer = cp, ""
					continue
				}
			}
			vs := b.Objects[k]
			skipping := keyMarker != "" && verMarker != "" && k == keyMarker
			for i := len(vs) - 1; i >= 0; i-- {
				v := vs[i]
				if skipping {
					if v.VersionID == verMarker {
						skipping = false
					}
					continue
				}
				if n >= maxKeys {
					truncate(lastKey, lastVer)
					break keysLoop
				}
				latest := i == len(vs)-1
				if v.DeleteMarker {
					out.DeleteMarkers = append(out.DeleteMarkers, s3types.DeleteMarkerEntry{Key: aws.String(k), VersionId: aws.String(v.VersionID),
						IsLatest: aws.Bool(latest), LastModified: tp(v.Modified.Truncate(time.Second)), Owner: owner})
				} else {
					out.Versions = append(out.Versions, s3types.ObjectVersion{Key: aws.String(k), VersionId: aws.String(v.VersionID),
						IsLatest: aws.Bool(latest), LastModified: tp(v.Modified.Truncate(time.Second)), ETag: aws.String(v.ETag),
						Size: aws.Int64(int64(len(v.Body))), StorageClass: s3types.ObjectVersionStorageClassStandard, Owner: owner,
						ChecksumType: s3types.ChecksumTypeFullObject})
				}
				n++
				lastKey, lastVer = k, v.VersionID
			}
		}
		sort.SliceStable(out.CommonPrefixes, func(i, j int) bool { return *out.CommonPrefixes[i].Prefix < *out.CommonPrefixes[j].Prefix })
		return out, nil
	})
}
