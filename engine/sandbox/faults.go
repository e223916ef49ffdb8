package sandbox

import (
	"math/rand/v2"
	"strings"
	"sync"

	"github.com/aws/smithy-go"
)

// faultKind is what an injected fault does to one call.
type faultKind int

const (
	faultNone faultKind = iota
	faultThrottle
	faultServer
	faultUnavailable
	faultNotFound // eventual consistency: hide recently created resources
)

// faultGen decides, per call, whether and how it fails. It draws exactly
// three numbers per call whatever the outcome, so the decision for the n-th
// call depends only on the seed and n: the same sequence of calls fails the
// same way on every run.
type faultGen struct {
	mu    sync.Mutex
	f     Faults
	rng   *rand.Rand
	kinds []faultKind
}

func newFaultGen(f Faults, seed int64) *faultGen {
	g := &faultGen{f: f, rng: rand.New(rand.NewPCG(uint64(seed), 0x6d7669))}
	if f.Throttle {
		g.kinds = append(g.kinds, faultThrottle)
	}
	if f.Server {
		g.kinds = append(g.kinds, faultServer)
	}
	if f.NotFoundAfterCreate {
		g.kinds = append(g.kinds, faultNotFound)
	}
	return g
}

// next decides the fault of the next call.
func (g *faultGen) next() faultKind {
	if g.f.Rate <= 0 || len(g.kinds) == 0 {
		return faultNone
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	p := g.rng.Float64()
	k := g.kinds[g.rng.IntN(len(g.kinds))]
	half := g.rng.IntN(2)
	if p >= g.f.Rate {
		return faultNone
	}
	if k == faultServer && half == 1 {
		return faultUnavailable
	}
	return k
}

// faultError is the error an injected throttle or server fault returns,
// before the call has changed anything.
func faultError(svc *service, k faultKind) error {
	switch k {
	case faultThrottle:
		msg := "Rate exceeded"
		if svc == svcEC2 {
			msg = "Request limit exceeded."
		} else if svc == svcS3 {
			msg = "Please reduce your request rate."
		}
		return withStatus(svc.throttleSt, &smithy.GenericAPIError{Code: svc.throttle, Message: msg, Fault: smithy.FaultClient})
	case faultServer:
		return withStatus(500, &smithy.GenericAPIError{Code: svc.server, Message: "We encountered an internal error. Please try again.", Fault: smithy.FaultServer})
	case faultUnavailable:
		return withStatus(503, &smithy.GenericAPIError{Code: "ServiceUnavailable", Message: "Service is unable to handle request.", Fault: smithy.FaultServer})
	}
	return nil
}

// isRead reports whether an operation only reads: reads never save unless
// the clock moved something, and only reads see the eventual-consistency
// fault.
func isRead(op string) bool {
	if op == "StartLiveTail" {
		return true
	}
	for _, p := range []string{"Describe", "Get", "List", "Head", "Query", "Filter", "Encrypt", "Decrypt", "GenerateDataKey"} {
		if strings.HasPrefix(op, p) {
			return true
		}
	}
	return false
}
