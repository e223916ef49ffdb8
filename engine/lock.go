package engine

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/minimalinfra/mvi/engine/cloud"
)

// Locker keeps two applies (or an apply and a destroy) of one app apart.
type Locker interface {
	Lock(ctx context.Context, app string) (unlock func(), err error)
}

// Breaker is a Locker whose lock a person can inspect and break: what
// `mvi unlock` uses.
type Breaker interface {
	// Holder says who holds app's lock; nil when nobody does.
	Holder(ctx context.Context, app string) (*Holder, error)
	// Break deletes app's lock, whoever holds it.
	Break(ctx context.Context, app string) error
}

// ErrLocked is wrapped by lock errors so callers can tell contention apart.
var ErrLocked = errors.New("app is locked")

// Acquire takes cfg.Locker's lock of cfg.App before anything is planned, so
// a run that must wait says so before printing a plan. The Config returned
// holds the lock: MakePlan, Apply and Destroy given it don't lock again.
// release (safe to call twice) gives the lock back.
func Acquire(ctx context.Context, cfg Config) (held Config, release func(), err error) {
	if cfg.Locker == nil {
		return cfg, func() {}, nil
	}
	unlock, err := cfg.Locker.Lock(ctx, cfg.App)
	if err != nil {
		return cfg, nil, err
	}
	var once sync.Once
	held = cfg
	held.Locker = heldLock{app: cfg.App, Locker: cfg.Locker}
	return held, func() { once.Do(unlock) }, nil
}

// heldLock is a Locker whose lock of app its caller already holds.
type heldLock struct {
	app string
	Locker
}

func (h heldLock) Lock(ctx context.Context, app string) (func(), error) {
	if app == h.app {
		return func() {}, nil
	}
	return h.Locker.Lock(ctx, app)
}

// Holder is who holds a lock, as recorded in it.
type Holder struct {
	PID   int       `json:"pid"`
	Host  string    `json:"host"`
	Start time.Time `json:"start"`
	// Renewed and Expires bound the lease; zero Expires means no lease (a
	// flock, or a lock written by an mvi from before leases).
	Renewed time.Time `json:"renewed,omitzero"`
	Expires time.Time `json:"expires,omitzero"`
	// Token tells this run's record apart from a later run with a reused pid.
	Token string `json:"token,omitempty"`
	raw   string // the record as found, when it couldn't be read
}

func (h Holder) String() string {
	if h.PID == 0 {
		if h.raw != "" {
			return h.raw
		}
		return "an unknown holder"
	}
	return fmt.Sprintf("pid %d on %s since %s", h.PID, h.Host, stamp(h.Start))
}

// Local says whether the holder ran on this host, where its pid means
// something.
func (h Holder) Local() bool {
	host, _ := os.Hostname()
	return h.PID > 0 && h.Host == host
}

// Dead says whether the holder is known to be gone: on this host, with no
// such process. (A pid alive on this host may be reused; the lease covers
// that.)
func (h Holder) Dead() bool {
	return h.Local() && errors.Is(syscall.Kill(h.PID, 0), syscall.ESRCH)
}

func newHolder(now time.Time, lease time.Duration) Holder {
	host, _ := os.Hostname()
	var b [8]byte
	_, _ = rand.Read(b[:])
	h := Holder{PID: os.Getpid(), Host: host, Start: now.UTC(), Token: hex.EncodeToString(b[:])}
	if lease > 0 {
		h.Renewed, h.Expires = h.Start, h.Start.Add(lease)
	}
	return h
}

func (h Holder) text() string {
	b, _ := json.Marshal(h)
	return string(b)
}

func parseHolder(raw string) Holder {
	var h Holder
	if json.Unmarshal([]byte(raw), &h) == nil && h.PID > 0 {
		return h
	}
	// Before leases a lock said "pid N on HOST since TIME".
	var start string
	if n, _ := fmt.Sscanf(raw, "pid %d on %s since %s", &h.PID, &h.Host, &start); n == 3 {
		h.Start, _ = time.Parse(time.RFC3339, start)
		return Holder{PID: h.PID, Host: h.Host, Start: h.Start}
	}
	return Holder{raw: strings.TrimSpace(raw)}
}

// stale says why h's lock may be taken over, if it may: its holder died on
// this host, or its lease ran out.
func stale(h Holder, now time.Time) (string, bool) {
	switch {
	case h.Dead():
		seen := h.Renewed
		if seen.IsZero() {
			seen = h.Start
		}
		return "not running any more; last renewed " + ago(seen, now), true
	case !h.Expires.IsZero() && now.After(h.Expires):
		return "its lease ran out " + ago(h.Expires, now), true
	}
	return "", false
}

func lockedErr(app string, h Holder, now time.Time) error {
	lease := ""
	if !h.Renewed.IsZero() {
		lease = ", lease renewed " + ago(h.Renewed, now)
	}
	return fmt.Errorf("%w: another mvi is changing %s (%s%s); wait for it to finish, or if you are sure that run is dead: mvi unlock %s",
		ErrLocked, app, h, lease, app)
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func ago(t, now time.Time) string {
	return fmt.Sprintf("%s, %s ago", stamp(t), now.Sub(t).Round(time.Second))
}

// FileLocker locks with flock on <Dir>/<app>.lock: the sandbox's lock,
// released by the kernel if the process dies, so it needs no lease.
type FileLocker struct{ Dir string }

// Lock takes the lock or says who holds it.
func (l FileLocker) Lock(_ context.Context, app string) (func(), error) {
	if err := os.MkdirAll(l.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("lock %s: %w", app, err)
	}
	path := filepath.Join(l.Dir, app+".lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", app, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		h := readHolder(f)
		f.Close()
		return nil, fmt.Errorf("%w: another mvi is changing %s (%s); wait for it to finish (the sandbox's lock frees itself when that run ends)", ErrLocked, app, h)
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(newHolder(time.Now(), 0).text()), 0)
	var once sync.Once
	return func() {
		once.Do(func() {
			_ = f.Truncate(0)
			_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
			f.Close()
		})
	}, nil
}

// Holder tries the flock: if it can be had, nobody holds it.
func (l FileLocker) Holder(_ context.Context, app string) (*Holder, error) {
	f, err := os.Open(filepath.Join(l.Dir, app+".lock"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if err == nil {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		return nil, nil
	}
	if !errors.Is(err, syscall.EWOULDBLOCK) {
		return nil, fmt.Errorf("lock %s: %w", app, err)
	}
	h := readHolder(f)
	return &h, nil
}

// Break refuses a held flock: the kernel frees it when its holder ends, so
// whoever holds it is running.
func (l FileLocker) Break(ctx context.Context, app string) error {
	h, err := l.Holder(ctx, app)
	if err != nil || h == nil {
		return err
	}
	return fmt.Errorf("%w: %s holds the sandbox lock of %s and is running; the sandbox's lock frees itself when its holder ends, so wait for it, or stop it (kill %d)",
		ErrLocked, h, app, h.PID)
}

// readHolder reads at most 4 KiB: the file is ours, but bounded all the same.
func readHolder(f *os.File) Holder {
	b := make([]byte, 4096)
	n, _ := f.ReadAt(b, 0)
	return parseHolder(string(b[:n]))
}

// SSMLocker locks with the SSM parameter /mvi/<app>/lock, created without
// overwrite so only one creator wins, on AWS and in the sandbox alike. It
// holds a lease the holder renews while it runs, so a run killed outright
// (SIGKILL, a power cut) doesn't lock the app forever: the next run takes
// the lock over once the holder's pid is gone from this host or its lease
// ran out. Leases compare the holder's clock with the taker's, so hosts
// must agree on the time to well within Lease.
type SSMLocker struct {
	Clients *cloud.Clients
	// Lease is how long a record holds without renewal (default 2m).
	Lease time.Duration
	// Renew is how often the holder renews (default Lease/4).
	Renew time.Duration
	// Now is the clock (default time.Now); tests move it.
	Now func() time.Time
	// Notice gets one line when Lock takes over a dead run's lock, or when
	// a renewal finds the lock taken from this run; nil drops them.
	Notice func(string)
}

// claimTTL bounds a takeover: a claim older than this is a taker's that
// died mid-way.
const claimTTL = time.Minute

func lockName(app string) string { return "/mvi/" + app + "/lock" }

// claimName is the takeover claim of one stale record: a record can be
// claimed once, and the next stale record has a claim of its own.
func claimName(app string, was lockParam) string {
	sum := sha256.Sum256([]byte(was.value))
	return lockName(app) + "-takeover-" + hex.EncodeToString(sum[:6])
}

func (l SSMLocker) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

func (l SSMLocker) lease() time.Duration {
	if l.Lease > 0 {
		return l.Lease
	}
	return 2 * time.Minute
}

func (l SSMLocker) renewEvery() time.Duration {
	if l.Renew > 0 {
		return l.Renew
	}
	return l.lease() / 4
}

func (l SSMLocker) notice(msg string) {
	if l.Notice != nil {
		l.Notice(msg)
	}
}

// Lock creates /mvi/<app>/lock, takes over a stale one, or says who holds it.
func (l SSMLocker) Lock(ctx context.Context, app string) (func(), error) {
	name := lockName(app)
	for try := 1; ; try++ {
		me := newHolder(l.now(), l.lease())
		err := l.create(ctx, name, app, me)
		if err == nil {
			return l.hold(app, me), nil
		}
		if !isExists(err) {
			return nil, fmt.Errorf("lock %s: %w", app, err)
		}
		cur, err := l.get(ctx, name)
		if isNotFound(err) && try < 3 {
			continue // released meanwhile
		}
		if err != nil {
			return nil, fmt.Errorf("lock %s: read its holder: %w", app, err)
		}
		why, ok := stale(cur.h, l.now())
		if !ok {
			return nil, lockedErr(app, cur.h, l.now())
		}
		if err := l.takeOver(ctx, app, cur, me); err != nil {
			return nil, err
		}
		l.notice(fmt.Sprintf("took over the lock of %s from %s (%s)", app, cur.h, why))
		return l.hold(app, me), nil
	}
}

// takeOver replaces the stale lock was with me. SSM has no conditional
// delete, so two takers could each delete the lock the other just made; a
// claim named after the stale record, created without overwrite, lets
// exactly one of them go on.
func (l SSMLocker) takeOver(ctx context.Context, app string, was lockParam, me Holder) error {
	name, claim := lockName(app), claimName(app, was)
	mine := newHolder(l.now(), claimTTL)
	if err := l.create(ctx, claim, app, mine); isExists(err) {
		c, gerr := l.get(ctx, claim)
		if isNotFound(gerr) {
			// The other taker is done already: name the new holder.
			if cur, err := l.get(ctx, name); err == nil {
				return lockedErr(app, cur.h, l.now())
			}
		}
		if _, dead := stale(c.h, l.now()); gerr == nil && dead {
			// That taker died mid-way: clear its claim for the next run,
			// but don't race other takers for this one.
			_, _ = l.Clients.SSM.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(claim)})
		}
		return fmt.Errorf("%w: %s is taking over the lock of %s from %s; run again in a minute",
			ErrLocked, c.h, app, was.h)
	} else if err != nil {
		return fmt.Errorf("lock %s: claim the stale lock: %w", app, err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		_, _ = l.Clients.SSM.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(claim)})
	}()
	// The lock must still be the record judged stale (same version and
	// value): a taker before us may have finished already.
	cur, err := l.get(ctx, name)
	switch {
	case isNotFound(err):
	case err != nil:
		return fmt.Errorf("lock %s: %w", app, err)
	case cur.version != was.version || cur.value != was.value:
		return lockedErr(app, cur.h, l.now())
	case l.now().Sub(mine.Start) > claimTTL/2:
		// So slow that our claim may have been broken: don't delete.
		return fmt.Errorf("%w: taking over the lock of %s took too long; run again", ErrLocked, app)
	default:
		if _, err := l.Clients.SSM.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(name)}); err != nil && !isNotFound(err) {
			return fmt.Errorf("lock %s: delete the stale lock: %w", app, err)
		}
	}
	if err := l.create(ctx, name, app, me); isExists(err) {
		// A run that found no lock at all got there first.
		if cur, gerr := l.get(ctx, name); gerr == nil {
			return lockedErr(app, cur.h, l.now())
		}
		return fmt.Errorf("%w: another mvi took the lock of %s first", ErrLocked, app)
	} else if err != nil {
		return fmt.Errorf("lock %s: %w", app, err)
	}
	return nil
}

// hold renews me's lease until the returned unlock is called.
func (l SSMLocker) hold(app string, me Holder) func() {
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(l.renewEvery())
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			if lost := l.renew(app, &me); lost != "" {
				l.notice(lost)
				return
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(stop)
			<-done
			// The caller's ctx may be cancelled (Ctrl-C): release anyway.
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			// Delete only our own record: after a takeover it is another's.
			if cur, err := l.get(ctx, lockName(app)); err == nil && cur.h.Token == me.Token {
				_, _ = l.Clients.SSM.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(lockName(app))})
			}
		})
	}
}

// renew extends me's lease if the lock is still me's, and says so otherwise.
// A read that fails is tried again at the next tick: the lease outlasts a
// few misses.
func (l SSMLocker) renew(app string, me *Holder) (lost string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	name := lockName(app)
	cur, err := l.get(ctx, name)
	switch {
	case isNotFound(err):
		return fmt.Sprintf("the lock of %s was deleted while this run held it (mvi unlock?): another run may change %s at the same time", app, app)
	case err != nil:
		return ""
	case cur.h.Token != me.Token:
		return fmt.Sprintf("lost the lock of %s to %s: this run's lease ran out before it was renewed", app, cur.h)
	}
	now := l.now().UTC()
	me.Renewed, me.Expires = now, now.Add(l.lease())
	_, _ = l.Clients.SSM.PutParameter(ctx, &ssm.PutParameterInput{
		Name: aws.String(name), Value: aws.String(me.text()), Type: ssmtypes.ParameterTypeString, Overwrite: aws.Bool(true),
	})
	return ""
}

// Holder reads /mvi/<app>/lock.
func (l SSMLocker) Holder(ctx context.Context, app string) (*Holder, error) {
	cur, err := l.get(ctx, lockName(app))
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", app, err)
	}
	return &cur.h, nil
}

// Break deletes /mvi/<app>/lock and any claims left by takers that died.
func (l SSMLocker) Break(ctx context.Context, app string) error {
	names := []string{lockName(app)}
	p := ssm.NewDescribeParametersPaginator(l.Clients.SSM, &ssm.DescribeParametersInput{
		ParameterFilters: []ssmtypes.ParameterStringFilter{{Key: aws.String("Name"), Option: aws.String("BeginsWith"), Values: []string{lockName(app) + "-takeover-"}}},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			break // the claims are litter; the lock is what matters
		}
		for _, m := range page.Parameters {
			names = append(names, aws.ToString(m.Name))
		}
	}
	for _, n := range names {
		if _, err := l.Clients.SSM.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(n)}); err != nil && !isNotFound(err) {
			return fmt.Errorf("unlock %s: %w", app, err)
		}
	}
	return nil
}

func (l SSMLocker) create(ctx context.Context, name, app string, h Holder) error {
	_, err := l.Clients.SSM.PutParameter(ctx, &ssm.PutParameterInput{
		Name: aws.String(name), Value: aws.String(h.text()), Type: ssmtypes.ParameterTypeString,
		Overwrite: aws.Bool(false), Description: aws.String("mvi apply lock; mvi unlock " + app + " deletes it if that run died"),
		// Not tagged mvi:app: the lock is no resource of the app, so plans
		// and destroys must not see it.
		Tags: []ssmtypes.Tag{{Key: aws.String("mvi:lock"), Value: aws.String(app)}},
	})
	if isExists(err) {
		// The SDK retries a call whose answer was lost: the retry of our own
		// create finds our record, which is a success.
		if cur, gerr := l.get(ctx, name); gerr == nil && cur.h.Token == h.Token {
			return nil
		}
	}
	return err
}

// lockParam is a lock record as read, with what identifies this write of it.
type lockParam struct {
	h       Holder
	value   string
	version int64
}

func (l SSMLocker) get(ctx context.Context, name string) (lockParam, error) {
	out, err := l.Clients.SSM.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name)})
	if err != nil {
		return lockParam{}, err
	}
	if out.Parameter == nil {
		return lockParam{}, &ssmtypes.ParameterNotFound{Message: aws.String(name)}
	}
	v := aws.ToString(out.Parameter.Value)
	return lockParam{h: parseHolder(v), value: v, version: out.Parameter.Version}, nil
}

func isExists(err error) bool {
	var e *ssmtypes.ParameterAlreadyExists
	return errors.As(err, &e) || codeOf(err) == "ParameterAlreadyExists"
}

func isNotFound(err error) bool {
	var e *ssmtypes.ParameterNotFound
	return errors.As(err, &e) || codeOf(err) == "ParameterNotFound"
}
