// Package site knows what a plain static site looks like, so a build
// directory of HTML with no Dockerfile can be served without one. It is
// its own small package because the manifest (which must stay light)
// and the builder both ask the same question and must answer it the
// same way.
package site

import (
	"path"
	"strings"
)

// Dockerfile is the recipe a static site is built with: nginx serves the
// directory as it is. The plan says so, so nothing happens unseen.
const Dockerfile = "FROM nginx\nCOPY . /usr/share/nginx/html/\n"

// Index is the file that makes a directory a site.
const Index = "index.html"

// appFiles are signs that the directory is a program's source, which
// nginx would serve as text instead of running: such a directory needs
// a Dockerfile of its own.
var appFiles = map[string]bool{
	"package.json": true, "go.mod": true, "requirements.txt": true, "Pipfile": true,
	"pyproject.toml": true, "setup.py": true, "manage.py": true, "Gemfile": true,
	"config.ru": true, "composer.json": true, "pom.xml": true, "build.gradle": true,
	"build.gradle.kts": true, "Cargo.toml": true, "mix.exs": true, "Procfile": true,
	"deno.json": true, "bun.lockb": true,
}

var appExts = map[string]bool{
	".py": true, ".rb": true, ".php": true, ".go": true, ".java": true,
	".rs": true, ".ex": true, ".exs": true, ".cs": true,
}

// IsStatic says whether a build directory whose top level holds names
// (slash-free) is a plain static site: an index.html and no sign of a
// program.
func IsStatic(names []string) bool {
	for _, n := range names {
		if n == Index {
			return AppSign(names) == ""
		}
	}
	return false
}

// AppSign is the first name that shows the directory holds a program,
// or "" when there is none; errors use it to say why a directory with
// an index.html still needs a Dockerfile.
func AppSign(names []string) string {
	for _, n := range names {
		if appFiles[n] || appExts[strings.ToLower(path.Ext(n))] {
			return n
		}
	}
	return ""
}
