package sandbox

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

func ecrAuth(t *testing.T, s *Sandbox) authn.Authenticator {
	t.Helper()
	out := must(s.Clients().ECR.GetAuthorizationToken(bg, &ecr.GetAuthorizationTokenInput{}))
	raw, err := base64.StdEncoding.DecodeString(aws.ToString(out.AuthorizationData[0].AuthorizationToken))
	if err != nil {
		t.Fatal(err)
	}
	user, pass, _ := strings.Cut(string(raw), ":")
	return &authn.Basic{Username: user, Password: pass}
}

func pushRandom(t *testing.T, s *Sandbox, auth authn.Authenticator, repoTag string) (string, error) {
	t.Helper()
	img, err := random.Image(256, 1)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := name.ParseReference(s.Account() + ".dkr.ecr.us-east-1.amazonaws.com/" + repoTag)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := img.Digest()
	return d.String(), remote.Write(ref, img, remote.WithTransport(s.Clients().Registry), remote.WithAuth(auth))
}

func wantRegCode(t *testing.T, err error, status int, code string) {
	t.Helper()
	var te *transport.Error
	if !errors.As(err, &te) {
		t.Fatalf("want registry error %d %s, got %v", status, code, err)
	}
	if te.StatusCode != status || (code != "" && (len(te.Errors) == 0 || string(te.Errors[0].Code) != code)) {
		t.Fatalf("want %d %s, got %v", status, code, err)
	}
}

func TestECRRegistryPushAuthAndErrors(t *testing.T) {
	dir := t.TempDir()
	s := openSB(t, Options{Dir: dir})
	c := s.Clients()
	must(c.ECR.CreateRepository(bg, &ecr.CreateRepositoryInput{RepositoryName: aws.String("app"), ImageTagMutability: ecrtypes.ImageTagMutabilityImmutable}))
	auth := ecrAuth(t, s)

	_, err := pushRandom(t, s, authn.Anonymous, "app:v1")
	wantRegCode(t, err, http.StatusUnauthorized, "")
	_, err = pushRandom(t, s, &authn.Basic{Username: "AWS", Password: "forged"}, "app:v1")
	wantRegCode(t, err, http.StatusUnauthorized, "")

	_, err = pushRandom(t, s, auth, "nosuch:v1")
	wantRegCode(t, err, http.StatusNotFound, "NAME_UNKNOWN")
	if !strings.Contains(err.Error(), "The repository with name 'nosuch' does not exist in the registry with id '"+s.Account()+"'") {
		t.Errorf("message: %v", err)
	}

	d1, err := pushRandom(t, s, auth, "app:v1")
	if err != nil {
		t.Fatalf("push: %v", err)
	}
	_, err = pushRandom(t, s, auth, "app:v1")
	wantRegCode(t, err, http.StatusBadRequest, "TAG_INVALID")
	if !strings.Contains(err.Error(), "The image tag 'v1' already exists in the 'app' repository and cannot be overwritten because the repository is immutable.") {
		t.Errorf("message: %v", err)
	}

	out := must(c.ECR.DescribeImages(bg, &ecr.DescribeImagesInput{RepositoryName: aws.String("app"), ImageIds: []ecrtypes.ImageIdentifier{{ImageTag: aws.String("v1")}}}))
	if len(out.ImageDetails) != 1 || aws.ToString(out.ImageDetails[0].ImageDigest) != d1 || aws.ToInt64(out.ImageDetails[0].ImageSizeInBytes) == 0 || out.ImageDetails[0].ImagePushedAt == nil {
		t.Fatalf("details: %+v", out.ImageDetails)
	}
	_, err = c.ECR.DescribeImages(bg, &ecr.DescribeImagesInput{RepositoryName: aws.String("app"), ImageIds: []ecrtypes.ImageIdentifier{{ImageTag: aws.String("v2")}}})
	wantCode(t, err, "ImageNotFoundException")

	_, err = c.ECR.DeleteRepository(bg, &ecr.DeleteRepositoryInput{RepositoryName: aws.String("app")})
	wantCode(t, err, "RepositoryNotEmptyException")

	// Another process opening the directory sees the image, and pulls it.
	s.Close()
	s2 := openSB(t, Options{Dir: dir})
	ref, _ := name.ParseReference(s2.Account() + ".dkr.ecr.us-east-1.amazonaws.com/app:v1")
	img, err := remote.Image(ref, remote.WithTransport(s2.Clients().Registry), remote.WithAuth(ecrAuth(t, s2)))
	if err != nil {
		t.Fatalf("pull after reopen: %v", err)
	}
	if d, _ := img.Digest(); d.String() != d1 {
		t.Fatalf("digest %s, want %s", d, d1)
	}
	if _, err := img.Layers(); err != nil {
		t.Fatal(err)
	}
	must(s2.Clients().ECR.DeleteRepository(bg, &ecr.DeleteRepositoryInput{RepositoryName: aws.String("app"), Force: true}))
}

func TestECRLifecycleExpiresOldImages(t *testing.T) {
	clk := NewManualClock(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	s := openSB(t, Options{Clock: clk})
	c := s.Clients()
	must(c.ECR.CreateRepository(bg, &ecr.CreateRepositoryInput{RepositoryName: aws.String("app")}))
	must(c.ECR.PutLifecyclePolicy(bg, &ecr.PutLifecyclePolicyInput{RepositoryName: aws.String("app"),
		LifecyclePolicyText: aws.String(`{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":2},"action":{"type":"expire"}}]}`)}))
	auth := ecrAuth(t, s)
	var digests []string
	for _, tag := range []string{"b1", "b2", "b3"} {
		d, err := pushRandom(t, s, auth, "app:"+tag)
		if err != nil {
			t.Fatal(err)
		}
		digests = append(digests, d)
		clk.Advance(time.Second)
	}
	out := must(c.ECR.DescribeImages(bg, &ecr.DescribeImagesInput{RepositoryName: aws.String("app")}))
	if len(out.ImageDetails) != 2 {
		t.Fatalf("want the 2 newest kept, got %d", len(out.ImageDetails))
	}
	for _, d := range out.ImageDetails {
		if aws.ToString(d.ImageDigest) == digests[0] {
			t.Fatalf("the oldest image survived")
		}
	}
}

func TestPublicBaseImages(t *testing.T) {
	var digests []string
	for i := 0; i < 2; i++ {
		s := openSB(t, Options{})
		ref, _ := name.ParseReference("httpd:2.4")
		img, err := remote.Image(ref, remote.WithTransport(s.Clients().Registry))
		if err != nil {
			t.Fatalf("pull httpd:2.4: %v", err)
		}
		d, _ := img.Digest()
		digests = append(digests, d.String())
		cf, err := img.ConfigFile()
		if err != nil || cf.Config.StopSignal != "SIGWINCH" || cf.Config.Labels[programLabel] != "httpd" {
			t.Fatalf("config: %+v %v", cf, err)
		}
		_, err = remote.Image(must(name.ParseReference("nginx:lastest")), remote.WithTransport(s.Clients().Registry))
		wantRegCode(t, err, http.StatusNotFound, "MANIFEST_UNKNOWN")
		_, err = remote.Image(must(name.ParseReference("public.ecr.aws/docker/library/nginx:1.27")), remote.WithTransport(s.Clients().Registry))
		if err != nil {
			t.Fatalf("ECR Public nginx: %v", err)
		}
		_, err = remote.Image(must(name.ParseReference("ghcr.io/acme/app:1")), remote.WithTransport(s.Clients().Registry))
		if err == nil || !strings.Contains(err.Error(), "ghcr.io") || !strings.Contains(err.Error(), "fetches nothing from the internet") {
			t.Fatalf("unknown host: %v", err)
		}
	}
	if digests[0] != digests[1] {
		t.Fatalf("base digests differ across sandboxes: %v", digests)
	}
}

// A rule per tag prefix, in rulePriority order: an image the first rule
// selects is that rule's to count, never a later rule's (AWS), so
// web-admin's images don't use up web's count.
func TestECRLifecycleRulePerTagPrefix(t *testing.T) {
	clk := NewManualClock(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	s := openSB(t, Options{Clock: clk})
	c := s.Clients()
	must(c.ECR.CreateRepository(bg, &ecr.CreateRepositoryInput{RepositoryName: aws.String("app")}))
	rule := func(prio int, prefix string) string {
		return `{"rulePriority":` + string(rune('0'+prio)) + `,"selection":{"tagStatus":"tagged","tagPrefixList":["` + prefix +
			`"],"countType":"imageCountMoreThan","countNumber":2},"action":{"type":"expire"}}`
	}
	// Priorities out of order in the document: ECR sorts by rulePriority.
	must(c.ECR.PutLifecyclePolicy(bg, &ecr.PutLifecyclePolicyInput{RepositoryName: aws.String("app"),
		LifecyclePolicyText: aws.String(`{"rules":[` + rule(3, "web-") + `,` + rule(1, "web-admin-") + `,` + rule(2, "worker-") + `]}`)}))
	auth := ecrAuth(t, s)
	digest := map[string]string{}
	for _, tag := range []string{"web-1", "web-admin-1", "web-2", "worker-1", "web-admin-2", "web-3", "web-admin-3", "web-4"} {
		d, err := pushRandom(t, s, auth, "app:"+tag)
		if err != nil {
			t.Fatal(err)
		}
		digest[d] = tag
		clk.Advance(time.Second)
	}
	out := must(c.ECR.DescribeImages(bg, &ecr.DescribeImagesInput{RepositoryName: aws.String("app")}))
	var kept []string
	for _, d := range out.ImageDetails {
		kept = append(kept, digest[aws.ToString(d.ImageDigest)])
	}
	kept = sortStrings(kept)
	if want := "web-3 web-4 web-admin-2 web-admin-3 worker-1"; strings.Join(kept, " ") != want {
		t.Fatalf("kept %v, want %s", kept, want)
	}
}
