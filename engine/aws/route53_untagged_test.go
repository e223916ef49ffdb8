package aws

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/route53"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/cloud"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/minimalinfra/mvi/engine/resource"
	"github.com/minimalinfra/mvi/engine/sandbox"
)

// untaggable is Route 53 as it is when mvi is killed between the create
// and the tagging: the tags never arrive.
type untaggable struct{ cloud.Route53 }

func (untaggable) ChangeTagsForResource(context.Context, *route53.ChangeTagsForResourceInput, ...func(*route53.Options)) (*route53.ChangeTagsForResourceOutput, error) {
	return nil, errors.New("killed before the tags went on")
}

// A health check made and never tagged is still the app's: listed as its
// smoke check with no hash (so the next up tags it), deleted by down, and
// no other app's.
func TestAnUntaggedHealthCheckIsStillTheApps(t *testing.T) {
	sb, err := sandbox.Open(context.Background(), sandbox.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	ctx := context.Background()
	a, err := arch.Design(&manifest.Manifest{Name: "shop", Processes: map[string]*manifest.Process{"web": {Image: "httpd", Port: 80}}})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := a.Get(arch.IDSmokeCheck)
	c := *sb.Clients()
	c.Route53 = untaggable{c.Route53}
	env := resource.Env{Clients: &c, App: "shop", Region: sb.Region(), Account: sb.Account(), Clock: time.Now, Say: func(string) {}, Use: func(string) {},
		Deps: map[string]resource.Live{arch.IDLoadBalancer: {ID: arch.IDLoadBalancer, Attrs: map[string]string{"dns_name": "mvi-shop-lb-1.us-east-1.elb.amazonaws.com"}}}}
	h := Handlers()[arch.TypeHealthCheck]
	if _, err := h.Create(ctx, env, r); err == nil {
		t.Fatal("create succeeded with no tags")
	}
	env.Clients = sb.Clients()
	live, err := h.List(ctx, env)
	if err != nil || len(live) != 1 || live[0].ID != arch.IDSmokeCheck || live[0].Hash != "" {
		t.Fatalf("listed %+v %v: want the untagged check as the smoke check, no hash", live, err)
	}
	other := env
	other.App = "blog"
	if l, err := h.List(ctx, other); err != nil || len(l) != 0 {
		t.Errorf("another app lists %+v %v", l, err)
	}
	if err := h.Delete(ctx, env, live[0]); err != nil {
		t.Fatal(err)
	}
	if left, err := h.List(ctx, env); err != nil || len(left) != 0 {
		t.Errorf("after delete: %+v %v", left, err)
	}
}
