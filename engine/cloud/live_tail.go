package cloud

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// LiveTail is CloudWatch Logs' StartLiveTail. The SDK's output keeps its
// event stream in an unexported field, so the interface returns the
// stream itself: the one shape both AWS's client and the sandbox can give.
type LiveTail interface {
	StartLiveTail(ctx context.Context, in *cloudwatchlogs.StartLiveTailInput) (cloudwatchlogs.StartLiveTailResponseStreamReader, error)
}

// liveTail is AWS's: the SDK's StartLiveTail and the stream of its output.
type liveTail struct {
	c *cloudwatchlogs.Client
	// emulated is an endpoint given by AWS_ENDPOINT_URL: AWS serves Live
	// Tail on a "stream-" host of its own, an emulator on the one address
	// it has.
	emulated bool
}

func (l liveTail) StartLiveTail(ctx context.Context, in *cloudwatchlogs.StartLiveTailInput) (cloudwatchlogs.StartLiveTailResponseStreamReader, error) {
	var opts []func(*cloudwatchlogs.Options)
	if l.emulated {
		opts = append(opts, func(o *cloudwatchlogs.Options) { o.APIOptions = append(o.APIOptions, noHostPrefix) })
	}
	out, err := l.c.StartLiveTail(ctx, in, opts...)
	if err != nil {
		return nil, err
	}
	return out.GetStream(), nil
}

// noHostPrefix keeps the endpoint's host as given. It is set inside the
// operation's stack: the SDK clears a context's stack values as a call
// begins.
func noHostPrefix(st *middleware.Stack) error {
	return st.Initialize.Add(middleware.InitializeMiddlewareFunc("mviNoHostPrefix",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
		}), middleware.After)
}
