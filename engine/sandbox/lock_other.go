//go:build !unix

package sandbox

import (
	"context"
	"io"
	"os"
	"strconv"
	"strings"
)

// Without flock (Windows, wasm) the sandbox locks only within the process:
// one mvi process at a time per state directory. The generation counter in
// the lock file still makes a second process reload what the first wrote.

const lockName = "lock"

type fileLock struct{ f *os.File }

func openLock(path string) (*fileLock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	return &fileLock{f: f}, nil
}

func (l *fileLock) lock(ctx context.Context) error { return ctx.Err() }
func (l *fileLock) unlock()                        {}
func (l *fileLock) close() error                   { return l.f.Close() }

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

func (l *fileLock) setGeneration(g uint64) error {
	s := strconv.FormatUint(g, 10) + "\n"
	if _, err := l.f.WriteAt([]byte(s), 0); err != nil {
		return err
	}
	return l.f.Truncate(int64(len(s)))
}

// Without flock a probe can't see another process serving: only the
// serving process itself knows (Sandbox.serving), so on these systems one
// process serves and reaches the data plane.
func tryFlock(f *os.File, exclusive bool) (bool, error) { return true, nil }

func funlock(f *os.File) {}
