package aws

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/build"
	"github.com/minimalinfra/mvi/engine/cloud"
	"github.com/minimalinfra/mvi/engine/release"
	"github.com/minimalinfra/mvi/engine/resource"
)

// testRegistry is an in-process OCI registry standing in for every
// registry a build reaches (moto has ECR's API but no registry): ECR's
// host and docker.io alike. It holds a python:3.12-slim base, random
// bytes under that name, so FROM python:3.12-slim pulls from loopback.
type testRegistry struct {
	srv *httptest.Server
}

func newTestRegistry(t *testing.T) *testRegistry {
	t.Helper()
	r := &testRegistry{srv: httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))}
	t.Cleanup(r.srv.Close)
	base, err := random.Image(512, 2)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := name.ParseReference("index.docker.io/library/python:3.12-slim")
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(ref, base, remote.WithTransport(r)); err != nil {
		t.Fatalf("seed the base image: %v", err)
	}
	return r
}

// RoundTrip sends every registry's request to the one loopback server.
func (r *testRegistry) RoundTrip(req *http.Request) (*http.Response, error) {
	u, _ := url.Parse(r.srv.URL)
	out := req.Clone(req.Context())
	out.URL.Scheme, out.URL.Host, out.Host = "http", u.Host, u.Host
	return http.DefaultTransport.RoundTrip(out)
}

// has reports whether ref (any registry's name) is in the registry.
func (r *testRegistry) has(t *testing.T, ref string) bool {
	t.Helper()
	n, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	_, err = remote.Head(n, remote.WithTransport(r))
	return err == nil
}

// buildDir is a small app to build: a Dockerfile the in-process builder
// can build (no RUN) and one file.
func buildDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for f, body := range map[string]string{
		"Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\nCMD [\"python\", \"app.py\"]\n",
		"app.py":     "print('hello')\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// pinSources sets each built process's source digest, as a plan does.
func pinSources(t *testing.T, a arch.Architecture, dir string) arch.Architecture {
	t.Helper()
	d, err := build.SourceDigest(context.Background(), dir, "")
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range a.Resources {
		if td, ok := r.Props.(arch.TaskDefinitionProps); ok && td.Build != "" {
			td.Source = d
			a.Resources[i].Props = td
		}
	}
	return a
}

func tagOf(image string) string { return image[strings.LastIndex(image, ":")+1:] }

// checkBuilt: every built process's task definition names its build's
// tag in the app's repository, the image was really pushed there, and the
// build's record and log are in the app's table and bucket.
func checkBuilt(t *testing.T, ctx context.Context, env resource.Env, reg *testRegistry, live map[string]resource.Live) {
	t.Helper()
	store := release.Store{DB: env.Clients.DynamoDB, Blob: env.Clients.S3, Table: live["table"].Attrs["name"], Bucket: live["bucket"].Attrs["name"]}
	builds, err := store.Builds(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]release.Build{}
	for _, b := range builds {
		byID[b.ID] = b
	}
	for _, proc := range []string{"web", "worker"} {
		td := live[arch.TaskDefinitionID(proc)]
		image := td.Attrs["image"]
		if want := live["repository"].Attrs["uri"] + ":"; !strings.HasPrefix(image, want) {
			t.Errorf("%s names image %q, want one in %s", proc, image, want)
			continue
		}
		if !reg.has(t, image) {
			t.Errorf("%s's image %s was never pushed", proc, image)
		}
		b, ok := byID[tagOf(image)]
		if !ok {
			t.Errorf("no build record %s in the table (records: %v)", tagOf(image), builds)
			continue
		}
		if b.Status != release.StatusSucceeded || b.Process != proc || !strings.HasPrefix(b.ImageDigest, "sha256:") {
			t.Errorf("build record of %s: %+v", proc, b)
		}
		log, err := store.Log(ctx, b.ID)
		if err != nil || !strings.Contains(string(log), "COPY . /app") {
			t.Errorf("build log of %s: %q, %v", proc, log, err)
		}
		if b.Log != release.LogURL(store.Bucket, b.ID) {
			t.Errorf("build record's log %q", b.Log)
		}
	}
}

// policyKeepingS3 keeps the bucket policies mvi sends instead of giving
// them to moto: moto ignores a policy's Condition (moto/iam/access_control
// says so), so the TLS-only statement — deny when aws:SecureTransport is
// false — denies every call over its plain-HTTP endpoint, where AWS would
// allow the SDK's HTTPS ones. GetBucketPolicy answers what was sent, so
// the secure-defaults checks still read mvi's policy.
type policyKeepingS3 struct {
	motoS3
	mu       sync.Mutex
	policies map[string]string
}

func (p *policyKeepingS3) PutBucketPolicy(ctx context.Context, in *s3.PutBucketPolicyInput, _ ...func(*s3.Options)) (*s3.PutBucketPolicyOutput, error) {
	if _, err := p.motoS3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: in.Bucket}); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.policies == nil {
		p.policies = map[string]string{}
	}
	p.policies[aws.ToString(in.Bucket)] = aws.ToString(in.Policy)
	return &s3.PutBucketPolicyOutput{}, nil
}

func (p *policyKeepingS3) GetBucketPolicy(ctx context.Context, in *s3.GetBucketPolicyInput, opts ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error) {
	p.mu.Lock()
	doc, ok := p.policies[aws.ToString(in.Bucket)]
	p.mu.Unlock()
	if !ok {
		return p.motoS3.GetBucketPolicy(ctx, in, opts...)
	}
	return &s3.GetBucketPolicyOutput{Policy: aws.String(doc)}, nil
}

type motoS3 interface {
	cloud.S3
	s3Reader
}
