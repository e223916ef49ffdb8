package sandbox

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// rotatableKey is the key a rotation call names, as KMS takes it there: a
// key id or ARN (not an alias), of a key that is usable.
func (t *tx) rotatableKey(ref string) (*kmsKey, error) {
	k, err := t.kmsKeyRef(ref)
	if err != nil {
		return nil, err
	}
	if isAlias(ref) {
		return nil, kmsNotFound("Alias is not supported for this operation; use a key id or key ARN")
	}
	if err := k.usable(); err != nil {
		return nil, err
	}
	return k, nil
}

// DisableKeyRotation turns yearly rotation off, as KMS does.
func (a *kmsAPI) DisableKeyRotation(ctx context.Context, in *kms.DisableKeyRotationInput, _ ...func(*kms.Options)) (*kms.DisableKeyRotationOutput, error) {
	return call(ctx, a.s, svcKMS, "DisableKeyRotation", func(t *tx) (*kms.DisableKeyRotationOutput, error) {
		k, err := t.rotatableKey(aws.ToString(in.KeyId))
		if err != nil {
			return nil, err
		}
		k.Rotation = false
		return &kms.DisableKeyRotationOutput{}, nil
	})
}
