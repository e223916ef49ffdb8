package sandbox

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// PutKeyPolicy replaces a key's policy, as KMS does: the only policy name
// is "default", the document must be JSON of at most 32 KiB, and a key
// pending deletion takes no change.
func (a *kmsAPI) PutKeyPolicy(ctx context.Context, in *kms.PutKeyPolicyInput, _ ...func(*kms.Options)) (*kms.PutKeyPolicyOutput, error) {
	return call(ctx, a.s, svcKMS, "PutKeyPolicy", func(t *tx) (*kms.PutKeyPolicyOutput, error) {
		k, err := t.kmsKeyRef(aws.ToString(in.KeyId))
		if err != nil {
			return nil, err
		}
		if n := aws.ToString(in.PolicyName); n != "" && n != "default" {
			return nil, validation("1 validation error detected: Value '%s' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: default", n)
		}
		doc := aws.ToString(in.Policy)
		var v map[string]any
		if doc == "" || len(doc) > 32768 || json.Unmarshal([]byte(doc), &v) != nil {
			return nil, &kmstypes.MalformedPolicyDocumentException{Message: aws.String("The policy document is malformed.")}
		}
		if k.State == "PendingDeletion" {
			return nil, &kmstypes.KMSInvalidStateException{Message: aws.String(k.ARN + " is pending deletion.")}
		}
		k.Policy = doc
		return &kms.PutKeyPolicyOutput{}, nil
	})
}
