package sandbox

import (
	"regexp"
	"strings"
)

// Pulling public images. The sandbox has no registry of Docker Hub's tags,
// but it does model two official images completely (httpd and nginx,
// images.go), so for those it knows which tags can exist: a version of the
// image's own major line and the variant words the official images publish
// (alpine, bookworm, perl, …), joined by dashes. Any other tag — a typo
// like "nginx:lastest", a version line the project never had like
// "httpd:3" — fails to pull the way ECS reports it, and the task stops
// before it ever runs. Images the sandbox doesn't model are assumed to
// pull: it can't know their tags, and guessing would fail good releases.

// officialMajor is the version line each modelled official image publishes.
var officialMajor = map[imageKindT]string{kindHTTPD: "2", kindNginx: "1"}

// tagPart is one dash-separated element of an official image's tag.
var tagPart = regexp.MustCompile(`^(?:(\d+)(?:\.\d+){0,2}|latest|stable|mainline|alpine(?:\d+(?:\.\d+)?)?|slim|perl|otel|bookworm|bullseye|trixie)$`)

// officialImage splits an image reference into the repository path with
// its registry removed and the tag ("latest" when none); ok is false when
// the reference is not Docker Hub's (or ECR Public's mirror of) official
// httpd or nginx.
func officialImage(image string) (kind imageKindT, tag string, ok bool) {
	ref := image
	if strings.Contains(ref, "@") {
		return 0, "", false // a digest names content, not a tag to resolve
	}
	for _, p := range []string{"docker.io/", "index.docker.io/", "registry-1.docker.io/", "public.ecr.aws/docker/"} {
		ref = strings.TrimPrefix(ref, p)
	}
	ref = strings.TrimPrefix(ref, "library/")
	name, tag, _ := strings.Cut(ref, ":")
	if tag == "" {
		tag = "latest"
	}
	if name != "httpd" && name != "nginx" {
		return 0, "", false
	}
	return imageKind(name), tag, true
}

// pullFailure is the stoppedReason of a task whose public image can't be
// pulled, "" when it can (or the sandbox can't tell).
func pullFailure(image string) string {
	if why := demoPullFailure(image); why != "" {
		return why
	}
	kind, tag, ok := officialImage(image)
	if !ok || officialTag(kind, tag) {
		return ""
	}
	name, _, _ := strings.Cut(image, ":")
	name = strings.TrimPrefix(name, "docker.io/")
	if !strings.Contains(name, "/") {
		name = "library/" + name
	}
	ref := name + ":" + tag
	if !strings.HasPrefix(ref, "public.ecr.aws/") {
		ref = "docker.io/" + ref
	}
	return "CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref " + ref + ": " + ref + ": not found"
}

// officialTag reports whether tag is one the official image publishes.
func officialTag(kind imageKindT, tag string) bool {
	for _, part := range strings.Split(tag, "-") {
		m := tagPart.FindStringSubmatch(part)
		if m == nil {
			return false
		}
		if m[1] != "" && m[1] != officialMajor[kind] {
			return false
		}
	}
	return true
}
