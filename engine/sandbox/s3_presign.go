package sandbox

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// A presigned GET of the sandbox's S3 works as AWS's does for the one
// who holds the URL: it names the bucket and key, when it was signed and
// for how long, and a signature only this sandbox can make. Past its
// expiry, or altered, it is refused with AWS's error. (It is signed with
// the sandbox's own key rather than SigV4 with a caller's credentials:
// the sandbox has no secret keys to sign with.)

const presignDate = "20060102T150405Z"

func (s *Sandbox) presignGet(ctx context.Context, bucket, key string, ttl time.Duration) (string, error) {
	if ttl <= 0 || ttl > 7*24*time.Hour {
		return "", errors.New("presign: X-Amz-Expires must be between 1 second and 7 days")
	}
	var secret string
	err := s.internal(ctx, func(t *tx) error {
		secret = t.st.Account + t.st.Created.String()
		return nil
	})
	if err != nil {
		return "", err
	}
	date := s.clock.Now().UTC().Format(presignDate)
	exp := strconv.Itoa(int(ttl / time.Second))
	q := url.Values{"X-Amz-Algorithm": {"AWS4-HMAC-SHA256"}, "X-Amz-Date": {date}, "X-Amz-Expires": {exp},
		"X-Amz-Signature": {presignSig(secret, bucket, key, date, exp)}}
	u := url.URL{Scheme: "https", Host: bucket + ".s3." + s.region + ".amazonaws.com", Path: "/" + key, RawQuery: q.Encode()}
	return u.String(), nil
}

func presignSig(secret, bucket, key, date, exp string) string {
	m := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(m, "GET\n%s\n%s\n%s\n%s", bucket, key, date, exp)
	return hex.EncodeToString(m.Sum(nil))
}

// presignedObject is what a GET of a presigned URL returns.
func (s *Sandbox) presignedObject(ctx context.Context, raw string) ([]byte, error) {
	u, err := url.Parse(raw)
	if err != nil || raw == "" {
		return nil, fmt.Errorf("not a URL: %q", raw)
	}
	bucket, _, ok := strings.Cut(u.Hostname(), ".s3.")
	if !ok {
		return nil, fmt.Errorf("%s is not an S3 URL of this sandbox", u.Host)
	}
	key := strings.TrimPrefix(u.Path, "/")
	q := u.Query()
	var body []byte
	err = s.internal(ctx, func(t *tx) error {
		date, exp := q.Get("X-Amz-Date"), q.Get("X-Amz-Expires")
		want := presignSig(t.st.Account+t.st.Created.String(), bucket, key, date, exp)
		if !hmac.Equal([]byte(want), []byte(q.Get("X-Amz-Signature"))) {
			return errors.New("403 SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided")
		}
		at, err1 := time.Parse(presignDate, date)
		secs, err2 := strconv.Atoi(exp)
		if err1 != nil || err2 != nil || t.now.After(at.Add(time.Duration(secs)*time.Second)) {
			return errors.New("403 AccessDenied: Request has expired")
		}
		b := t.st.S3.Buckets[bucket]
		if b == nil {
			return errors.New("404 NoSuchBucket: The specified bucket does not exist")
		}
		o := b.latestObject(key)
		if o == nil || o.DeleteMarker {
			return errors.New("404 NoSuchKey: The specified key does not exist.")
		}
		body = append([]byte(nil), o.Body...)
		return nil
	})
	return body, err
}
