package manifest

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/minimalinfra/mvi/engine/build/site"
)

// helloWorld is the smallest app mvi runs: the book's Hello World.
const helloWorld = "[processes.web]\nimage = \"httpd\"\nport = 80"

// validate runs the checks that look at more than one field, once defaults
// are applied. Single values were checked against their rule while decoding.
func (d *decoder) validate(m *Manifest, root *node) {
	d.checkName(m, root)
	d.checkProcesses(m, root)
	d.checkSecrets(m)
	d.checkRefs(m)
	d.checkEnvNames(m)
	d.checkBuilds(m)
	d.checkFit(m)
	d.checkRoutes(m)
	d.checkNotify(m, root)
	d.checkKV(m)
	d.checkPrivateHealth(m)
}

// CheckAppName says whether s can name an app, as mvi.toml's name would,
// and suggests one that can.
func CheckAppName(s string) error {
	r := rules["name"]
	if r.pattern.MatchString(s) && len(s) <= r.maxLen {
		return nil
	}
	fix := nameShape
	if t := fixName(s, r.maxLen); t != "" && t != s {
		fix = fmt.Sprintf("did you mean %q?", t)
	}
	return fmt.Errorf("not an app name (%s)", fix)
}

func (d *decoder) checkName(m *Manifest, root *node) {
	if root.get("name") != nil {
		return // written: its rule was checked while decoding
	}
	if m.Name == "" {
		d.c.add(pos{1, 1}, []string{"name"}, `add one at the top of the file: name = "my-app"`,
			"missing: the app needs a name, and there is no directory name to use")
		return
	}
	r := rules["name"]
	if !r.pattern.MatchString(m.Name) || len(m.Name) > r.maxLen {
		fix := `set one at the top of mvi.toml: name = "my-app"`
		if s := fixName(m.Name, r.maxLen); s != "" {
			fix = fmt.Sprintf("set one at the top of mvi.toml: name = %q", s)
		}
		d.c.add(pos{1, 1}, []string{"name"}, fix,
			"the app name defaults to the directory's, and %q is not a valid app name (%s)", m.Name, nameShape)
	}
}

func (d *decoder) checkProcesses(m *Manifest, root *node) {
	pn := root.get("processes")
	if len(m.Processes) == 0 && !d.bad["processes"] && !slices.Contains(d.guessed[""], "processes") &&
		(pn == nil || len(pn.keys) == 0) {
		at := pos{1, 1}
		if pn != nil {
			at = pn.at
		}
		d.c.add(at, []string{"processes"}, "add one, e.g. the book's Hello World:\n"+helloWorld,
			"no processes: an app needs at least one to run")
	}
	for _, name := range m.ProcessNames() {
		p := m.Processes[name]
		path := []string{"processes", name}
		base := joinPath(path)
		n := d.nodes[base]
		if p == nil || n == nil {
			continue
		}
		switch {
		case p.Image == "" && p.Build == "":
			if d.bad[base+".image"] || d.bad[base+".build"] ||
				slices.Contains(d.guessed[base], "image") || slices.Contains(d.guessed[base], "build") {
				continue // already reported, as an empty value or a misspelled key
			}
			d.c.add(n.at, path, `add image = "httpd" to run a published image, or build = "." to build one from this directory`,
				"has neither image nor build: mvi needs one to know what to run")
		case p.Image != "" && p.Build != "":
			at := n.at
			if b := d.nodes[base+".build"]; b != nil {
				at = b.key
			}
			d.c.add(at, path, "keep one: image runs a published image, build builds one from your source",
				"has both image and build")
		}
	}
}

// checkSecrets keeps secret names unique and out of env: a value in env
// would put the secret in the file it must never be in, and two sources for
// one variable leave it unclear which wins.
func (d *decoder) checkSecrets(m *Manifest) {
	seen := map[string]bool{}
	for i, s := range m.Secrets {
		path := []string{"secrets", fmt.Sprintf("[%d]", i)}
		if seen[s] {
			if n := d.nodes[joinPath(path)]; n != nil {
				d.c.add(n.at, path, "remove one of them", "%q is listed twice", s)
			}
			continue
		}
		seen[s] = true
		envs := []envAt{{[]string{"env"}, m.Env}}
		for _, name := range m.ProcessNames() {
			if p := m.Processes[name]; p != nil {
				envs = append(envs, envAt{[]string{"processes", name, "env"}, p.Env})
			}
		}
		for _, e := range envs {
			if _, ok := e.env[s]; !ok {
				continue
			}
			kpath := with(e.path, s)
			at := pos{1, 1}
			if n := d.nodes[joinPath(kpath)]; n != nil {
				at = n.key
			}
			d.c.add(at, kpath, "remove it from env: a secret's value is set with mvi and never written in this file",
				"%q is in both env and secrets", s)
		}
	}
}

// envAt is an env table and where it is written.
type envAt struct {
	path []string
	env  map[string]string
}

// checkRefs makes sure every ${…} in an env value names something this
// app has: a reference to a database the app doesn't ask for would reach
// the container as an empty string, the hardest kind of bug to see.
func (d *decoder) checkRefs(m *Manifest) {
	envs := []envAt{{[]string{"env"}, m.Env}}
	for _, name := range m.ProcessNames() {
		if p := m.Processes[name]; p != nil {
			envs = append(envs, envAt{[]string{"processes", name, "env"}, p.Env})
		}
	}
	has := map[string]bool{"database": m.Database != nil, "kv": m.KV != nil, "blob": m.Blob != nil, "fs": m.FS != nil}
	for _, e := range envs {
		for _, k := range sortedKeys(e.env) {
			v := e.env[k]
			kpath := with(e.path, k)
			at := pos{1, 1}
			n := d.nodes[joinPath(kpath)]
			if n != nil {
				at = n.at
			}
			// A value written on one line as a basic string: the reference's
			// column is the value's plus one for the quote plus its offset.
			col := func(off int) pos {
				if n != nil && n.text == v && !strings.ContainsAny(v, "\n\\") {
					return pos{at.Line, at.Col + 1 + off}
				}
				return at
			}
			refs, err := Refs(v)
			if err != nil {
				re := err.(*RefError)
				d.c.add(col(re.Offset), kpath, re.Fix, "%s", re.Msg)
				continue
			}
			for _, r := range refs {
				switch {
				case r.Kind == "secrets" && !slices.Contains(m.Secrets, r.Name):
					fix := fmt.Sprintf("add it to secrets = [%q] and set its value with `mvi secrets set %s`", r.Name, r.Name)
					if s := nearest(r.Name, m.Secrets); s != "" {
						fix = fmt.Sprintf("did you mean ${secrets.%s}?", s)
					}
					d.c.add(col(r.Offset), kpath, fix, "%s names a secret this app doesn't list", r.Text)
				case r.Kind == "processes":
					d.checkProcessRef(m, r, col(r.Offset), kpath)
				case r.Kind != "secrets" && !has[r.Kind]:
					section := refSection[r.Kind]
					if r.Kind == "kv" && r.Field == "url" {
						section = fmt.Sprintf("[kv] with engine = %q", KVRedis)
					}
					d.c.add(col(r.Offset), kpath, fmt.Sprintf("add %s to mvi.toml, or remove the reference", section),
						"%s refers to the app's %s, and it has none", r.Text, r.Kind)
				case r.Kind == "kv":
					if msg, fix := kvRefError(m, r); msg != "" {
						d.c.add(col(r.Offset), kpath, fix, "%s", msg)
					}
				}
			}
		}
	}
}

// checkEnvNames keeps env out of the names mvi and ECS set themselves: a
// DATABASE_HOST written by hand would silently lose to (or fight with) the
// real one, and AWS_*/ECS_* belong to the SDKs and the container agent.
func (d *decoder) checkEnvNames(m *Manifest) {
	envs := []envAt{{[]string{"env"}, m.Env}}
	for _, name := range m.ProcessNames() {
		if p := m.Processes[name]; p != nil {
			envs = append(envs, envAt{[]string{"processes", name, "env"}, p.Env})
		}
	}
	for _, e := range envs {
		for _, k := range sortedKeys(e.env) {
			why := ""
			switch up := strings.ToUpper(k); {
			case strings.HasPrefix(up, "AWS_") || strings.HasPrefix(up, "ECS_"):
				why = "names starting with AWS_ or ECS_ belong to the AWS SDKs and the ECS agent"
			case m.Database != nil && slices.Contains(mviDBVars, up):
				why = "mvi sets it from the database"
			case m.KV.Redis() && up == RedisURLVar:
				why = "mvi sets it from the app's Redis; refer to it elsewhere as ${kv.url}"
			default:
				continue
			}
			kpath := with(e.path, k)
			at := pos{1, 1}
			if n := d.nodes[joinPath(kpath)]; n != nil {
				at = n.key
			}
			d.c.add(at, kpath, "use another name, e.g. APP_"+k+"; for the database's settings use references like ${database.host}",
				"%s is set by mvi or AWS: %s", k, why)
		}
	}
}

// RedisURLVar is what every container of an app whose [kv] is Redis gets:
// the name Redis clients (Sidekiq, Celery, redis-py, ioredis) read.
const RedisURLVar = "REDIS_URL"

// mviDBVars are what every container gets when the app has a database.
var mviDBVars = []string{"DATABASE_URL", "DATABASE_HOST", "DATABASE_PORT", "DATABASE_NAME", "DATABASE_USER", "DATABASE_PASSWORD"}

// checkBuilds keeps build directories inside the app's own directory:
// a build uploads what it names, and ../../etc is nobody's app.
func (d *decoder) checkBuilds(m *Manifest) {
	for _, name := range m.ProcessNames() {
		p := m.Processes[name]
		if p != nil && p.Dockerfile != "" && !d.checkDockerfilePath(name, p) {
			continue
		}
		if p == nil || p.Build == "" {
			continue
		}
		clean := filepath.Clean(filepath.FromSlash(p.Build))
		path := []string{"processes", name, "build"}
		at := pos{1, 1}
		if n := d.nodes[joinPath(path)]; n != nil {
			at = n.at
		}
		if !filepath.IsAbs(clean) && clean != ".." && !strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
			d.checkBuildDir(at, path, p.Build, clean, p.Dockerfile)
			continue
		}
		d.c.add(at, path, `name a directory inside the one holding mvi.toml, e.g. build = "." or build = "./web"`,
			"%q is outside the app's directory", p.Build)
	}
}

// checkDockerfilePath keeps a process's dockerfile a path inside its build
// directory, and only on a process that builds; it reports whether the
// build can be looked at further.
func (d *decoder) checkDockerfilePath(name string, p *Process) bool {
	path := []string{"processes", name, "dockerfile"}
	at := pos{1, 1}
	if n := d.nodes[joinPath(path)]; n != nil {
		at = n.at
	}
	if p.Build == "" {
		d.c.add(at, path, "give build too (the directory it is in), or remove dockerfile: an image is not built",
			"dockerfile %q without build", p.Dockerfile)
		return false
	}
	clean := filepath.Clean(filepath.FromSlash(p.Dockerfile))
	if filepath.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) || clean == "." {
		d.c.add(at, path, `give a path inside the build directory, e.g. dockerfile = "docker/Dockerfile"`,
			"%q is outside the build directory %q", p.Dockerfile, p.Build)
		return false
	}
	return true
}

// checkBuildDir refuses, before any change, a build directory that isn't
// there or has no Dockerfile: the app would otherwise come "up" with no
// image of its own.
func (d *decoder) checkBuildDir(at pos, path []string, build, clean, dockerfile string) {
	if d.dir == "" {
		return // parsed from memory: nothing on disk to look at
	}
	dir := filepath.Join(d.dir, clean)
	fi, err := os.Stat(dir)
	switch {
	case err != nil || !fi.IsDir():
		d.c.add(at, path, `name a directory beside mvi.toml holding the app's source and a Dockerfile, e.g. build = "."`,
			"%q is not a directory (looked in %s)", build, dir)
	case dockerfile != "":
		if f := filepath.Join(dir, filepath.FromSlash(dockerfile)); !exists(f) {
			dpath := append(path[:len(path)-1:len(path)-1], "dockerfile")
			dat := at
			if n := d.nodes[joinPath(dpath)]; n != nil {
				dat = n.at
			}
			d.c.add(dat, dpath, "give the Dockerfile's path inside the build directory, e.g. dockerfile = \"docker/Dockerfile\"",
				"%q is not in %q (looked for %s)", dockerfile, build, f)
		}
	case !exists(filepath.Join(dir, "Dockerfile")):
		names := topNames(dir)
		if site.IsStatic(names) {
			return // served by nginx; the plan says so
		}
		fix := "add a Dockerfile there saying how to build the image, e.g. FROM python:3.12 then COPY . /app"
		if found := findDockerfile(dir); found != "" {
			fix = fmt.Sprintf("to build with %s, say so: dockerfile = %q", found, found)
		} else if sign := site.AppSign(names); sign != "" {
			fix += " (" + sign + " shows it is a program; only a plain static site with an " + site.Index + " needs no Dockerfile)"
		} else {
			fix += ", or put an " + site.Index + " there for a static site served by nginx"
		}
		d.c.add(at, path, fix, "%q has no Dockerfile, so there is nothing to build", build)
	}
}

// findDockerfile is the first Dockerfile (or Dockerfile.*, *.Dockerfile)
// a few levels below dir, by path, for the fix of a build directory with
// none at its top; "" when there is none.
func findDockerfile(dir string) string {
	var found string
	_ = filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable: the build says why later
		}
		rel, _ := filepath.Rel(dir, p)
		if e.IsDir() {
			if n := e.Name(); rel != "." && (strings.Count(rel, string(filepath.Separator)) >= 2 || strings.HasPrefix(n, ".") || n == "node_modules" || n == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if n := e.Name(); n == "Dockerfile" || strings.HasPrefix(n, "Dockerfile.") || strings.HasSuffix(n, ".Dockerfile") {
			found = filepath.ToSlash(rel)
			return filepath.SkipAll
		}
		return nil
	})
	return found
}

// topNames lists dir's top level; an unreadable one lists nothing, and
// the build says why later.
func topNames(dir string) []string {
	ents, _ := os.ReadDir(dir)
	names := make([]string, len(ents))
	for i, e := range ents {
		names[i] = e.Name()
	}
	return names
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// checkProcessRef needs the process to exist and listen: a name with no
// port has nothing another process could connect to.
func (d *decoder) checkProcessRef(m *Manifest, r Ref, at pos, path []string) {
	p, ok := m.Processes[r.Name]
	switch {
	case !ok:
		fix := "name one of the app's processes: " + strings.Join(m.ProcessNames(), ", ")
		if s := nearest(r.Name, m.ProcessNames()); s != "" {
			fix = fmt.Sprintf("did you mean ${processes.%s.%s}?", s, r.Field)
		}
		d.c.add(at, path, fix, "%s names a process this app doesn't have", r.Text)
	case p != nil && p.Port == 0:
		d.c.add(at, path, fmt.Sprintf("give %s the port its server listens on, e.g. port = 8080", r.Name),
			"%s refers to %s, which has no port to reach it on", r.Text, r.Name)
	}
}
