package sandbox

import (
	"context"
	"encoding/base64"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
)

// GetAuthorizationToken issues what `docker login` to ECR uses: the user
// "AWS" and a token, base64 "AWS:<token>", valid 12 hours, for the
// account's registry endpoint.
func (a *ecrAPI) GetAuthorizationToken(ctx context.Context, in *ecr.GetAuthorizationTokenInput, _ ...func(*ecr.Options)) (*ecr.GetAuthorizationTokenOutput, error) {
	return call(ctx, a.s, svcECR, "GetAuthorizationToken", func(t *tx) (*ecr.GetAuthorizationTokenOutput, error) {
		token := base64.StdEncoding.EncodeToString([]byte("AWS:" + uuid()))
		return &ecr.GetAuthorizationTokenOutput{AuthorizationData: []ecrtypes.AuthorizationData{{
			AuthorizationToken: aws.String(token),
			ExpiresAt:          tp(t.now.Add(12 * time.Hour)),
			ProxyEndpoint:      aws.String("https://" + t.account() + ".dkr.ecr." + t.regionName() + ".amazonaws.com"),
		}}}, nil
	})
}
