package sandbox

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/minimalinfra/mvi/engine/cloud"
)

// Clients.HTTP of the sandbox: an http.Client whose dialer resolves a load
// balancer's AWS-shaped DNS name (and listener port) to the loopback
// listener the serving process recorded, so callers write
// GET http://<dns name>/ on either cloud. Loopback addresses pass through
// (a local URL printed by mvi status works too); any other name fails, as
// the sandbox has no other network.

func (s *Sandbox) newHTTP() cloud.HTTP {
	d := &net.Dialer{Timeout: 5 * time.Second}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			local, err := s.resolveLB(addr)
			if err != nil {
				return nil, err
			}
			return d.DialContext(ctx, network, local)
		},
		MaxIdleConnsPerHost: 16,
		IdleConnTimeout:     30 * time.Second,
		Proxy:               nil,
	}
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// resolveLB maps host:port to the loopback address that serves it.
func (s *Sandbox) resolveLB(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("sandbox http: %w", err)
	}
	if host == "localhost" || net.ParseIP(host).IsLoopback() {
		return addr, nil
	}
	p, _ := strconv.Atoi(port)
	eps, ok := s.ServedEndpoints()
	if !ok {
		return "", s.notServed()
	}
	known := false
	for _, e := range eps {
		if strings.EqualFold(e.DNSName, host) {
			known = true
			if int(e.Port) == p {
				return e.Local, nil
			}
		}
	}
	if known {
		return "", fmt.Errorf("sandbox http: %s has no listener on port %d", host, p)
	}
	if strings.HasSuffix(strings.ToLower(host), ".elb.amazonaws.com") {
		return "", fmt.Errorf("sandbox http: %s is not served (yet): the load balancer may still be provisioning, or have no listener that forwards", host)
	}
	return "", fmt.Errorf("sandbox http: %s is not a load balancer of this sandbox; the sandbox reaches only its own load balancers' DNS names", host)
}
