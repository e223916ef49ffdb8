package engine

import "github.com/aws/aws-sdk-go-v2/aws/retry"

// tryLater are the codes AWS documents as "the request may succeed if
// retried": a conflicting update in progress, a dependency timing out, a
// service busy. Each is named in the API reference of the service that
// returns it. They come back in seconds, so they are retried as
// transient; the SDK's own retryable and throttle codes join them
// (LimitExceededException only where the message speaks of a rate: for
// ECS, IAM or KMS it is a quota, and no retry lifts a quota).
var tryLater = map[string]bool{
	"ContinuousBackupsUnavailableException": true, // DynamoDB: backups still being enabled
	"TooManyUpdates":                        true, // SSM PutParameter: concurrent updates of one parameter
	"OperationAbortedException":             true, // CloudWatch Logs: concurrent requests on one resource
	"OperationAborted":                      true, // S3: a conflicting conditional operation is in progress
	"ConcurrentModification":                true, // IAM, CloudWatch: another change of the same entity
	"ConcurrentModificationException":       true, // EFS, Auto Scaling lifecycle hooks, ECR
	"EntityTemporarilyUnmodifiable":         true, // IAM: the entity is being changed
	"ConcurrentTagAccess":                   true, // EC2: tags of one resource changed at once
	"ResourceContention":                    true, // Auto Scaling: a pending update of the same resource
	"ScalingActivityInProgress":             true, // Auto Scaling: an activity must end first
	"UpdateInProgressException":             true, // ECS: a capacity provider update in flight
	"KMSInternalException":                  true, // KMS: internal, "retry the request"
	"DependencyTimeoutException":            true, // KMS: a dependency timed out
	"ServerException":                       true, // ECS, ECR: server-side
	"Unavailable":                           true, // EC2: the server is overloaded
	// Not here: ResourceInUseException (a delete blocked on dependents:
	// classify's blocked kind) and InsufficientInstanceCapacity (Auto
	// Scaling retries it in another zone by itself).
}

// retryableCode says whether code is one AWS or the SDK says to retry.
func retryableCode(code string) bool {
	if tryLater[code] {
		return true
	}
	if _, ok := retry.DefaultRetryableErrorCodes[code]; ok {
		return true
	}
	_, ok := retry.DefaultThrottleErrorCodes[code]
	return ok && code != "LimitExceededException"
}
