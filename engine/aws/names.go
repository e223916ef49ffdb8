package aws

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/minimalinfra/mvi/engine/arch"
)

// shortHash is 8 hex digits of sha256(s): deterministic name shortening.
func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:4])
}

// clean lowercases s and turns every character outside [a-z0-9-] into '-'.
func clean(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}

// fit shortens name to max characters deterministically: the head is kept
// (so the "mvi-<app>-" prefix survives where max allows) and the tail is
// replaced by a hash of the whole name.
func fit(name string, max int) string {
	if len(name) <= max {
		return name
	}
	h := shortHash(name)
	head := strings.TrimRight(name[:max-len(h)-1], "-")
	return head + "-" + h
}

// physName is arch.PhysicalName in the [a-z0-9-] charset, fitted to max.
func physName(app, id string, max int) string {
	return fit(clean(arch.PhysicalName(app, id)), max)
}

// appPrefix is how every physName of app begins (for services whose
// limits keep at least 46 characters).
func appPrefix(app string) string { return clean("mvi-"+app) + "-" }

// rdsName fits RDS identifiers: letters, digits and single hyphens, starting
// with a letter, not ending with a hyphen, at most 63 characters.
func rdsName(app, id string) string { return identName(app, id, 63) }

// cacheName fits ElastiCache replication group ids: RDS's rules, at most
// 40 characters.
func cacheName(app, id string) string { return identName(app, id, 40) }

func identName(app, id string, max int) string {
	n := clean(arch.PhysicalName(app, id))
	for strings.Contains(n, "--") {
		n = strings.ReplaceAll(n, "--", "-")
	}
	n = strings.Trim(fit(n, max), "-")
	for strings.Contains(n, "--") {
		n = strings.ReplaceAll(n, "--", "-")
	}
	return n
}

// elbName fits load balancer and target group names: 32 characters,
// letters, digits and hyphens, not beginning or ending with a hyphen.
func elbName(app, id string) string {
	return strings.Trim(physName(app, id, 32), "-")
}

// bucketName is the app's bucket: mvi-<app>-<account>-<region>, at most 63
// characters (bucket names are global, so account and region are in it).
func bucketName(app, account, region string) string {
	return strings.Trim(fit(clean("mvi-"+app+"-"+account+"-"+region), 63), "-")
}

// dashboardName is the app's dashboard.
func dashboardName(app string) string { return "mvi-" + app }

// partition is the ARN partition of a region.
func partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}
