package build

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// from resolves the meta ARGs, then pulls the base image FROM names (its
// manifest and config only: layers are read later, and only if a COPY
// needs to know what the base holds, or by the push when the target is
// another registry).
func (b *builder) from(ctx context.Context) error {
	for _, st := range b.df.Meta {
		if err := b.sc.declareMeta(st.Cmd.(*instructions.ArgCommand)); err != nil {
			return st.fail(b.df.Name, KindSyntax, "cannot expand variables", "check ${…} syntax", err)
		}
	}
	st := b.df.From
	stage := st.Cmd.(*instructions.Stage)
	fail := func(kind Kind, msg, fix string, err error) error { return st.fail(b.df.Name, kind, msg, fix, err) }
	fmt.Fprintf(b.log, "%s:%d: %s\n", b.df.Name, st.Line, st.Text)

	base, err := b.sc.metaWord(stage.BaseName)
	if err != nil {
		return fail(KindSyntax, "cannot expand variables", "check ${…} syntax; FROM sees only ARGs declared before it", err)
	}
	if base == "" {
		return fail(KindSyntax, "FROM names no image (an ARG it uses is empty?)", "give the ARG a default, or pass it as a build arg", nil)
	}
	plat := b.plat
	if stage.Platform != "" {
		p, err := b.sc.metaWord(stage.Platform)
		if err == nil {
			plat, err = parsePlatform(p)
		}
		if err != nil {
			return fail(KindSyntax, "--platform is not os/arch[/variant]", "write --platform=linux/amd64, or drop it", err)
		}
	}
	if err := b.pull(ctx, base, plat); err != nil {
		var be *Error
		if e, ok := err.(*Error); ok {
			be = e
		} else {
			be = &Error{Kind: KindUnreachable, Msg: "cannot pull " + base, Err: err,
				Hint: "check the image name and tag, that the registry is reachable, and that these credentials may pull it"}
		}
		be.File, be.Line, be.Instr = b.df.Name, st.Line, st.Text
		return be
	}
	if len(b.cfg.Config.OnBuild) > 0 {
		return fail(KindUnsupported, base+" has ONBUILD instructions, which the in-process builder cannot run",
			"build with docker, podman or buildah, or use a base image without ONBUILD", nil)
	}
	fmt.Fprintf(b.log, "  base %s\n", b.base)
	b.history = baseHistory(b.cfg)
	if b.cfg.OS != "" && (b.cfg.OS != plat.OS || b.cfg.Architecture != plat.Architecture) {
		// A single-platform base is used whatever it is built for; say so,
		// since the VMs will refuse to run it ("exec format error").
		b.warnings = append(b.warnings, fmt.Sprintf("%s:%d: %s is %s/%s, not the %s/%s asked for",
			b.df.Name, st.Line, base, b.cfg.OS, b.cfg.Architecture, plat.OS, plat.Architecture))
	}
	b.sc.setBaseEnv(b.cfg.Config.Env)
	return nil
}

// pull sets the base image, its config and the media type new layers get.
func (b *builder) pull(ctx context.Context, base string, plat *v1.Platform) error {
	if base == "scratch" {
		// Docker's empty base; it is a Docker-typed image, so the layers
		// added to it are too.
		b.img, b.base, b.layerMT = empty.Image, "scratch", types.DockerLayer
		b.cfg = &v1.ConfigFile{OS: plat.OS, Architecture: plat.Architecture, Variant: plat.Variant,
			RootFS: v1.RootFS{Type: "layers"}}
		var err error
		b.img, err = mutate.ConfigFile(b.img, b.cfg.DeepCopy())
		return err
	}
	ref, err := name.ParseReference(base, b.opts.Name...)
	if err != nil {
		return &Error{Kind: KindSyntax, Msg: base + " is not an image reference", Err: err,
			Hint: "write FROM name[:tag] or name@sha256:…, e.g. FROM httpd:2.4"}
	}
	opts := append(append([]remote.Option{}, b.opts.Remote...), remote.WithContext(ctx), remote.WithPlatform(*plat))
	img, err := remote.Image(ref, opts...)
	if err != nil {
		return err
	}
	d, err := img.Digest()
	if err != nil {
		return err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return err
	}
	mt, err := img.MediaType()
	if err != nil {
		return err
	}
	b.layerMT = types.DockerLayer
	if mt == types.OCIManifestSchema1 || strings.HasPrefix(string(mt), "application/vnd.oci.") {
		b.layerMT = types.OCILayer
	}
	b.img, b.cfg, b.base = img, cf.DeepCopy(), ref.Context().Digest(d.String()).String()
	return nil
}

// baseHistory is the base's history with one entry per layer: some
// images carry none, and tools pair the history entries that are not
// EmptyLayer with the layers in order, so the build's own entries must
// not end up paired with the base's layers.
func baseHistory(cfg *v1.ConfigFile) []v1.History {
	h := append([]v1.History{}, cfg.History...)
	nonEmpty := 0
	for _, e := range h {
		if !e.EmptyLayer {
			nonEmpty++
		}
	}
	for ; nonEmpty < len(cfg.RootFS.DiffIDs); nonEmpty++ {
		h = append(h, v1.History{CreatedBy: "(a layer of the base image, which records no history for it)"})
	}
	return h
}
