package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The data plane's lifetime. Serve starts it inside the calling process;
// Close stops it. Which process serves is decided by an flock on
// <Dir>/serve.lock held for the whole lifetime (never the per-call state
// lock, so API calls of other processes go on). The serving process
// records its listeners in <Dir>/serve.json so any process can find the
// local URL of a load balancer; a probe (a shared flock on serve.lock)
// tells a live record from one a crashed process left behind.

const (
	serveLockName   = "serve.lock"
	serveRecordName = "serve.json"
)

// ErrNotServed is returned (wrapped) by the sandbox's Clients.HTTP when no
// process serves the sandbox's data plane.
var ErrNotServed = errors.New("no mvi process is serving this sandbox")

// ServeOptions tune the data plane. The zero value is right for people;
// tests shorten FlushEvery.
type ServeOptions struct {
	// Tick is how often the data plane reconciles its servers with the
	// records (and so moves lazy control-plane transitions on). Default
	// 50 ms.
	Tick time.Duration
	// MinInterval floors every period the data plane derives from AWS's
	// settings divided by Speed (health-check interval and timeout,
	// deregistration grace, worker beat), so Speed 0 stays fast without
	// spinning. Default 25 ms.
	MinInterval time.Duration
	// FlushEvery is how often container log lines and metrics are written
	// to the sandbox's CloudWatch Logs and CloudWatch. Default 1 s.
	FlushEvery time.Duration
	// OnListener, if set, is called (from the data plane's goroutine) each
	// time a load balancer listener starts serving.
	OnListener func(Endpoint)
	// OnHealth, if set, is called (from a health check's goroutine) each
	// time a target's health changes: the target group's name, the target
	// (instance id:port) and the new state with AWS's reason code.
	OnHealth func(targetGroup, target, state, reason string)
}

func (o *ServeOptions) defaults() {
	if o.Tick <= 0 {
		o.Tick = 50 * time.Millisecond
	}
	if o.MinInterval <= 0 {
		o.MinInterval = 25 * time.Millisecond
	}
	if o.FlushEvery <= 0 {
		o.FlushEvery = time.Second
	}
}

// Endpoint is one load balancer listener as the data plane serves it.
type Endpoint struct {
	LoadBalancer string `json:"load_balancer"` // ARN
	Name         string `json:"name"`
	DNSName      string `json:"dns_name"`
	Port         int32  `json:"port"`
	Local        string `json:"local"` // 127.0.0.1:port
}

// URL is the local URL of the endpoint.
func (e Endpoint) URL() string { return "http://" + e.Local }

// serveRecord is serve.json.
type serveRecord struct {
	PID       int        `json:"pid"`
	Region    string     `json:"region"`
	Started   time.Time  `json:"started"`
	Stopped   time.Time  `json:"stopped,omitempty"`
	Endpoints []Endpoint `json:"endpoints"`
}

// DataPlane is a running data plane; see Serve.
type DataPlane struct {
	s     *Sandbox
	clock Clock // the sandbox's: the data plane keeps the control plane's time
	opts  ServeOptions
	lockf *os.File

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	done   chan struct{}

	closeOnce sync.Once
	closeErr  error

	// Owned by the reconcile goroutine (and Close after it ended).
	listeners map[string]*lbListener // by listener ARN
	tasks     map[string]*taskServer // by task ARN
	checks    map[string]*checker    // by target group ARN + "|" + target key
	views     map[string]*tgView     // by target group ARN
	endpoints []Endpoint
	prevAddr  map[string]string // dns:port → the local address a previous server used
	started   time.Time
	stopped   time.Time

	hc      *http.Client // health checker's client
	proxyTr *http.Transport

	mu       sync.Mutex // guards the buffers below
	logs     []logLine
	dropped  int
	metrics  map[string]*lbCounters // by listener ARN
	obsDirty bool

	// smokeBusy keeps one round of Route 53 probes at a time; a round
	// runs outside the state lock, beside the reconcile loop.
	smokeBusy atomic.Bool
	turns     map[string]int // connections per Service Connect alias (connect_dial.go)
}

// Serve starts the data plane of sb in this process: a loopback HTTP
// listener per load balancer listener that forwards, an HTTP server per
// running ECS task, health checks, logs and metrics, and a reconcile loop
// that keeps them in step with the records. It fails when another process
// (or another Serve in this one) already serves the same directory. ctx
// bounds the data plane's life as Close does.
func Serve(ctx context.Context, sb *Sandbox, o ServeOptions) (*DataPlane, error) {
	o.defaults()
	if !sb.serving.CompareAndSwap(false, true) {
		return nil, fmt.Errorf("sandbox: serve %s: this Sandbox already serves it", sb.dir)
	}
	f, err := os.OpenFile(filepath.Join(sb.dir, serveLockName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		sb.serving.Store(false)
		return nil, fmt.Errorf("sandbox: serve: %w", err)
	}
	if err := takeServeLock(ctx, f); err != nil {
		f.Close()
		sb.serving.Store(false)
		return nil, fmt.Errorf("sandbox: serve %s: %w", sb.dir, err)
	}
	dctx, cancel := context.WithCancel(context.Background())
	dp := &DataPlane{
		s: sb, clock: sb.clock, opts: o, lockf: f, ctx: dctx, cancel: cancel, done: make(chan struct{}),
		listeners: map[string]*lbListener{}, tasks: map[string]*taskServer{}, checks: map[string]*checker{},
		views: map[string]*tgView{}, metrics: map[string]*lbCounters{},
		proxyTr: loopbackTransport(), prevAddr: map[string]string{}, started: sb.clock.Now().UTC(),
	}
	if rec, err := readServeRecord(sb.dir); err == nil && (rec.Region == "" || rec.Region == sb.region) {
		for _, e := range rec.Endpoints {
			dp.prevAddr[fmt.Sprintf("%s:%d", e.DNSName, e.Port)] = e.Local
		}
	}
	dp.hc = &http.Client{Transport: loopbackTransport(), CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	// A previous server (maybe crashed) may have left observations: what
	// this one sees starts afresh.
	if err := sb.internal(ctx, func(t *tx) error { t.clearObservations(); return nil }); err != nil {
		dp.release()
		return nil, fmt.Errorf("sandbox: serve: %w", err)
	}
	if err := dp.writeRecord(); err != nil {
		dp.release()
		return nil, fmt.Errorf("sandbox: serve: %w", err)
	}
	dp.wg.Add(1)
	go dp.run()
	go func() {
		select {
		case <-ctx.Done():
			dp.Close()
		case <-dp.done:
		}
	}()
	return dp, nil
}

// takeServeLock retries briefly: a probe of another process holds the
// shared lock for microseconds at a time.
func takeServeLock(ctx context.Context, f *os.File) error {
	for i := 0; ; i++ {
		ok, err := tryFlock(f, true)
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		if i == 20 {
			pid := ""
			if rec, err := readServeRecord(filepath.Dir(f.Name())); err == nil && rec.PID != 0 {
				pid = fmt.Sprintf(" (pid %d)", rec.PID)
			}
			return fmt.Errorf("another mvi process%s already serves this sandbox; stop it first, or reach its load balancers through it", pid)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// Endpoints lists the listeners served now, by DNS name then port.
func (dp *DataPlane) Endpoints() []Endpoint {
	dp.mu.Lock()
	defer dp.mu.Unlock()
	return append([]Endpoint(nil), dp.endpoints...)
}

// Close stops every listener, task server, health check and worker, writes
// the last logs and metrics, and lets another process serve. The
// control-plane state stays as it is.
func (dp *DataPlane) Close() error {
	dp.closeOnce.Do(func() {
		dp.cancel()
		dp.wg.Wait()
		close(dp.done)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		dp.closeErr = dp.s.internal(ctx, func(t *tx) error {
			dp.flush(t, true)
			t.clearObservations()
			return nil
		})
		if errors.Is(dp.closeErr, errClosed) {
			dp.closeErr = nil // the Sandbox closed first: nothing left to write to
		}
		dp.proxyTr.CloseIdleConnections()
		dp.hc.CloseIdleConnections()
		// The record stays, marked stopped (the probe, not the file, says
		// whether anyone serves): the next server reuses its ports, so a
		// URL someone copied keeps working.
		dp.mu.Lock()
		dp.stopped = dp.now()
		dp.mu.Unlock()
		_ = dp.writeRecord()
		dp.mu.Lock()
		dp.endpoints = nil
		dp.mu.Unlock()
		dp.release()
	})
	return dp.closeErr
}

// now is the sandbox's time, as the data plane stamps and measures it.
func (dp *DataPlane) now() time.Time { return dp.clock.Now().UTC() }

func (dp *DataPlane) release() {
	dp.s.serving.Store(false)
	funlock(dp.lockf)
	dp.lockf.Close()
	dp.cancel()
}

// writeRecord writes serve.json atomically.
func (dp *DataPlane) writeRecord() error {
	dp.mu.Lock()
	rec := serveRecord{PID: os.Getpid(), Region: dp.s.region, Started: dp.started, Stopped: dp.stopped, Endpoints: append([]Endpoint{}, dp.endpoints...)}
	dp.mu.Unlock()
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	p := filepath.Join(dp.s.dir, serveRecordName)
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, p)
}

func readServeRecord(dir string) (serveRecord, error) {
	var rec serveRecord
	b, err := os.ReadFile(filepath.Join(dir, serveRecordName))
	if err != nil {
		return rec, err
	}
	err = json.Unmarshal(b, &rec)
	return rec, err
}

// servedNow reports whether some process (this one included) serves the
// data plane of s's directory right now.
func (s *Sandbox) servedNow() bool {
	if s.serving.Load() {
		return true
	}
	s.probeMu.Lock()
	defer s.probeMu.Unlock()
	if s.probe == nil {
		f, err := os.OpenFile(filepath.Join(s.dir, serveLockName), os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return false
		}
		s.probe = f
	}
	ok, err := tryFlock(s.probe, false)
	if err != nil {
		return false
	}
	if ok {
		funlock(s.probe)
		return false
	}
	return true
}

// ServedEndpoints lists the load balancer listeners the serving process
// (this one or another) serves; ok is false when none serves.
func (s *Sandbox) ServedEndpoints() (eps []Endpoint, ok bool) {
	if !s.servedNow() {
		return nil, false
	}
	rec, err := readServeRecord(s.dir)
	if err != nil {
		return nil, false
	}
	if rec.Region != "" && rec.Region != s.region {
		return nil, true
	}
	return rec.Endpoints, true
}

// LocalURL is the loopback URL at which a load balancer (by its AWS DNS
// name) answers, for people to curl: its port-80 listener, else its lowest
// port. ok is false when no process serves or the name is unknown.
func (s *Sandbox) LocalURL(dnsName string) (string, bool) {
	eps, _ := s.ServedEndpoints()
	var best *Endpoint
	for i := range eps {
		e := &eps[i]
		if !strings.EqualFold(e.DNSName, dnsName) {
			continue
		}
		if best == nil || e.Port == 80 || best.Port != 80 && e.Port < best.Port {
			best = e
		}
	}
	if best == nil {
		return "", false
	}
	return best.URL(), true
}

// notServed is the error of a request nobody can answer.
func (s *Sandbox) notServed() error {
	return fmt.Errorf("%w (%s): run `mvi sandbox serve` in another terminal (or keep `mvi up` running), then try again", ErrNotServed, s.dir)
}

// loopbackTransport is an http.Transport that only dials loopback.
func loopbackTransport() *http.Transport {
	d := &net.Dialer{Timeout: 5 * time.Second}
	return &http.Transport{
		DialContext:         d.DialContext,
		MaxIdleConns:        256,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     30 * time.Second,
		Proxy:               nil,
	}
}

func sortEndpoints(eps []Endpoint) {
	sort.Slice(eps, func(i, j int) bool {
		if eps[i].DNSName != eps[j].DNSName {
			return eps[i].DNSName < eps[j].DNSName
		}
		return eps[i].Port < eps[j].Port
	})
}
