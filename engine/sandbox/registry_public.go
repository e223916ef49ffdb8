package sandbox

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// The public registry: the base images a Dockerfile's FROM may name,
// made by the sandbox itself (nothing is fetched from the internet) and
// served anonymously at Docker Hub's and ECR Public's names. Each is a
// small image with the official image's configuration (environment,
// command, working directory, ports, stop signal) and the few files that
// make it what it is (httpd's htdocs and httpd.conf, nginx's html and
// default.conf). They are built from fixed bytes and timestamps, so their
// digests are the same in every sandbox and every run.
//
// Each carries the label programLabel naming the program it models. That
// isn't inventing: the sandbox made these images, so it knows what they
// are, and an image built FROM one inherits the label in its config —
// which is how the data plane knows a pushed image is httpd with the
// learner's files on top (image_files.go).

const programLabel = "org.minimalinfra.sandbox.program"

// baseCreated is when the sandbox's base images say they were made.
var baseCreated = time.Date(2024, 11, 12, 0, 0, 0, 0, time.UTC)

type baseFile struct{ path, body string }

type baseImage struct {
	repo    string   // "library/httpd"
	variant string   // "" or "alpine", "slim"
	tags    []string // listed tags (httpd and nginx also accept any tag officialTag does)
	program string
	config  v1.Config
	files   []baseFile
}

const (
	debianPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	debianOS   = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n"
	alpineOS   = "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME=\"Alpine Linux v3.20\"\n"
	httpdConf  = "ServerRoot \"/usr/local/apache2\"\nListen 80\nLoadModule mpm_event_module modules/mod_mpm_event.so\nLoadModule dir_module modules/mod_dir.so\nLoadModule mime_module modules/mod_mime.so\nLoadModule log_config_module modules/mod_log_config.so\nLoadModule unixd_module modules/mod_unixd.so\nUser www-data\nGroup www-data\nServerAdmin you@example.com\nDocumentRoot \"/usr/local/apache2/htdocs\"\n<Directory \"/usr/local/apache2/htdocs\">\n    Options Indexes FollowSymLinks\n    AllowOverride None\n    Require all granted\n</Directory>\nDirectoryIndex index.html\nErrorLog /proc/self/fd/2\nLogLevel warn\nLogFormat \"%h %l %u %t \\\"%r\\\" %>s %b\" common\nCustomLog /proc/self/fd/1 common\nTypesConfig conf/mime.types\n"
	nginxConf  = "server {\n    listen       80;\n    listen  [::]:80;\n    server_name  localhost;\n\n    location / {\n        root   /usr/share/nginx/html;\n        index  index.html index.htm;\n    }\n\n    error_page   500 502 503 504  /50x.html;\n    location = /50x.html {\n        root   /usr/share/nginx/html;\n    }\n}\n"
	nginx50x   = "<!DOCTYPE html>\n<html>\n<head>\n<title>Error</title>\n</head>\n<body>\n<h1>An error occurred.</h1>\n<p>Sorry, the page you are looking for is currently unavailable.<br/>\nPlease try again later.</p>\n</body>\n</html>\n"
)

func httpdBase(variant, osRelease string, tags []string) baseImage {
	return baseImage{repo: "library/httpd", variant: variant, tags: tags, program: "httpd",
		config: v1.Config{
			Env:          []string{"PATH=/usr/local/apache2/bin:" + debianPath, "HTTPD_PREFIX=/usr/local/apache2", "HTTPD_VERSION=2.4.62"},
			Cmd:          []string{"httpd-foreground"},
			WorkingDir:   "/usr/local/apache2",
			ExposedPorts: map[string]struct{}{"80/tcp": {}},
			StopSignal:   "SIGWINCH",
		},
		files: []baseFile{{"etc/os-release", osRelease}, {"usr/local/apache2/htdocs/index.html", httpdPage}, {"usr/local/apache2/conf/httpd.conf", httpdConf}}}
}

func nginxBase(variant, osRelease string, tags []string) baseImage {
	return baseImage{repo: "library/nginx", variant: variant, tags: tags, program: "nginx",
		config: v1.Config{
			Env:          []string{"PATH=" + debianPath, "NGINX_VERSION=1.27.3"},
			Entrypoint:   []string{"/docker-entrypoint.sh"},
			Cmd:          []string{"nginx", "-g", "daemon off;"},
			ExposedPorts: map[string]struct{}{"80/tcp": {}},
			StopSignal:   "SIGQUIT",
			Labels:       map[string]string{"maintainer": "NGINX Docker Maintainers <docker-maint@nginx.com>"},
		},
		files: []baseFile{{"etc/os-release", osRelease}, {"usr/share/nginx/html/index.html", nginxPage}, {"usr/share/nginx/html/50x.html", nginx50x}, {"etc/nginx/conf.d/default.conf", nginxConf}}}
}

// baseImages is the whole catalogue.
func baseImages() []baseImage {
	return []baseImage{
		httpdBase("", debianOS, []string{"latest", "2", "2.4", "2.4.62", "bookworm", "2.4-bookworm", "2.4.62-bookworm"}),
		httpdBase("alpine", alpineOS, []string{"alpine", "2-alpine", "2.4-alpine", "2.4.62-alpine"}),
		nginxBase("", debianOS, []string{"latest", "1", "1.27", "1.27.3", "mainline", "stable", "bookworm"}),
		nginxBase("alpine", alpineOS, []string{"alpine", "1-alpine", "1.27-alpine", "1.27.3-alpine", "stable-alpine"}),
		{repo: "library/python", variant: "slim", tags: []string{"3.12-slim", "3.12.8-slim", "3-slim", "slim"}, program: "python",
			config: v1.Config{Env: []string{"PATH=" + debianPath, "LANG=C.UTF-8", "PYTHON_VERSION=3.12.8"}, Cmd: []string{"python3"}},
			files:  []baseFile{{"etc/os-release", debianOS}}},
		{repo: "library/node", variant: "slim", tags: []string{"22-slim", "22.12-slim", "22.12.0-slim", "lts-slim"}, program: "node",
			config: v1.Config{Env: []string{"PATH=" + debianPath, "NODE_VERSION=22.12.0", "YARN_VERSION=1.22.22"}, Entrypoint: []string{"docker-entrypoint.sh"}, Cmd: []string{"node"}},
			files:  []baseFile{{"etc/os-release", debianOS}}},
		{repo: "library/node", variant: "alpine", tags: []string{"22-alpine", "22.12-alpine", "22.12.0-alpine", "lts-alpine", "alpine"}, program: "node",
			config: v1.Config{Env: []string{"PATH=" + debianPath, "NODE_VERSION=22.12.0", "YARN_VERSION=1.22.22"}, Entrypoint: []string{"docker-entrypoint.sh"}, Cmd: []string{"node"}},
			files:  []baseFile{{"etc/os-release", alpineOS}}},
		{repo: "library/ruby", variant: "slim", tags: []string{"3.3-slim", "3.3.6-slim", "3-slim", "slim"}, program: "ruby",
			config: v1.Config{Env: []string{"PATH=/usr/local/bundle/bin:" + debianPath, "LANG=C.UTF-8", "RUBY_VERSION=3.3.6", "GEM_HOME=/usr/local/bundle", "BUNDLE_SILENCE_ROOT_WARNING=1", "BUNDLE_APP_CONFIG=/usr/local/bundle"}, Cmd: []string{"irb"}},
			files:  []baseFile{{"etc/os-release", debianOS}}},
		{repo: "library/golang", tags: []string{"1.23", "1.23.4", "1.23-bookworm", "1", "latest"}, program: "go",
			config: v1.Config{Env: []string{"PATH=/go/bin:/usr/local/go/bin:" + debianPath, "GOLANG_VERSION=1.23.4", "GOTOOLCHAIN=local", "GOPATH=/go"}, WorkingDir: "/go", Cmd: []string{"bash"}},
			files:  []baseFile{{"etc/os-release", debianOS}}},
		demoBase(),
	}
}

// publicImage is one built base image, ready to serve.
type publicImage struct {
	manifest  []byte
	mediaType string
	digest    string
	blobs     map[string][]byte // config and layer, by digest
}

// publicRegistry holds the built catalogue; built once per Sandbox.
type publicRegistry struct {
	once   sync.Once
	err    error
	byRepo map[string][]*builtBase // "library/httpd" → its variants
}

type builtBase struct {
	def baseImage
	img *publicImage
}

func (p *publicRegistry) build() error {
	p.once.Do(func() {
		p.byRepo = map[string][]*builtBase{}
		for _, def := range baseImages() {
			img, err := buildBase(def)
			if err != nil {
				p.err = fmt.Errorf("base image %s: %w", def.repo, err)
				return
			}
			p.byRepo[def.repo] = append(p.byRepo[def.repo], &builtBase{def, img})
		}
	})
	return p.err
}

func buildBase(def baseImage) (*publicImage, error) {
	layerBytes, err := baseLayer(def.files)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(layerBytes)), nil })
	if err != nil {
		return nil, err
	}
	cfg := def.config
	labels := map[string]string{programLabel: def.program}
	for k, v := range cfg.Labels {
		labels[k] = v
	}
	cfg.Labels = labels
	img, err := mutate.ConfigFile(empty.Image, &v1.ConfigFile{Architecture: "amd64", OS: "linux", Created: v1.Time{Time: baseCreated}, Config: cfg,
		RootFS: v1.RootFS{Type: "layers"}})
	if err != nil {
		return nil, err
	}
	img, err = mutate.Append(img, mutate.Addendum{Layer: layer, History: v1.History{Created: v1.Time{Time: baseCreated},
		CreatedBy: "mvi sandbox: " + def.program + " base image (made by the sandbox, not fetched)"}})
	if err != nil {
		return nil, err
	}
	out := &publicImage{blobs: map[string][]byte{}}
	if out.manifest, err = img.RawManifest(); err != nil {
		return nil, err
	}
	mt, err := img.MediaType()
	if err != nil {
		return nil, err
	}
	out.mediaType = string(mt)
	d, err := img.Digest()
	if err != nil {
		return nil, err
	}
	out.digest = d.String()
	cfgName, _ := img.ConfigName()
	raw, err := img.RawConfigFile()
	if err != nil {
		return nil, err
	}
	out.blobs[cfgName.String()] = raw
	ld, _ := layer.Digest()
	out.blobs[ld.String()] = layerBytes
	return out, nil
}

// baseLayer is a gzipped tar of the files (and their directories) with
// fixed owners and times.
func baseLayer(files []baseFile) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	tw := tar.NewWriter(zw)
	dirs := map[string]bool{}
	var all []string
	for _, f := range files {
		parts := strings.Split(f.path, "/")
		for i := 1; i < len(parts); i++ {
			dirs[strings.Join(parts[:i], "/")+"/"] = true
		}
	}
	for d := range dirs {
		all = append(all, d)
	}
	sort.Strings(all)
	for _, d := range all {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d, Mode: 0o755, ModTime: baseCreated, Format: tar.FormatPAX}); err != nil {
			return nil, err
		}
	}
	for _, f := range files {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: f.path, Mode: 0o644, Size: int64(len(f.body)), ModTime: baseCreated, Format: tar.FormatPAX}); err != nil {
			return nil, err
		}
		if _, err := io.WriteString(tw, f.body); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// lookup finds the image a repository's tag (or digest) names.
func (p *publicRegistry) lookup(repo, ref string) *publicImage {
	variants := p.byRepo[repo]
	if strings.HasPrefix(ref, "sha256:") {
		for _, b := range variants {
			if b.img.digest == ref {
				return b.img
			}
		}
		return nil
	}
	for _, b := range variants {
		for _, t := range b.def.tags {
			if t == ref {
				return b.img
			}
		}
	}
	// httpd and nginx: every tag the official image publishes
	// (image_pull.go's rules, so a task and a build agree on what pulls),
	// its variant by the tag's words.
	if kind := imageKind(repo); kind != kindApp && officialTag(kind, ref) {
		want := ""
		if strings.Contains(ref, "alpine") {
			want = "alpine"
		}
		for _, b := range variants {
			if b.def.variant == want {
				return b.img
			}
		}
	}
	return nil
}

// catalogue lists the base images, "httpd:2.4, …", for messages.
func (p *publicRegistry) catalogue() string {
	var out []string
	for _, def := range baseImages() {
		out = append(out, strings.TrimPrefix(def.repo, "library/")+":"+def.tags[0])
	}
	return strings.Join(out, ", ")
}

func (s *Sandbox) publicHandler(w http.ResponseWriter, r *http.Request) {
	if err := s.pub.build(); err != nil {
		writeRegError(w, &regError{http.StatusInternalServerError, "UNKNOWN", err.Error()})
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		// Pulls are anonymous; pushing to Docker Hub needs an account.
		writeRegError(w, &regError{http.StatusUnauthorized, "UNAUTHORIZED", "authentication required"})
		return
	}
	if r.URL.Path == "/v2/" || r.URL.Path == "/v2" {
		w.Header().Set("Docker-Distribution-API-Version", "registry/2.0")
		w.WriteHeader(http.StatusOK)
		return
	}
	name, kind, ref, ok := splitRegistryPath(r.URL.Path)
	host := r.Host
	if i := strings.LastIndex(host, ":"); i >= 0 {
		host = host[:i]
	}
	if host == "public.ecr.aws" {
		name = strings.TrimPrefix(name, "docker/") // ECR Public's mirror of Docker Hub: /docker/library/httpd
	}
	if name == demoRepo && host != "public.ecr.aws" {
		ok = false // the demo is published at the project's own name only
	}
	if !ok || p404(s.pub.byRepo[name]) {
		writeRegError(w, &regError{http.StatusNotFound, "NAME_UNKNOWN", "repository name not known to registry; the sandbox's base images are " + s.pub.catalogue()})
		return
	}
	switch kind {
	case "manifests":
		img := s.pub.lookup(name, ref)
		if img == nil {
			writeRegError(w, &regError{http.StatusNotFound, "MANIFEST_UNKNOWN", "manifest unknown"})
			return
		}
		serveManifest(w, r, img.mediaType, img.digest, img.manifest)
	case "blobs":
		for _, b := range s.pub.byRepo[name] {
			if blob, ok := b.img.blobs[ref]; ok {
				w.Header().Set("Docker-Content-Digest", ref)
				w.Header().Set("Content-Type", "application/octet-stream")
				w.Header().Set("Content-Length", fmt.Sprint(len(blob)))
				if r.Method == http.MethodGet {
					w.Write(blob)
				}
				return
			}
		}
		writeRegError(w, &regError{http.StatusNotFound, "BLOB_UNKNOWN", "blob unknown to registry"})
	default:
		writeRegError(w, &regError{http.StatusUnauthorized, "UNAUTHORIZED", "authentication required"})
	}
}

func p404(v []*builtBase) bool { return len(v) == 0 }
