package aws

import (
	"fmt"
	"sort"

	"github.com/minimalinfra/mvi/engine/resource"
)

// dep returns the live dependency id, or an error naming what is missing.
func dep(env resource.Env, self, id string) (resource.Live, error) {
	if id == "" {
		return resource.Live{}, fmt.Errorf("%s: a reference is empty", self)
	}
	d, ok := env.Deps[id]
	if !ok {
		return resource.Live{}, fmt.Errorf("%s: needs %s, which is not among its live dependencies", self, id)
	}
	return d, nil
}

// depAttr returns one attribute of a live dependency.
func depAttr(env resource.Env, self, id, attr string) (string, error) {
	d, err := dep(env, self, id)
	if err != nil {
		return "", err
	}
	v := d.Attrs[attr]
	if v == "" {
		return "", fmt.Errorf("%s: dependency %s has no %s", self, id, attr)
	}
	return v, nil
}

// depAttrVia finds an attribute of dependency id or, when the design names
// a resource it does not list in DependsOn, the attribute viaAttr of a
// listed dependency of type via that carries it (e.g. the cluster name on
// the cluster capacity association).
func depAttrVia(env resource.Env, self, id, attr, via, viaAttr string) (string, error) {
	if d, ok := env.Deps[id]; ok && d.Attrs[attr] != "" {
		return d.Attrs[attr], nil
	}
	ids := sortedDeps(env)
	for _, k := range ids {
		d := env.Deps[k]
		if d.Type == via && d.Attrs[viaAttr] != "" {
			return d.Attrs[viaAttr], nil
		}
	}
	return "", fmt.Errorf("%s: needs %s (or a %s dependency), which is not among its live dependencies", self, id, via)
}

func sortedDeps(env resource.Env) []string {
	ids := make([]string, 0, len(env.Deps))
	for k := range env.Deps {
		ids = append(ids, k)
	}
	sort.Strings(ids)
	return ids
}
