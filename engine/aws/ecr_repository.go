package aws

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"

	"github.com/minimalinfra/mvi/engine/arch"
)

type repositoryHandler struct{}

func (repositoryHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeRepository, Service: arch.Registry, DeleteRank: 13,
		ARNKinds: []string{"ecr:repository"},
		Console: func(s resource.Site) string {
			return console(s, "ecr/repositories/private/"+s.Attrs["account"]+"/"+s.Name()+"?region="+s.Region)
		},
		Lookup: func(s resource.Site) string {
			return "aws ecr describe-images --repository-name " + s.Name() + " " + regionFlag(s)
		},
	}
}

func ecrTags(m map[string]string) []ecrtypes.Tag {
	return toSDK(m, func(k, v *string) ecrtypes.Tag { return ecrtypes.Tag{Key: k, Value: v} })
}

func repoLive(typ string, r ecrtypes.Repository, tags map[string]string) resource.Live {
	l := newLive(typ, str(r.RepositoryName), tags)
	l.ARN = str(r.RepositoryArn)
	l.State = "available"
	l.Attrs["name"] = l.PhysicalID
	l.Attrs["arn"] = l.ARN
	l.Attrs["uri"] = str(r.RepositoryUri)
	l.Attrs["tag_mutability"] = string(r.ImageTagMutability)
	if r.EncryptionConfiguration != nil {
		l.Attrs["encryption"] = string(r.EncryptionConfiguration.EncryptionType)
		l.Attrs["kms_key"] = str(r.EncryptionConfiguration.KmsKey)
	}
	return l
}

func (h repositoryHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	prefix := appPrefix(env.App)
	var out []resource.Live
	p := ecr.NewDescribeRepositoriesPaginator(env.Clients.ECR, &ecr.DescribeRepositoriesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("list", "ECR repositories", err)
		}
		for _, r := range page.Repositories {
			if !strings.HasPrefix(str(r.RepositoryName), prefix) {
				continue
			}
			t, err := env.Clients.ECR.ListTagsForResource(ctx, &ecr.ListTagsForResourceInput{ResourceArn: r.RepositoryArn})
			if isCode(err, "RepositoryNotFoundException") {
				continue
			}
			if err != nil {
				return nil, wrap("list", str(r.RepositoryName), err)
			}
			tags := map[string]string{}
			for _, tg := range t.Tags {
				tags[str(tg.Key)] = str(tg.Value)
			}
			if ours(env.App, tags) {
				out = append(out, repoLive(h.Describe().Type, r, tags))
			}
		}
	}
	return out, nil
}

// lifecyclePolicy keeps every image a kept release needs: one rule per
// built process, keeping the newest keep images whose tag has that
// process's prefix. A release rebuilds only the processes whose source
// changed and reuses the others' images, so the last keep releases use at
// most keep images of each process, and (builds being pushed in release
// order) those are that process's newest keep images; one rule over all
// images would let a busy process's builds push a quiet one's only image
// out. Rules are ordered longest prefix first: ECR gives an image to the
// first rule (lowest rulePriority) whose prefix matches, so "web-admin-…"
// is counted by web-admin's rule before web's "web-" could claim it.
// A rollback pushes nothing and re-runs an older image, and the releases
// after it push newer ones, so the newest keep images of a process may
// leave out one a kept release runs. So the first rule comes before
// them: it keeps every image with a kept tag (arch.KeptTag), which
// engine/release KeepImages puts on exactly the images the kept releases
// run after each release; there are at most keep of each process.
func lifecyclePolicy(keep int, processes []string, keptTags bool) string {
	ps := append([]string(nil), processes...)
	sort.SliceStable(ps, func(i, j int) bool { return len(ps[i]) > len(ps[j]) })
	rules := make([]any, 0, len(ps)+1)
	if keptTags {
		rules = append(rules, map[string]any{
			"rulePriority": 1,
			"description":  fmt.Sprintf("keep every image a kept release runs (at most %d of each process)", keep),
			"selection": map[string]any{"tagStatus": "tagged", "tagPrefixList": []string{arch.KeptTagPrefix},
				"countType": "imageCountMoreThan", "countNumber": keep * len(ps)},
			"action": map[string]any{"type": "expire"},
		})
	}
	for _, p := range ps {
		prefix := arch.ImageTagPrefix(p)
		rules = append(rules, map[string]any{
			"rulePriority": len(rules) + 1,
			"description":  fmt.Sprintf("keep the newest %d images of %s, one for each kept release", keep, p),
			"selection": map[string]any{"tagStatus": "tagged", "tagPrefixList": []string{prefix},
				"countType": "imageCountMoreThan", "countNumber": keep},
			"action": map[string]any{"type": "expire"},
		})
	}
	b, _ := json.Marshal(map[string]any{"rules": rules})
	return string(b)
}

func (h repositoryHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	p, err := propsOf[arch.RepositoryProps]("create", r)
	if err != nil {
		return resource.Live{}, err
	}
	key, err := depAttr(env, r.ID, p.Key, "arn")
	if err != nil {
		return resource.Live{}, err
	}
	name := physName(env.App, r.ID, 256)
	mut := ecrtypes.ImageTagMutabilityMutable
	if p.ImmutableTags {
		mut = ecrtypes.ImageTagMutabilityImmutable
	}
	res, err := env.Clients.ECR.CreateRepository(ctx, &ecr.CreateRepositoryInput{
		RepositoryName:             aws.String(name),
		ImageTagMutability:         mut,
		ImageScanningConfiguration: &ecrtypes.ImageScanningConfiguration{ScanOnPush: p.ScanOnPush},
		EncryptionConfiguration:    &ecrtypes.EncryptionConfiguration{EncryptionType: ecrtypes.EncryptionTypeKms, KmsKey: aws.String(key)},
		Tags:                       ecrTags(createTags(env, r, true)),
	})
	var live resource.Live
	switch {
	case isCode(err, "RepositoryAlreadyExistsException"):
		d, derr := env.Clients.ECR.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{name}})
		if derr != nil || len(d.Repositories) == 0 {
			return resource.Live{}, wrap("create", r.ID, err)
		}
		live = repoLive(h.Describe().Type, d.Repositories[0], map[string]string{resource.TagID: r.ID})
	case err != nil:
		return resource.Live{}, wrap("create", r.ID, err)
	default:
		live = repoLive(h.Describe().Type, *res.Repository, map[string]string{resource.TagID: r.ID})
	}
	return h.Update(ctx, env, r, live)
}

func (h repositoryHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	p, err := propsOf[arch.RepositoryProps]("update", r)
	if err != nil {
		return resource.Live{}, err
	}
	key, err := depAttr(env, r.ID, p.Key, "arn")
	if err != nil {
		return resource.Live{}, err
	}
	// Encryption and tag mutability are fixed at creation.
	if k := live.Attrs["kms_key"]; k != "" && k != key {
		return resource.Live{}, resource.ErrReplace
	}
	if m := live.Attrs["tag_mutability"]; m != "" && (m == string(ecrtypes.ImageTagMutabilityImmutable)) != p.ImmutableTags {
		return resource.Live{}, resource.ErrReplace
	}
	name := aws.String(live.PhysicalID)
	if _, err := env.Clients.ECR.PutImageScanningConfiguration(ctx, &ecr.PutImageScanningConfigurationInput{
		RepositoryName: name, ImageScanningConfiguration: &ecrtypes.ImageScanningConfiguration{ScanOnPush: p.ScanOnPush}}); err != nil {
		return resource.Live{}, wrap("set scanning of", r.ID, err)
	}
	if p.Keep > 0 && len(p.Processes) > 0 {
		if _, err := env.Clients.ECR.PutLifecyclePolicy(ctx, &ecr.PutLifecyclePolicyInput{
			RepositoryName: name, LifecyclePolicyText: aws.String(lifecyclePolicy(p.Keep, p.Processes, p.KeptTags))}); err != nil {
			return resource.Live{}, wrap("set lifecycle of", r.ID, err)
		}
	}
	tags := resource.Tags(env.App, r)
	if _, err := env.Clients.ECR.TagResource(ctx, &ecr.TagResourceInput{ResourceArn: aws.String(live.ARN), Tags: ecrTags(tags)}); err != nil {
		return resource.Live{}, wrap("tag", r.ID, err)
	}
	live.Hash = tags[resource.TagHash]
	return live, nil
}

// Delete removes the repository with its images (mvi down means all of it).
func (h repositoryHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	_, err := env.Clients.ECR.DeleteRepository(ctx, &ecr.DeleteRepositoryInput{RepositoryName: aws.String(live.PhysicalID), Force: true})
	if isCode(err, "RepositoryNotFoundException") {
		return nil
	}
	return wrap("delete", live.ID, err)
}

func (h repositoryHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	return true, "", nil
}

// Replaces: a repository's tag mutability is fixed when mvi makes it.
func (repositoryHandler) Replaces(r arch.Resource, live resource.Live) string {
	p, ok := r.Props.(arch.RepositoryProps)
	if !ok {
		return ""
	}
	want := string(ecrtypes.ImageTagMutabilityMutable)
	if p.ImmutableTags {
		want = string(ecrtypes.ImageTagMutabilityImmutable)
	}
	return forces("tag mutability", live.Attrs["tag_mutability"], want, "mvi makes a repository's tags mutable or not only when it creates it")
}
