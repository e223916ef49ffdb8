package aws

import (
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

func cwTags(m map[string]string) []cwtypes.Tag {
	return toSDK(m, func(k, v *string) cwtypes.Tag { return cwtypes.Tag{Key: k, Value: v} })
}
