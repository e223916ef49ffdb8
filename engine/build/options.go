package build

import (
	"io"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Options say what to build and where the image goes. Everything that
// reaches a registry (auth, transport, which registry "httpd" means) is
// passed in, so the sandbox, AWS and tests share one code path.
type Options struct {
	// Dir is the build directory: its Dockerfile, its .dockerignore, and
	// the files COPY and ADD may read.
	Dir string
	// Dockerfile is the recipe's path in Dir; "" is Dir/Dockerfile.
	Dockerfile string
	// Target is where the image is pushed, e.g.
	// "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:b-42". The build
	// id belongs in the tag: with immutable tags a rebuild needs a new one.
	Target string
	// BuildArgs override ARG defaults, as docker build --build-arg does.
	BuildArgs map[string]string
	// Platform picks the base image from a multi-platform index;
	// "linux/amd64" when empty, which is what ECS on x86 VMs runs.
	Platform string
	// Remote is used for the base pull and for the push: credentials
	// (remote.WithAuth, remote.WithAuthFromKeychain), a transport, jobs.
	Remote []remote.Option
	// Name is used to read FROM and Target: name.WithDefaultRegistry(host)
	// makes FROM httpd pull host/httpd (the sandbox's own base images);
	// name.Insecure allows plain HTTP to a host that is not loopback.
	Name []name.Option
	// MaxContextBytes bounds the build context after .dockerignore;
	// 0 means DefaultMaxContextBytes.
	MaxContextBytes int64
	// Log gets one line per step, for the build log in Blob and the
	// wizard's build pane; nil discards them.
	Log io.Writer
	// TempDir holds the layer files while the build runs; "" means the
	// system's temporary directory. It is cleaned up when Build returns.
	TempDir string
	// SkipRun builds a Dockerfile with RUN lines anyway, without running
	// them: each is said in the log and in Result.NotRun. Only for a
	// builder that must say what it could not do (the sandbox's cluster
	// builder task); a real build refuses RUN instead.
	SkipRun bool
}

// Result is what a build record needs.
type Result struct {
	// Image is Target's repository by digest (repo@sha256:…), the form a
	// task definition should name: it cannot be moved.
	Image string
	// ImageDigest is the manifest digest, "sha256:…".
	ImageDigest string
	// SourceDigest is SourceDigest of the build directory: the same value
	// next time means the same image, so nothing needs building.
	SourceDigest string
	// Base is the base image by digest ("scratch" for FROM scratch).
	Base string
	// Layers is how many layers the build added to the base, one per
	// COPY or ADD.
	Layers int
	// Warnings are things docker build would also warn about, such as a
	// build arg that no ARG declares.
	Warnings []string
	// NotRun are the RUN lines a SkipRun build did not execute: the image
	// lacks their effects.
	NotRun []RunLine
}
