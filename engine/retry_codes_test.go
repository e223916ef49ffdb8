package engine

import (
	"fmt"
	"testing"

	"github.com/aws/smithy-go"
)

// The "try later" codes AWS documents are retried; quotas and real
// mistakes are not, whatever the SDK's throttle table says.
func TestTryLaterCodesAreRetried(t *testing.T) {
	for code, want := range map[string]retryKind{
		"ContinuousBackupsUnavailableException": transient,
		"TooManyUpdates":                        transient,
		"OperationAbortedException":             transient,
		"ConcurrentModification":                transient,
		"ResourceContention":                    transient,
		"KMSInternalException":                  transient,
		"RequestTimeout":                        transient,
		"EC2ThrottledException":                 transient,
		"BandwidthLimitExceeded":                transient,
		"LimitExceededException":                permanent, // a quota unless its message speaks of a rate
		"ValidationException":                   permanent,
		"InsufficientInstanceCapacity":          permanent,
		"ResourceInUseException":                blocked,
		"InvalidReplicationGroupState":          blocked, // a Redis still creating when down deletes it
		"CacheSubnetGroupInUse":                 blocked, // its Redis still going away
	} {
		got, _ := classify(&smithy.GenericAPIError{Code: code, Message: "x", Fault: smithy.FaultClient})
		if got != want {
			t.Errorf("%s: kind %d, want %d", code, got, want)
		}
	}
	if got, _ := classify(&smithy.GenericAPIError{Code: "LimitExceededException", Message: "Rate exceeded"}); got != transient {
		t.Errorf("a rate LimitExceededException: kind %d", got)
	}
}

// What isn't visible yet is looked for again: a task definition ECS
// doesn't know a moment after its registration, a ready resource its
// listing doesn't show yet.
func TestNotVisibleYetIsSettling(t *testing.T) {
	if got, _ := classify(&smithy.GenericAPIError{Code: "ClientException", Message: "Unable to describe task definition."}); got != settling {
		t.Errorf("ECS's unknown task definition: kind %d", got)
	}
	if got, _ := classify(&smithy.GenericAPIError{Code: "ClientException", Message: "Container.image should not be null"}); got != permanent {
		t.Errorf("a real ClientException: kind %d", got)
	}
	if got, _ := classify(fmt.Errorf("reread: %w", errNotListedYet)); got != settling {
		t.Errorf("not listed yet: kind %d", got)
	}
}
