package manifest

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
)

// The parts of an image reference, as the distribution spec names them
// (github.com/distribution/reference's grammar). A pattern for the whole
// can't say which part is wrong, and the person needs to know.
var (
	imagePathRe   = regexp.MustCompile(`^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$`)
	imageTagRe    = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	imageDigestRe = regexp.MustCompile(`^sha256:[a-f0-9]{64}$`)
	imageHostRe   = regexp.MustCompile(`^(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])(?:\.(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]))*(?::[0-9]+)?$`)
)

// imageRefRe is the whole grammar in one pattern, for the JSON Schema:
// [host/]path[/path…][:tag][@digest].
var imageRefRe = regexp.MustCompile(`^(?:` + bare(imageHostRe) + `/)?` + bare(imagePathRe) + `(?:/` + bare(imagePathRe) + `)*` +
	`(?::` + bare(imageTagRe) + `)?(?:@` + bare(imageDigestRe) + `)?$`)

func bare(re *regexp.Regexp) string {
	return strings.TrimSuffix(strings.TrimPrefix(re.String(), "^"), "$")
}

// CheckImage says whether ref is an image reference a registry would
// serve ([registry/]name[:tag][@sha256:digest], e.g. httpd, nginx:1.27,
// ghcr.io/you/app:1), and if not, which part is wrong. The manifest's
// image rule and the tutorials' image questions both call it, so a
// question can't accept what mvi.toml would refuse. Whatever passes the
// grammar must also parse with go-containerregistry, the library mvi
// builds, pushes and pulls with.
func CheckImage(ref string) error {
	if ref == "" {
		return errors.New("it is empty")
	}
	if strings.ContainsAny(ref, " \t\r\n") {
		return errors.New("it has a space in it; an image reference is one word")
	}
	rest := ref
	if i := strings.Index(rest, "@"); i >= 0 {
		if d := rest[i+1:]; !imageDigestRe.MatchString(d) {
			return fmt.Errorf("the digest after @ must be sha256: and 64 lowercase hex digits, not %q", d)
		}
		rest = rest[:i]
	}
	// A tag follows the last colon after the last slash; a colon before
	// a slash is a registry's port.
	if i := strings.LastIndex(rest, ":"); i > strings.LastIndex(rest, "/") {
		tag := rest[i+1:]
		if tag == "" {
			return errors.New("it ends in : with no tag after it")
		}
		if !imageTagRe.MatchString(tag) {
			return fmt.Errorf("the tag %q may have only letters, digits, _ . and - (up to 128, not starting with . or -)", tag)
		}
		rest = rest[:i]
	}
	if len(rest) > 255 {
		return fmt.Errorf("the name is %d characters; registries allow 255", len(rest))
	}
	parts := strings.Split(rest, "/")
	// As go-containerregistry splits: the first part names a registry
	// only when it has a dot or a port (ghcr.io, localhost:5000).
	if len(parts) > 1 && strings.ContainsAny(parts[0], ".:") {
		if !imageHostRe.MatchString(parts[0]) {
			return fmt.Errorf("%q is not a registry's host name", parts[0])
		}
		parts = parts[1:]
	}
	for _, p := range parts {
		switch {
		case p == "":
			return errors.New("it has an empty part between slashes")
		case p != strings.ToLower(p):
			return errors.New("image names are lowercase")
		case !imagePathRe.MatchString(p):
			return fmt.Errorf("%q may have only lowercase letters and digits, separated by . _ or -", p)
		}
	}
	if _, err := name.ParseReference(ref); err != nil {
		// The grammar allows it, the library refuses it (a one-letter
		// name): the library's own words say why.
		var why error
		if strings.Contains(ref, "@") {
			_, why = name.NewDigest(ref)
		} else {
			_, why = name.NewTag(ref)
		}
		if why == nil {
			why = err
		}
		return fmt.Errorf("registries would refuse it (%v)", why)
	}
	return nil
}

// fixImage guesses the reference meant: lowercase (tags keep their case),
// without spaces at the ends or a dangling ":" or "@".
func fixImage(s string) string {
	t := strings.TrimRight(strings.TrimSpace(s), ":@")
	name, tag := t, ""
	if i := strings.LastIndex(t, ":"); i > strings.LastIndex(t, "/") {
		name, tag = t[:i], t[i:]
	}
	return strings.ToLower(name) + tag
}
