package build

import (
	"context"
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
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
	if err := remote.Write(target, img, opts...); err != nil {
		return v1.Hash{}, &Error{Kind: KindPush, Msg: "cannot push to " + target.String(), Err: err,
			Hint: "check the registry is reachable and these credentials may push to it; with immutable tags, use a tag not pushed before"}
	}
	return d, nil
}
