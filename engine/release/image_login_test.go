package release

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/smithy-go"
)

// unavailableECR finds no image and can't log in right now.
type unavailableECR struct{ fakeECR }

func (unavailableECR) GetAuthorizationToken(context.Context, *ecr.GetAuthorizationTokenInput, ...func(*ecr.Options)) (*ecr.GetAuthorizationTokenOutput, error) {
	return nil, &smithy.GenericAPIError{Code: "ServiceUnavailable", Message: "Service is unable to handle request.", Fault: smithy.FaultServer}
}

// ECR failing the login is not a failed build: the error is ECR's own, so
// the engine tries again, and no failed build is recorded for it.
func TestLoginFailureIsECRsErrorNotAFailedBuild(t *testing.T) {
	kv, blob := &fakeKV{}, &fakeBlob{objects: map[string][]byte{}}
	im := Image{ECR: unavailableECR{}, Transport: http.DefaultTransport, Store: Store{DB: kv, Blob: blob, Table: "t", Bucket: "b"},
		Repository: "shop", URI: "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop", Process: "web", Dir: t.TempDir(),
		Source: "sha256:" + strings.Repeat("1", 64), Now: func() time.Time { return time.Unix(0, 0) }}
	_, _, err := im.Ensure(context.Background())
	var ae smithy.APIError
	var be *Error
	if !errors.As(err, &ae) || ae.ErrorCode() != "ServiceUnavailable" || errors.As(err, &be) {
		t.Fatalf("Ensure = %v, want ECR's ServiceUnavailable and no build error", err)
	}
	if len(kv.items) != 0 || len(blob.objects) != 0 {
		t.Errorf("a login failure recorded %d builds and %d logs", len(kv.items), len(blob.objects))
	}
}
