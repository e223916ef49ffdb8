package aws

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/resource"
)

// Every handled type's descriptor is whole: the engine orders deletes,
// groups status and finds strays from it, and Inspect shows its links.
func TestEveryDescriptorIsComplete(t *testing.T) {
	services := map[arch.Service]bool{}
	for _, s := range arch.Services() {
		services[s] = true
	}
	ranks := map[int]bool{}
	site := resource.Site{App: "shop", Region: "eu-west-1", ID: "x", PhysicalID: "arn:aws:svc:eu-west-1:1:thing/phys-1",
		ARN: "arn:aws:svc:eu-west-1:1:thing/phys-1", Attrs: map[string]string{"name": "mvi-shop-x", "cluster": "arn:aws:ecs:eu-west-1:1:cluster/c"}}
	for typ, h := range Handlers() {
		d := h.Describe()
		if !strings.HasPrefix(typ, "AWS::") || strings.Count(typ, "::") != 2 {
			t.Errorf("%q is not a CloudFormation type name", typ)
		}
		if !services[d.Service] {
			t.Errorf("%s: service %q is none of the book's 12", typ, d.Service)
		}
		ranks[d.DeleteRank] = true
		for _, k := range d.ARNKinds {
			if !strings.Contains(k, ":") {
				t.Errorf("%s: ARN kind %q is not service:resource-type", typ, k)
			}
		}
		console, cli := d.See(site)
		if !strings.HasPrefix(console, "https://") || !strings.Contains(console, "console.aws.amazon.com") {
			t.Errorf("%s: console link %q", typ, console)
		}
		if !strings.HasPrefix(cli, "aws ") {
			t.Errorf("%s: look-up %q is no aws CLI command", typ, cli)
		}
		if d.Console != nil && !strings.Contains(console+cli, "mvi-shop-x") && !strings.Contains(console+cli, "phys-1") && !strings.Contains(console+cli, "shop") {
			t.Errorf("%s: links %q / %q don't name the resource", typ, console, cli)
		}
	}
	// The network must go after what runs in it, the key after everything.
	hs := Handlers()
	if !(hs.Describe(arch.TypeService).DeleteRank < hs.Describe(arch.TypeTargetGroup).DeleteRank &&
		hs.Describe(arch.TypeSubnet).DeleteRank < hs.Describe(arch.TypeVPC).DeleteRank &&
		hs.Describe(arch.TypeVPC).DeleteRank < hs.Describe(arch.TypeKey).DeleteRank) {
		t.Error("delete ranks out of order: service < target group, subnet < VPC < key")
	}
	if len(ranks) < 5 {
		t.Errorf("only %d distinct delete ranks: deletes would not be ordered", len(ranks))
	}
}

// Each type name the architecture spells has a handler, and each handler
// handles one of those names: adding a type to one without the other fails.
func TestTypeConstantsAndHandlersMatch(t *testing.T) {
	src := mustRead(t, "../arch/ids.go")
	consts := regexp.MustCompile(`(?m)^\s+Type\w+\s+= "(AWS::[^"]+)"`).FindAllStringSubmatch(src, -1)
	if len(consts) == 0 {
		t.Fatal("no type constants found in engine/arch/ids.go")
	}
	hs := Handlers()
	named := map[string]bool{}
	for _, c := range consts {
		named[c[1]] = true
		if hs[c[1]] == nil {
			t.Errorf("arch names %s, which no handler handles", c[1])
		}
	}
	for typ := range hs {
		if !named[typ] {
			t.Errorf("handler for %s, which engine/arch/ids.go doesn't name", typ)
		}
	}
}

// The Tagging API reveals every type it lists: an ARN of each kind maps
// back to its type, so status never misses a tagged resource.
func TestUntaggedTypesAreTheOnesStatusAlwaysLists(t *testing.T) {
	hs := Handlers()
	for _, typ := range hs.Untagged() {
		switch typ {
		// A health check is global: a regional Tagging API never shows it.
		case arch.TypeRole, arch.TypeInstanceProfile, arch.TypeDashboard, arch.TypeHealthCheck:
		default:
			t.Errorf("%s has no ARN kind, so status would list it on every call", typ)
		}
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
