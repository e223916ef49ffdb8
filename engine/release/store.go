package release

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// KV is what the records need of DynamoDB.
type KV interface {
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
}

// Blob is what build logs need of S3.
type Blob interface {
	PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	DeleteObjects(ctx context.Context, in *s3.DeleteObjectsInput, opts ...func(*s3.Options)) (*s3.DeleteObjectsOutput, error)
}

// Store reads and writes an app's build and release records.
type Store struct {
	DB     KV
	Blob   Blob
	Table  string
	Bucket string
}

// ErrNoRelease is returned for a release number that was never made.
var ErrNoRelease = errors.New("no such release")

// ErrNoBuild is returned for a build id that was never made.
var ErrNoBuild = errors.New("no such build")

func (s Store) put(ctx context.Context, pk, sk string, v any, cond string) error {
	doc, err := json.Marshal(v)
	if err != nil {
		return err
	}
	in := &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: map[string]ddbtypes.AttributeValue{
		"pk": &ddbtypes.AttributeValueMemberS{Value: pk}, "sk": &ddbtypes.AttributeValueMemberS{Value: sk},
		"record": &ddbtypes.AttributeValueMemberS{Value: string(doc)},
	}}
	if cond != "" {
		in.ConditionExpression = aws.String(cond)
	}
	_, err = s.DB.PutItem(ctx, in)
	return err
}

// query reads every record under pk, in sort key order (newest last).
func (s Store) query(ctx context.Context, pk string, each func([]byte) error) error {
	var start map[string]ddbtypes.AttributeValue
	for {
		out, err := s.DB.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table),
			KeyConditionExpression:    aws.String("pk = :pk"),
			ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":pk": &ddbtypes.AttributeValueMemberS{Value: pk}},
			ExclusiveStartKey:         start})
		if err != nil {
			return fmt.Errorf("read the %s records from table %s: %w", pk, s.Table, err)
		}
		for _, it := range out.Items {
			if r, ok := it["record"].(*ddbtypes.AttributeValueMemberS); ok {
				if err := each([]byte(r.Value)); err != nil {
					return err
				}
			}
		}
		if len(out.LastEvaluatedKey) == 0 {
			return nil
		}
		start = out.LastEvaluatedKey
	}
}

// PutBuild writes (or overwrites: a failed build tried again) b.
func (s Store) PutBuild(ctx context.Context, b Build) error {
	if err := s.put(ctx, pkBuild, b.ID, b, ""); err != nil {
		return fmt.Errorf("record build %s in table %s: %w", b.ID, s.Table, err)
	}
	return nil
}

// Builds lists every build record, oldest first.
func (s Store) Builds(ctx context.Context) ([]Build, error) {
	var out []Build
	err := s.query(ctx, pkBuild, func(doc []byte) error {
		var b Build
		if err := json.Unmarshal(doc, &b); err != nil {
			return fmt.Errorf("a build record in table %s is not mvi's: %w", s.Table, err)
		}
		out = append(out, b)
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].Started.Before(out[j].Started) })
	return out, err
}

// FindBuild is the record of build id.
func (s Store) FindBuild(ctx context.Context, id string) (Build, error) {
	bs, err := s.Builds(ctx)
	if err != nil {
		return Build{}, err
	}
	for _, b := range bs {
		if b.ID == id {
			return b, nil
		}
	}
	return Build{}, fmt.Errorf("build %s: %w", id, ErrNoBuild)
}

// Releases lists every release, oldest first.
func (s Store) Releases(ctx context.Context) ([]Release, error) {
	var out []Release
	err := s.query(ctx, pkRelease, func(doc []byte) error {
		var r Release
		if err := json.Unmarshal(doc, &r); err != nil {
			return fmt.Errorf("a release record in table %s is not mvi's: %w", s.Table, err)
		}
		out = append(out, r)
		return nil
	})
	return out, err
}

// FindRelease is release n.
func (s Store) FindRelease(ctx context.Context, n int) (Release, error) {
	rs, err := s.Releases(ctx)
	if err != nil {
		return Release{}, err
	}
	for _, r := range rs {
		if r.Number == n {
			return r, nil
		}
	}
	return Release{}, fmt.Errorf("release %d: %w", n, ErrNoRelease)
}

// AddRelease records r as the next release and returns its number. The
// write is conditional, so two runs can never both take one number.
func (s Store) AddRelease(ctx context.Context, r Release) (int, error) {
	for try := 0; try < 5; try++ {
		rs, err := s.Releases(ctx)
		if err != nil {
			return 0, err
		}
		r.Number = 1
		if len(rs) > 0 {
			r.Number = rs[len(rs)-1].Number + 1
		}
		err = s.put(ctx, pkRelease, sortKey(r.Number), r, "attribute_not_exists(pk)")
		var taken *ddbtypes.ConditionalCheckFailedException
		if errors.As(err, &taken) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("record release %d in table %s: %w", r.Number, s.Table, err)
		}
		return r.Number, nil
	}
	return 0, fmt.Errorf("record a release in table %s: another run keeps taking the next number; try again", s.Table)
}

// PutLog keeps a build's log in the bucket and returns its address.
func (s Store) PutLog(ctx context.Context, id string, log []byte) (string, error) {
	_, err := s.Blob.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(s.Bucket), Key: aws.String(logKey(id)),
		Body: bytes.NewReader(log), ContentType: aws.String("text/plain; charset=utf-8")})
	if err != nil {
		return "", fmt.Errorf("keep the log of build %s in bucket %s: %w", id, s.Bucket, err)
	}
	return LogURL(s.Bucket, id), nil
}

// Log reads a build's log back.
func (s Store) Log(ctx context.Context, id string) ([]byte, error) {
	out, err := s.Blob.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.Bucket), Key: aws.String(logKey(id))})
	var missing *s3types.NoSuchKey
	if errors.As(err, &missing) {
		return nil, fmt.Errorf("build %s has no log in bucket %s: %w", id, s.Bucket, ErrNoBuild)
	}
	if err != nil {
		return nil, fmt.Errorf("read the log of build %s from bucket %s: %w", id, s.Bucket, err)
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}
