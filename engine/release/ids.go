package release

import (
	"fmt"
	"strings"

	"github.com/minimalinfra/mvi/engine/arch"
)

// Tag is the build id and image tag of process built from source: the
// same source gives the same tag, so an unchanged directory needs no
// build, and a changed one a new tag (the registry's tags never move).
func Tag(process, source string) string {
	hex := strings.TrimPrefix(source, "sha256:")
	if len(hex) > 12 {
		hex = hex[:12]
	}
	return arch.ImageTagPrefix(process) + hex
}

// logKey is where a build's log is kept in the bucket.
func logKey(id string) string { return "builds/" + id + ".log" }

// contextKey is where a cluster build's context waits for its task; it
// is removed when the build ends.
func contextKey(id string) string { return "builds/" + id + ".context.tar.gz" }

// authParam is the SSM parameter holding a cluster build's registry
// credentials while it runs.
func authParam(app, id string) string { return arch.BuildsPath(app) + id + "/registry-auth" }

// builderFamily is the task definition family of the app's builds,
// named like the app's other resources so down finds one a build
// cut off before it could remove it.
func builderFamily(app string) string { return arch.PhysicalName(app, "build") }

// builderStreamPrefix starts the log streams of the builder's tasks.
const builderStreamPrefix = "build"

// LogURL is the s3:// address of a build's log.
func LogURL(bucket, id string) string { return "s3://" + bucket + "/" + logKey(id) }

// sortKey spells a release number so the table keeps them in order.
func sortKey(n int) string { return fmt.Sprintf("%08d", n) }

const (
	pkBuild   = "build"
	pkRelease = "release"
)
