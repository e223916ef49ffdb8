package manifest

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// endless is a reader that never ends: only a bounded read returns.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

func wantSizeError(t *testing.T, err error, file string) {
	t.Helper()
	es, ok := AsErrors(err)
	if !ok || len(es) != 1 {
		t.Fatalf("want one size error, got %v", err)
	}
	e := es[0]
	if e.File != file || !strings.Contains(e.Msg, "1048576 bytes") || e.Fix == "" {
		t.Errorf("size error should name %s, the limit and a fix: %v", file, e)
	}
}

// An endless input is read only up to the limit: memory is bounded by the
// LimitReader, and the answer is the size error.
func TestReadEndlessReaderIsBounded(t *testing.T) {
	_, err := Read("endless", endless{})
	wantSizeError(t, err, "endless")
}

func TestReadDevZeroIsBounded(t *testing.T) {
	f, err := os.Open("/dev/zero")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	_, err = Read("/dev/zero", f)
	wantSizeError(t, err, "/dev/zero")
}

// Load refuses devices before reading a byte: -f /dev/zero, -f /dev/urandom.
func TestLoadRefusesDevices(t *testing.T) {
	for _, dev := range []string{"/dev/zero", "/dev/urandom"} {
		if _, err := os.Stat(dev); err != nil {
			continue
		}
		_, err := Load(dev)
		es, ok := AsErrors(err)
		if !ok || es[0].File != dev || !strings.Contains(es[0].Msg, "device") || !strings.Contains(es[0].Fix, "-f") {
			t.Errorf("Load(%s) = %v, want a manifest error saying it is a device", dev, err)
		}
	}
}

func TestLoadRefusesOversizedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mvi.toml")
	if err := os.WriteFile(path, []byte(strings.Repeat("# a log line, not a manifest\n", 40000)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	wantSizeError(t, err, path)
}

// A pipe is still read (-f /dev/stdin), bounded like any reader.
func TestLoadReadsPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		_, _ = w.WriteString("[processes.web]\nimage = \"httpd\"\nport = 80\n")
		w.Close()
	}()
	defer r.Close()
	m, err := Load("/dev/fd/" + strconv.Itoa(int(r.Fd())))
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("no /dev/fd here")
	}
	if err != nil {
		t.Fatal(err)
	}
	if m.Processes["web"] == nil {
		t.Errorf("pipe manifest lost its process: %+v", m)
	}
}
