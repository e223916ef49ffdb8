//go:build unix

package sandbox

import (
	"context"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The cross-process scheme (chosen for correctness first):
//
//   - <Dir>/lock is opened once per Sandbox and flock(LOCK_EX)ed around every
//     API call: load-if-changed, advance, mutate, save happen under it. flock
//     locks belong to the open file description, so two Sandboxes in one
//     process exclude each other just as two processes do.
//   - The lock file's content is the generation of the last write (decimal).
//     A writer bumps it just before renaming the new state into place; a
//     caller that finds a generation other than the one it last saw reloads
//     state.json. Writing the number before the rename means a crash between
//     the two costs at worst one needless reload, never a missed write.
//   - The lock is taken with LOCK_NB in a loop so a waiting call still
//     honours its context.
//
// The state file is never written in place, so a reader that doesn't take
// the lock (a debugging `cat`) sees one whole document or the previous one.

const lockName = "lock"

type fileLock struct{ f *os.File }

func openLock(path string) (*fileLock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	return &fileLock{f: f}, nil
}

func (l *fileLock) lock(ctx context.Context) error {
	wait := 50 * time.Microsecond
	for {
		err := syscall.Flock(int(l.f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		if wait < 5*time.Millisecond {
			wait *= 2
		}
	}
}

func (l *fileLock) unlock() { _ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN) }

func (l *fileLock) close() error { return l.f.Close() }

// generation reads the write generation recorded in the lock file (0 if
// none yet).
func (l *fileLock) generation() (uint64, error) {
	var buf [32]byte
	n, err := l.f.ReadAt(buf[:], 0)
	if err != nil && err != io.EOF {
		return 0, err
	}
	s := strings.TrimSpace(string(buf[:n]))
	if s == "" {
		return 0, nil
	}
	return strconv.ParseUint(s, 10, 64)
}

// setGeneration records a write generation in the lock file.
func (l *fileLock) setGeneration(g uint64) error {
	s := strconv.FormatUint(g, 10) + "\n"
	if _, err := l.f.WriteAt([]byte(s), 0); err != nil {
		return err
	}
	return l.f.Truncate(int64(len(s)))
}

// tryFlock takes an flock without waiting: exclusive for the process that
// serves the data plane, shared for a probe asking whether anyone serves.
// It reports false when someone else holds a conflicting lock.
func tryFlock(f *os.File, exclusive bool) (bool, error) {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
	if err == nil {
		return true, nil
	}
	if errors.Is(err, syscall.EWOULDBLOCK) || errors.Is(err, syscall.EINTR) {
		return false, nil
	}
	return false, err
}

func funlock(f *os.File) { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
