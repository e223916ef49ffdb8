package sandbox

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Built images run for real where the sandbox can: an image in the
// sandbox's ECR whose base is its httpd or nginx (the programLabel,
// inherited through the build's config) serves the image's own files from
// that program's document root. Its filesystem is extracted once per
// digest (whiteouts honoured, by ggcr's mutate.Extract) under
// <Dir>/registry/rootfs/<digest>.

// docRoots is where each program the sandbox runs serves files from.
var docRoots = map[string]string{"httpd": "usr/local/apache2/htdocs", "nginx": "usr/share/nginx/html"}

// ecrRef splits an image in this sandbox's ECR into repository and
// reference (tag or digest); ok is false for any other image.
func ecrRef(account, region, image string) (repo, ref string, ok bool) {
	host := account + ".dkr.ecr." + region + ".amazonaws.com/"
	if !strings.HasPrefix(image, host) {
		return "", "", false
	}
	repo = strings.TrimPrefix(image, host)
	if i := strings.Index(repo, "@"); i >= 0 {
		return repo[:i], repo[i+1:], true
	}
	if i := strings.LastIndex(repo, ":"); i >= 0 {
		return repo[:i], repo[i+1:], true
	}
	return repo, "latest", true
}

// builtImage finds what a container's image runs: its kind and the
// directory its files are served from ("" when it isn't a pushed image
// of a program the sandbox runs).
func (s *Sandbox) builtImage(image string) (imageKindT, string, error) {
	if s == nil || !strings.Contains(image, ".dkr.ecr.") {
		return kindApp, "", nil // not in an ECR registry (or a data plane under test without a sandbox)
	}
	var digest string
	err := s.internal(context.Background(), func(t *tx) error {
		repo, ref, ok := ecrRef(t.account(), t.regionName(), image)
		if !ok {
			return nil
		}
		if r := t.r.ECR.Repos[repo]; r != nil {
			if im := r.resolve(ref); im != nil {
				digest = im.Digest
			}
		}
		return nil
	})
	if err != nil || digest == "" {
		return kindApp, "", err
	}
	img, err := s.diskImage(digest)
	if err != nil {
		return kindApp, "", err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return kindApp, "", err
	}
	program := cf.Config.Labels[programLabel]
	root, ok := docRoots[program]
	if !ok {
		return kindApp, "", nil
	}
	dir, err := s.extracted(digest, img)
	if err != nil {
		return kindApp, "", err
	}
	return imageKind(program), filepath.Join(dir, filepath.FromSlash(root)), nil
}

// extracted returns the image's filesystem, extracting it the first time.
func (s *Sandbox) extracted(digest string, img v1.Image) (string, error) {
	s.filesMu.Lock()
	defer s.filesMu.Unlock()
	dir := filepath.Join(s.registryDir(), "rootfs", strings.TrimPrefix(digest, "sha256:"))
	if _, err := os.Stat(dir); err == nil {
		return dir, nil
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "extract-")
	if err != nil {
		return "", err
	}
	rc := mutate.Extract(img)
	defer rc.Close()
	if err := untar(rc, tmp); err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		if _, serr := os.Stat(dir); serr == nil {
			return dir, nil // another process got there first
		}
		return "", err
	}
	return dir, nil
}

// untar writes regular files and directories (links and devices are not
// needed to serve files) below dir, refusing paths that climb out.
func untar(r io.Reader, dir string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		clean := path.Clean("/" + h.Name)
		dst := filepath.Join(dir, filepath.FromSlash(clean))
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(dst, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
			if err != nil {
				return err
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
		}
	}
}

// diskImage is a pushed image read from the content store.
func (s *Sandbox) diskImage(digest string) (v1.Image, error) {
	raw, err := s.readBlob(digest)
	if err != nil {
		return nil, err
	}
	var m struct {
		MediaType string `json:"mediaType"`
		Config    struct {
			Digest string `json:"digest"`
		} `json:"config"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	if m.Config.Digest == "" {
		return nil, fmt.Errorf("image %s is an index, not an image", digest)
	}
	return partial.CompressedToImage(&diskCore{s: s, raw: raw, mt: types.MediaType(m.MediaType), cfg: m.Config.Digest})
}

type diskCore struct {
	s   *Sandbox
	raw []byte
	mt  types.MediaType
	cfg string
}

func (c *diskCore) RawConfigFile() ([]byte, error)      { return c.s.readBlob(c.cfg) }
func (c *diskCore) MediaType() (types.MediaType, error) { return c.mt, nil }
func (c *diskCore) RawManifest() ([]byte, error)        { return c.raw, nil }
func (c *diskCore) LayerByDigest(h v1.Hash) (partial.CompressedLayer, error) {
	return &diskLayer{s: c.s, h: h}, nil
}

type diskLayer struct {
	s *Sandbox
	h v1.Hash
}

func (l *diskLayer) Digest() (v1.Hash, error) { return l.h, nil }
func (l *diskLayer) Compressed() (io.ReadCloser, error) {
	b, err := l.s.readBlob(l.h.String())
	if err != nil {
		return nil, err
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}
func (l *diskLayer) Size() (int64, error)                { return l.s.blobSize(l.h.String()), nil }
func (l *diskLayer) MediaType() (types.MediaType, error) { return types.DockerLayer, nil }

// filesPage serves a document root as the program does: index.html for
// a directory, the program's Server header and its own 404 page.
func filesPage(root, server, notFound string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Server", server)
		p := filepath.Join(root, filepath.FromSlash(path.Clean("/"+r.URL.Path)))
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			p = filepath.Join(p, "index.html")
		}
		f, err := os.Open(p)
		if err != nil {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, notFound)
			return
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil || fi.IsDir() {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, notFound)
			return
		}
		http.ServeContent(w, r, fi.Name(), fi.ModTime(), f)
	})
}
