// Package sandbox is the embedded default cloud: it implements every
// interface of engine/cloud in memory, persisted to a state file, so the
// engine drives it exactly as it drives AWS.
//
// What it does, in short:
//
//   - Persistence: the whole state is one versioned JSON document,
//     <Dir>/state.json, written atomically (temp file, fsync, rename, fsync of
//     the directory) after every mutating call. See persist.go.
//   - Locking: every API call takes an exclusive flock on <Dir>/lock for its
//     whole load-mutate-save, and reloads the state file first when another
//     process (or another Sandbox on the same Dir) wrote since. The lock file
//     also holds the write generation, which is how a change is noticed.
//     Two mvi processes therefore serialise call by call and always see each
//     other's writes. See lock.go.
//   - Time: resources pass through AWS's states on a clock scaled by
//     Options.Speed. Transitions are evaluated lazily at the start of every
//     call (store.go "advance"), from timestamps stored on the records, so
//     the result does not depend on how often anyone polls.
//   - Errors: AWS's error codes, as the SDK would return them (a
//     *smithy.OperationError wrapping an *awshttp.ResponseError wrapping the
//     service's typed error or a *smithy.GenericAPIError). See errors.go.
//   - Faults: throttling, 5xx and eventual-consistency NotFound, chosen by a
//     seeded PRNG before anything is changed. See faults.go.
//
// # The data plane
//
// The records above are the control plane. Serve starts the data plane in
// the calling process, so what the records describe also runs:
//
//	dp, err := sandbox.Serve(ctx, sb, sandbox.ServeOptions{})
//	defer dp.Close()
//
// What runs, and where:
//
//   - Every ALB listener (HTTP) that forwards to a target group answers on
//     127.0.0.1:<port> and proxies round robin to the targets that are
//     registered, not draining and healthy by its own health checks (the
//     group's path, matcher, interval, timeout and thresholds, divided by
//     Speed and floored at ServeOptions.MinInterval); none healthy → 503,
//     a target failing mid-request → 502 (lbproxy.go, health.go).
//   - Every RUNNING ECS task is one HTTP server per port mapping on
//     127.0.0.1: httpd and nginx images answer their default pages, an
//     image built FROM them serves the files the build put in it, any
//     other image a page naming process, task, release and non-secret env.
//     Every response carries X-Mvi-Task: <task id> (TaskHeader). Records
//     stay AWS-shaped (targets are instance id + dynamic host port); the
//     data plane maps them to the loopback port. A container without a
//     port is a worker that logs its beat (task_server.go, images.go).
//   - Container stdout (start lines, access lines) goes to the awslogs
//     group and stream <prefix>/<container>/<task id>; AWS/ApplicationELB
//     (RequestCount, HTTPCode_Target_nXX_Count, HTTPCode_ELB_5XX_Count,
//     TargetResponseTime, HealthyHostCount, UnHealthyHostCount with
//     LoadBalancer=app/name/id and TargetGroup=targetgroup/name/id) and
//     AWS/ECS CPUUtilization (ClusterName, ServiceName; an estimate from
//     request rate) go to CloudWatch every ServeOptions.FlushEvery, and
//     alarms on AWS/ metrics are evaluated then (metrics_publish.go).
//   - While a data plane serves, target health in DescribeTargetHealth
//     and for ECS is what its checks saw (targetGroup.Observed, AWS's
//     reason codes); ECS replaces a task whose target turned unhealthy,
//     and a rolling deployment waits for the new tasks to pass real
//     checks before it drains the old (a task's own checks: a record of
//     an earlier task on the same host port doesn't count), and a drain
//     lasts at least until the load balancer has stopped sending to the
//     target, even at Speed 0. With no data plane, health follows the
//     clock as before. A VM that stops takes its task servers with it.
//   - Route 53 health checks probe their load balancer through the same
//     listeners every RequestInterval of the sandbox clock and publish
//     AWS/Route53 HealthCheckStatus to us-east-1; alarms that turn send
//     their SNS topics the message, which the sandbox keeps instead of
//     mailing it (Notifications; route53_checks.go, sns.go).
//   - A reconcile loop (ServeOptions.Tick) makes one internal call per
//     tick, so lazy transitions move on even when nobody else calls, and
//     starts and stops servers and checks to match the records
//     (dataplane.go).
//   - One process serves a directory: Serve holds an flock on
//     <Dir>/serve.lock for its lifetime (never the per-call state lock)
//     and a second Serve fails saying so. It records its listeners in
//     <Dir>/serve.json; any process's Clients().HTTP dials a load
//     balancer's DNS name (and listener port) through that record, and
//     fails with ErrNotServed ("run `mvi sandbox serve`") when nobody
//     serves. LocalURL and ServedEndpoints expose the local URLs. Close
//     releases every goroutine and port; the records stay, and traffic
//     resumes when a process serves again (serve.go, http_client.go).
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/minimalinfra/mvi/engine/cloud"
)

// Options configure a sandbox.
type Options struct {
	// Dir is the state directory; "" means DefaultDir().
	Dir string
	// Region is the region the clients speak to; default us-east-1.
	Region string
	// Speed scales the clock of state transitions: 0 = instant (tests),
	// 1 = the default pace (a full app comes up in about 30–60 s), 2 = twice
	// as fast. Negative is treated as 0.
	Speed float64
	// Faults injects throttling, server errors and eventual consistency.
	Faults Faults
	// Seed seeds the fault PRNG (and nothing else).
	Seed int64
	// Latency is an optional fixed delay per call, by service name ("EC2",
	// "RDS", … the field names of cloud.Clients). Not scaled by Speed.
	Latency map[string]time.Duration
	// Clock is the time source; default real time.
	Clock Clock
}

// Faults describe which failures to inject and how often. Rate 0.1 means 10 %
// of calls fail with one of the enabled kinds (chosen uniformly).
type Faults struct {
	Rate float64
	// Throttle: the service's throttling code (ThrottlingException,
	// Throttling, RequestLimitExceeded for EC2, SlowDown for S3).
	Throttle bool
	// Server: HTTP 500 InternalError / InternalFailure or 503
	// ServiceUnavailable.
	Server bool
	// NotFoundAfterCreate: a Describe/Get/List call that would return a
	// resource created within the last few seconds answers as if it did not
	// exist yet (by id: the service's NotFound error; in a list: left out).
	NotFoundAfterCreate bool
}

// Sandbox is one open sandbox cloud.
type Sandbox struct {
	dir    string
	region string
	speed  float64
	clock  Clock
	opts   Options

	mu     sync.Mutex // serialises calls within the process
	closed bool
	lock   *fileLock
	st     *state
	gen    uint64 // generation of st, as recorded in the lock file
	good   []byte // the JSON of st as last loaded or saved (for rollback)
	faults *faultGen

	callMu sync.Mutex
	calls  map[string]int

	clients *cloud.Clients

	// The data plane (serve.go): serving is set while a DataPlane of this
	// Sandbox runs; probe is a second handle on serve.lock to ask whether
	// another process serves.
	serving atomic.Bool
	probeMu sync.Mutex
	probe   *os.File

	// The registries (registry_transport.go): a loopback listener started
	// on first use, and the base images, built on first use.
	regMu     sync.Mutex
	regClosed bool
	regSrv    *http.Server
	regAddr   string
	regTr     *http.Transport
	pub       publicRegistry
	// Extracted image filesystems, by digest (image_files.go).
	filesMu sync.Mutex
	// Programs of standalone tasks running in the background
	// (programs.go); Close cancels and waits for them.
	// Running programs' cancels, which StopTask calls (programs.go).
	stops programStops
	// Live Tail sessions open (logs_live_tail.go).
	liveTails liveTailCount
	progs     sync.WaitGroup
	progsN    atomic.Int32 // programs running, for WaitPrograms
	progCtx   context.Context
	progStop  context.CancelFunc
}

// DefaultDir is where the sandbox keeps its state when Options.Dir is empty:
// $XDG_STATE_HOME/mvi/sandbox, else the per-OS equivalent
// (~/.local/state/mvi/sandbox on Linux, ~/Library/Application
// Support/mvi/sandbox on macOS, %LocalAppData%\mvi\sandbox on Windows).
func DefaultDir() string {
	if x := os.Getenv("XDG_STATE_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "mvi", "sandbox")
	}
	switch runtime.GOOS {
	case "windows":
		if d, err := os.UserCacheDir(); err == nil { // %LocalAppData%
			return filepath.Join(d, "mvi", "sandbox")
		}
	case "darwin", "ios":
		if d, err := os.UserConfigDir(); err == nil { // ~/Library/Application Support
			return filepath.Join(d, "mvi", "sandbox")
		}
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".local", "state", "mvi", "sandbox")
	}
	return filepath.Join(os.TempDir(), "mvi", "sandbox")
}

// Open opens (creating if needed) the sandbox state under o.Dir.
func Open(ctx context.Context, o Options) (*Sandbox, error) {
	if o.Dir == "" {
		o.Dir = DefaultDir()
	}
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if !validRegion(o.Region) {
		return nil, fmt.Errorf("sandbox: unknown region %q", o.Region)
	}
	if o.Speed < 0 {
		o.Speed = 0
	}
	if o.Clock == nil {
		o.Clock = realClock{}
	}
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	lk, err := openLock(filepath.Join(o.Dir, lockName))
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	s := &Sandbox{
		dir: o.Dir, region: o.Region, speed: o.Speed, clock: o.Clock, opts: o,
		lock: lk, calls: map[string]int{}, faults: newFaultGen(o.Faults, o.Seed),
	}
	if err := lk.lock(ctx); err != nil {
		lk.close()
		return nil, fmt.Errorf("sandbox: lock %s: %w", o.Dir, err)
	}
	err = s.load(true)
	if err == nil && s.st.Regions[s.region] == nil {
		s.st.region(s.region)
		err = s.save()
	}
	lk.unlock()
	if err != nil {
		lk.close()
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	s.clients = s.newClients()
	s.progCtx, s.progStop = context.WithCancel(context.Background())
	return s, nil
}

// Dir is the state directory in use.
func (s *Sandbox) Dir() string { return s.dir }

// Region is the region the clients speak to.
func (s *Sandbox) Region() string { return s.region }

// Account is the sandbox's 12-digit account id (random per state directory).
func (s *Sandbox) Account() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.Account
}

// Clients returns the service clients; every field is set.
func (s *Sandbox) Clients() *cloud.Clients { return s.clients }

func (s *Sandbox) newClients() *cloud.Clients {
	return &cloud.Clients{
		Region:      s.region,
		EC2:         &ec2API{s},
		AutoScaling: &autoscalingAPI{s},
		IAM:         &iamAPI{s},
		KMS:         &kmsAPI{s},
		SSM:         &ssmAPI{s},
		ECS:         &ecsAPI{s},
		ECR:         &ecrAPI{s},
		ELB:         &elbAPI{s},
		RDS:         &rdsAPI{s},
		EFS:         &efsAPI{s},
		ElastiCache: &elasticacheAPI{s},
		Logs:        &logsAPI{s},
		CloudWatch:  &cloudwatchAPI{s: s},
		DynamoDB:    &dynamodbAPI{s},
		S3:          &s3API{s},
		STS:         &stsAPI{s},
		Tagging:     &taggingAPI{s},
		Route53:     &route53API{s},
		SNS:         &snsAPI{s: s},
		East:        s.east(),
		HTTP:        s.newHTTP(),
		Registry:    registryTransport{s},
		PresignGet:  s.presignGet,
		Dial:        s.newDialer(),

		ServiceDiscovery: &sdAPI{s},
		LiveTail:         &liveTailAPI{s},
	}
}

// Close releases the lock file. Every mutation is already on disk (each
// mutating call saves before it returns), so there is nothing to flush.
// Calls after Close fail.
func (s *Sandbox) Close() error {
	// Programs write their end through the lock Close takes, so they
	// are stopped and waited for first.
	if s.progStop != nil {
		s.progStop()
		s.waitPrograms(programGrace)
	}
	s.closeRegistry()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.probeMu.Lock()
	if s.probe != nil {
		s.probe.Close()
		s.probe = nil
	}
	s.probeMu.Unlock()
	return s.lock.close()
}

// Calls returns the number of API calls made through this Sandbox, by
// "Service.Operation" (e.g. "EC2.CreateVpc"), faults included.
func (s *Sandbox) Calls() map[string]int {
	s.callMu.Lock()
	defer s.callMu.Unlock()
	out := make(map[string]int, len(s.calls))
	for k, v := range s.calls {
		out[k] = v
	}
	return out
}

// ResetCalls zeroes the call counters.
func (s *Sandbox) ResetCalls() {
	s.callMu.Lock()
	defer s.callMu.Unlock()
	s.calls = map[string]int{}
}

// TotalCalls is the sum of Calls().
func (s *Sandbox) TotalCalls() int {
	s.callMu.Lock()
	defer s.callMu.Unlock()
	n := 0
	for _, v := range s.calls {
		n += v
	}
	return n
}

// CallNames lists the operations called so far, sorted (handy in test
// failure messages).
func (s *Sandbox) CallNames() []string {
	c := s.Calls()
	out := make([]string, 0, len(c))
	for k := range c {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (s *Sandbox) count(svc *service, op string) {
	s.callMu.Lock()
	s.calls[svc.name+"."+op]++
	s.callMu.Unlock()
}

var errClosed = errors.New("sandbox: closed")
