package engine

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/minimalinfra/mvi/engine/cloud"
)

// The takeover again, through moto_server's SSM: AWS's API as the SDK
// speaks it, not the sandbox's reading of it.
func TestLockTakeoverOnMoto(t *testing.T) {
	l, clock, n := ssmLocker(t, motoLockClients(t))
	now := clock.Now()
	old := Holder{PID: 4242, Host: "build-7", Start: now.Add(-time.Hour), Renewed: now.Add(-3 * time.Minute), Expires: now.Add(-time.Minute), Token: "old"}
	putRecord(t, l, "shop", old.text())
	wantTakenOver(t, l, n, "pid 4242 on build-7", "lease ran out")
	testTakeoverRace(t, l, clock)
}

// motoLockClients starts a moto_server of its own for this test (stopped
// with it) and skips when moto_server isn't installed.
func motoLockClients(t *testing.T) *cloud.Clients {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		t.Skip("moto_server not installed (pip install 'moto[server]'): ", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // stop it and what it forks
	// AWS's managed policies, which a whole app's roles attach.
	cmd.Env = append(os.Environ(), "MOTO_IAM_LOAD_MANAGED_POLICIES=true")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	})
	endpoint := fmt.Sprintf("http://127.0.0.1:%d", port)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		res, err := http.Get(endpoint + "/moto-api/")
		if err == nil {
			res.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto_server did not answer on %s: %v", endpoint, err)
		}
	}
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("testing", "testing", "")),
		config.WithBaseEndpoint(endpoint),
		config.WithSharedConfigFiles([]string{}),
		config.WithSharedCredentialsFiles([]string{}),
	)
	if err != nil {
		t.Fatal(err)
	}
	return cloud.FromConfig(cfg)
}
