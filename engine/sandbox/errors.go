package sandbox

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// service describes one AWS service as the sandbox presents it.
type service struct {
	name       string // the cloud.Clients field name: "EC2", "AutoScaling", …
	id         string // the SDK's ServiceID, used in OperationError
	throttle   string // the code AWS throttles with
	throttleSt int    // and its HTTP status
	server     string // the code of an internal error (HTTP 500)
}

var (
	svcEC2         = &service{"EC2", ec2.ServiceID, "RequestLimitExceeded", 503, "InternalError"}
	svcAutoScaling = &service{"AutoScaling", autoscaling.ServiceID, "Throttling", 400, "InternalFailure"}
	svcIAM         = &service{"IAM", iam.ServiceID, "Throttling", 400, "ServiceFailure"}
	svcKMS         = &service{"KMS", kms.ServiceID, "ThrottlingException", 400, "KMSInternalException"}
	svcSSM         = &service{"SSM", ssm.ServiceID, "ThrottlingException", 400, "InternalServerError"}
	svcECS         = &service{"ECS", ecs.ServiceID, "ThrottlingException", 400, "ServerException"}
	svcECR         = &service{"ECR", ecr.ServiceID, "ThrottlingException", 400, "ServerException"}
	svcELB         = &service{"ELB", elasticloadbalancingv2.ServiceID, "Throttling", 400, "InternalFailure"}
	svcRDS         = &service{"RDS", rds.ServiceID, "Throttling", 400, "InternalFailure"}
	svcEFS         = &service{"EFS", efs.ServiceID, "ThrottlingException", 429, "InternalServerError"}
	svcElastiCache = &service{"ElastiCache", elasticache.ServiceID, "Throttling", 400, "InternalFailure"}
	svcLogs        = &service{"Logs", cloudwatchlogs.ServiceID, "ThrottlingException", 400, "ServiceUnavailableException"}
	svcCloudWatch  = &service{"CloudWatch", cloudwatch.ServiceID, "Throttling", 400, "InternalServiceError"}
	svcDynamoDB    = &service{"DynamoDB", dynamodb.ServiceID, "ThrottlingException", 400, "InternalServerError"}
	svcS3          = &service{"S3", s3.ServiceID, "SlowDown", 503, "InternalError"}
	svcSTS         = &service{"STS", sts.ServiceID, "Throttling", 400, "InternalFailure"}
	svcTagging     = &service{"Tagging", resourcegroupstaggingapi.ServiceID, "ThrottlingException", 400, "InternalServiceException"}
	svcRoute53     = &service{"Route53", route53.ServiceID, "Throttling", 400, "InternalFailure"}
	svcSNS         = &service{"SNS", sns.ServiceID, "Throttled", 429, "InternalError"}

	svcServiceDiscovery = &service{"ServiceDiscovery", servicediscovery.ServiceID, "RequestLimitExceeded", 400, "InternalFailure"}
)

// errf makes a client error with an AWS error code, as the SDK returns for
// codes its service model does not name (all of EC2's, for instance).
// Service files return typed SDK errors instead wherever the SDK has one
// (handlers use errors.As on those).
func errf(code, format string, args ...any) error {
	return &smithy.GenericAPIError{Code: code, Message: fmt.Sprintf(format, args...), Fault: smithy.FaultClient}
}

// statusError carries the HTTP status an API error is answered with when it
// is not the code's usual one (see statusFor).
type statusError struct {
	err    smithy.APIError
	status int
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

// withStatus sets the HTTP status of an API error.
func withStatus(status int, err error) error {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return err
	}
	return &statusError{err: ae, status: status}
}

// statusFor is the HTTP status AWS answers a code with, when not 400.
var statusFor = map[string]int{
	"NoSuchEntity": 404, "EntityAlreadyExists": 409, "DeleteConflict": 409, "LimitExceeded": 409,
	"NoSuchBucket": 404, "NoSuchKey": 404, "NotFound": 404, "BucketNotEmpty": 409,
	"BucketAlreadyOwnedByYou": 409, "BucketAlreadyExists": 409, "NoSuchTagSet": 404,
	"ServerSideEncryptionConfigurationNotFoundError": 404, "NoSuchPublicAccessBlockConfiguration": 404,
	"NoSuchBucketPolicy": 404, "NoSuchVersion": 404,
	"FileSystemNotFound": 404, "MountTargetNotFound": 404, "FileSystemInUse": 409,
	"FileSystemAlreadyExists": 409, "SubnetNotFound": 400, "MountTargetConflict": 409,
	"DBInstanceNotFound": 404, "DBSubnetGroupNotFoundFault": 404,
	"LoadBalancerNotFound": 400, "TargetGroupNotFound": 400, "ListenerNotFound": 400,
	"AccessDenied":      403,
	"NoSuchHealthCheck": 404, "HealthCheckAlreadyExists": 409, "HealthCheckInUse": 400,
}

// wrapErr turns an error from a service function into what the SDK would
// return: *smithy.OperationError → *awshttp.ResponseError (HTTP status,
// request id) → the API error. So errors.As finds the typed error, the
// smithy.APIError, and the HTTP status (the SDK's retry classifiers look for
// HTTPStatusCode() and ErrorCode()).
func wrapErr(svc *service, op string, err error) error {
	if err == nil {
		return nil
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return &smithy.OperationError{ServiceID: svc.id, OperationName: op, Err: err}
	}
	status := 400
	var se *statusError
	if errors.As(err, &se) {
		status = se.status
	} else if s, ok := statusFor[ae.ErrorCode()]; ok {
		status = s
	} else if ae.ErrorFault() == smithy.FaultServer {
		status = 500
	}
	reqID := uuid()
	resp := &http.Response{
		StatusCode: status,
		Status:     fmt.Sprintf("%d %s", status, http.StatusText(status)),
		Header:     http.Header{"X-Amzn-Requestid": []string{reqID}},
		Proto:      "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
	}
	return &smithy.OperationError{
		ServiceID:     svc.id,
		OperationName: op,
		Err: &awshttp.ResponseError{
			ResponseError: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: resp}, Err: ae},
			RequestID:     reqID,
		},
	}
}

// ErrorCode returns the AWS error code of an error from a sandbox (or SDK)
// call, "" if it has none. A convenience for tests.
func ErrorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// invalidParam is EC2-style InvalidParameterValue.
func invalidParam(value, param, why string) error {
	msg := fmt.Sprintf("Value (%s) for parameter %s is invalid.", value, param)
	if why != "" {
		msg += " " + why
	}
	return errf("InvalidParameterValue", "%s", msg)
}

// missingParam is the Query protocols' MissingParameter.
func missingParam(name string) error {
	return errf("MissingParameter", "The request must contain the parameter %s", name)
}

// validation is the JSON protocols' ValidationException.
func validation(format string, args ...any) error {
	return errf("ValidationException", format, args...)
}

// validationError is the Query protocols' ValidationError.
func validationError(format string, args ...any) error {
	return errf("ValidationError", format, args...)
}

func joinQuoted(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = "'" + x + "'"
	}
	return strings.Join(q, ", ")
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
