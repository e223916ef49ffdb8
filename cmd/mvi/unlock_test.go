package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/cloud"
)

func TestUnlockNeedsTheAppName(t *testing.T) {
	_, errs, code := mvi(t, "unlock")
	if code != exitInvalid || !strings.Contains(errs, "mvi unlock shop") {
		t.Errorf("exit %d: %s", code, errs)
	}
}

// In the sandbox the lock is a flock: unlock deletes nothing and says who
// holds it, or that nobody does.
func TestUnlockOnTheSandbox(t *testing.T) {
	dir := t.TempDir()
	sb := []string{"--sandbox-dir", dir, "--sandbox-speed", "0"}
	out, errs, code := mvi(t, append([]string{"unlock", "shop"}, sb...)...)
	if code != 0 || !strings.Contains(out, "nothing to unlock") || !strings.Contains(out, "frees itself") {
		t.Fatalf("free lock: exit %d\n%s\n%s", code, out, errs)
	}
	unlock, err := engine.FileLocker{Dir: filepath.Join(dir, "locks")}.Lock(context.Background(), "shop")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	_, errs, code = mvi(t, append([]string{"unlock", "shop", "--yes"}, sb...)...)
	if code != exitFailure || !strings.Contains(errs, fmt.Sprintf("pid %d", os.Getpid())) || !strings.Contains(errs, "frees itself") {
		t.Fatalf("held lock: exit %d\n%s", code, errs)
	}
}

// On AWS (moto) unlock names the holder, refuses to guess without a
// terminal, and deletes the lock with --yes.
func TestUnlockOnAWS(t *testing.T) {
	startMoto(t)
	cfg, err := cloud.Load(context.Background(), "", "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	l := engine.SSMLocker{Clients: cloud.FromConfig(cfg)}
	unlock, err := l.Lock(context.Background(), "shop")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	aws := []string{"unlock", "shop", "--cloud", "aws"}
	out, errs, code := mvi(t, aws...)
	if code != exitInvalid || !strings.Contains(errs, "--yes") {
		t.Fatalf("no terminal: exit %d\n%s\n%s", code, out, errs)
	}
	out, errs, code = mvi(t, append(aws, "--yes")...)
	if code != 0 || !strings.Contains(out, fmt.Sprintf("pid %d", os.Getpid())) || !strings.Contains(out, "running on this machine") || !strings.Contains(out, "Deleted the lock") {
		t.Fatalf("--yes: exit %d\n%s\n%s", code, out, errs)
	}
	if h, err := l.Holder(context.Background(), "shop"); err != nil || h != nil {
		t.Fatalf("after unlock: holder %v, %v", h, err)
	}
	out, _, code = mvi(t, append(aws, "--yes")...)
	if code != 0 || !strings.Contains(out, "nothing to unlock") {
		t.Errorf("second unlock: exit %d\n%s", code, out)
	}
}

func TestConfirmAppWantsTheExactName(t *testing.T) {
	var out bytes.Buffer
	if !confirmApp(strings.NewReader("shop\n"), &out, "shop") || confirmApp(strings.NewReader("yes\n"), &out, "shop") {
		t.Error("confirmApp should accept only the app's name")
	}
}
