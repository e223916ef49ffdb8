package sandbox

import (
	"context"
	"sync"
	"time"
)

// Clock is the sandbox's time source.
type Clock interface {
	Now() time.Time
}

// wait waits until the sandbox's clock has moved d, or ctx ends: what a
// program the sandbox runs sleeps by, so a test's clock drives it.
func (s *Sandbox) wait(ctx context.Context, d time.Duration) error {
	end := s.clock.Now().Add(d)
	tick := time.NewTicker(clockTick)
	defer tick.Stop()
	for s.clock.Now().Before(end) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
	return nil
}

// clockTick is how often, in wall time, what waits on the sandbox's clock
// looks at it.
const clockTick = 20 * time.Millisecond

type realClock struct{}

func (realClock) Now() time.Time { return time.Now().UTC() }

// ManualClock is a Clock that moves only when told to; safe for concurrent
// use. Tests use it with a small Speed to watch transitions step by step.
type ManualClock struct {
	mu sync.Mutex
	t  time.Time
}

// NewManualClock starts a manual clock at t (UTC).
func NewManualClock(t time.Time) *ManualClock { return &ManualClock{t: t.UTC()} }

// Now returns the clock's time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Set moves the clock to t.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t.UTC()
	c.mu.Unlock()
}

// The pace at Speed 1. Every duration is divided by Speed (0: instant).
// Tuned so that a full app (VPC to healthy targets) comes up in about 30–60 s
// of wall time at Speed 1, while keeping AWS's order of events.
const (
	paceInstanceRunning   = 8 * time.Second  // EC2 pending → running
	paceInstanceStopping  = 4 * time.Second  // shutting-down → terminated
	paceTerminatedVisible = time.Hour        // terminated instances stay listed
	paceAgentRegister     = 2 * time.Second  // running → container instance registered
	paceASGReplace        = 3 * time.Second  // unhealthy/terminated instance noticed by the ASG
	paceASGDelete         = 2 * time.Second  // group gone after its instances are
	paceLBActive          = 15 * time.Second // ALB provisioning → active
	paceENIRelease        = 5 * time.Second  // requester-managed ENIs linger after their owner
	paceTaskPending       = 1 * time.Second  // PROVISIONING → PENDING
	paceTaskRunning       = 6 * time.Second  // placement → RUNNING
	paceTaskStopping      = 2 * time.Second  // stop requested → STOPPED
	paceTaskFail          = 3 * time.Second  // placement → STOPPED for a task that can't start
	paceELBNotice         = 5 * time.Second  // a target turned unhealthy → ECS stops its task
	paceStoppedVisible    = time.Hour        // stopped tasks stay describable
	paceServiceDrain      = 2 * time.Second  // DRAINING service → INACTIVE once its tasks stopped
	paceRDSAvailable      = 25 * time.Second // creating → backing-up → available
	paceRDSModify         = 6 * time.Second  // modifying → available
	paceRDSDelete         = 10 * time.Second // deleting → gone
	paceCacheAvailable    = 20 * time.Second // ElastiCache replication group creating → available
	paceCacheModify       = 6 * time.Second  // modifying → available
	paceCacheDelete       = 8 * time.Second  // deleting → gone
	paceEFSAvailable      = 5 * time.Second  // file system / mount target creating → available
	paceEFSDelete         = 3 * time.Second  // mount target deleting → gone
	paceDynamoActive      = 4 * time.Second  // CREATING/UPDATING → ACTIVE
	paceDynamoDelete      = 4 * time.Second  // DELETING → gone
	paceCPDelete          = 2 * time.Second  // capacity provider DELETE_IN_PROGRESS → gone
	paceVisible           = 5 * time.Second  // window of the eventual-consistency fault (unscaled)
)

// scale divides a pace by the speed; speed 0 means instant.
func scale(d time.Duration, speed float64) time.Duration {
	if speed <= 0 {
		return 0
	}
	return time.Duration(float64(d) / speed)
}

// latest returns the latest of the times.
func latest(ts ...time.Time) time.Time {
	var m time.Time
	for _, t := range ts {
		if t.After(m) {
			m = t
		}
	}
	return m
}
