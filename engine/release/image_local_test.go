package release

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

type fakeECR struct{}

func (fakeECR) DescribeImages(context.Context, *ecr.DescribeImagesInput, ...func(*ecr.Options)) (*ecr.DescribeImagesOutput, error) {
	return nil, &ecrtypes.ImageNotFoundException{Message: aws.String("not found")}
}

func (fakeECR) GetAuthorizationToken(context.Context, *ecr.GetAuthorizationTokenInput, ...func(*ecr.Options)) (*ecr.GetAuthorizationTokenOutput, error) {
	tok := base64.StdEncoding.EncodeToString([]byte("AWS:ecr-s3cret"))
	return &ecr.GetAuthorizationTokenOutput{AuthorizationData: []ecrtypes.AuthorizationData{{AuthorizationToken: &tok}}}, nil
}

type fakeKV struct {
	items []map[string]ddbtypes.AttributeValue
}

func (k *fakeKV) PutItem(_ context.Context, in *dynamodb.PutItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	k.items = append(k.items, in.Item)
	return &dynamodb.PutItemOutput{}, nil
}

func (k *fakeKV) Query(context.Context, *dynamodb.QueryInput, ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	return &dynamodb.QueryOutput{}, nil
}

type fakeBlob struct{ objects map[string][]byte }

func (b *fakeBlob) PutObject(_ context.Context, in *s3.PutObjectInput, _ ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	body, _ := io.ReadAll(in.Body)
	b.objects[aws.ToString(in.Key)] = body
	return &s3.PutObjectOutput{}, nil
}

func (b *fakeBlob) GetObject(context.Context, *s3.GetObjectInput, ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	return nil, errors.New("unused")
}

func (b *fakeBlob) DeleteObjects(_ context.Context, in *s3.DeleteObjectsInput, _ ...func(*s3.Options)) (*s3.DeleteObjectsOutput, error) {
	for _, o := range in.Delete.Objects {
		delete(b.objects, aws.ToString(o.Key))
	}
	return &s3.DeleteObjectsOutput{}, nil
}

// fakeDocker answers info, build, login and push as docker does, and
// keeps what it was asked.
type fakeDocker struct {
	argv  []string
	stdin string
}

func (f *fakeDocker) LookPath(file string) (string, error) {
	if file == "docker" {
		return "/usr/bin/docker", nil
	}
	return "", errors.New("not found")
}

func (f *fakeDocker) Run(_ context.Context, _ string, args []string, stdin io.Reader, out io.Writer) error {
	f.argv = append(f.argv, strings.Join(args, " "))
	if stdin != nil {
		b, _ := io.ReadAll(stdin)
		f.stdin += string(b)
	}
	switch args[0] {
	case "build":
		io.WriteString(out, "#5 [2/2] RUN make\n#5 DONE 0.3s\n")
	case "login":
		io.WriteString(out, "Login Succeeded\n")
	case "push":
		io.WriteString(out, "web-1: digest: sha256:"+strings.Repeat("c", 64)+" size: 1234\n")
	}
	return nil
}

func TestEnsureBuildsRunWithALocalBuilderAndRecordsIt(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM alpine\nRUN make\n"), 0o644)
	kv, blob, dock := &fakeKV{}, &fakeBlob{objects: map[string][]byte{}}, &fakeDocker{}
	var said []string
	im := Image{ECR: fakeECR{}, Transport: http.DefaultTransport, Store: Store{DB: kv, Blob: blob, Table: "t", Bucket: "b"},
		Repository: "shop", URI: "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop", Process: "web", Dir: dir, Source: "sha256:" + strings.Repeat("1", 64),
		Say: func(s string) { said = append(said, s) }, Now: func() time.Time { return time.Unix(0, 0) }, Exec: dock}
	ref, built, err := im.Ensure(context.Background())
	if err != nil || !built || ref != im.Ref() {
		t.Fatalf("Ensure = %q %v %v", ref, built, err)
	}
	if dock.stdin != "ecr-s3cret\n" || strings.Contains(strings.Join(dock.argv, "\n"), "ecr-s3cret") {
		t.Errorf("the password must go by stdin only: argv %q stdin %q", dock.argv, dock.stdin)
	}
	if len(dock.argv) != 4 || dock.argv[2] != "login --username AWS --password-stdin 123456789012.dkr.ecr.us-east-1.amazonaws.com" || dock.argv[3] != "push "+im.Ref() {
		t.Errorf("argv = %q", dock.argv)
	}
	var rec Build
	if len(kv.items) != 1 {
		t.Fatalf("%d records", len(kv.items))
	}
	json.Unmarshal([]byte(kv.items[0]["record"].(*ddbtypes.AttributeValueMemberS).Value), &rec)
	if rec.Builder != "docker (local, /usr/bin/docker)" || rec.ImageDigest != "sha256:"+strings.Repeat("c", 64) || rec.Status != StatusSucceeded {
		t.Errorf("record = %+v", rec)
	}
	log := blob.objects[logKey(rec.ID)]
	for _, want := range []string{"Dockerfile:2: RUN make", "building with docker", "#5 [2/2] RUN make", "Login Succeeded", "pushed " + im.Ref()} {
		if !bytes.Contains(log, []byte(want)) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	if bytes.Contains(log, []byte("ecr-s3cret")) {
		t.Error("the password is in the log")
	}
	if !strings.Contains(strings.Join(said, "\n"), "#5 [2/2] RUN make") {
		t.Errorf("Say did not stream the builder's lines: %q", said)
	}
}
