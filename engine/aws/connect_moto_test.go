//go:build unix

package aws

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/resource"
)

// The namespace through the real SDK against moto: made once (a retried
// create finds it), tagged at creation, found by its app only, and gone
// after a delete, twice.
func TestMotoNamespace(t *testing.T) {
	clients, account := motoClients(t)
	resetMoto(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	a := fullExample(t)
	r, ok := a.Get(arch.IDNamespace)
	if !ok {
		t.Fatal("the example (web + worker) has no namespace")
	}
	h := Handlers()[arch.TypeNamespace]
	env := resource.Env{Clients: clients, App: a.App, Region: a.Region, Account: account, Clock: time.Now,
		Say: func(string) {}, Use: func(string) {}}
	l, err := h.Create(ctx, env, r)
	if err != nil {
		t.Fatal(err)
	}
	if l.PhysicalID == "" || l.ARN == "" || l.Attrs["name"] != "shop.mvi.internal" || l.Hash != arch.Hash(r.Props) {
		t.Fatalf("created %+v", l)
	}
	tags, err := clients.ServiceDiscovery.ListTagsForResource(ctx, &servicediscovery.ListTagsForResourceInput{ResourceARN: aws.String(l.ARN)})
	if err != nil {
		t.Fatal(err)
	}
	if m := sdTagMap(tags.Tags); m[resource.TagApp] != "shop" || m[resource.TagID] != arch.IDNamespace {
		t.Errorf("tags %v", m)
	}
	again, err := h.Create(ctx, env, r)
	if err != nil || again.PhysicalID != l.PhysicalID {
		t.Fatalf("a retried create made %s (%v), first %s", again.PhysicalID, err, l.PhysicalID)
	}
	found, err := h.List(ctx, env)
	if err != nil || len(found) != 1 || found[0].PhysicalID != l.PhysicalID || found[0].ID != arch.IDNamespace {
		t.Fatalf("list %+v, %v", found, err)
	}
	other := env
	other.App = "shop2"
	if n, err := h.List(ctx, other); err != nil || len(n) != 0 {
		t.Errorf("shop2 sees %+v (%v)", n, err)
	}
	for i := 0; i < 2; i++ {
		if err := h.Delete(ctx, env, l); err != nil {
			t.Fatalf("delete (try %d): %v", i+1, err)
		}
	}
	if left, err := h.List(ctx, env); err != nil || len(left) != 0 {
		t.Errorf("after delete: %+v (%v)", left, err)
	}
	ns, err := clients.ServiceDiscovery.ListNamespaces(ctx, &servicediscovery.ListNamespacesInput{})
	if err != nil || len(ns.Namespaces) != 0 {
		t.Errorf("moto still holds %d namespaces (%v)", len(ns.Namespaces), err)
	}
}
