package engine

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/minimalinfra/mvi/engine/aws"
	"github.com/minimalinfra/mvi/engine/cloud"
)

// An endpoint that stops answering is named within seconds, not after the
// 40-minute budget a slow database gets.
func TestADeadEndpointIsNamedFast(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + l.Addr().String()
	l.Close() // nothing listens there now: every dial is refused
	cfg := sdkaws.Config{Region: "us-east-1", BaseEndpoint: sdkaws.String(dead), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")}
	ec := Config{Clients: cloud.FromConfig(cfg), Handlers: aws.Handlers(), App: "shop", Region: "us-east-1",
		Retry: Retry{Base: time.Millisecond, Max: 20 * time.Millisecond, Unreachable: 300 * time.Millisecond}}
	done := make(chan error, 1)
	go func() { _, err := MakePlan(context.Background(), ec, fullArch(t)); done <- err }()
	select {
	case err = <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("plan against a dead endpoint still running after 60s")
	}
	var ue *UnreachableError
	if !errors.As(err, &ue) || ue.Endpoint != dead {
		t.Fatalf("plan against a dead endpoint: %v", err)
	}
	if !strings.Contains(err.Error(), "doesn't answer") || !strings.Contains(err.Error(), "fix: check the network") {
		t.Errorf("the error doesn't say what to check: %v", err)
	}
}
