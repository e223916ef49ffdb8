package assets

import (
	"bufio"
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

var wantTitles = map[string]string{
	"vm":            "VM",
	"vpc":           "VPC",
	"crypto":        "Crypto",
	"container":     "Container",
	"registry":      "Registry",
	"load-balancer": "Load Balancer",
	"database":      "Database",
	"shared-fs":     "Shared FS",
	"log":           "Log",
	"metric":        "Metric",
	"kv":            "Key/Value",
	"blob":          "Blob",
}

var wantHeadings = []string{
	"## What it is",
	"## Why we need it",
	"## What it depends on",
	"## How it works on AWS",
	"## Knobs",
	"## Gauges",
}

func TestServiceSlugsOrder(t *testing.T) {
	want := []string{
		"vm", "vpc", "crypto", "container", "registry", "load-balancer",
		"database", "shared-fs", "log", "metric", "kv", "blob",
	}
	got := ServiceSlugs()
	if !slices.Equal(got, want) {
		t.Fatalf("ServiceSlugs() = %v, want %v", got, want)
	}
	got[0] = "changed"
	if ServiceSlugs()[0] != "vm" {
		t.Fatal("ServiceSlugs returned its internal slice")
	}
}

// TestEveryFileIsAService keeps the embedded directory and the slug list in
// step: a chapter nobody can reach is as much a bug as a missing one.
func TestEveryFileIsAService(t *testing.T) {
	files, err := fs.Glob(Services, "services/*.md")
	if err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for _, f := range files {
		slugs = append(slugs, strings.TrimSuffix(path.Base(f), ".md"))
	}
	want := ServiceSlugs()
	slices.Sort(slugs)
	slices.Sort(want)
	if !slices.Equal(slugs, want) {
		t.Fatalf("embedded chapters %v, want exactly %v", slugs, want)
	}
}

func TestServiceChapters(t *testing.T) {
	for _, slug := range ServiceSlugs() {
		t.Run(slug, func(t *testing.T) {
			text, err := ServiceChapter(slug)
			if err != nil {
				t.Fatalf("ServiceChapter(%q): %v", slug, err)
			}
			checkChapter(t, slug, text)
		})
	}
}

func checkChapter(t *testing.T, slug, text string) {
	t.Helper()
	title, ok := wantTitles[slug]
	if !ok {
		t.Fatalf("no expected title for slug %q", slug)
	}

	var lines []string
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}

	first := ""
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			first = l
			break
		}
	}
	if first != "# "+title {
		t.Errorf("first line = %q, want %q", first, "# "+title)
	}

	// Headings are only looked for outside fenced code blocks.
	var got []int
	var names []string
	titles := 0
	fenced := false
	for i, l := range lines {
		if n := utf8.RuneCountInString(l); n > 100 {
			t.Errorf("line %d is %d characters long (max 100): %q", i+1, n, l)
		}
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			fenced = !fenced
			continue
		}
		if fenced {
			continue
		}
		// glamour (v0.9) turns a soft line break inside a list item into a
		// hard one, so a wrapped item renders as a ragged line: one line each.
		if isContinuation(l) {
			t.Errorf("line %d continues a list item; keep each item on one line: %q", i+1, l)
		}
		switch {
		case strings.HasPrefix(l, "# "):
			titles++
		case strings.HasPrefix(l, "## "):
			got = append(got, i)
			names = append(names, strings.TrimRight(l, " "))
		}
	}
	if fenced {
		t.Error("unclosed code fence")
	}
	if titles != 1 {
		t.Errorf("found %d first-level titles, want 1", titles)
	}

	// The second-level headings must be exactly the six, in order.
	if !slices.Equal(names, wantHeadings) {
		t.Fatalf("second-level headings = %q, want %q", names, wantHeadings)
	}

	// Each section has some prose before the next heading.
	for k, start := range got {
		end := len(lines)
		if k+1 < len(got) {
			end = got[k+1]
		}
		body := strings.TrimSpace(strings.Join(lines[start+1:end], "\n"))
		if body == "" {
			t.Errorf("section %q is empty", names[k])
		}
	}
}

// isContinuation reports whether an indented line is the wrapped tail of a
// list item rather than a nested item of its own.
func isContinuation(l string) bool {
	trimmed := strings.TrimLeft(l, " \t")
	if trimmed == l || trimmed == "" {
		return false
	}
	for _, marker := range []string{"- ", "* ", "+ "} {
		if strings.HasPrefix(trimmed, marker) {
			return false
		}
	}
	digits := len(trimmed) - len(strings.TrimLeft(trimmed, "0123456789"))
	if digits > 0 && (strings.HasPrefix(trimmed[digits:], ". ") || strings.HasPrefix(trimmed[digits:], ") ")) {
		return false
	}
	return true
}

func TestServiceChapterUnknown(t *testing.T) {
	for _, slug := range []string{"nope", "", "../services", "VM", "services/vm"} {
		text, err := ServiceChapter(slug)
		if err == nil {
			t.Fatalf("ServiceChapter(%q) = %d bytes, want an error", slug, len(text))
		}
		for _, known := range ServiceSlugs() {
			if !strings.Contains(err.Error(), known) {
				t.Errorf("ServiceChapter(%q) error %q does not name %q", slug, err, known)
			}
		}
	}
}
