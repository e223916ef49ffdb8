package build

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// An OCI base gets OCI layers: a manifest mixing the two kinds is one
// some registries refuse.
func TestBuildOCIBaseGetsOCILayers(t *testing.T) {
	reg := newTestRegistry(t)
	base, err := mutate.AppendLayers(mutate.MediaType(empty.Image, types.OCIManifestSchema1), tarLayer(t, map[string]string{"etc/": ""}))
	if err != nil {
		t.Fatal(err)
	}
	base = mutate.ConfigMediaType(base, types.OCIConfigJSON)
	ref, _ := name.ParseReference(reg.host + "/oci-base:1")
	if err := remote.Write(ref, base); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"Dockerfile": "FROM oci-base:1\nCOPY a /a\n", "a": "a\n"})
	p := pull(t, mustBuild(t, reg.opts(dir, "oci")).Image)
	if mt, _ := p.img.MediaType(); mt != types.OCIManifestSchema1 {
		t.Errorf("manifest media type %s", mt)
	}
	ls, _ := p.img.Layers()
	if mt, _ := ls[len(ls)-1].MediaType(); mt != types.OCILayer {
		t.Errorf("new layer media type %s, want %s", mt, types.OCILayer)
	}
}

// COPY's flags: --chmod, --exclude, and a here-document.
func TestBuildCopyFlagsAndHeredoc(t *testing.T) {
	reg := newTestRegistry(t)
	reg.pushBase(t)
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"Dockerfile": "FROM httpd\nARG WHO=world\nCOPY --chmod=0755 --exclude=*.bak bin/ /usr/local/bin/\nCOPY <<EOF /etc/motd\nhello ${WHO}\nEOF\n",
		"bin/serve":  "#!/bin/sh\n", "bin/old.bak": "x\n",
	})
	p := pull(t, mustBuild(t, reg.opts(dir, "flags")).Image)
	ls, _ := p.img.Layers()
	bin := layerEntries(t, ls[1])
	if e, ok := bin["usr/local/bin/serve"]; !ok || e.h.Mode&0o7777 != 0o755 {
		t.Errorf("serve with --chmod=0755: %+v", e.h)
	}
	if _, ok := bin["usr/local/bin/old.bak"]; ok {
		t.Error("--exclude=*.bak copied old.bak")
	}
	if motd := p.lastLayer(t)["etc/motd"]; motd.data != "hello world\n" {
		t.Errorf("here-document gave %q", motd.data)
	}
}

// What the base's layers leave at a destination decides where a file
// goes: through a symlink to a directory, into it; at a path a later
// layer deleted (a whiteout), a new file.
func TestBuildCopyReadsBaseLayers(t *testing.T) {
	reg := newTestRegistry(t)
	base, err := mutate.AppendLayers(empty.Image,
		tarLayer(t, map[string]string{"srv/": "", "srv/www/": "", "srv/old/": "", "var/": "", "var/www": "-> /srv/www"}),
		tarLayer(t, map[string]string{"srv/.wh.old": ""}))
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := name.ParseReference(reg.host + "/layered:1")
	if err := remote.Write(ref, base); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"Dockerfile": "FROM layered:1\nCOPY page.html /var/www\nCOPY page.html /srv/old\n", "page.html": "p\n"})
	p := pull(t, mustBuild(t, reg.opts(dir, "layers")).Image)
	ls, _ := p.img.Layers()
	if _, ok := layerEntries(t, ls[2])["var/www/page.html"]; !ok {
		t.Errorf("COPY through a symlinked directory: layer has %v", sortedKeys(layerEntries(t, ls[2])))
	}
	if _, ok := layerEntries(t, ls[3])["srv/old"]; !ok {
		t.Errorf("COPY onto a deleted directory: layer has %v", sortedKeys(layerEntries(t, ls[3])))
	}
}

// A single-platform base that is not the platform asked for is used, with
// a warning, since that is what the registry has; FROM --platform takes
// the automatic platform args.
func TestBuildPlatformWarning(t *testing.T) {
	reg := newTestRegistry(t)
	reg.pushBase(t)
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"Dockerfile": "FROM --platform=$TARGETPLATFORM httpd\nUSER 1\n"})
	o := reg.opts(dir, "arm")
	o.Platform = "linux/arm64"
	res := mustBuild(t, o)
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "linux/amd64, not the linux/arm64") {
		t.Errorf("Warnings = %q", res.Warnings)
	}
	o.Platform = "arm64 please"
	if _, err := Build(t.Context(), o); !errors.Is(err, ErrTarget) {
		t.Errorf("a bad platform: %v", err)
	}
}
