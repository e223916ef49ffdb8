package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/aws"
	"github.com/minimalinfra/mvi/engine/sandbox"
)

// The database's group opened to the internet by hand after up: status
// says so without changing it, plan shows the repair as drift, up puts
// it back, and the next up has nothing to change.
func TestDriftThroughTheCLI(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sandbox")
	flags := []string{"-f", fullFile, "--sandbox-dir", dir, "--sandbox-speed", "0"}
	if out, errs, code := mvi(t, append([]string{"up", "--yes"}, flags...)...); code != 0 {
		t.Fatalf("up: exit %d\n%s\n%s", code, tail(out), errs)
	}
	sb, err := sandbox.Open(context.Background(), sandbox.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	cfg := engine.Config{Clients: sb.Clients(), Handlers: aws.Handlers(), App: "shop", Region: "us-east-1", Account: sb.Account()}
	g, err := engine.Find(context.Background(), cfg, arch.TypeSecurityGroup, "sg/db")
	if err != nil {
		t.Fatal(err)
	}
	_, err = sb.Clients().EC2.AuthorizeSecurityGroupIngress(context.Background(), &ec2.AuthorizeSecurityGroupIngressInput{
		GroupId: awssdk.String(g.PhysicalID),
		IpPermissions: []ec2types.IpPermission{{IpProtocol: awssdk.String("tcp"), FromPort: awssdk.Int32(5432), ToPort: awssdk.Int32(5432),
			IpRanges: []ec2types.IpRange{{CidrIp: awssdk.String("0.0.0.0/0")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	sb.Close()
	out, errs, code := mvi(t, append([]string{"status"}, flags...)...)
	if code != 0 || !strings.Contains(out, "Drift: changed outside mvi") || !strings.Contains(out, "ingress tcp 5432 from 0.0.0.0/0 allowed → not allowed") {
		t.Fatalf("status: exit %d\n%s\n%s", code, out, errs)
	}
	out, _, _ = mvi(t, append([]string{"status", "--output", "json"}, flags...)...)
	var snap engine.Snapshot
	if err := json.Unmarshal([]byte(out), &snap); err != nil || len(snap.Drift) != 1 || snap.Drift[0].ID != "sg/db" {
		t.Fatalf("status json drift: %v %+v", err, snap.Drift)
	}
	// `mvi plan` reads only the file; up's plan is the one against the cloud.
	out, errs, code = mvi(t, append([]string{"up", "--yes"}, flags...)...)
	if code != 0 || !strings.Contains(out, "1 updated") || !strings.Contains(out, "drift: changed outside mvi") {
		t.Fatalf("repairing up: exit %d\n%s\n%s", code, out, errs)
	}
	if out, _, _ := mvi(t, append([]string{"up", "--yes"}, flags...)...); !strings.Contains(out, "Nothing to change") {
		t.Errorf("after the repair:\n%s", tail(out))
	}
	if out, _, _ := mvi(t, append([]string{"status"}, flags...)...); strings.Contains(out, "Drift: changed") {
		t.Errorf("status still reports drift:\n%s", out)
	}
}
