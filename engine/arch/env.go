package arch

import (
	"fmt"
	"sort"

	"github.com/minimalinfra/mvi/engine/manifest"
)

// Template is an env value that names what the design makes, cut into
// literal text and references at design time; the engine fills it in at
// apply time, when the endpoint or table it names exists.
type Template []Part

// Part is literal text or one reference ("database.host",
// "secrets.API_KEY").
type Part struct {
	Lit string `json:"lit,omitempty"`
	Ref string `json:"ref,omitempty"`
}

// Refs lists the references of a template.
func (t Template) Refs() []string {
	var out []string
	for _, p := range t {
		if p.Ref != "" {
			out = append(out, p.Ref)
		}
	}
	return out
}

// literal is a template without references as the text it stands for.
func (t Template) literal() string {
	s := ""
	for _, p := range t {
		s += p.Lit
	}
	return s
}

// DBURLRef is the reference DATABASE_URL is made from.
const DBURLRef = "database.url"

// env is how one process's environment reaches its containers: plain
// values, values filled in at apply time, and values that hold a password
// or a secret, which go only through SSM parameters as ECS secrets.
type env struct {
	plain   map[string]string
	filled  map[string]Template
	params  map[string]string // variable → logical id of a parameter the design makes
	secrets map[string]string // variable → name of a secret the person set
	deps    []string
}

// splitEnv sorts a process's variables by how they travel. A value with a
// password or a secret inside other text becomes a parameter of its own
// (design adds it), so the composed value is never plain environment.
func (d *design) splitEnv(process string, vars map[string]string) env {
	e := env{}
	dep := map[string]bool{}
	need := func(ids ...string) {
		for _, id := range ids {
			if !dep[id] {
				dep[id] = true
				e.deps = append(e.deps, id)
			}
		}
	}
	for _, k := range sortedKeys(vars) {
		var own []string // what this variable is filled in from
		parts, err := manifest.SplitRefs(vars[k])
		if err != nil { // manifest.Parse refused it already; keep it literal
			putTo(&e.plain, k, vars[k])
			continue
		}
		t, secret := Template{}, false
		for _, p := range parts {
			if p.Ref == nil {
				t = append(t, Part{Lit: p.Lit})
				continue
			}
			if p.Ref.Kind == "processes" {
				t = append(t, Part{Lit: processRef(p.Ref.Name, d.m.Processes[p.Ref.Name], p.Ref.Field)})
				continue
			}
			if p.Ref.Kind == "fs" && d.m.FS != nil {
				t = append(t, Part{Lit: d.m.FS.Path}) // known now: where it is mounted
				continue
			}
			ref := p.Ref.Kind + "." + p.Ref.Field
			if p.Ref.Kind == "secrets" {
				ref = "secrets." + p.Ref.Name
			}
			t = append(t, Part{Ref: ref})
			secret = secret || p.Ref.Secret()
			own = append(own, d.refDeps(p.Ref.Kind)...)
			need(d.refDeps(p.Ref.Kind)...)
		}
		switch refs := t.Refs(); {
		case len(refs) == 0:
			putTo(&e.plain, k, t.literal())
		case len(t) == 1 && refs[0] == "database.password":
			putTo(&e.params, k, IDDBPassword)
		case len(t) == 1 && parts[0].Ref.Kind == "secrets":
			putTo(&e.secrets, k, parts[0].Ref.Name)
		case len(t) == 1 && refs[0] == DBURLRef:
			putTo(&e.params, k, IDDatabaseURL)
		case len(t) == 1 && refs[0] == KVURLRef:
			putTo(&e.params, k, IDKVURL)
		case secret:
			id := EnvParameterID(process, k)
			d.add(Container, id, TypeParameter, ParameterProps{
				Name: EnvParametersPath(d.m.Name) + process + "/" + k, Secure: true, Key: IDKey, Template: t,
			}, fmt.Sprintf("%s's %s holds a password or a secret, so mvi composes it into an encrypted parameter the container reads at start, never plain environment", process, k),
				append(append([]string{IDKey}, d.refDeps("database")...), own...)...)
			putTo(&e.params, k, id)
		default:
			putTo(&e.filled, k, t)
		}
	}
	if d.m.Database != nil && vars["DATABASE_URL"] == "" {
		putTo(&e.params, "DATABASE_URL", IDDatabaseURL)
	}
	if d.m.KV.Redis() {
		putTo(&e.params, manifest.RedisURLVar, IDKVURL)
	}
	return e
}

// refDeps are the resources a reference to kind is filled in from.
func (d *design) refDeps(kind string) []string {
	switch kind {
	case "database":
		if d.m.Database != nil {
			return []string{IDDatabase, IDDBPassword}
		}
	case "kv":
		if d.m.KV.Redis() {
			return []string{IDCache, IDCacheToken}
		}
		return []string{IDTable}
	case "blob":
		return []string{IDBucket}
	}
	return nil
}

func putTo[V any](m *map[string]V, k string, v V) {
	if *m == nil {
		*m = map[string]V{}
	}
	(*m)[k] = v
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// DatabaseVars are the variables every process of an app with a database
// gets, under the names most images read, with the database's output
// each is set from; a person's own value of the same name wins.
// DATABASE_PASSWORD and DATABASE_URL come as secrets besides.
func DatabaseVars() map[string]string {
	return map[string]string{"DATABASE_HOST": "endpoint", "DATABASE_PORT": "port", "DATABASE_NAME": "db_name", "DATABASE_USER": "username"}
}

// processRef is known at design time: another process of the app is
// reached by its name and port (ECS Service Connect's client alias), so
// ${processes.api.url} is http://api:8000 on every cloud.
func processRef(name string, p *manifest.Process, field string) string {
	port := 0
	if p != nil {
		port = p.Port
	}
	switch field {
	case "host":
		return name
	case "port":
		return fmt.Sprint(port)
	}
	scheme := "http"
	if s, ok := urlSchemes[manifest.NonHTTP(port)]; ok {
		scheme = s
	}
	return fmt.Sprintf("%s://%s:%d", scheme, name, port)
}

// urlSchemes are the URL schemes clients expect of the non-HTTP servers a
// process most often is; any other speaks HTTP or is reached by host/port.
var urlSchemes = map[string]string{"Redis": "redis", "Postgres": "postgres", "MySQL": "mysql", "MongoDB": "mongodb", "AMQP (RabbitMQ)": "amqp"}
