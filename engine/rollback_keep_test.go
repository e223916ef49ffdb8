package engine

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/build"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/minimalinfra/mvi/engine/release"
	"github.com/minimalinfra/mvi/engine/sandbox"
)

// Seed 002: it must always be safe to go back N releases. With keep = 2,
// build a, b, c, roll back to b, build d: the kept releases run b and d,
// but the newest two pushes are c and d. The registry must still keep b
// (its kept tag), so the rollback to b's release works again; c and a,
// which no kept release runs, lose their kept tags and are left to
// their process's rule.
func TestRegistryKeepsWhatKeptReleasesRunAfterARollback(t *testing.T) {
	dir := t.TempDir()
	page := func(body string) {
		t.Helper()
		os.MkdirAll(filepath.Join(dir, "public-html"), 0o755)
		if err := os.WriteFile(filepath.Join(dir, "public-html", "index.html"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM httpd:2.4\nCOPY ./public-html/ /usr/local/apache2/htdocs/\n"), 0o644)
	m, err := manifest.Parse("mvi.toml", []byte("name = \"page\"\n[processes.web]\nbuild = \".\"\nport = 80\n[release]\nkeep = 2\n"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := arch.Design(m)
	if err != nil {
		t.Fatal(err)
	}
	_, cfg := openSandbox(t, sandbox.Options{})
	cfg.App, cfg.Dir, cfg.ReleaseKeep = "page", dir, 2
	ctx := context.Background()
	builds := map[string]string{}
	up := func(name string) {
		t.Helper()
		page("<h1>" + name + "</h1>\n")
		if _, err := planApply(t, ctx, cfg, a, nil); err != nil {
			t.Fatalf("up %s: %v", name, err)
		}
		d, err := build.SourceDigest(ctx, dir, "")
		if err != nil {
			t.Fatal(err)
		}
		builds[name] = release.Tag("web", d)
	}
	up("a")
	up("b")
	up("c")
	if _, err := Rollback(ctx, cfg, 2, nil); err != nil {
		t.Fatalf("roll back to b: %v", err)
	}
	up("d")

	repo := "mvi-page-repository"
	tags := map[string]bool{}
	out, err := cfg.Clients.ECR.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String(repo),
		Filter: &ecrtypes.DescribeImagesFilter{TagStatus: ecrtypes.TagStatusTagged}})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range out.ImageDetails {
		for _, tg := range d.ImageTags {
			tags[tg] = true
		}
	}
	t.Logf("tags in the registry: %v", tags)
	for _, n := range []string{"b", "d"} {
		if !tags[builds[n]] || !tags[arch.KeptTag(builds[n])] {
			t.Errorf("image %s (%s), run by a kept release, is not kept: %v", n, builds[n], tags)
		}
	}
	for _, n := range []string{"a", "c"} {
		if tags[arch.KeptTag(builds[n])] {
			t.Errorf("image %s still has its kept tag, though no kept release runs it", n)
		}
	}
	// What the registry holds stays bounded: the kept images, and the
	// newest keep others of the process.
	if len(out.ImageDetails) > 2*2 {
		t.Errorf("%d images kept, want at most 4", len(out.ImageDetails))
	}
	// Release 4 (the rollback to b) is in the window and its image is
	// there: going back to it works.
	if _, err := Rollback(ctx, cfg, 4, nil); err != nil {
		t.Fatalf("roll back to release 4: %v", err)
	}
}
