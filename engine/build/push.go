package build

import (
	"context"
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// push writes the image to target. go-containerregistry asks the
// registry for each blob first, so layers it already has (the base's, and
// any this build made the same as last time) are not sent again.
func (b *builder) push(ctx context.Context, target name.Reference, img v1.Image) (v1.Hash, error) {
	d, err := img.Digest()
	if err != nil {
		return v1.Hash{}, &Error{Kind: KindContext, File: b.df.Name, Msg: "cannot compute the image digest", Err: err}
	}
	fmt.Fprintf(b.log, "push %s@%s\n", target.Context(), d)
	opts := append(append([]remote.Option{}, b.opts.Remote...), remote.WithContext(ctx))
	b.sayLayers(target.Context(), img, opts)
	if err := remote.Write(target, img, opts...); err != nil {
		return v1.Hash{}, &Error{Kind: KindPush, Msg: "cannot push to " + target.String(), Err: err,
			Hint: "check the registry is reachable and these credentials may push to it; with immutable tags, use a tag not pushed before"}
	}
	return d, nil
}

// sayLayers tells the log which layers the push sends and which the
// registry already has (the base's, and any made the same as last time),
// so a rebuild after a one-file edit reads as one layer pushed. It only
// looks: remote.Write decides again for itself, and a layer this can't
// ask about is just not named.
func (b *builder) sayLayers(repo name.Repository, img v1.Image, opts []remote.Option) {
	layers, err := img.Layers()
	if err != nil {
		return
	}
	var send, have int
	var bytes int64
	for _, l := range layers {
		h, err := l.Digest()
		if err != nil {
			return
		}
		size, _ := l.Size()
		rl, err := remote.Layer(repo.Digest(h.String()), opts...)
		if err != nil {
			return
		}
		if ok, err := partial.Exists(rl); err == nil && ok {
			have++
			continue
		}
		send++
		bytes += size
		fmt.Fprintf(b.log, "  layer %s: push %s\n", short(h), humanBytes(size))
	}
	fmt.Fprintf(b.log, "  %d of %d layers to push (%s); %d already in the registry, not pushed again\n", send, len(layers), humanBytes(bytes), have)
}

// short is a digest as people read it: algorithm and 12 hex digits.
func short(h v1.Hash) string {
	if len(h.Hex) > 12 {
		return h.Algorithm + ":" + h.Hex[:12]
	}
	return h.String()
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
