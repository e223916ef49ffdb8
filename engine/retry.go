package engine

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/aws/smithy-go"
	"github.com/minimalinfra/mvi/engine/release"
)

// retryKind says whether and how an error is worth another try.
type retryKind int

const (
	permanent   retryKind = iota
	transient             // throttling, 5xx, network: retry until the timeout
	settling              // eventual consistency: retry a bounded number of times
	blocked               // a delete waits on something still going away
	unreachable           // no answer at all: retry briefly, then say which endpoint
)

// classify reads the AWS error code. AWS answers a fresh resource with
// NotFound for a few seconds, refuses a new IAM role until it propagates,
// and refuses deletes while dependents linger; all of these pass.
func classify(err error) (retryKind, string) {
	if err == nil {
		return permanent, ""
	}
	// A build that failed failed for good: its log says why, and trying
	// again would only build and fail again (ggcr retried its own calls).
	var be *release.Error
	if errors.As(err, &be) {
		return permanent, ""
	}
	if errors.Is(err, errNotListedYet) {
		return settling, "not listed yet"
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		if _, ok := Unreachable(err); ok {
			return unreachable, "no answer"
		}
		var ne net.Error
		if errors.As(err, &ne) {
			return transient, "network"
		}
		return permanent, ""
	}
	code, msg := ae.ErrorCode(), strings.ToLower(ae.ErrorMessage())
	var hs interface{ HTTPStatusCode() int }
	if errors.As(err, &hs) && hs.HTTPStatusCode() >= 500 {
		return transient, code
	}
	switch {
	case strings.Contains(code, "Throttl"), retryableCode(code),
		code == "LimitExceededException" && strings.Contains(msg, "rate"):
		return transient, code
	case ae.ErrorFault() == smithy.FaultServer, code == "InternalError", code == "InternalFailure",
		code == "ServiceUnavailable", code == "ServiceUnavailableException", code == "InternalServerError":
		return transient, code
	case code == "InvalidParameterException" && strings.Contains(msg, "draining"):
		// ECS: a service of the same name is still draining after its delete.
		return blocked, code
	case code == "DependencyViolation", strings.Contains(code, "InUse"), strings.Contains(code, "Contains"),
		code == "DeleteConflict", code == "InvalidDBSubnetGroupStateFault", code == "InvalidDBInstanceState",
		code == "InvalidReplicationGroupState", // ElastiCache: a Redis still creating or modifying
		code == "IncorrectState", code == "IncorrectStateException", strings.Contains(code, "InvalidState"):
		return blocked, code
	case code == "ClientException" && strings.Contains(msg, "unable to describe task definition"):
		// ECS's word for a task definition it doesn't know: one
		// registered a moment ago, not visible yet.
		return settling, code
	case strings.HasSuffix(code, ".NotFound"), strings.HasSuffix(code, "NotFound"), strings.HasSuffix(code, "NotFoundException"),
		strings.HasSuffix(code, "NotFoundFault"), code == "NoSuchEntity", code == "NoSuchBucket":
		return settling, code
	case strings.Contains(code, "Conflict"), strings.Contains(code, "AlreadyExists"), strings.Contains(code, "Duplicate"):
		// Right after our own create, "already exists" means the last
		// attempt got through but isn't visible yet: look again shortly.
		return settling, code
	case (code == "InvalidParameterValue" || code == "InvalidParameterValueException" || code == "ValidationError" ||
		code == "InvalidParameterException" || code == "InvalidParameterCombination") &&
		(strings.Contains(msg, "role") || strings.Contains(msg, "profile") || strings.Contains(msg, "assume") ||
			strings.Contains(msg, "not authorized") || strings.Contains(msg, "kms")):
		return settling, code
	}
	return permanent, code
}

// settlingAttempts bounds retries of eventual-consistency errors: long
// enough for IAM (seconds), short enough that a real mistake surfaces.
const settlingAttempts = 12

// backoff is full-jitter exponential: base·2^n capped, then a random part,
// so many workers retrying at once spread out instead of stampeding.
func backoff(r Retry, attempt int) time.Duration {
	d := r.Base << min(attempt, 16)
	if d > r.Max || d <= 0 {
		d = r.Max
	}
	return d/2 + rand.N(d/2+1)
}

// retrying runs op until it succeeds, fails permanently, runs out of
// attempts or time, or ctx ends. onRetry hears each retry's reason.
func retrying(ctx context.Context, r Retry, op func() error, onRetry func(code string, wait time.Duration)) error {
	deadline := time.Now().Add(r.Timeout)
	settled := 0
	// silent sums the waits since the endpoint last answered: counted in
	// backoff slept, not wall time, so an injected Sleep keeps tests instant.
	var silent time.Duration
	for attempt := 0; ; attempt++ {
		err := op()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		kind, code := classify(err)
		if kind == permanent {
			return err
		}
		if kind == settling {
			settled++
			if settled > settlingAttempts {
				return err
			}
		}
		wait := backoff(r, attempt)
		if kind == unreachable {
			if silent >= r.Unreachable {
				ep, _ := Unreachable(err)
				return &UnreachableError{Endpoint: ep, After: silent, Err: err}
			}
			silent += wait
		} else {
			silent = 0
		}
		if time.Now().Add(wait).After(deadline) {
			return fmt.Errorf("gave up after %s: %w", r.Timeout, err)
		}
		if onRetry != nil {
			onRetry(code, wait)
		}
		if err := r.Sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// codeOf is the AWS error code in err, or "".
func codeOf(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// Unreachable reports whether err is a connection that got no answer at
// all (refused, no such host, timed out dialing), and the endpoint it
// tried.
func Unreachable(err error) (endpoint string, ok bool) {
	var op *net.OpError
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns):
		ok = true
	case errors.As(err, &op) && op.Op == "dial":
		ok = true
	default:
		return "", false
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			return u.Scheme + "://" + u.Host, true
		}
		return ue.URL, true
	}
	if op != nil && op.Addr != nil {
		return op.Addr.String(), true
	}
	if dns != nil {
		return dns.Name, true
	}
	return "", true
}

// UnreachableError is an endpoint that stopped answering: said within
// seconds, not after the 40-minute budget a slow resource gets.
type UnreachableError struct {
	Endpoint string
	After    time.Duration
	Err      error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("the AWS endpoint at %s doesn't answer (tried for %s): %v", e.Endpoint, e.After.Round(time.Second), e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// Fix says what to check.
func (e *UnreachableError) Fix() string {
	return "check the network and AWS_ENDPOINT_URL (an emulator must be running); nothing half-made is lost: run the command again once it answers"
}
