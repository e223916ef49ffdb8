package sandbox

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/netip"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
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
