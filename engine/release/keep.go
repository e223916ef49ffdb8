package release

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/minimalinfra/mvi/engine/arch"
)

// KeepRegistry is what keeping images needs of ECR.
type KeepRegistry interface {
	Registry
	BatchDeleteImage(ctx context.Context, in *ecr.BatchDeleteImageInput, opts ...func(*ecr.Options)) (*ecr.BatchDeleteImageOutput, error)
}

// Kept is the repository whose images the kept releases need.
type Kept struct {
	ECR        KeepRegistry
	Transport  http.RoundTripper
	Repository string // its name
	URI        string // account.dkr.ecr.region.amazonaws.com/name
}

// KeepImages makes the registry keep exactly the images the newest keep
// releases run: each gets a kept tag (arch.KeptTag), which the
// repository's first lifecycle rule never expires, and an image no kept
// release needs any more loses it (only the tag: the image stays while
// its own process's rule keeps it). Counting the newest images alone is
// not enough: a rollback runs an old image again, and the releases after
// it push newer ones, so "the newest keep images" can leave out an image
// a kept release runs. It says what it changed.
func (k Kept) KeepImages(ctx context.Context, rs []Release, keep int, say func(string)) error {
	if keep > 0 && len(rs) > keep {
		rs = rs[len(rs)-keep:]
	}
	need := map[string]bool{}
	for _, r := range rs {
		for _, p := range r.Processes {
			if p.Build != "" {
				need[p.Build] = true
			}
		}
	}
	have := map[string]bool{} // build tags whose image exists
	kept := map[string]bool{} // build tags whose image has its kept tag
	var stale []ecrtypes.ImageIdentifier
	in := &ecr.DescribeImagesInput{RepositoryName: aws.String(k.Repository), Filter: &ecrtypes.DescribeImagesFilter{TagStatus: ecrtypes.TagStatusTagged}}
	for {
		out, err := k.ECR.DescribeImages(ctx, in)
		if err != nil {
			return fmt.Errorf("list the images of repository %s: %w", k.Repository, err)
		}
		for _, d := range out.ImageDetails {
			for _, tg := range d.ImageTags {
				b, isKept := strings.CutPrefix(tg, arch.KeptTagPrefix)
				switch {
				case !isKept:
					have[tg] = true
				case need[b]:
					kept[b] = true
				default:
					stale = append(stale, ecrtypes.ImageIdentifier{ImageTag: aws.String(tg)})
				}
			}
		}
		if out.NextToken == nil {
			break
		}
		in.NextToken = out.NextToken
	}
	// Untag first: the kept rule counts at most keep images of each
	// process, and a new kept tag while a stale one is still there would
	// let it expire the oldest kept image, which may be one still needed.
	for i := 0; i < len(stale); i += 100 {
		batch := stale[i:min(i+100, len(stale))]
		if _, err := k.ECR.BatchDeleteImage(ctx, &ecr.BatchDeleteImageInput{RepositoryName: aws.String(k.Repository), ImageIds: batch}); err != nil {
			return fmt.Errorf("untag images no kept release needs: %w", err)
		}
		if say != nil {
			for _, id := range batch {
				say("no kept release runs " + strings.TrimPrefix(aws.ToString(id.ImageTag), arch.KeptTagPrefix) + " any more: its process's rule may expire it now")
			}
		}
	}
	var todo []string
	for b := range need {
		// An image already gone can't be kept; a rollback to it is
		// refused before any change (engine checkRollback).
		if have[b] && !kept[b] {
			todo = append(todo, b)
		}
	}
	if len(todo) > 0 {
		cred, err := login(ctx, k.ECR)
		if err != nil {
			return err
		}
		host, _, _ := strings.Cut(k.URI, "/")
		opts := []remote.Option{remote.WithContext(ctx), remote.WithTransport(k.Transport), remote.WithAuthFromKeychain(ecrKeychain{host: host, auth: cred})}
		slices.Sort(todo)
		for _, b := range todo {
			src, err := name.NewTag(k.URI + ":" + b)
			if err != nil {
				return err
			}
			desc, err := remote.Get(src, opts...)
			if err != nil {
				return fmt.Errorf("read image %s to keep it: %w", src, err)
			}
			dst := src.Context().Tag(arch.KeptTag(b))
			// The same manifest under a second tag: no layer moves.
			if err := remote.Tag(dst, desc, opts...); err != nil {
				return fmt.Errorf("tag image %s as %s, so the registry keeps it: %w", src, dst.TagStr(), err)
			}
			if say != nil {
				say("keeping image " + b + " for the kept releases (tag " + dst.TagStr() + ")")
			}
		}
	}
	return nil
}
