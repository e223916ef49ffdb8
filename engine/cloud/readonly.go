package cloud

import (
	"context"
	"fmt"
	"strings"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// Read-only is a promise made to a person ("look, but change nothing"), so
// it is kept where every call passes, not by each screen remembering not to
// offer a key: a context marked read-only makes every client, AWS's and the
// sandbox's, refuse any operation that isn't a read before it is sent.

type readOnlyKey struct{}

// WithReadOnly marks ctx: calls made with it may only read.
func WithReadOnly(ctx context.Context) context.Context {
	return context.WithValue(ctx, readOnlyKey{}, true)
}

// IsReadOnly reports whether ctx was marked by WithReadOnly.
func IsReadOnly(ctx context.Context) bool {
	v, _ := ctx.Value(readOnlyKey{}).(bool)
	return v
}

// readPrefixes are how AWS names the operations that change nothing.
var readPrefixes = []string{"Describe", "List", "Get", "BatchGet", "Filter", "Query", "Scan", "Lookup", "Search", "Head", "Select"}

// readOps are reads whose names don't say so.
var readOps = map[string]bool{"StartLiveTail": true}

// ReadOp reports whether the operation named op only reads.
func ReadOp(op string) bool {
	if readOps[op] {
		return true
	}
	for _, p := range readPrefixes {
		if strings.HasPrefix(op, p) {
			return true
		}
	}
	return false
}

// ReadOnlyError is a change refused because the session is read-only.
type ReadOnlyError struct {
	Service, Operation string
}

func (e *ReadOnlyError) Error() string {
	return fmt.Sprintf("%s %s refused: this session is read-only (opened with --read-only), and %s would change the cloud; open it without --read-only to make changes",
		e.Service, e.Operation, e.Operation)
}

// CheckReadOnly is the refusal, or nil: what every client asks before it
// sends service's operation op.
func CheckReadOnly(ctx context.Context, service, op string) error {
	if IsReadOnly(ctx) && !ReadOp(op) {
		return &ReadOnlyError{Service: service, Operation: op}
	}
	return nil
}

// readOnlyGuard is the SDK middleware that asks CheckReadOnly first.
func readOnlyGuard(st *middleware.Stack) error {
	return st.Initialize.Add(middleware.InitializeMiddlewareFunc("mviReadOnly",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			if err := CheckReadOnly(ctx, awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)); err != nil {
				return middleware.InitializeOutput{}, middleware.Metadata{}, err
			}
			return next.HandleInitialize(ctx, in)
		}), middleware.Before)
}
