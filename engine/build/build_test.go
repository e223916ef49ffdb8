package build

import (
	"archive/tar"
	"reflect"
	"strings"
	"testing"
)

// The book's example: FROM httpd, COPY the page in, with a .dockerignore.
func TestBuildBookExample(t *testing.T) {
	reg := newTestRegistry(t)
	reg.pushBase(t)
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"Dockerfile":               "FROM httpd\nCOPY ./public-html/ /usr/local/apache2/htdocs/\n",
		".dockerignore":            "public-html/draft.html\n*.log\n",
		"public-html/index.html":   "<h1>token-4711</h1>\n",
		"public-html/css/site.css": "h1 { color: red }\n",
		"public-html/draft.html":   "not yet\n",
		"build.log":                "noise\n",
	})
	o := reg.opts(dir, "b-1")
	var log strings.Builder
	o.Log = &log
	res := mustBuild(t, o)
	t.Logf("build log:\n%s", log.String())
	if !strings.Contains(log.String(), "Dockerfile:2: COPY ./public-html/") || !strings.Contains(log.String(), "push "+reg.host+"/app@sha256:") {
		t.Errorf("log = %q", log.String())
	}
	if !strings.HasPrefix(res.Image, reg.host+"/app@sha256:") || res.ImageDigest == "" {
		t.Fatalf("Image = %q, ImageDigest = %q", res.Image, res.ImageDigest)
	}
	if !strings.HasPrefix(res.Base, reg.host+"/httpd@sha256:") {
		t.Errorf("Base = %q", res.Base)
	}
	if res.Layers != 1 {
		t.Errorf("Layers = %d, want 1", res.Layers)
	}
	if want, err := SourceDigest(t.Context(), dir, ""); err != nil || res.SourceDigest != want {
		t.Errorf("SourceDigest = %q, want %q (%v)", res.SourceDigest, want, err)
	}
	// The tag points at the same image as the digest.
	if byTag := pull(t, reg.host+"/app:b-1"); byTag.cfg == nil {
		t.Fatal("no image at the tag")
	}
	p := pull(t, res.Image)
	if got := p.layerCount(t); got != 2 {
		t.Errorf("%d layers, want base + 1", got)
	}
	files := p.lastLayer(t)
	page, ok := files["usr/local/apache2/htdocs/index.html"]
	if !ok || page.data != "<h1>token-4711</h1>\n" {
		t.Fatalf("index.html in the last layer = %+v (present %v); layer has %v", page.data, ok, sortedKeys(files))
	}
	if page.h.Mode&0o777 != 0o644 || page.h.Uid != 0 || !page.h.ModTime.Equal(epoch()) {
		t.Errorf("index.html header: mode %o uid %d time %v", page.h.Mode, page.h.Uid, page.h.ModTime)
	}
	if _, ok := files["usr/local/apache2/htdocs/css/site.css"]; !ok {
		t.Error("css/site.css missing: a directory source copies its whole tree")
	}
	if _, ok := files["usr/local/apache2/htdocs/draft.html"]; ok {
		t.Error("draft.html is in .dockerignore but was copied")
	}
	for n := range files {
		if strings.Contains(n, "public-html") || strings.HasSuffix(n, "build.log") {
			t.Errorf("unexpected entry %s: a directory source copies its contents, not itself", n)
		}
	}
	// The base's config carries through.
	c := p.cfg.Config
	if !reflect.DeepEqual(c.Cmd, []string{"httpd-foreground"}) || c.WorkingDir != "/usr/local/apache2" || c.StopSignal != "SIGWINCH" {
		t.Errorf("config lost the base's: %+v", c)
	}
	if _, ok := c.ExposedPorts["80/tcp"]; !ok {
		t.Errorf("ExposedPorts = %v", c.ExposedPorts)
	}
	if n := len(p.cfg.History); n != 2 || p.cfg.History[1].CreatedBy != "COPY ./public-html/ /usr/local/apache2/htdocs/" {
		t.Errorf("history = %+v", p.cfg.History)
	}
}

// Every config instruction, with ARG defaults, a build arg, and ENV
// using both.
func TestBuildConfigInstructions(t *testing.T) {
	reg := newTestRegistry(t)
	reg.pushBase(t)
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"Dockerfile": `ARG TAG=latest
FROM httpd:${TAG}
ARG VERSION=1.0
ARG MODE
ENV APP_VERSION=$VERSION APP_MODE=${MODE:-prod}
ENV HTTPD_PREFIX=/opt/httpd
WORKDIR /srv
WORKDIR app
COPY --chown=1000:1000 conf.txt ./
EXPOSE 8080 53/udp
USER 1000:1000
LABEL org.opencontainers.image.title="my app" version=$VERSION
ENTRYPOINT ["/srv/app/run"]
CMD ["--port", "8080"]
`,
		"conf.txt": "a=1\n",
	})
	o := reg.opts(dir, "cfg")
	o.BuildArgs = map[string]string{"VERSION": "2.5", "UNUSED": "x"}
	res := mustBuild(t, o)
	p := pull(t, res.Image)
	c := p.cfg.Config
	env := strings.Join(c.Env, "\n")
	for _, want := range []string{"APP_VERSION=2.5", "APP_MODE=prod", "HTTPD_PREFIX=/opt/httpd", "PATH=/usr/local/apache2/bin:"} {
		if !strings.Contains(env, want) {
			t.Errorf("Env lacks %s: %v", want, c.Env)
		}
	}
	for _, kv := range c.Env {
		if k, _, _ := strings.Cut(kv, "="); k == "VERSION" || k == "MODE" || k == "TAG" {
			t.Errorf("ARG %s leaked into Env: only ENV is kept in the image", k)
		}
	}
	if c.WorkingDir != "/srv/app" {
		t.Errorf("WorkingDir = %q, want /srv/app (a relative WORKDIR is under the last)", c.WorkingDir)
	}
	for _, port := range []string{"80/tcp", "8080/tcp", "53/udp"} {
		if _, ok := c.ExposedPorts[port]; !ok {
			t.Errorf("ExposedPorts lacks %s: %v", port, c.ExposedPorts)
		}
	}
	if c.User != "1000:1000" {
		t.Errorf("User = %q", c.User)
	}
	if c.Labels["org.opencontainers.image.title"] != "my app" || c.Labels["version"] != "2.5" {
		t.Errorf("Labels = %v", c.Labels)
	}
	if !reflect.DeepEqual(c.Entrypoint, []string{"/srv/app/run"}) || !reflect.DeepEqual(c.Cmd, []string{"--port", "8080"}) {
		t.Errorf("Entrypoint = %q, Cmd = %q", c.Entrypoint, c.Cmd)
	}
	f, ok := p.lastLayer(t)["srv/app/conf.txt"]
	if !ok || f.h.Uid != 1000 || f.h.Gid != 1000 {
		t.Errorf("conf.txt under WORKDIR with --chown: %+v present %v", f.h, ok)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "UNUSED") {
		t.Errorf("Warnings = %q, want one about UNUSED", res.Warnings)
	}
}

// ENTRYPOINT drops the base's CMD (it was arguments for another
// program); the shell form runs under /bin/sh -c.
func TestBuildEntrypointDropsBaseCmd(t *testing.T) {
	reg := newTestRegistry(t)
	reg.pushBase(t)
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"Dockerfile": "FROM httpd\nENTRYPOINT exec httpd -DFOREGROUND\n"})
	p := pull(t, mustBuild(t, reg.opts(dir, "ep")).Image)
	if p.cfg.Config.Cmd != nil {
		t.Errorf("Cmd = %q, want none", p.cfg.Config.Cmd)
	}
	if want := []string{"/bin/sh", "-c", "exec httpd -DFOREGROUND"}; !reflect.DeepEqual(p.cfg.Config.Entrypoint, want) {
		t.Errorf("Entrypoint = %q, want %q", p.cfg.Config.Entrypoint, want)
	}
	if p.layerCount(t) != 1 {
		t.Errorf("a config-only Dockerfile added a layer")
	}
}

// A file copied to a path the base has as a directory goes inside it;
// to a new path, it becomes that path. One layer per COPY/ADD.
func TestBuildCopyFileDestinations(t *testing.T) {
	reg := newTestRegistry(t)
	reg.pushBase(t)
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"Dockerfile": "FROM httpd\nCOPY page.html /usr/local/apache2/htdocs\nCOPY page.html /usr/local/apache2/extra.html\nCOPY a.txt b.txt /data/\nCOPY *.md /docs/\n",
		"page.html":  "p\n", "a.txt": "a\n", "b.txt": "b\n", "one.md": "1\n", "two.md": "2\n",
	})
	res := mustBuild(t, reg.opts(dir, "dest"))
	if res.Layers != 4 {
		t.Errorf("Layers = %d, want 4", res.Layers)
	}
	p := pull(t, res.Image)
	ls, err := p.img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"usr/local/apache2/htdocs/page.html"},
		{"usr/local/apache2/extra.html"},
		{"data/a.txt", "data/b.txt"},
		{"docs/one.md", "docs/two.md"},
	}
	for i, names := range want {
		got := layerEntries(t, ls[i+1])
		for _, n := range names {
			if e, ok := got[n]; !ok || e.h.Typeflag != tar.TypeReg {
				t.Errorf("layer %d lacks file %s: has %v", i+1, n, sortedKeys(got))
			}
		}
	}
}

// A Dockerfile's own base from scratch, and ADD unpacking a tar.gz.
func TestBuildScratchAndAdd(t *testing.T) {
	reg := newTestRegistry(t)
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"Dockerfile": "FROM scratch\nADD site.tar.gz /www/\nADD --chown=7 plain.txt /plain.txt\nCMD [\"/www/serve\"]\n",
		"plain.txt":  "x\n",
	})
	writeTarGz(t, dir+"/site.tar.gz", map[string]string{"index.html": "hi\n", "img/": "", "img/logo.svg": "<svg/>"})
	res := mustBuild(t, reg.opts(dir, "scratch"))
	p := pull(t, res.Image)
	if res.Base != "scratch" || p.layerCount(t) != 2 || p.cfg.OS != "linux" || p.cfg.Architecture != "amd64" {
		t.Fatalf("base %q, %d layers, %s/%s", res.Base, p.layerCount(t), p.cfg.OS, p.cfg.Architecture)
	}
	ls, _ := p.img.Layers()
	first := layerEntries(t, ls[0])
	if first["www/index.html"].data != "hi\n" || first["www/img/logo.svg"].data != "<svg/>" {
		t.Errorf("ADD did not unpack the archive: %v", sortedKeys(first))
	}
	if e := p.lastLayer(t)["plain.txt"]; e.h == nil || e.h.Uid != 7 || e.h.Gid != 7 {
		t.Errorf("ADD --chown=7 of a plain file: %+v", e.h)
	}
}
