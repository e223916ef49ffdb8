package aws

import (
	"errors"
	"fmt"

	"github.com/aws/smithy-go"
)

// errCode is the AWS error code of err ("" when err carries none).
func errCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// errMessage is the AWS error message of err.
func errMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorMessage()
	}
	return ""
}

// isCode reports whether err carries one of the AWS error codes.
func isCode(err error, codes ...string) bool {
	if err == nil {
		return false
	}
	c := errCode(err)
	for _, want := range codes {
		if c == want {
			return true
		}
	}
	return false
}

// wrap names the operation and the logical id, keeping the AWS error
// reachable with errors.As.
func wrap(op, id string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s %s: %w", op, id, err)
}
