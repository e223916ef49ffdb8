package sandbox

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	tagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	tagtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func putObject(c api, bucket, key, body string) *s3.PutObjectOutput {
	return must(c.S3.PutObject(bg, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)}))
}

func getObject(t *testing.T, c api, bucket, key, version string) string {
	t.Helper()
	in := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	if version != "" {
		in.VersionId = aws.String(version)
	}
	out := must(c.S3.GetObject(bg, in))
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestS3BucketsAndSettings(t *testing.T) {
	s := openSB(t, Options{})
	c := apiOf(s)
	for _, n := range []string{"ab", "Upper", "a..b", "192.168.1.1", "xn--abc", "bucket-"} {
		_, err := c.S3.CreateBucket(bg, &s3.CreateBucketInput{Bucket: aws.String(n)})
		wantCode(t, err, "InvalidBucketName")
	}
	_, err := c.S3.CreateBucket(bg, &s3.CreateBucketInput{Bucket: aws.String("test")})
	var taken *s3types.BucketAlreadyExists
	if !errors.As(err, &taken) {
		t.Fatalf("want BucketAlreadyExists, got %v", err)
	}
	_, err = c.S3.CreateBucket(bg, &s3.CreateBucketInput{Bucket: aws.String("mvi-shop-1"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "us-east-1"}})
	wantCode(t, err, "InvalidLocationConstraint")
	name := aws.String("mvi-shop-" + s.Account() + "-us-east-1")
	out := must(c.S3.CreateBucket(bg, &s3.CreateBucketInput{Bucket: name, ObjectOwnership: s3types.ObjectOwnershipBucketOwnerEnforced}))
	if *out.Location != "/"+*name {
		t.Fatalf("location %s", *out.Location)
	}
	must(c.S3.CreateBucket(bg, &s3.CreateBucketInput{Bucket: name})) // us-east-1: yours again is a success

	// Another region's client: the name is taken, by you.
	eu := openSB(t, Options{Dir: s.Dir(), Region: "eu-west-1"}).Clients()
	_, err = eu.S3.CreateBucket(bg, &s3.CreateBucketInput{Bucket: name, CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "eu-west-1"}})
	var mine *s3types.BucketAlreadyOwnedByYou
	if !errors.As(err, &mine) {
		t.Fatalf("want BucketAlreadyOwnedByYou, got %v", err)
	}
	_, err = eu.S3.CreateBucket(bg, &s3.CreateBucketInput{Bucket: aws.String("mvi-eu-bucket")})
	wantCode(t, err, "IllegalLocationConstraintException")
	must(eu.S3.CreateBucket(bg, &s3.CreateBucketInput{Bucket: aws.String("mvi-eu-bucket"), CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "eu-west-1"}}))

	h := must(c.S3.HeadBucket(bg, &s3.HeadBucketInput{Bucket: name}))
	if *h.BucketRegion != "us-east-1" {
		t.Fatalf("region %s", *h.BucketRegion)
	}
	_, err = c.S3.HeadBucket(bg, &s3.HeadBucketInput{Bucket: aws.String("no-such-bucket-here")})
	var notFound *s3types.NotFound
	if !errors.As(err, &notFound) {
		t.Fatalf("want NotFound, got %v", err)
	}
	lb := must(c.S3.ListBuckets(bg, &s3.ListBucketsInput{}))
	if len(lb.Buckets) != 2 || lb.Owner == nil {
		t.Fatalf("buckets %+v", lb.Buckets)
	}

	// The defaults of a new bucket.
	enc := must(c.S3.GetBucketEncryption(bg, &s3.GetBucketEncryptionInput{Bucket: name}))
	if enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm != s3types.ServerSideEncryptionAes256 {
		t.Fatalf("default encryption %+v", enc.ServerSideEncryptionConfiguration.Rules[0])
	}
	pab := must(c.S3.GetPublicAccessBlock(bg, &s3.GetPublicAccessBlockInput{Bucket: name})).PublicAccessBlockConfiguration
	if !*pab.BlockPublicAcls || !*pab.IgnorePublicAcls || !*pab.BlockPublicPolicy || !*pab.RestrictPublicBuckets {
		t.Fatalf("default public access block %+v", pab)
	}
	if v := must(c.S3.GetBucketVersioning(bg, &s3.GetBucketVersioningInput{Bucket: name})); v.Status != "" {
		t.Fatalf("versioning %s", v.Status)
	}
	_, err = c.S3.GetBucketPolicy(bg, &s3.GetBucketPolicyInput{Bucket: name})
	wantCode(t, err, "NoSuchBucketPolicy")
	_, err = c.S3.GetBucketTagging(bg, &s3.GetBucketTaggingInput{Bucket: name})
	wantCode(t, err, "NoSuchTagSet")

	// Settings.
	key := "arn:aws:kms:us-east-1:" + s.Account() + ":key/11111111-2222-4333-8444-555555555555"
	must(c.S3.PutBucketEncryption(bg, &s3.PutBucketEncryptionInput{Bucket: name, ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
		Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms,
			KMSMasterKeyID: aws.String(key)}, BucketKeyEnabled: aws.Bool(true)}}}}))
	r := must(c.S3.GetBucketEncryption(bg, &s3.GetBucketEncryptionInput{Bucket: name})).ServerSideEncryptionConfiguration.Rules[0]
	if *r.ApplyServerSideEncryptionByDefault.KMSMasterKeyID != key || !*r.BucketKeyEnabled {
		t.Fatalf("encryption %+v", r)
	}
	_, err = c.S3.PutBucketEncryption(bg, &s3.PutBucketEncryptionInput{Bucket: name, ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{}})
	wantCode(t, err, "MalformedXML")
	_, err = c.S3.PutBucketPolicy(bg, &s3.PutBucketPolicyInput{Bucket: name, Policy: aws.String("not json")})
	wantCode(t, err, "MalformedPolicy")
	arn := "arn:aws:s3:::" + *name
	_, err = c.S3.PutBucketPolicy(bg, &s3.PutBucketPolicyInput{Bucket: name, Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"` + arn + `/*"}]}`)})
	wantCode(t, err, "AccessDenied") // blocked by BlockPublicPolicy
	tls := `{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["` + arn + `","` + arn + `/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	must(c.S3.PutBucketPolicy(bg, &s3.PutBucketPolicyInput{Bucket: name, Policy: aws.String(tls)}))
	if p := must(c.S3.GetBucketPolicy(bg, &s3.GetBucketPolicyInput{Bucket: name})); *p.Policy != tls {
		t.Fatalf("policy %s", *p.Policy)
	}
	must(c.S3.PutPublicAccessBlock(bg, &s3.PutPublicAccessBlockInput{Bucket: name, PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true)}}))
	if p := must(c.S3.GetPublicAccessBlock(bg, &s3.GetPublicAccessBlockInput{Bucket: name})).PublicAccessBlockConfiguration; !*p.BlockPublicAcls || *p.BlockPublicPolicy {
		t.Fatalf("public access block %+v", p)
	}

	// Tags: replaced whole; the Tagging API finds the bucket in its region.
	_, err = c.S3.PutBucketTagging(bg, &s3.PutBucketTaggingInput{Bucket: name, Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("aws:x"), Value: aws.String("1")}}}})
	wantCode(t, err, "InvalidTag")
	must(c.S3.PutBucketTagging(bg, &s3.PutBucketTaggingInput{Bucket: name, Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("old"), Value: aws.String("1")}}}}))
	must(c.S3.PutBucketTagging(bg, &s3.PutBucketTaggingInput{Bucket: name, Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("mvi:app"), Value: aws.String("shop")}}}}))
	if tg := must(c.S3.GetBucketTagging(bg, &s3.GetBucketTaggingInput{Bucket: name})); len(tg.TagSet) != 1 || *tg.TagSet[0].Key != "mvi:app" {
		t.Fatalf("tags %+v", tg.TagSet)
	}
	res := must(c.Tagging.GetResources(bg, &tagging.GetResourcesInput{TagFilters: []tagtypes.TagFilter{{Key: aws.String("mvi:app"), Values: []string{"shop"}}}}))
	if len(res.ResourceTagMappingList) != 1 || *res.ResourceTagMappingList[0].ResourceARN != arn {
		t.Fatalf("tagging API %+v", res.ResourceTagMappingList)
	}

	must(c.S3.DeleteBucket(bg, &s3.DeleteBucketInput{Bucket: name}))
	_, err = c.S3.DeleteBucket(bg, &s3.DeleteBucketInput{Bucket: name})
	var nsb *s3types.NoSuchBucket
	if !errors.As(err, &nsb) {
		t.Fatalf("want NoSuchBucket, got %v", err)
	}
}

func TestS3ObjectsAndVersions(t *testing.T) {
	s := openSB(t, Options{})
	c := apiOf(s)
	b := "mvi-objects"
	must(c.S3.CreateBucket(bg, &s3.CreateBucketInput{Bucket: aws.String(b)}))

	// Unversioned: one "null" version per key; a delete removes it.
	putObject(c, b, "plain.txt", "one")
	putObject(c, b, "plain.txt", "two")
	if got := getObject(t, c, b, "plain.txt", ""); got != "two" {
		t.Fatalf("body %q", got)
	}
	_, err := c.S3.DeleteBucket(bg, &s3.DeleteBucketInput{Bucket: aws.String(b)})
	wantCode(t, err, "BucketNotEmpty")
	must(c.S3.DeleteObjects(bg, &s3.DeleteObjectsInput{Bucket: aws.String(b), Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{{Key: aws.String("plain.txt")}}}}))
	_, err = c.S3.GetObject(bg, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("plain.txt")})
	var nsk *s3types.NoSuchKey
	if !errors.As(err, &nsk) {
		t.Fatalf("want NoSuchKey, got %v", err)
	}

	// Versioned: every put keeps a version, a delete adds a marker.
	must(c.S3.PutBucketVersioning(bg, &s3.PutBucketVersioningInput{Bucket: aws.String(b), VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}))
	v1 := putObject(c, b, "doc.txt", "first")
	v2 := putObject(c, b, "doc.txt", "second")
	putObject(c, b, "dir/a.txt", "a")
	if v1.VersionId == nil || *v1.VersionId == *v2.VersionId || *v1.ETag == *v2.ETag {
		t.Fatalf("versions %v %v", v1.VersionId, v2.VersionId)
	}
	if got := getObject(t, c, b, "doc.txt", *v1.VersionId); got != "first" {
		t.Fatalf("old version %q", got)
	}
	rng := must(c.S3.GetObject(bg, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("doc.txt"), Range: aws.String("bytes=1-3")}))
	if body, _ := io.ReadAll(rng.Body); string(body) != "eco" || *rng.ContentRange != "bytes 1-3/6" {
		t.Fatalf("range %q %s", body, *rng.ContentRange)
	}
	del := must(c.S3.DeleteObjects(bg, &s3.DeleteObjectsInput{Bucket: aws.String(b), Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{{Key: aws.String("doc.txt")}}}}))
	if len(del.Deleted) != 1 || !*del.Deleted[0].DeleteMarker || del.Deleted[0].DeleteMarkerVersionId == nil {
		t.Fatalf("delete %+v", del.Deleted)
	}
	_, err = c.S3.GetObject(bg, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("doc.txt")})
	if !errors.As(err, &nsk) {
		t.Fatalf("behind a delete marker: want NoSuchKey, got %v", err)
	}
	lv := must(c.S3.ListObjectVersions(bg, &s3.ListObjectVersionsInput{Bucket: aws.String(b)}))
	if len(lv.Versions) != 3 || len(lv.DeleteMarkers) != 1 || !*lv.DeleteMarkers[0].IsLatest {
		t.Fatalf("versions %d, markers %d", len(lv.Versions), len(lv.DeleteMarkers))
	}
	dirs := must(c.S3.ListObjectVersions(bg, &s3.ListObjectVersionsInput{Bucket: aws.String(b), Delimiter: aws.String("/")}))
	if len(dirs.CommonPrefixes) != 1 || *dirs.CommonPrefixes[0].Prefix != "dir/" || len(dirs.Versions) != 2 {
		t.Fatalf("delimited %+v %d", dirs.CommonPrefixes, len(dirs.Versions))
	}
	_, err = c.S3.DeleteBucket(bg, &s3.DeleteBucketInput{Bucket: aws.String(b)})
	wantCode(t, err, "BucketNotEmpty")

	// Empty it as mvi down does: every version and marker, a page at a time.
	in := &s3.ListObjectVersionsInput{Bucket: aws.String(b), MaxKeys: aws.Int32(2)}
	pages := 0
	for {
		res := must(c.S3.ListObjectVersions(bg, in))
		pages++
		var ids []s3types.ObjectIdentifier
		for _, v := range res.Versions {
			ids = append(ids, s3types.ObjectIdentifier{Key: v.Key, VersionId: v.VersionId})
		}
		for _, m := range res.DeleteMarkers {
			ids = append(ids, s3types.ObjectIdentifier{Key: m.Key, VersionId: m.VersionId})
		}
		out := must(c.S3.DeleteObjects(bg, &s3.DeleteObjectsInput{Bucket: aws.String(b), Delete: &s3types.Delete{Objects: ids, Quiet: aws.Bool(true)}}))
		if len(out.Errors) > 0 || len(out.Deleted) > 0 {
			t.Fatalf("quiet delete answered %+v %+v", out.Deleted, out.Errors)
		}
		if !*res.IsTruncated {
			break
		}
		// The versions listed are gone, so the next page starts at the beginning.
		in.KeyMarker, in.VersionIdMarker = nil, nil
	}
	if pages != 2 {
		t.Fatalf("pages %d", pages)
	}
	must(c.S3.DeleteBucket(bg, &s3.DeleteBucketInput{Bucket: aws.String(b)}))
	_, err = c.S3.GetObject(bg, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("doc.txt")})
	var nsb *s3types.NoSuchBucket
	if !errors.As(err, &nsb) {
		t.Fatalf("want NoSuchBucket, got %v", err)
	}
}

func TestSTSCallerIdentity(t *testing.T) {
	s := openSB(t, Options{})
	id := must(s.Clients().STS.GetCallerIdentity(bg, &sts.GetCallerIdentityInput{}))
	if *id.Account != s.Account() || *id.Arn != "arn:aws:iam::"+s.Account()+":user/sandbox" || !strings.HasPrefix(*id.UserId, "AIDA") || len(*id.UserId) != 21 {
		t.Fatalf("identity %+v", id)
	}
}
