package release

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/minimalinfra/mvi/engine/build"
)

// Registry is what a build needs of ECR.
type Registry interface {
	DescribeImages(ctx context.Context, in *ecr.DescribeImagesInput, opts ...func(*ecr.Options)) (*ecr.DescribeImagesOutput, error)
	GetAuthorizationToken(ctx context.Context, in *ecr.GetAuthorizationTokenInput, opts ...func(*ecr.Options)) (*ecr.GetAuthorizationTokenOutput, error)
}

// Image asks for one process's image built from source.
type Image struct {
	ECR       Registry
	Transport http.RoundTripper // to the registries (cloud.Clients.Registry)
	Store     Store
	// Repository is the ECR repository's name, URI its address
	// (account.dkr.ecr.region.amazonaws.com/name).
	Repository, URI string
	Process         string
	Dir             string // the build directory, absolute
	Dockerfile      string // its recipe's path in Dir; "" is Dir/Dockerfile
	Source          string // its digest, as the plan read it
	// Say gets each line of the build as it happens; nil drops them.
	Say func(string)
	// Use is told which of the build's services it works with next (the
	// lines Say gets after it are that service's); nil drops it.
	Use func(Service)
	Now func() time.Time
	// Exec finds and runs a local builder (docker, podman, buildah) for a
	// Dockerfile that needs RUN; nil is the machine's own programs.
	Exec build.Exec
	// Cluster builds such a Dockerfile on the app's own cluster when
	// this machine has no local builder; nil when the plan didn't ask
	// for it.
	Cluster *ClusterBuilder
}

// Service is one of the services a build uses.
type Service int

// The services a build uses, in the order it first uses them.
const (
	UseRegistry Service = iota // log in, pull the base, push the image
	UseLogs                    // keep the build's log in the Blob bucket
	UseRecords                 // record the build in the KV table
)

func (im Image) use(s Service) {
	if im.Use != nil {
		im.Use(s)
	}
}

func (im Image) say(format string, a ...any) {
	if im.Say != nil {
		im.Say(fmt.Sprintf(format, a...))
	}
}

// Ref is where the image is: URI:tag.
func (im Image) Ref() string { return im.URI + ":" + Tag(im.Process, im.Source) }

// Ensure makes sure the image exists in the registry: an image already
// pushed under the build's tag is used as it is (the tag can't have
// moved), otherwise the source is built, pushed, and recorded with its
// log. built says whether it built.
func (im Image) Ensure(ctx context.Context) (ref string, built bool, err error) {
	tag := Tag(im.Process, im.Source)
	_, err = im.ECR.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String(im.Repository),
		ImageIds: []ecrtypes.ImageIdentifier{{ImageTag: aws.String(tag)}}})
	var missing *ecrtypes.ImageNotFoundException
	switch {
	case err == nil:
		return im.Ref(), false, nil
	case !errors.As(err, &missing):
		return "", false, fmt.Errorf("look for image %s in repository %s: %w", tag, im.Repository, err)
	}
	return im.Ref(), true, im.build(ctx, tag)
}

func (im Image) build(ctx context.Context, tag string) error {
	rec := Build{ID: tag, Process: im.Process, Source: im.Source, Builder: "mvi (in process, no Docker daemon)", Started: im.Now()}
	var log bytes.Buffer
	w := &lineWriter{say: im.Say, to: &log}
	im.use(UseRegistry)
	fmt.Fprintf(w, "build %s of %s from %s\n", tag, im.Process, im.Dir)
	cred, err := im.login(ctx)
	if err != nil {
		// Not a build yet: the caller may try again (ECR answers 503
		// now and then), and there is nothing to record.
		return err
	}
	if im.Transport == nil {
		err = errors.New("this cloud gives no way to reach its registry (cloud.Clients.Registry is nil)")
	}
	if err == nil {
		host, _, _ := strings.Cut(im.URI, "/")
		var res build.Result
		res, err = build.Build(ctx, build.Options{Dir: im.Dir, Dockerfile: im.Dockerfile, Target: im.Ref(), Log: w,
			Remote: []remote.Option{remote.WithTransport(im.Transport), remote.WithAuthFromKeychain(ecrKeychain{host: host, auth: cred})}})
		var nb *build.NeedsBuilderError
		if errors.As(err, &nb) {
			if l, ok := build.FindLocal(ctx, im.Exec); ok {
				rec.Builder = l.String()
				fmt.Fprintf(w, "%s runs programs (%s), which only a real builder can: building with %s\n", nb.Lines[0].File, nb.Lines[0], l)
				res, err = l.Build(ctx, build.LocalOptions{Dir: im.Dir, Dockerfile: im.Dockerfile, Target: im.Ref(), User: cred.Username, Password: cred.Password, Log: w})
			} else if im.Cluster != nil {
				rec.Builder = im.Cluster.String()
				fmt.Fprintf(w, "%s runs programs (%s) and this machine has no docker, podman or buildah: building with a %s\n", nb.Lines[0].File, nb.Lines[0], im.Cluster)
				res, err = im.Cluster.build(ctx, im, tag, cred, w)
			}
		}
		rec.Image, rec.ImageDigest, rec.Base, rec.Layers = res.Image, res.ImageDigest, res.Base, res.Layers
		for _, warn := range res.Warnings {
			fmt.Fprintf(w, "warning: %s\n", warn)
		}
	}
	w.flush()
	rec.Finished, rec.Status = im.Now(), StatusSucceeded
	if err != nil {
		rec.Status, rec.Error = StatusFailed, err.Error()
		fmt.Fprintf(&log, "failed: %v\n", err)
	} else {
		fmt.Fprintf(w, "pushed %s (%s)\n", im.Ref(), rec.ImageDigest)
		w.flush()
	}
	// The records are kept even when the build failed: that is when the
	// log is wanted most. A record that can't be kept fails a good build,
	// since a release nobody can find can't be rolled back to.
	im.use(UseLogs)
	url, perr := im.Store.PutLog(ctx, tag, log.Bytes())
	rec.Log = url
	if perr == nil {
		im.say("kept the build's log in %s", url)
		im.use(UseRecords)
		if perr = im.Store.PutBuild(ctx, rec); perr == nil {
			im.say("recorded build %s (%s) in table %s", tag, rec.Status, im.Store.Table)
		}
	}
	if err != nil {
		return &Error{Process: im.Process, ID: tag, Log: url, Err: err}
	}
	return perr
}

// login is the registry's credentials for the app's ECR registry only:
// base images come from public registries, which must never see them.
func (im Image) login(ctx context.Context) (*authn.Basic, error) { return login(ctx, im.ECR) }

func login(ctx context.Context, reg Registry) (*authn.Basic, error) {
	out, err := reg.GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		return nil, fmt.Errorf("log in to the registry: %w", err)
	}
	if len(out.AuthorizationData) == 0 {
		return nil, errors.New("log in to the registry: ECR returned no authorization data")
	}
	raw, err := base64.StdEncoding.DecodeString(aws.ToString(out.AuthorizationData[0].AuthorizationToken))
	user, pass, ok := strings.Cut(string(raw), ":")
	if err != nil || !ok {
		return nil, errors.New("log in to the registry: ECR's authorization token is not user:password")
	}
	return &authn.Basic{Username: user, Password: pass}, nil
}

type ecrKeychain struct {
	host string
	auth authn.Authenticator
}

func (k ecrKeychain) Resolve(r authn.Resource) (authn.Authenticator, error) {
	if r.RegistryStr() == k.host {
		return k.auth, nil
	}
	return authn.Anonymous, nil
}

// Error is a build that failed: which one, where its log is, and the
// builder's own error (a build.Fixer, with its file:line and fix).
type Error struct {
	Process, ID, Log string
	Err              error
}

func (e *Error) Error() string {
	return fmt.Sprintf("build %s of process %s failed: %v", e.ID, e.Process, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Fix is the builder's fix, and where the whole log is.
func (e *Error) Fix() string {
	fix := "fix the Dockerfile or the build directory, then run mvi up again"
	var f build.Fixer
	if errors.As(e.Err, &f) && f.Fix() != "" {
		fix = f.Fix()
	}
	return fix + " (mvi logs --build " + e.ID + " shows the whole log)"
}

// lineWriter hands each complete line to say and keeps everything.
type lineWriter struct {
	mu   sync.Mutex
	say  func(string)
	to   io.Writer
	part []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.to.Write(p)
	w.part = append(w.part, p...)
	for {
		i := bytes.IndexByte(w.part, '\n')
		if i < 0 {
			return len(p), nil
		}
		if w.say != nil {
			w.say(string(w.part[:i]))
		}
		w.part = w.part[i+1:]
	}
}

func (w *lineWriter) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.part) > 0 && w.say != nil {
		w.say(string(w.part))
	}
	w.part = nil
}
