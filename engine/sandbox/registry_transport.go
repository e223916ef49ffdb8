package sandbox

import (
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// Clients().Registry: the http.RoundTripper a registry client (ggcr's
// remote.WithTransport) uses to reach the sandbox's registries. It routes
// by the request's host — an ECR registry host to ECR, Docker Hub's and
// ECR Public's names to the public registry of base images — and sends
// the request, https or not, to one loopback HTTP listener that this
// process starts on first use (Sandbox.Close stops it). The original
// host travels in the Host header, and the response names the original
// request, so relative Locations and ggcr's per-host auth keep working.
// Any other host is refused: the sandbox fetches nothing from the
// internet.

var ecrHostRE = regexp.MustCompile(`^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com$`)

// publicHosts are the names the public registry answers to.
var publicHosts = map[string]bool{"index.docker.io": true, "registry-1.docker.io": true, "docker.io": true, "public.ecr.aws": true}

type registryTransport struct{ s *Sandbox }

func (rt registryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	host := req.URL.Hostname()
	if !ecrHostRE.MatchString(host) && !publicHosts[host] {
		if req.Body != nil {
			req.Body.Close()
		}
		if err := rt.s.pub.build(); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("sandbox: no registry at %s: the sandbox fetches nothing from the internet; it serves its own ECR (%s.dkr.ecr.%s.amazonaws.com) and these base images (as Docker Hub and public.ecr.aws/docker/library): %s",
			host, rt.s.Account(), rt.s.region, rt.s.pub.catalogue())
	}
	addr, tr, err := rt.s.registryListener()
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	out := req.Clone(req.Context())
	out.URL.Scheme = "http"
	out.URL.Host = addr
	out.Host = host
	resp, err := tr.RoundTrip(out)
	if err != nil {
		return nil, err
	}
	resp.Request = req
	return resp, nil
}

// registryListener starts (once per process) the loopback server both
// registries share; it tells them apart by the Host header.
func (s *Sandbox) registryListener() (string, *http.Transport, error) {
	s.regMu.Lock()
	defer s.regMu.Unlock()
	if s.regClosed {
		return "", nil, errClosed
	}
	if s.regSrv != nil {
		return s.regAddr, s.regTr, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("sandbox: registry: %w", err)
	}
	s.regAddr = ln.Addr().String()
	s.regTr = &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 16, IdleConnTimeout: 30 * time.Second}
	s.regSrv = &http.Server{Handler: http.HandlerFunc(s.registryHandler), ReadHeaderTimeout: 10 * time.Second}
	go s.regSrv.Serve(ln)
	return s.regAddr, s.regTr, nil
}

func (s *Sandbox) registryHandler(w http.ResponseWriter, r *http.Request) {
	host := r.Host
	if i := strings.LastIndex(host, ":"); i >= 0 {
		host = host[:i]
	}
	if ecrHostRE.MatchString(host) {
		s.ecrHandler(w, r)
		return
	}
	s.publicHandler(w, r)
}

// closeRegistry stops the listener; called by Close before it takes the
// call mutex, which a request in flight may be waiting for.
func (s *Sandbox) closeRegistry() {
	s.regMu.Lock()
	defer s.regMu.Unlock()
	s.regClosed = true
	if s.regSrv != nil {
		s.regSrv.Close()
		s.regTr.CloseIdleConnections()
		s.regSrv = nil
	}
}
