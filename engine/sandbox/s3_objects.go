package sandbox

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

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
