package aws

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/minimalinfra/mvi/engine/arch"
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

// fill turns a template into its value from the live dependencies. reveal
// reads what must never be plain environment (the database password, a
// person's secret); a task definition passes nil, and only a parameter
// composing a secret value may read them.
func fill(ctx context.Context, env resource.Env, self string, t arch.Template, reveal func(ctx context.Context, name string) (string, error)) (string, error) {
	var b strings.Builder
	for _, p := range t {
		if p.Ref == "" {
			b.WriteString(p.Lit)
			continue
		}
		v, err := refValue(ctx, env, self, p.Ref, reveal)
		if err != nil {
			return "", err
		}
		b.WriteString(v)
	}
	return b.String(), nil
}

func refValue(ctx context.Context, env resource.Env, self, ref string, reveal func(ctx context.Context, name string) (string, error)) (string, error) {
	secret := func(name string) (string, error) {
		if reveal == nil {
			return "", fmt.Errorf("%s: ${%s} holds a secret and can't be plain environment", self, ref)
		}
		return reveal(ctx, name)
	}
	password := func() (string, error) {
		pw, err := dep(env, self, arch.IDDBPassword)
		if err != nil {
			return "", err
		}
		return secret(pw.PhysicalID)
	}
	attr := func(id, a string) (string, error) { return depAttr(env, self, id, a) }
	switch ref {
	case "database.host":
		return attr(arch.IDDatabase, "endpoint")
	case "database.port":
		return attr(arch.IDDatabase, "port")
	case "database.name":
		return attr(arch.IDDatabase, "db_name")
	case "database.user":
		return attr(arch.IDDatabase, "username")
	case "database.password":
		return password()
	case arch.DBURLRef:
		db, err := dep(env, self, arch.IDDatabase)
		if err != nil {
			return "", err
		}
		for _, a := range []string{"endpoint", "port", "db_name", "username"} {
			if db.Attrs[a] == "" {
				return "", fmt.Errorf("%s: the database has no %s yet", self, a)
			}
		}
		pw, err := password()
		if err != nil {
			return "", err
		}
		u := url.URL{Scheme: dbScheme(db.Attrs["engine"]), User: url.UserPassword(db.Attrs["username"], pw),
			Host: db.Attrs["endpoint"] + ":" + db.Attrs["port"], Path: "/" + db.Attrs["db_name"]}
		return u.String(), nil
	case arch.KVURLRef:
		c, err := dep(env, self, arch.IDCache)
		if err != nil {
			return "", err
		}
		if c.Attrs["endpoint"] == "" || c.Attrs["port"] == "" {
			return "", fmt.Errorf("%s: the Redis has no endpoint yet", self)
		}
		tok, err := dep(env, self, arch.IDCacheToken)
		if err != nil {
			return "", err
		}
		t, err := secret(tok.PhysicalID)
		if err != nil {
			return "", err
		}
		// rediss: TLS, as the group has in-transit encryption on; the
		// token is the password of the default user, so no user name.
		u := url.URL{Scheme: "rediss", User: url.UserPassword("", t), Host: c.Attrs["endpoint"] + ":" + c.Attrs["port"]}
		return u.String(), nil
	case "kv.table":
		return attr(arch.IDTable, "name")
	case "blob.bucket":
		return attr(arch.IDBucket, "name")
	}
	if name, ok := strings.CutPrefix(ref, "secrets."); ok {
		return secret(arch.SecretPath(env.App, name))
	}
	return "", fmt.Errorf("%s: mvi can't fill in ${%s}", self, ref)
}

// dbScheme is the URL scheme frameworks expect for an RDS engine: MariaDB
// speaks MySQL's protocol.
func dbScheme(engine string) string {
	switch engine {
	case "mysql", "mariadb":
		return "mysql"
	}
	return "postgres"
}
