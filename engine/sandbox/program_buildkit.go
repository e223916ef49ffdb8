package sandbox

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/minimalinfra/mvi/engine/build"
	"github.com/minimalinfra/mvi/engine/build/buildkit"
)

// runBuildkit is the cluster builder's task as the sandbox runs it. It
// does what the task's script does (buildkit.Script) with mvi's own
// builder in place of BuildKit: fetch the context by its presigned URL,
// log in with the credentials the task got as a secret, build, push.
// The one thing it can't do is run a program inside the image, so it
// builds every other step and says plainly which RUN lines it did not
// execute: the image lacks what they would have made.
func runBuildkit(ctx context.Context, s *Sandbox, r programRun) int32 {
	say := func(format string, a ...any) { r.Log(fmt.Sprintf(format, a...)) }
	say("mvi sandbox: %s is BuildKit; the sandbox builds with mvi's own builder instead, which runs every step except RUN", r.Image)
	fail := func(err error) int32 {
		say("error: %v", err)
		return 1
	}
	target := r.Env[buildkit.EnvTarget]
	if target == "" {
		return fail(fmt.Errorf("%s is not set: nothing says where to push", buildkit.EnvTarget))
	}
	body, err := s.presignedObject(ctx, r.Env[buildkit.EnvContext])
	if err != nil {
		return fail(fmt.Errorf("fetch the build context: %w", err))
	}
	dir, err := os.MkdirTemp("", "mvi-sandbox-build-")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(dir)
	if err := untarGz(body, dir); err != nil {
		return fail(fmt.Errorf("unpack the build context: %w", err))
	}
	kc, err := dockerConfigKeychain(r.Env[buildkit.EnvAuth])
	if err != nil {
		return fail(err)
	}
	df := r.Env[buildkit.EnvDockerfile]
	if df == buildkit.DockerfileOf("") {
		df = "" // the context's own, or a static site's when it has none
	}
	res, err := build.Build(ctx, build.Options{Dir: dir, Dockerfile: df, Target: target, SkipRun: true, Log: lineFunc(r.Log),
		Remote: []remote.Option{remote.WithTransport(registryTransport{s}), remote.WithAuthFromKeychain(kc), remote.WithContext(ctx)}})
	if err != nil {
		return fail(err)
	}
	for _, l := range res.NotRun {
		say("mvi sandbox: NOT executed (the sandbox runs no programs): %s", l)
	}
	say("pushed %s", res.Image)
	return 0
}

// lineFunc is an io.Writer that hands each complete line to f.
type lineFunc func(string)

func (f lineFunc) Write(p []byte) (int, error) {
	for _, l := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		if l != "" {
			f(l)
		}
	}
	return len(p), nil
}

// dockerConfigKeychain reads a config.json's "auths" as docker login
// wrote them; registries it doesn't name are anonymous.
func dockerConfigKeychain(cfg string) (authn.Keychain, error) {
	if cfg == "" {
		return authn.NewMultiKeychain(), nil
	}
	var doc struct {
		Auths map[string]struct {
			Auth string `json:"auth"`
		} `json:"auths"`
	}
	if err := json.Unmarshal([]byte(cfg), &doc); err != nil {
		return nil, fmt.Errorf("the registry credentials (%s) are not a Docker config.json: %w", buildkit.EnvAuth, err)
	}
	creds := map[string]authn.Authenticator{}
	for host, a := range doc.Auths {
		raw, err := base64.StdEncoding.DecodeString(a.Auth)
		user, pass, ok := strings.Cut(string(raw), ":")
		if err != nil || !ok {
			return nil, fmt.Errorf("the registry credentials for %s are not base64 of user:password", host)
		}
		creds[host] = &authn.Basic{Username: user, Password: pass}
	}
	return hostKeychain(creds), nil
}

type hostKeychain map[string]authn.Authenticator

func (k hostKeychain) Resolve(r authn.Resource) (authn.Authenticator, error) {
	if a, ok := k[r.RegistryStr()]; ok {
		return a, nil
	}
	return authn.Anonymous, nil
}

// untarGz unpacks a gzipped tar into dir, refusing any entry that would
// land outside it.
func untarGz(body []byte, dir string) error {
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		p := filepath.Join(dir, filepath.FromSlash(h.Name))
		if rel, err := filepath.Rel(dir, p); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return fmt.Errorf("%s reaches outside the context", h.Name)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(p, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, os.FileMode(h.Mode)&0o777)
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
		case tar.TypeSymlink:
			if err := os.Symlink(h.Linkname, p); err != nil {
				return err
			}
		}
	}
}
