package aws

import (
	"context"
	"testing"
	"time"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/resource"
	"github.com/minimalinfra/mvi/engine/sandbox"
)

// Cloud Map answers a create with an operation that finishes later: the
// handler waits it out (on the run's own sleep, here the sandbox's
// clock), so what it returns has an id and an ARN, and a delete leaves
// nothing listed.
func TestNamespaceWaitsForItsOperations(t *testing.T) {
	clk := sandbox.NewManualClock(time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC))
	sb, err := sandbox.Open(context.Background(), sandbox.Options{Dir: t.TempDir(), Speed: 1, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	slept := time.Duration(0)
	env := resource.Env{Clients: sb.Clients(), App: "shop", Region: sb.Region(), Account: sb.Account(), Clock: clk.Now,
		Say: func(string) {}, Use: func(string) {},
		Sleep: func(ctx context.Context, d time.Duration) error { slept += d; clk.Advance(d); return nil }}
	r := arch.Resource{ID: arch.IDNamespace, Type: arch.TypeNamespace, Props: arch.NamespaceProps{Name: arch.NamespaceName("shop")}}
	h := Handlers()[arch.TypeNamespace]
	l, err := h.Create(context.Background(), env, r)
	if err != nil {
		t.Fatal(err)
	}
	if l.PhysicalID == "" || l.ARN == "" || slept == 0 {
		t.Fatalf("created %+v after sleeping %s", l, slept)
	}
	if err := h.Delete(context.Background(), env, l); err != nil {
		t.Fatal(err)
	}
	if left, err := h.List(context.Background(), env); err != nil || len(left) != 0 {
		t.Errorf("after delete: %+v %v", left, err)
	}
}
