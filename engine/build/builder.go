package build

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// defaultPlatform is what the app's ECS VMs run.
const defaultPlatform = "linux/amd64"

// builder is one build's state: the recipe, the image so far and the
// variables in scope. It lives for one call of Build.
type builder struct {
	opts    Options
	df      *Dockerfile
	plat    *v1.Platform
	sc      *scope
	img     v1.Image       // the base, plus the layers appended so far
	cfg     *v1.ConfigFile // the config being built; written onto img at the end
	cmdSet  bool           // the Dockerfile set CMD, so ENTRYPOINT keeps it
	layerMT types.MediaType
	history []v1.History
	layers  int
	tmp     string
	log     io.Writer
	dirs    map[string]bool // baseIsDir's answers, by image path
	base    string
	// warnings are kept for the Result, like docker build's.
	warnings []string
	notRun   []RunLine
}

// Build turns opts.Dir into an image and pushes it to opts.Target.
//
// Everything that can be refused without the network is refused first —
// a bad target, a Dockerfile that needs RUN (*NeedsBuilderError), a COPY
// of a missing path or one outside the build directory, a context over
// the size limit — so a refused build has pulled and pushed nothing.
func Build(ctx context.Context, opts Options) (Result, error) {
	if opts.Platform == "" {
		opts.Platform = defaultPlatform
	}
	plat, err := parsePlatform(opts.Platform)
	if err != nil {
		return Result{}, &Error{Kind: KindTarget, Msg: "platform " + opts.Platform + " is not os/arch[/variant]", Hint: "use linux/amd64 or linux/arm64", Err: err}
	}
	target, err := name.ParseReference(opts.Target, opts.Name...)
	if err != nil {
		return Result{}, &Error{Kind: KindTarget, Msg: "cannot push to " + fmt.Sprintf("%q", opts.Target), Err: err,
			Hint: "name a repository and a tag, such as registry.example.com/app:build-1"}
	}
	df, err := parse(ctx, opts.Dir, opts.Dockerfile, opts.MaxContextBytes, opts.SkipRun)
	if err != nil {
		return Result{}, err
	}
	src, err := df.Context.Digest(ctx)
	if err != nil {
		return Result{}, err
	}
	tmp, err := os.MkdirTemp(opts.TempDir, "mvi-build-")
	if err != nil {
		return Result{}, &Error{Kind: KindContext, Msg: "cannot make a temporary directory for the layers", Err: err,
			Hint: "free disk space, or set Options.TempDir to a writable directory"}
	}
	defer os.RemoveAll(tmp)

	b := &builder{opts: opts, df: df, plat: plat, tmp: tmp, log: opts.Log, dirs: map[string]bool{},
		sc: newScope(df.Escape, opts.BuildArgs, automaticArgs(plat.OS, plat.Architecture, plat.Variant))}
	if b.log == nil {
		b.log = io.Discard
	}
	if err := b.from(ctx); err != nil {
		return Result{}, err
	}
	for _, st := range df.Steps {
		if err := ctx.Err(); err != nil {
			return Result{}, err
		}
		if err := b.step(st); err != nil {
			return Result{}, err
		}
	}
	img, err := b.finish()
	if err != nil {
		return Result{}, err
	}
	d, err := b.push(ctx, target, img)
	if err != nil {
		return Result{}, err
	}
	res := Result{Image: target.Context().Digest(d.String()).String(), ImageDigest: d.String(),
		SourceDigest: src, Base: b.base, Layers: b.layers, Warnings: b.warnings, NotRun: b.notRun}
	for _, k := range b.sc.unused() {
		res.Warnings = append(res.Warnings, "build arg "+k+" was given but no ARG in "+df.Name+" declares it")
	}
	return res, nil
}

// step runs one instruction after FROM.
func (b *builder) step(st Step) error {
	fmt.Fprintf(b.log, "%s:%d: %s\n", b.df.Name, st.Line, st.Text)
	if _, ok := st.Cmd.(*instructions.RunCommand); ok {
		// Only parse(skipRun) lets a RUN through: say so, don't fake it.
		r := RunLine{File: b.df.Name, Line: st.Line, Text: st.Text, Why: "NOT executed: this builder runs no programs, so the image lacks what this line would make"}
		b.notRun = append(b.notRun, r)
		fmt.Fprintf(b.log, "%s:%d: %s\n", r.File, r.Line, r.Why)
		b.history = append(b.history, v1.History{Created: v1.Time{Time: epoch()}, CreatedBy: st.Text + " # not executed", EmptyLayer: true})
		return nil
	}
	ok, err := b.configure(st)
	if err != nil {
		return err
	}
	if ok {
		b.history = append(b.history, v1.History{Created: v1.Time{Time: epoch()}, CreatedBy: st.Text, EmptyLayer: true})
		return nil
	}
	req, err := b.copyRequest(st)
	if err != nil {
		return err
	}
	ls, err := b.copyFiles(req)
	if err != nil {
		return err
	}
	layer, size, err := ls.write(b.tmp, b.layerMT)
	if err != nil {
		return st.fail(b.df.Name, KindContext, "cannot write the layer", "free disk space in "+b.tmp, err)
	}
	h := v1.History{Created: v1.Time{Time: epoch()}, CreatedBy: st.Text}
	if b.img, err = mutate.Append(b.img, mutate.Addendum{Layer: layer, History: h, MediaType: b.layerMT}); err != nil {
		return st.fail(b.df.Name, KindContext, "cannot add the layer", "", err)
	}
	b.history = append(b.history, h)
	b.layers++
	fmt.Fprintf(b.log, "  layer %d: %d entries, %d bytes uncompressed\n", b.layers, len(ls.files), size)
	return nil
}

// finish writes the config onto the image. Created is the fixed epoch,
// like every time in the layers, so the same source and base give the
// same image digest and a rebuild of unchanged source pushes nothing.
func (b *builder) finish() (v1.Image, error) {
	cur, err := b.img.ConfigFile()
	if err != nil {
		return nil, &Error{Kind: KindContext, File: b.df.Name, Msg: "cannot read the image config", Err: err}
	}
	cfg := cur.DeepCopy()
	cfg.Config = b.cfg.Config
	cfg.Author = b.cfg.Author
	cfg.Created = v1.Time{Time: epoch()}
	cfg.History = b.history
	// ONBUILD triggers are the base's instructions for its children; the
	// image keeps only those its own Dockerfile wrote (configure adds them).
	img, err := mutate.ConfigFile(b.img, cfg)
	if err != nil {
		return nil, &Error{Kind: KindContext, File: b.df.Name, Msg: "cannot write the image config", Err: err}
	}
	return img, nil
}

// parsePlatform reads os/arch[/variant]; ggcr's parser alone accepts
// "arm64" as an OS with no architecture, which would pull the wrong image.
func parsePlatform(s string) (*v1.Platform, error) {
	p, err := v1.ParsePlatform(s)
	if err != nil {
		return nil, err
	}
	if p.OS == "" || p.Architecture == "" || strings.ContainsAny(s, " \t") {
		return nil, fmt.Errorf("%q is not os/arch[/variant]", s)
	}
	return p, nil
}
