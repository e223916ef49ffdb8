package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/minimalinfra/mvi/engine/cloud"
	"github.com/minimalinfra/mvi/engine/sandbox"
)

// These tests run SSMLocker against the sandbox's SSM, whose PutParameter
// refuses to overwrite as AWS does, with a clock the tests move.

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// notices collects a locker's one-line notices.
type notices struct {
	mu    sync.Mutex
	lines []string
}

func (n *notices) add(s string) {
	n.mu.Lock()
	n.lines = append(n.lines, s)
	n.mu.Unlock()
}

func (n *notices) String() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return strings.Join(n.lines, "\n")
}

func ssmLocker(t *testing.T, clients *cloud.Clients) (SSMLocker, *testClock, *notices) {
	t.Helper()
	clock := &testClock{t: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}
	n := &notices{}
	// Renewal is left at its 30 s default unless a test needs it: no tick
	// comes during these tests.
	return SSMLocker{Clients: clients, Now: clock.Now, Notice: n.add}, clock, n
}

func sandboxLocker(t *testing.T) (SSMLocker, *testClock, *notices) {
	_, cfg := openSandbox(t, sandbox.Options{})
	return ssmLocker(t, cfg.Clients)
}

// putRecord writes a lock record as another run would have left it.
func putRecord(t *testing.T, l SSMLocker, app, value string) {
	t.Helper()
	_, err := l.Clients.SSM.PutParameter(context.Background(), &ssm.PutParameterInput{
		Name: aws.String(lockName(app)), Value: aws.String(value), Type: ssmtypes.ParameterTypeString, Overwrite: aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
}

// deadPID is the pid of a process that has exited and been reaped.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

func hostname(t *testing.T) string {
	t.Helper()
	h, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func mustHolder(t *testing.T, l Breaker, app string) *Holder {
	t.Helper()
	h, err := l.Holder(context.Background(), app)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// wantTakenOver checks that Lock took the lock, said so naming the old
// holder, and that unlock gives it back.
func wantTakenOver(t *testing.T, l SSMLocker, n *notices, old, why string) {
	t.Helper()
	unlock, err := l.Lock(context.Background(), "shop")
	if err != nil {
		t.Fatalf("stale lock not taken over: %v", err)
	}
	if got := n.String(); !strings.Contains(got, "took over the lock of shop from "+old) || !strings.Contains(got, why) {
		t.Errorf("notice %q should name %q and say %q", got, old, why)
	}
	if h := mustHolder(t, l, "shop"); h == nil || h.PID != os.Getpid() {
		t.Errorf("after takeover the lock holds %v, want this process", h)
	}
	unlock()
	if h := mustHolder(t, l, "shop"); h != nil {
		t.Errorf("unlock left %v", h)
	}
}

func TestLockTakesOverDeadPIDOnThisHost(t *testing.T) {
	l, clock, n := sandboxLocker(t)
	pid, now := deadPID(t), clock.Now()
	// A fresh lease: the dead pid alone is reason enough on this host.
	old := Holder{PID: pid, Host: hostname(t), Start: now.Add(-10 * time.Minute), Renewed: now.Add(-10 * time.Second), Expires: now.Add(110 * time.Second), Token: "old"}
	putRecord(t, l, "shop", old.text())
	wantTakenOver(t, l, n, fmt.Sprintf("pid %d on %s", pid, old.Host), "not running any more; last renewed 2030-01-02T03:03:55Z, 10s ago")
}

// A lock written before leases ("pid N on HOST since T") by a dead local
// run is taken over too: the chaos run left those.
func TestLockTakesOverPreLeaseRecordOfDeadPID(t *testing.T) {
	l, _, n := sandboxLocker(t)
	pid := deadPID(t)
	putRecord(t, l, "shop", fmt.Sprintf("pid %d on %s since 2030-01-02T02:00:00Z", pid, hostname(t)))
	wantTakenOver(t, l, n, fmt.Sprintf("pid %d", pid), "not running any more")
}

func TestLockTakesOverExpiredLeaseFromAnotherHost(t *testing.T) {
	l, clock, n := sandboxLocker(t)
	now := clock.Now()
	old := Holder{PID: 4242, Host: "build-7", Start: now.Add(-time.Hour), Renewed: now.Add(-3 * time.Minute), Expires: now.Add(-time.Minute), Token: "old"}
	putRecord(t, l, "shop", old.text())
	wantTakenOver(t, l, n, "pid 4242 on build-7", "its lease ran out 2030-01-02T03:03:05Z, 1m0s ago")
}

func TestLockRefusesLiveHolder(t *testing.T) {
	l, clock, n := sandboxLocker(t)
	now := clock.Now()
	for _, c := range []struct {
		name string
		h    Holder
	}{
		{"this process, fresh lease", Holder{PID: os.Getpid(), Host: hostname(t), Start: now, Renewed: now, Expires: now.Add(time.Minute), Token: "live"}},
		{"another host, fresh lease", Holder{PID: 1, Host: "build-7", Start: now, Renewed: now, Expires: now.Add(time.Minute), Token: "live"}},
		{"another host, before leases", Holder{raw: "pid 1 on build-7 since 2030-01-02T03:00:00Z"}},
	} {
		v := c.h.text()
		if c.h.raw != "" {
			v = c.h.raw
		}
		putRecord(t, l, "shop", v)
		_, err := l.Lock(context.Background(), "shop")
		if !errors.Is(err, ErrLocked) {
			t.Fatalf("%s: got %v, want ErrLocked", c.name, err)
		}
		who := fmt.Sprintf("pid %d on %s", c.h.PID, c.h.Host)
		if c.h.raw != "" {
			who = "pid 1 on build-7"
		}
		if msg := err.Error(); !strings.Contains(msg, who) || !strings.Contains(msg, "mvi unlock shop") {
			t.Errorf("%s: %q should name %q and the fix", c.name, msg, who)
		}
	}
	if n.String() != "" {
		t.Errorf("refusals made notices: %s", n)
	}
}

func TestLockRenewalOutlivesFirstLease(t *testing.T) {
	l, clock, n := sandboxLocker(t)
	l.Renew = time.Millisecond
	unlock, err := l.Lock(context.Background(), "shop")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	first := mustHolder(t, l, "shop").Expires
	clock.Add(90 * time.Second)
	for deadline := time.Now().Add(10 * time.Second); !mustHolder(t, l, "shop").Expires.After(first); {
		if time.Now().After(deadline) {
			t.Fatal("the lease was not renewed")
		}
		time.Sleep(time.Millisecond)
	}
	clock.Add(60 * time.Second) // past the first lease's end
	other := l
	other.Renew = 0
	if _, err := other.Lock(context.Background(), "shop"); !errors.Is(err, ErrLocked) {
		t.Fatalf("a renewed lease was taken: %v", err)
	}
	unlock()
	if h := mustHolder(t, l, "shop"); h != nil {
		t.Errorf("unlock left %v", h)
	}
	if n.String() != "" {
		t.Errorf("unexpected notices: %s", n)
	}
}

// Two runs find one stale lock at once: exactly one takes it over, the
// other is refused naming who holds it.
func TestLockTakeoverRaceHasOneWinner(t *testing.T) {
	l, clock, _ := sandboxLocker(t)
	testTakeoverRace(t, l, clock)
}

func testTakeoverRace(t *testing.T, l SSMLocker, clock *testClock) {
	t.Helper()
	for round := range 20 {
		now := clock.Now()
		stale := Holder{PID: 4242, Host: "build-7", Start: now.Add(-time.Hour), Renewed: now.Add(-3 * time.Minute), Expires: now.Add(-time.Minute), Token: fmt.Sprint("stale-", round)}
		putRecord(t, l, "shop", stale.text())
		var (
			wg      sync.WaitGroup
			start   = make(chan struct{})
			unlocks = make([]func(), 2)
			errs    = make([]error, 2)
		)
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				unlocks[i], errs[i] = l.Lock(context.Background(), "shop")
			}()
		}
		close(start)
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", os.Getpid())):
				t.Errorf("round %d: loser's error should name the winner: %v", round, err)
			}
		}
		if won != 1 {
			t.Fatalf("round %d: %d takers won, want exactly 1 (%v)", round, won, errs)
		}
		for _, u := range unlocks {
			if u != nil {
				u()
			}
		}
		if h := mustHolder(t, l, "shop"); h != nil {
			t.Fatalf("round %d: unlock left %v", round, h)
		}
	}
	out, err := l.Clients.SSM.DescribeParameters(context.Background(), &ssm.DescribeParametersInput{
		ParameterFilters: []ssmtypes.ParameterStringFilter{{Key: aws.String("Name"), Option: aws.String("BeginsWith"), Values: []string{lockName("shop")}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Parameters) != 0 {
		t.Errorf("takeovers left %d parameters, first %s", len(out.Parameters), aws.ToString(out.Parameters[0].Name))
	}
}

// A taker that died mid-takeover leaves a claim: the next run is refused
// once (and clears it), the one after takes over.
func TestLockClaimOfDeadTakerIsCleared(t *testing.T) {
	l, clock, n := sandboxLocker(t)
	now := clock.Now()
	stale := Holder{PID: 4242, Host: "build-7", Start: now.Add(-time.Hour), Renewed: now.Add(-3 * time.Minute), Expires: now.Add(-time.Minute), Token: "stale"}
	putRecord(t, l, "shop", stale.text())
	taker := newHolder(now, claimTTL)
	taker.PID = deadPID(t)
	sum := lockParam{value: stale.text()}
	if err := l.create(context.Background(), claimName("shop", sum), "shop", taker); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Lock(context.Background(), "shop"); !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "taking over") {
		t.Fatalf("first run: %v, want refused while a claim stands", err)
	}
	wantTakenOver(t, l, n, "pid 4242 on build-7", "lease ran out")
}

func TestSSMLockerBreak(t *testing.T) {
	l, clock, _ := sandboxLocker(t)
	now := clock.Now()
	putRecord(t, l, "shop", Holder{PID: 1, Host: "build-7", Start: now, Renewed: now, Expires: now.Add(time.Minute)}.text())
	if err := l.create(context.Background(), claimName("shop", lockParam{value: "x"}), "shop", newHolder(now, claimTTL)); err != nil {
		t.Fatal(err)
	}
	if h := mustHolder(t, l, "shop"); h == nil || h.Host != "build-7" {
		t.Fatalf("holder %v", h)
	}
	if err := l.Break(context.Background(), "shop"); err != nil {
		t.Fatal(err)
	}
	out, err := l.Clients.SSM.DescribeParameters(context.Background(), &ssm.DescribeParametersInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range out.Parameters {
		if strings.HasPrefix(aws.ToString(p.Name), lockName("shop")) {
			t.Errorf("Break left %s", aws.ToString(p.Name))
		}
	}
	if _, err := l.Lock(context.Background(), "shop"); err != nil {
		t.Fatalf("lock after break: %v", err)
	}
}

func TestFileLockerHolderAndBreak(t *testing.T) {
	l := FileLocker{Dir: t.TempDir()}
	if h := mustHolder(t, l, "shop"); h != nil {
		t.Fatalf("no lock yet, holder %v", h)
	}
	unlock, err := l.Lock(context.Background(), "shop")
	if err != nil {
		t.Fatal(err)
	}
	if h := mustHolder(t, l, "shop"); h == nil || h.PID != os.Getpid() {
		t.Fatalf("holder %v, want this process", h)
	}
	if err := l.Break(context.Background(), "shop"); !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "frees itself") {
		t.Errorf("break of a held flock: %v", err)
	}
	unlock()
	unlock() // twice is harmless
	if h := mustHolder(t, l, "shop"); h != nil {
		t.Errorf("after unlock, holder %v", h)
	}
	if err := l.Break(context.Background(), "shop"); err != nil {
		t.Errorf("break of a free lock: %v", err)
	}
}

// Acquire takes the lock before planning; Apply given the held Config
// doesn't lock again, and everyone else is refused until release.
func TestAcquireHoldsLockForApply(t *testing.T) {
	c := newFake()
	a := fullArch(t)
	cfg := fakeConfig(c, a)
	cfg.Locker = FileLocker{Dir: t.TempDir()}
	held, release, err := Acquire(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Acquire(context.Background(), cfg); !errors.Is(err, ErrLocked) {
		t.Fatalf("second acquire: %v", err)
	}
	p, err := MakePlan(context.Background(), held, a)
	if err != nil {
		t.Fatal(err)
	}
	if err := Apply(context.Background(), held, p, nil); err != nil {
		t.Fatalf("apply with the lock held: %v", err)
	}
	if err := Apply(context.Background(), cfg, p, nil); !errors.Is(err, ErrLocked) {
		t.Fatalf("apply of another run: %v", err)
	}
	release()
	release()
	if err := Destroy(context.Background(), cfg, nil); err != nil {
		t.Fatalf("destroy after release: %v", err)
	}
}
