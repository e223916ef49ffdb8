package aws

import (
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// IAM has no tag filter: mvi's roles and instance profiles live under the
// path /mvi/<app>/ and carry the mvi tags, read with GetRole and
// GetInstanceProfile (List* calls don't return tags).

// inlinePolicyName is the one inline policy mvi puts on a role.
const inlinePolicyName = "mvi"

func iamPath(app string) string { return "/mvi/" + app + "/" }

func iamTags(m map[string]string) []iamtypes.Tag {
	return toSDK(m, func(k, v *string) iamtypes.Tag { return iamtypes.Tag{Key: k, Value: v} })
}

func iamTagMap(tags []iamtypes.Tag) map[string]string {
	return fromSDK(tags, func(t iamtypes.Tag) (*string, *string) { return t.Key, t.Value })
}
