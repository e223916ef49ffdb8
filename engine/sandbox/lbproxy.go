package sandbox

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The load balancer on loopback: one HTTP server per ALB listener that
// forwards, on 127.0.0.1, proxying each request round robin to a target
// that is registered, not draining and healthy by the data plane's own
// health checks. With none, it answers 503 as an ALB does; a target that
// fails mid-request is a 502. Both count as HTTPCode_ELB_5XX_Count.

type lbListener struct {
	view     listenerView
	addr     string
	srv      *http.Server
	backends atomic.Pointer[[]backend]
	routes   atomic.Pointer[[]lbRoute] // its rules', lbroutes.go
	rr       atomic.Uint64
	counters *lbCounters
}

type backend struct {
	addr string
	key  string // target key
}

// lbCounters are what the listener saw since the last flush.
type lbCounters struct {
	mu           sync.Mutex
	lbDim, tgDim string
	n            lbCounts
}

type lbCounts struct {
	lbDim, tgDim        string
	requests            int64
	t2, t3, t4, t5      int64
	elb5                int64
	rtSum, rtMin, rtMax float64
	rtN                 int64
}

func (c *lbCounters) target(code int, took time.Duration) {
	s := took.Seconds()
	c.mu.Lock()
	defer c.mu.Unlock()
	n := &c.n
	n.requests++
	switch {
	case code >= 500:
		n.t5++
	case code >= 400:
		n.t4++
	case code >= 300:
		n.t3++
	default:
		n.t2++
	}
	if n.rtN == 0 || s < n.rtMin {
		n.rtMin = s
	}
	if s > n.rtMax {
		n.rtMax = s
	}
	n.rtSum += s
	n.rtN++
}

// elbError counts a 5xx of the load balancer's own; RequestCount only
// counts it when a target had been chosen (a 502), as on AWS.
func (c *lbCounters) elbError(chosen bool) {
	c.mu.Lock()
	if chosen {
		c.n.requests++
	}
	c.n.elb5++
	c.mu.Unlock()
}

// take returns the counts so far and zeroes them.
func (c *lbCounters) take() lbCounts {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.n
	out.lbDim, out.tgDim = c.lbDim, c.tgDim
	c.n = lbCounts{}
	return out
}

type reqInfoKey struct{}

type reqInfo struct {
	b        backend
	start    time.Time
	counters *lbCounters // the chosen target group's
}

const (
	alb502 = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"
	alb503 = "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n</body>\r\n</html>\r\n"
)

func albError(w http.ResponseWriter, code int, body string) {
	w.Header().Set("Server", "awselb/2.0")
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(code)
	fmt.Fprint(w, body)
}

func (dp *DataPlane) proxyHandler(l *lbListener) http.Handler {
	rp := &httputil.ReverseProxy{
		Transport: dp.proxyTr,
		Rewrite: func(pr *httputil.ProxyRequest) {
			ri := pr.In.Context().Value(reqInfoKey{}).(*reqInfo)
			pr.Out.URL.Scheme = "http"
			pr.Out.URL.Host = ri.b.addr
			pr.Out.Host = pr.In.Host
			pr.SetXForwarded()
			pr.Out.Header.Set("X-Forwarded-Port", fmt.Sprint(l.view.Port))
			pr.Out.Header.Set("X-Amzn-Trace-Id", "Root=1-"+fmt.Sprintf("%08x", ri.start.Unix())+"-"+hexID(24))
		},
		ModifyResponse: func(r *http.Response) error {
			ri := r.Request.Context().Value(reqInfoKey{}).(*reqInfo)
			ri.counters.target(r.StatusCode, dp.now().Sub(ri.start))
			return nil
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			r.Context().Value(reqInfoKey{}).(*reqInfo).counters.elbError(true)
			albError(w, http.StatusBadGateway, alb502)
		},
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		list, counters := l.routeFor(r.Host, r.URL.Path)
		if list == nil || len(*list) == 0 {
			counters.elbError(false)
			albError(w, http.StatusServiceUnavailable, alb503)
			return
		}
		b := (*list)[int((l.rr.Add(1)-1)%uint64(len(*list)))]
		ctx := context.WithValue(r.Context(), reqInfoKey{}, &reqInfo{b: b, start: dp.now(), counters: counters})
		rp.ServeHTTP(w, r.WithContext(ctx))
	})
}

// applyListeners starts a listener for every forwarding listener in the
// view and closes those that left it.
func (dp *DataPlane) applyListeners(v *view) {
	changed := false
	seen := map[string]bool{}
	var started []Endpoint
	for _, lv := range v.listeners {
		seen[lv.ARN] = true
		if l := dp.listeners[lv.ARN]; l != nil {
			if !reflect.DeepEqual(l.view, lv) {
				dp.mu.Lock()
				l.view = lv
				dp.rebuildRoutesLocked()
				dp.mu.Unlock()
			}
			continue
		}
		l, err := dp.startListener(lv)
		if err != nil {
			continue // retried on the next tick
		}
		dp.mu.Lock()
		dp.listeners[lv.ARN] = l
		dp.rebuildRoutesLocked()
		dp.mu.Unlock()
		changed = true
		started = append(started, Endpoint{LoadBalancer: lv.LB, Name: lv.LBName, DNSName: lv.DNS, Port: lv.Port, Local: l.addr})
	}
	for arn, l := range dp.listeners {
		if !seen[arn] {
			l.close()
			dp.mu.Lock()
			delete(dp.listeners, arn)
			dp.mu.Unlock()
			changed = true
		}
	}
	if !changed {
		return
	}
	eps := make([]Endpoint, 0, len(dp.listeners))
	for _, l := range dp.listeners {
		eps = append(eps, Endpoint{LoadBalancer: l.view.LB, Name: l.view.LBName, DNSName: l.view.DNS, Port: l.view.Port, Local: l.addr})
	}
	sortEndpoints(eps)
	dp.mu.Lock()
	dp.endpoints = eps
	dp.mu.Unlock()
	_ = dp.writeRecord() // the next change rewrites it; a failure here only hides the URL
	if dp.opts.OnListener != nil {
		for _, e := range started {
			dp.opts.OnListener(e)
		}
	}
}

func (dp *DataPlane) startListener(lv listenerView) (*lbListener, error) {
	// Keep the port a previous server had, so a URL someone copied stays
	// good across restarts; any free one otherwise.
	var ln net.Listener
	var err error
	if prev := dp.prevAddr[fmt.Sprintf("%s:%d", lv.DNS, lv.Port)]; strings.HasPrefix(prev, "127.0.0.1:") {
		ln, err = net.Listen("tcp", prev)
	}
	if ln == nil {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		return nil, err
	}
	l := &lbListener{view: lv, addr: ln.Addr().String(), counters: &lbCounters{lbDim: lv.LBDim, tgDim: tgDim(lv.TG)}}
	l.srv = &http.Server{Handler: dp.proxyHandler(l), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 60 * time.Second}
	dp.mu.Lock()
	dp.metrics[lv.ARN] = l.counters
	dp.mu.Unlock()
	dp.wg.Add(1)
	go func() {
		defer dp.wg.Done()
		_ = l.srv.Serve(ln)
	}()
	return l, nil
}

func (l *lbListener) close() { _ = l.srv.Close() }
