package sandbox

import (
	"context"
	"crypto/sha256"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/minimalinfra/mvi/engine/cloud"
)

// STS: GetCallerIdentity answers as for an IAM user "sandbox" of the
// sandbox's account (the account id is random per state directory).

type stsAPI struct{ s *Sandbox }

var _ cloud.STS = (*stsAPI)(nil)

// stsUserID is the user's unique id (AIDA + 17 characters), stable per
// account like AWS's.
func stsUserID(account string) string {
	const a = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	h := sha256.Sum256([]byte("sts-user|" + account))
	b := []byte("AIDA")
	for i := 0; i < 17; i++ {
		b = append(b, a[int(h[i])%len(a)])
	}
	return string(b)
}

func (a *stsAPI) GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, _ ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	return call(ctx, a.s, svcSTS, "GetCallerIdentity", func(t *tx) (*sts.GetCallerIdentityOutput, error) {
		acct := t.account()
		return &sts.GetCallerIdentityOutput{Account: aws.String(acct), Arn: aws.String(userARN(acct, "sandbox")),
			UserId: aws.String(stsUserID(acct))}, nil
	})
}
