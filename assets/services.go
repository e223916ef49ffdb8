package assets

import (
	"embed"
	"fmt"
	"strings"
)

// Services holds the twelve service chapters, one markdown file per service at
// services/<slug>.md. Each follows the book's chapter template: a "# <Title>"
// line, then "What it is", "Why we need it", "What it depends on", "How it
// works on AWS", "Knobs" and "Gauges".
//
//go:embed services/*.md
var Services embed.FS

// serviceSlugs is the book's order: Secure Compute (VM, VPC, Crypto), then the
// Application Workload (Container, Registry, Load Balancer, Database, Shared
// FS), then Operations (Log, Metric, Key/Value, Blob).
var serviceSlugs = []string{
	"vm", "vpc", "crypto",
	"container", "registry", "load-balancer", "database", "shared-fs",
	"log", "metric", "kv", "blob",
}

// ServiceSlugs returns the slugs of the twelve services in the book's order.
// The slice is a copy: callers may change it.
func ServiceSlugs() []string {
	return append([]string(nil), serviceSlugs...)
}

// ServiceChapter returns the markdown chapter for the service with the given
// slug (for example "load-balancer"). An unknown slug is an error that lists
// the known ones.
func ServiceChapter(slug string) (string, error) {
	known := false
	for _, s := range serviceSlugs {
		if s == slug {
			known = true
			break
		}
	}
	if !known {
		return "", fmt.Errorf("assets: no service chapter %q; known services: %s",
			slug, strings.Join(serviceSlugs, ", "))
	}
	b, err := Services.ReadFile("services/" + slug + ".md")
	if err != nil {
		return "", fmt.Errorf("assets: service chapter %q: %w", slug, err)
	}
	return string(b), nil
}
