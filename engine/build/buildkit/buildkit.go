// Package buildkit is the contract of mvi's cluster builder: the task
// that builds an image on the app's own VMs when this machine has no
// docker, podman or buildah and the Dockerfile runs programs. One home
// for it, because two sides must agree on every name: the engine, which
// registers and runs the task, and the sandbox, which runs the same task
// with mvi's builder in place of BuildKit.
package buildkit

// Image is BuildKit's rootless image: it builds without a daemon and
// without root, so the builder needs no privileged container.
const Image = "moby/buildkit:v0.34.2-rootless" // the release of the parser mvi reads Dockerfiles with

// Container is the builder's container name in its task definition.
const Container = "build"

// The builder's environment.
const (
	// EnvContext is a presigned URL of the build context, a gzipped tar
	// in the app's Blob bucket: the task needs no S3 credentials.
	EnvContext = "MVI_CONTEXT_URL"
	// EnvTarget is where the image is pushed: repository URI and tag.
	EnvTarget = "MVI_TARGET"
	// EnvAuth is a Docker config.json holding only the app's registry's
	// credentials; it reaches the task as a secret (an SSM SecureString
	// named in the task definition), never as plain environment.
	EnvAuth = "MVI_REGISTRY_AUTH"
	// EnvDockerfile is the Dockerfile's path in the context.
	EnvDockerfile = "MVI_DOCKERFILE"
)

// DockerfileOf is EnvDockerfile's value for a recipe path ("" is the
// context's own Dockerfile).
func DockerfileOf(path string) string {
	if path == "" {
		return "Dockerfile"
	}
	return path
}

// Script is what the container runs: fetch and unpack the context,
// write the registry credentials where buildctl reads them, build with
// the Dockerfile at EnvDockerfile in the context, push. set -e makes the first
// failing step the task's exit code.
const Script = `set -eu
mkdir -p /tmp/ctx "$HOME/.docker"
printf '%s' "$` + EnvAuth + `" > "$HOME/.docker/config.json"
wget -q -O /tmp/ctx.tar.gz "$` + EnvContext + `"
tar -xzf /tmp/ctx.tar.gz -C /tmp/ctx
exec buildctl-daemonless.sh build --progress plain --frontend dockerfile.v0 \
  --local context=/tmp/ctx --local dockerfile=/tmp/ctx --opt filename="$` + EnvDockerfile + `" \
  --output "type=image,name=$` + EnvTarget + `,push=true"`

// EntryPoint and Command replace the image's own (rootlesskit
// buildkitd, a daemon): the script starts its own daemonless BuildKit.
func EntryPoint() []string { return []string{"sh", "-c"} }

// Command is the script, as the entry point's argument.
func Command() []string { return []string{Script} }

// BuildkitdFlags lets rootless BuildKit run in an ordinary ECS container
// (no user namespaces for its own sandbox of RUN steps).
const BuildkitdFlags = "--oci-worker-no-process-sandbox"

// CPU and Memory are the builder's size: a build needs room, and the
// task is gone when the build ends.
const (
	CPU    = 512
	Memory = 1024
)
