package manifest

import (
	"strings"
	"testing"
)

// `mvi validate` used to accept image = "Not An Image!" (issue 10): an
// image is now checked as a reference, at the value's line:col, with what
// is wrong and a fix.
func TestImageMustBeAReference(t *testing.T) {
	cases := []struct {
		image, msg, fix string
	}{
		{"Not An Image!", `"Not An Image!" is not an image reference: it has a space in it`, `image = "httpd"`},
		{"Nginx", "image names are lowercase", `did you mean "nginx"?`},
		{"nginx:", "ends in : with no tag", `did you mean "nginx"?`},
		{"nginx:-1", `the tag "-1"`, "docker pull"},
		{"httpd@sha256:abc", "the digest after @", "docker pull"},
		{"ghcr.io//app", "empty part between slashes", "docker pull"},
		{"my--app_", `"my--app_" may have only lowercase letters`, "docker pull"},
		{"bad_host.io/app", `"bad_host.io" is not a registry's host name`, "docker pull"},
		{"a", "registries would refuse it", "docker pull"},
	}
	for _, c := range cases {
		src := "[processes.web]\nimage = \"" + c.image + "\"\nport = 80\n"
		_, err := Parse("mvi.toml", []byte(src))
		errs, ok := AsErrors(err)
		if !ok || len(errs) != 1 {
			t.Errorf("%q: want one error, got %v", c.image, err)
			continue
		}
		e := errs[0]
		if e.Line != 2 || e.Col != 9 || e.Path != "processes.web.image" || !strings.Contains(e.Msg, c.msg) || !strings.Contains(e.Fix, c.fix) {
			t.Errorf("%q: got %d:%d %s: %s (fix: %s); want 2:9 and %q, fix with %q", c.image, e.Line, e.Col, e.Path, e.Msg, e.Fix, c.msg, c.fix)
		}
	}
}

// What a person writes for real images passes: Docker Hub short names,
// tags, registries with ports, digests.
func TestRealImageReferencesPass(t *testing.T) {
	for _, ref := range []string{
		"httpd", "nginx:1.27", "nginx:lastest", "library/redis:7-alpine", "ghcr.io/you/app:1.2",
		"localhost:5000/team/app", "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:build-42",
		"my_app", "a__b", "busybox@sha256:" + strings.Repeat("0123456789abcdef", 4),
		"busybox:1.36@sha256:" + strings.Repeat("ab", 32),
	} {
		if err := CheckImage(ref); err != nil {
			t.Errorf("CheckImage(%q) = %v", ref, err)
		}
	}
}

// The schema's one pattern and CheckImage agree on references an editor
// would see: what the pattern refuses, CheckImage refuses too.
func TestImageSchemaPatternAgrees(t *testing.T) {
	for _, ref := range []string{"httpd", "nginx:1.27", "ghcr.io/you/app:1", "localhost:5000/a/b",
		"library/httpd@sha256:" + strings.Repeat("a", 64), "Not An Image!", "HTTPD", "a//b", "x:", "-x"} {
		if (CheckImage(ref) == nil) != imageRefRe.MatchString(ref) {
			t.Errorf("%q: CheckImage says %v, schema pattern matches = %v", ref, CheckImage(ref), imageRefRe.MatchString(ref))
		}
	}
}
