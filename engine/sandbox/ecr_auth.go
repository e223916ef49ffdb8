package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
)

// ecrTokenLife is how long an ECR authorization token is valid.
const ecrTokenLife = 12 * time.Hour

// GetAuthorizationToken issues what `docker login` to ECR uses: the user
// "AWS" and a token, base64 "AWS:<password>", valid 12 hours, for the
// account's registry endpoint. The state keeps only a hash of each
// password and its expiry (on the sandbox clock), so every process that
// opens the directory accepts it and the state file holds no secret.
func (a *ecrAPI) GetAuthorizationToken(ctx context.Context, in *ecr.GetAuthorizationTokenInput, _ ...func(*ecr.Options)) (*ecr.GetAuthorizationTokenOutput, error) {
	return call(ctx, a.s, svcECR, "GetAuthorizationToken", func(t *tx) (*ecr.GetAuthorizationTokenOutput, error) {
		for h, exp := range t.r.ECR.Tokens {
			if !exp.After(t.now) {
				delete(t.r.ECR.Tokens, h)
			}
		}
		password := uuid() + uuid()
		exp := t.now.Add(ecrTokenLife)
		t.r.ECR.Tokens[tokenHash(password)] = exp
		t.touch() // a Get that writes: the token must outlive this call
		token := base64.StdEncoding.EncodeToString([]byte("AWS:" + password))
		return &ecr.GetAuthorizationTokenOutput{AuthorizationData: []ecrtypes.AuthorizationData{{
			AuthorizationToken: aws.String(token),
			ExpiresAt:          tp(exp),
			ProxyEndpoint:      aws.String("https://" + t.account() + ".dkr.ecr." + t.regionName() + ".amazonaws.com"),
		}}}, nil
	})
}

func tokenHash(password string) string {
	h := sha256.Sum256([]byte("mvi-sandbox-ecr:" + password))
	return hex.EncodeToString(h[:])
}

// authorized reports whether HTTP Basic credentials are a live token.
func (t *tx) authorized(user, password string, ok bool) bool {
	if !ok || user != "AWS" || password == "" {
		return false
	}
	exp, found := t.r.ECR.Tokens[tokenHash(password)]
	return found && exp.After(t.now)
}
