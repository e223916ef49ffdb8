package sandbox

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
)

// ECR's images: what a push through the registry (ecr_registry.go) leaves
// in a repository, as the control plane reports it. The manifest and
// blobs themselves are files under <Dir>/registry (registry_blobs.go); the
// record keeps what DescribeImages answers and which tags point where.

type ecrImage struct {
	Digest    string    `json:"digest"`
	Tags      []string  `json:"tags,omitempty"`
	MediaType string    `json:"media_type"`
	Artifact  string    `json:"artifact_media_type,omitempty"`
	Size      int64     `json:"size"`
	PushedAt  time.Time `json:"pushed_at"`
}

// byTag finds the image a tag points at.
func (r *ecrRepo) byTag(tag string) *ecrImage {
	for _, d := range sortedKeys(r.Images) {
		for _, tg := range r.Images[d].Tags {
			if tg == tag {
				return r.Images[d]
			}
		}
	}
	return nil
}

// resolve finds an image by tag or by "sha256:…" digest.
func (r *ecrRepo) resolve(ref string) *ecrImage {
	if strings.HasPrefix(ref, "sha256:") {
		return r.Images[ref]
	}
	return r.byTag(ref)
}

// untag takes a tag off whichever image has it.
func (r *ecrRepo) untag(tag string) {
	for _, im := range r.Images {
		for i, tg := range im.Tags {
			if tg == tag {
				im.Tags = append(im.Tags[:i:i], im.Tags[i+1:]...)
				break
			}
		}
	}
}

// find is the image an ImageIdentifier names: both parts must agree when
// both are given, as ECR requires.
func (r *ecrRepo) find(id ecrtypes.ImageIdentifier) *ecrImage {
	var im *ecrImage
	if id.ImageDigest != nil {
		im = r.Images[*id.ImageDigest]
		if im != nil && id.ImageTag != nil && !hasTag(im, *id.ImageTag) {
			return nil
		}
		return im
	}
	if id.ImageTag != nil {
		return r.byTag(*id.ImageTag)
	}
	return nil
}

func hasTag(im *ecrImage, tag string) bool {
	for _, t := range im.Tags {
		if t == tag {
			return true
		}
	}
	return false
}

// imageIDText is how ECR prints an image id in its messages.
func imageIDText(id ecrtypes.ImageIdentifier) string {
	d, tg := "null", "null"
	if id.ImageDigest != nil {
		d = *id.ImageDigest
	}
	if id.ImageTag != nil {
		tg = *id.ImageTag
	}
	return "{imageDigest:'" + d + "', imageTag:'" + tg + "'}"
}

func (t *tx) imageNotFound(r *ecrRepo, id ecrtypes.ImageIdentifier) error {
	return &ecrtypes.ImageNotFoundException{Message: aws.String("The image with imageId " + imageIDText(id) + " does not exist within the repository with name '" + r.Name + "' in the registry with id '" + t.account() + "'")}
}

func (t *tx) imageDetail(r *ecrRepo, im *ecrImage) ecrtypes.ImageDetail {
	d := ecrtypes.ImageDetail{RegistryId: aws.String(t.account()), RepositoryName: aws.String(r.Name), ImageDigest: aws.String(im.Digest),
		ImageSizeInBytes: aws.Int64(im.Size), ImagePushedAt: tp(im.PushedAt), ImageManifestMediaType: aws.String(im.MediaType)}
	if len(im.Tags) > 0 {
		d.ImageTags = append([]string(nil), im.Tags...)
	}
	if im.Artifact != "" {
		d.ArtifactMediaType = aws.String(im.Artifact)
	}
	return d
}

// imagesNewestFirst lists a repository's images, newest push first (ties
// by digest, so the order is stable).
func (r *ecrRepo) imagesNewestFirst() []*ecrImage {
	out := make([]*ecrImage, 0, len(r.Images))
	for _, d := range sortedKeys(r.Images) {
		out = append(out, r.Images[d])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].PushedAt.After(out[j].PushedAt) })
	return out
}

func tagStatusOK(status ecrtypes.TagStatus, im *ecrImage) bool {
	switch status {
	case ecrtypes.TagStatusTagged:
		return len(im.Tags) > 0
	case ecrtypes.TagStatusUntagged:
		return len(im.Tags) == 0
	}
	return true
}

func (a *ecrAPI) DescribeImages(ctx context.Context, in *ecr.DescribeImagesInput, _ ...func(*ecr.Options)) (*ecr.DescribeImagesOutput, error) {
	return call(ctx, a.s, svcECR, "DescribeImages", func(t *tx) (*ecr.DescribeImagesOutput, error) {
		r, err := t.repo(aws.ToString(in.RepositoryName), in.RegistryId)
		if err != nil {
			return nil, err
		}
		var all []ecrtypes.ImageDetail
		if len(in.ImageIds) > 0 {
			if in.MaxResults != nil {
				return nil, &ecrtypes.InvalidParameterException{Message: aws.String("maxResults cannot be used with imageIds")}
			}
			for _, id := range in.ImageIds {
				im := r.find(id)
				if im == nil {
					return nil, t.imageNotFound(r, id)
				}
				all = append(all, t.imageDetail(r, im))
			}
		} else {
			var status ecrtypes.TagStatus
			if in.Filter != nil {
				status = in.Filter.TagStatus
			}
			for _, im := range r.imagesNewestFirst() {
				if tagStatusOK(status, im) {
					all = append(all, t.imageDetail(r, im))
				}
			}
		}
		max := int(aws.ToInt32(in.MaxResults))
		if max == 0 {
			max = 100
		}
		items, next, err := page(all, in.NextToken, max)
		if err != nil {
			return nil, &ecrtypes.InvalidParameterException{Message: aws.String("Invalid NextToken")}
		}
		if items == nil {
			items = []ecrtypes.ImageDetail{}
		}
		return &ecr.DescribeImagesOutput{ImageDetails: items, NextToken: next}, nil
	})
}

// ListImages lists image ids: one per tag, and one without a tag for an
// untagged image, as ECR does.
func (a *ecrAPI) ListImages(ctx context.Context, in *ecr.ListImagesInput, _ ...func(*ecr.Options)) (*ecr.ListImagesOutput, error) {
	return call(ctx, a.s, svcECR, "ListImages", func(t *tx) (*ecr.ListImagesOutput, error) {
		r, err := t.repo(aws.ToString(in.RepositoryName), in.RegistryId)
		if err != nil {
			return nil, err
		}
		var status ecrtypes.TagStatus
		if in.Filter != nil {
			status = in.Filter.TagStatus
		}
		var all []ecrtypes.ImageIdentifier
		for _, im := range r.imagesNewestFirst() {
			if !tagStatusOK(status, im) {
				continue
			}
			if len(im.Tags) == 0 {
				all = append(all, ecrtypes.ImageIdentifier{ImageDigest: aws.String(im.Digest)})
			}
			for _, tg := range im.Tags {
				all = append(all, ecrtypes.ImageIdentifier{ImageDigest: aws.String(im.Digest), ImageTag: aws.String(tg)})
			}
		}
		max := int(aws.ToInt32(in.MaxResults))
		if max == 0 {
			max = 100
		}
		items, next, err := page(all, in.NextToken, max)
		if err != nil {
			return nil, &ecrtypes.InvalidParameterException{Message: aws.String("Invalid NextToken")}
		}
		if items == nil {
			items = []ecrtypes.ImageIdentifier{}
		}
		return &ecr.ListImagesOutput{ImageIds: items, NextToken: next}, nil
	})
}

// BatchDeleteImage deletes images by digest, or takes tags off: an image
// loses a tag named by tag alone, and is deleted once no tag is left (or
// when named by digest), as ECR does. What can't be found is a failure in
// the answer, not an error.
func (a *ecrAPI) BatchDeleteImage(ctx context.Context, in *ecr.BatchDeleteImageInput, _ ...func(*ecr.Options)) (*ecr.BatchDeleteImageOutput, error) {
	return call(ctx, a.s, svcECR, "BatchDeleteImage", func(t *tx) (*ecr.BatchDeleteImageOutput, error) {
		r, err := t.repo(aws.ToString(in.RepositoryName), in.RegistryId)
		if err != nil {
			return nil, err
		}
		if len(in.ImageIds) == 0 {
			return nil, &ecrtypes.InvalidParameterException{Message: aws.String("Invalid parameter at 'imageIds' failed to satisfy constraint: 'Member must have length greater than or equal to 1'")}
		}
		out := &ecr.BatchDeleteImageOutput{ImageIds: []ecrtypes.ImageIdentifier{}, Failures: []ecrtypes.ImageFailure{}}
		for _, id := range in.ImageIds {
			im := r.find(id)
			if im == nil {
				code, reason := ecrtypes.ImageFailureCodeImageNotFound, "Requested image not found"
				if id.ImageDigest == nil && id.ImageTag == nil {
					code, reason = ecrtypes.ImageFailureCodeMissingDigestAndTag, "Missing digest and image tag"
				}
				out.Failures = append(out.Failures, ecrtypes.ImageFailure{ImageId: ptr(id), FailureCode: code, FailureReason: aws.String(reason)})
				continue
			}
			if id.ImageDigest == nil {
				r.untag(*id.ImageTag)
				out.ImageIds = append(out.ImageIds, ecrtypes.ImageIdentifier{ImageDigest: aws.String(im.Digest), ImageTag: id.ImageTag})
				if len(im.Tags) > 0 {
					continue
				}
			} else {
				for _, tg := range im.Tags {
					out.ImageIds = append(out.ImageIds, ecrtypes.ImageIdentifier{ImageDigest: aws.String(im.Digest), ImageTag: aws.String(tg)})
				}
				if len(im.Tags) == 0 {
					out.ImageIds = append(out.ImageIds, ecrtypes.ImageIdentifier{ImageDigest: aws.String(im.Digest)})
				}
			}
			delete(r.Images, im.Digest)
		}
		return out, nil
	})
}
