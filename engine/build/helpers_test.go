package build

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// testRegistry is an in-process OCI registry on loopback that counts what
// it is asked, so a test can say "nothing was pulled" or "one layer was
// pushed".
type testRegistry struct {
	host     string
	requests atomic.Int64
	uploads  atomic.Int64 // blob uploads started (POST …/blobs/uploads/)
	bytesIn  atomic.Int64 // request body bytes: what pushes sent
}

// countingBody adds what a request sends to the registry's bytesIn.
type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (c countingBody) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func newTestRegistry(t testing.TB) *testRegistry {
	t.Helper()
	r := &testRegistry{}
	h := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.requests.Add(1)
		if req.Method == http.MethodPost && strings.Contains(req.URL.Path, "/blobs/uploads/") {
			r.uploads.Add(1)
		}
		if req.Body != nil {
			req.Body = countingBody{req.Body, &r.bytesIn}
		}
		h.ServeHTTP(w, req)
	}))
	t.Cleanup(srv.Close)
	r.host = strings.TrimPrefix(srv.URL, "http://")
	return r
}

// pushBase pushes a small stand-in for Docker Hub's httpd as host/httpd:
// the directories the book's example copies into, a page, and httpd's
// config (PATH, the working directory, port 80, its CMD).
func (r *testRegistry) pushBase(t testing.TB) {
	t.Helper()
	layer := tarLayer(t, map[string]string{
		"usr/":                                "",
		"usr/local/":                          "",
		"usr/local/apache2/":                  "",
		"usr/local/apache2/htdocs/":           "",
		"usr/local/apache2/htdocs/index.html": "<html><body><h1>It works!</h1></body></html>\n",
		"usr/local/apache2/conf/":             "",
		"usr/local/apache2/conf/httpd.conf":   "Listen 80\n",
		"usr/local/bin/":                      "",
		"usr/local/bin/httpd-foreground":      "#!/bin/sh\n",
		"etc/":                                "",
		"etc/passwd":                          "root:x:0:0:root:/root:/bin/sh\n",
	})
	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", "amd64"
	cf.Config = v1.Config{
		Env:          []string{"PATH=/usr/local/apache2/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HTTPD_PREFIX=/usr/local/apache2"},
		Cmd:          []string{"httpd-foreground"},
		WorkingDir:   "/usr/local/apache2",
		ExposedPorts: map[string]struct{}{"80/tcp": {}},
		StopSignal:   "SIGWINCH",
	}
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		t.Fatal(err)
	}
	ref, err := name.ParseReference(r.host + "/httpd:latest")
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(ref, img); err != nil {
		t.Fatal(err)
	}
}

// tarLayer makes a layer from name → content; a name ending in "/" is a
// directory, and content "-> target" makes a symlink.
func tarLayer(t testing.TB, files map[string]string) v1.Layer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, n := range sortedKeys(files) {
		h := &tar.Header{Name: n, Mode: 0o644, Typeflag: tar.TypeReg, Size: int64(len(files[n])), ModTime: epoch()}
		if strings.HasSuffix(n, "/") {
			h.Typeflag, h.Mode, h.Size = tar.TypeDir, 0o755, 0
		}
		if target, ok := strings.CutPrefix(files[n], "-> "); ok {
			h.Typeflag, h.Linkname, h.Mode, h.Size = tar.TypeSymlink, target, 0o777, 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		if _, err := tw.Write([]byte(files[n])); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// writeTree writes name → content under dir; a name ending in "/" is a
// directory.
func writeTree(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for n, c := range files {
		p := filepath.Join(dir, filepath.FromSlash(n))
		if strings.HasSuffix(n, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// opts builds dir into host/app:tag, with FROM httpd meaning host/httpd.
func (r *testRegistry) opts(dir, tag string) Options {
	return Options{Dir: dir, Target: r.host + "/app:" + tag, Name: []name.Option{name.WithDefaultRegistry(r.host)}}
}

func mustBuild(t testing.TB, o Options) Result {
	t.Helper()
	res, err := Build(context.Background(), o)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return res
}

// pulled is a built image read back from the registry.
type pulled struct {
	img v1.Image
	cfg *v1.ConfigFile
}

func pull(t testing.TB, ref string) pulled {
	t.Helper()
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	img, err := remote.Image(r)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	return pulled{img: img, cfg: cfg}
}

// layerEntry is one tar entry of a pulled layer.
type layerEntry struct {
	h    *tar.Header
	data string
}

// lastLayer lists the top layer's entries by name (directories without
// their trailing slash).
func (p pulled) lastLayer(t testing.TB) map[string]layerEntry {
	t.Helper()
	ls, err := p.img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	return layerEntries(t, ls[len(ls)-1])
}

func layerEntries(t testing.TB, l v1.Layer) map[string]layerEntry {
	t.Helper()
	rc, err := l.Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	out := map[string]layerEntry{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimSuffix(h.Name, "/")] = layerEntry{h: h, data: string(b)}
	}
}

func (p pulled) layerCount(t testing.TB) int {
	t.Helper()
	ls, err := p.img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	return len(ls)
}

func writeTarGz(t testing.TB, p string, files map[string]string) {
	t.Helper()
	rc, err := tarLayer(t, files).Compressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
