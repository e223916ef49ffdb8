package build

import (
	"fmt"
	"strings"
	"testing"
)

// benchContext writes a site of 200 files (~4 kB each) in 10 directories.
func benchContext(b *testing.B) string {
	dir := b.TempDir()
	files := map[string]string{
		"Dockerfile":    "FROM httpd\nCOPY ./public-html/ /usr/local/apache2/htdocs/\n",
		".dockerignore": "*.log\n",
	}
	for i := range 200 {
		files[fmt.Sprintf("public-html/d%d/page%d.html", i%10, i)] = strings.Repeat(fmt.Sprintf("<p>page %d</p>\n", i), 256)
	}
	writeTree(b, dir, files)
	return dir
}

// BenchmarkBuild is a full build of 200 files: context walk, source
// digest, layer, push to a loopback registry. "rebuild-one-file" edits
// one page each time: what a learner's edit-and-up costs, and the bytes
// it sends (one layer and the config; the base is already there).
func BenchmarkBuild(b *testing.B) {
	reg := newTestRegistry(b)
	reg.pushBase(b)
	dir := benchContext(b)
	// A registry of its own each time, holding only the base: the new
	// layer goes up in full (the in-process registry keeps one blob store
	// for all repositories, so a new repository alone would not show it).
	b.Run("fresh", func(b *testing.B) {
		var sent int64
		for b.Loop() {
			b.StopTimer()
			fresh := newTestRegistry(b)
			fresh.pushBase(b)
			before := fresh.bytesIn.Load()
			b.StartTimer()
			mustBuild(b, fresh.opts(dir, "b-1"))
			sent += fresh.bytesIn.Load() - before
		}
		b.ReportMetric(float64(sent)/float64(b.N), "pushed-B/op")
	})
	// Unchanged source: the same image, and the push finds every blob
	// there. (mvi skips this build by SourceDigest; this is its cost when
	// a caller does not.)
	b.Run("unchanged", func(b *testing.B) {
		sent := reg.bytesIn.Load()
		for i := 0; b.Loop(); i++ {
			mustBuild(b, reg.opts(dir, fmt.Sprintf("same-%d", i)))
		}
		b.ReportMetric(float64(reg.bytesIn.Load()-sent)/float64(b.N), "pushed-B/op")
	})
	b.Run("rebuild-one-file", func(b *testing.B) {
		sent := reg.bytesIn.Load()
		for i := 0; b.Loop(); i++ {
			writeTree(b, dir, map[string]string{"public-html/d0/page0.html": fmt.Sprintf("<p>edit %d</p>\n", i)})
			mustBuild(b, reg.opts(dir, fmt.Sprintf("edit-%d", i)))
		}
		b.ReportMetric(float64(reg.bytesIn.Load()-sent)/float64(b.N), "pushed-B/op")
	})
}

func BenchmarkSourceDigest(b *testing.B) {
	dir := benchContext(b)
	for b.Loop() {
		if _, err := SourceDigest(b.Context(), dir, ""); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTutorialRebuild is the "Build and Release Custom Images"
// tutorial's app — the book's two-line Dockerfile, a page and a style
// sheet — rebuilt after the learner edits the page: its time, and the
// bytes it pushes (one layer, the config and the manifest).
func BenchmarkTutorialRebuild(b *testing.B) {
	reg := newTestRegistry(b)
	reg.pushBase(b)
	dir := b.TempDir()
	writeTree(b, dir, map[string]string{
		"Dockerfile":             "FROM httpd\nCOPY ./public-html/ /usr/local/apache2/htdocs/\n",
		"public-html/index.html": "<html><body><h1>My first page</h1></body></html>\n",
		"public-html/style.css":  "body { font-family: sans-serif; }\n",
	})
	mustBuild(b, reg.opts(dir, "first"))
	sent, uploads := reg.bytesIn.Load(), reg.uploads.Load()
	for i := 0; b.Loop(); i++ {
		writeTree(b, dir, map[string]string{"public-html/index.html": fmt.Sprintf("<html><body><h1>edit %d</h1></body></html>\n", i)})
		mustBuild(b, reg.opts(dir, fmt.Sprintf("edit-%d", i)))
	}
	b.ReportMetric(float64(reg.bytesIn.Load()-sent)/float64(b.N), "pushed-B/op")
	b.ReportMetric(float64(reg.uploads.Load()-uploads)/float64(b.N), "blob-uploads/op")
}
