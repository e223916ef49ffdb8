package engine

import (
	"context"
	"testing"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/sandbox"
)

// Renaming the default process renames its listener, and AWS allows one
// listener a port: the new id takes the old listener over (now forwarding
// to the new process), the old id's delete keeps it, a second plan is
// empty and down leaves nothing.
func TestRenamingTheDefaultProcessHandsItsListenerOver(t *testing.T) {
	_, cfg := openSandbox(t, sandbox.Options{})
	testListenerHandover(t, cfg)
}

// The same through moto_server.
func TestRenamingTheDefaultProcessHandsItsListenerOverOnMoto(t *testing.T) {
	testListenerHandover(t, motoConfig(t))
}

func testListenerHandover(t *testing.T, cfg Config) {
	cfg.App = "shop"
	ctx := context.Background()
	if _, err := planApply(t, ctx, cfg, design(t, "name = \"shop\"\n[processes.web]\nimage = \"httpd\"\nport = 80\n"), nil); err != nil {
		t.Fatal(err)
	}
	b := design(t, "name = \"shop\"\n[processes.app]\nimage = \"httpd\"\nport = 80\n")
	if _, err := planApply(t, ctx, cfg, b, nil); err != nil {
		t.Fatalf("apply after the rename: %v", err)
	}
	n := liveIDs(t, cfg)
	if n[arch.ListenerID("app")] != 1 || n[arch.ListenerID("web")] != 0 {
		t.Errorf("listeners after the rename: app %d, web %d", n[arch.ListenerID("app")], n[arch.ListenerID("web")])
	}
	live, err := listAll(ctx, cfg, cfg.Handlers.Types())
	if err != nil {
		t.Fatal(err)
	}
	var lbARN, tgARN string
	for _, l := range live {
		switch l.ID {
		case arch.IDLoadBalancer:
			lbARN = l.ARN
		case "target-group/app":
			tgARN = l.ARN
		}
	}
	ls, err := cfg.Clients.ELB.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: sdkaws.String(lbARN)})
	if err != nil || len(ls.Listeners) != 1 || sdkaws.ToString(ls.Listeners[0].DefaultActions[0].TargetGroupArn) != tgARN {
		t.Fatalf("the load balancer's listeners: %+v %v; want one, forwarding to app's target group %s", ls, err, tgARN)
	}
	again, err := MakePlan(ctx, cfg, b)
	if err != nil || again.Changes() != 0 {
		t.Errorf("a second plan: %d changes, %v", again.Changes(), err)
	}
	cfg.AllowDataLoss = true
	if err := Destroy(ctx, cfg, nil); err != nil {
		t.Fatal(err)
	}
	if left := liveIDs(t, cfg); len(left) != 0 {
		t.Errorf("down left %v", left)
	}
}
