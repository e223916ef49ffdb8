package aws

import (
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
)

func rdsTags(m map[string]string) []rdstypes.Tag {
	return toSDK(m, func(k, v *string) rdstypes.Tag { return rdstypes.Tag{Key: k, Value: v} })
}

func rdsTagMap(tags []rdstypes.Tag) map[string]string {
	return fromSDK(tags, func(t rdstypes.Tag) (*string, *string) { return t.Key, t.Value })
}
