package sandbox

import (
	"context"
	"encoding/json"
	"regexp"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"

	"github.com/minimalinfra/mvi/engine/cloud"
)

// ECR: repositories with tag mutability, scan on push, KMS or AES256
// encryption, lifecycle policies and tags. Images arrive through the
// registry on loopback (ecr_registry.go) and are listed by DescribeImages
// and ListImages (ecr_images.go).

type ecrAPI struct{ s *Sandbox }

var _ cloud.ECR = (*ecrAPI)(nil)

type ecrState struct {
	Repos map[string]*ecrRepo `json:"repositories"` // by name
	// Tokens: a hash of each live authorization token → its expiry
	// (ecr_auth.go).
	Tokens map[string]time.Time `json:"tokens"`
}

type ecrRepo struct {
	Meta
	Name        string    `json:"name"`
	Mutability  string    `json:"mutability"`
	ScanOnPush  bool      `json:"scan_on_push"`
	Encryption  string    `json:"encryption"`
	KMSKey      string    `json:"kms_key,omitempty"`
	Lifecycle   string    `json:"lifecycle_policy,omitempty"`
	LifecycleAt time.Time `json:"lifecycle_at,omitempty"`
	// Images by manifest digest (ecr_images.go). Pushed says the registry
	// has ever received an image for this repository (see startFailure).
	Images map[string]*ecrImage `json:"images,omitempty"`
	Pushed bool                 `json:"pushed,omitempty"`
}

var ecrNameRE = regexp.MustCompile(`^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$`)

func (t *tx) repo(name string, registry *string) (*ecrRepo, error) {
	if registry != nil && *registry != t.account() {
		return nil, &ecrtypes.RepositoryNotFoundException{Message: aws.String("The repository with name '" + name + "' does not exist in the registry with id '" + *registry + "'")}
	}
	r := t.r.ECR.Repos[name]
	if r == nil || t.hidden(r.Created) {
		return nil, &ecrtypes.RepositoryNotFoundException{Message: aws.String("The repository with name '" + name + "' does not exist in the registry with id '" + t.account() + "'")}
	}
	return r, nil
}

func (t *tx) repoOut(r *ecrRepo) ecrtypes.Repository {
	out := ecrtypes.Repository{RepositoryName: aws.String(r.Name), RepositoryArn: aws.String(r.ARN), RegistryId: aws.String(t.account()),
		RepositoryUri: aws.String(t.account() + ".dkr.ecr." + t.regionName() + ".amazonaws.com/" + r.Name), CreatedAt: tp(r.Created),
		ImageTagMutability: ecrtypes.ImageTagMutability(r.Mutability), ImageScanningConfiguration: &ecrtypes.ImageScanningConfiguration{ScanOnPush: r.ScanOnPush},
		EncryptionConfiguration: &ecrtypes.EncryptionConfiguration{EncryptionType: ecrtypes.EncryptionType(r.Encryption)}}
	if r.KMSKey != "" {
		out.EncryptionConfiguration.KmsKey = aws.String(r.KMSKey)
	}
	return out
}

func ecrKV(t ecrtypes.Tag) (string, string) { return aws.ToString(t.Key), aws.ToString(t.Value) }
func ecrTag(k, v string) ecrtypes.Tag       { return ecrtypes.Tag{Key: aws.String(k), Value: aws.String(v)} }

func ecrTooManyTags() error {
	return &ecrtypes.TooManyTagsException{Message: aws.String("Number of tags exceeds the limit of 50")}
}

func ecrTagMap(ts []ecrtypes.Tag) (map[string]string, error) {
	return checkedTagMap(ts, ecrKV, tagRules{
		reserved: func(k string) error {
			return &ecrtypes.InvalidTagParameterException{Message: aws.String("Tag key " + k + " uses the reserved aws: prefix")}
		},
		tooMany: ecrTooManyTags(),
	})
}

func (a *ecrAPI) CreateRepository(ctx context.Context, in *ecr.CreateRepositoryInput, _ ...func(*ecr.Options)) (*ecr.CreateRepositoryOutput, error) {
	return call(ctx, a.s, svcECR, "CreateRepository", func(t *tx) (*ecr.CreateRepositoryOutput, error) {
		name := aws.ToString(in.RepositoryName)
		if len(name) < 2 || len(name) > 256 || !ecrNameRE.MatchString(name) {
			return nil, &ecrtypes.InvalidParameterException{Message: aws.String("Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*''")}
		}
		if t.r.ECR.Repos[name] != nil {
			return nil, &ecrtypes.RepositoryAlreadyExistsException{Message: aws.String("The repository with name '" + name + "' already exists in the registry with id '" + t.account() + "'")}
		}
		mut := string(in.ImageTagMutability)
		if mut == "" {
			mut = "MUTABLE"
		}
		r := &ecrRepo{Meta: Meta{ID: name, ARN: t.repositoryARN(name), Created: t.now}, Name: name, Mutability: mut, Encryption: "AES256"}
		if in.ImageScanningConfiguration != nil {
			r.ScanOnPush = in.ImageScanningConfiguration.ScanOnPush
		}
		if ec := in.EncryptionConfiguration; ec != nil {
			switch ec.EncryptionType {
			case ecrtypes.EncryptionTypeAes256, "":
				if ec.KmsKey != nil {
					return nil, &ecrtypes.InvalidParameterException{Message: aws.String("Invalid parameter: KMS key should not be provided when encryptionType is AES256")}
				}
			case ecrtypes.EncryptionTypeKms, ecrtypes.EncryptionTypeKmsDsse:
				r.Encryption = string(ec.EncryptionType)
				if ec.KmsKey != nil {
					k := t.kmsKey(*ec.KmsKey)
					if k == nil {
						return nil, &ecrtypes.KmsException{Message: aws.String("KMS key " + *ec.KmsKey + " is not found"), KmsError: aws.String("NotFoundException")}
					}
					if err := k.usable(); err != nil {
						return nil, &ecrtypes.KmsException{Message: aws.String(err.Error()), KmsError: aws.String("KMSInvalidStateException")}
					}
					r.KMSKey = k.ARN
				} else {
					r.KMSKey = t.kmsKeyARN(uuid()) // aws/ecr
				}
			default:
				return nil, &ecrtypes.InvalidParameterException{Message: aws.String("Invalid encryption type " + string(ec.EncryptionType))}
			}
		}
		tags, err := ecrTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		if len(tags) > 0 {
			r.Tags = tags
		}
		t.r.ECR.Repos[name] = r
		return &ecr.CreateRepositoryOutput{Repository: ptr(t.repoOut(r))}, nil
	})
}

func (a *ecrAPI) DeleteRepository(ctx context.Context, in *ecr.DeleteRepositoryInput, _ ...func(*ecr.Options)) (*ecr.DeleteRepositoryOutput, error) {
	return call(ctx, a.s, svcECR, "DeleteRepository", func(t *tx) (*ecr.DeleteRepositoryOutput, error) {
		r, err := t.repo(aws.ToString(in.RepositoryName), in.RegistryId)
		if err != nil {
			return nil, err
		}
		if len(r.Images) > 0 && !in.Force {
			return nil, &ecrtypes.RepositoryNotEmptyException{Message: aws.String("The repository with name '" + r.Name + "' in registry with id '" + t.account() + "' cannot be deleted because it still contains images")}
		}
		out := t.repoOut(r)
		delete(t.r.ECR.Repos, r.Name)
		return &ecr.DeleteRepositoryOutput{Repository: &out}, nil
	})
}

func (a *ecrAPI) DescribeRepositories(ctx context.Context, in *ecr.DescribeRepositoriesInput, _ ...func(*ecr.Options)) (*ecr.DescribeRepositoriesOutput, error) {
	return call(ctx, a.s, svcECR, "DescribeRepositories", func(t *tx) (*ecr.DescribeRepositoriesOutput, error) {
		var all []ecrtypes.Repository
		if len(in.RepositoryNames) > 0 {
			if in.MaxResults != nil {
				return nil, &ecrtypes.InvalidParameterException{Message: aws.String("maxResults cannot be used with repositoryNames")}
			}
			for _, n := range in.RepositoryNames {
				r, err := t.repo(n, in.RegistryId)
				if err != nil {
					return nil, err
				}
				all = append(all, t.repoOut(r))
			}
		} else {
			for _, n := range sortedKeys(t.r.ECR.Repos) {
				if r := t.r.ECR.Repos[n]; !t.hidden(r.Created) {
					all = append(all, t.repoOut(r))
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
			items = []ecrtypes.Repository{}
		}
		return &ecr.DescribeRepositoriesOutput{Repositories: items, NextToken: next}, nil
	})
}

func (a *ecrAPI) PutLifecyclePolicy(ctx context.Context, in *ecr.PutLifecyclePolicyInput, _ ...func(*ecr.Options)) (*ecr.PutLifecyclePolicyOutput, error) {
	return call(ctx, a.s, svcECR, "PutLifecyclePolicy", func(t *tx) (*ecr.PutLifecyclePolicyOutput, error) {
		r, err := t.repo(aws.ToString(in.RepositoryName), in.RegistryId)
		if err != nil {
			return nil, err
		}
		text := aws.ToString(in.LifecyclePolicyText)
		var doc struct {
			Rules []struct {
				RulePriority *int           `json:"rulePriority"`
				Selection    map[string]any `json:"selection"`
				Action       map[string]any `json:"action"`
			} `json:"rules"`
		}
		if err := json.Unmarshal([]byte(text), &doc); err != nil || len(doc.Rules) == 0 {
			return nil, &ecrtypes.InvalidParameterException{Message: aws.String("Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: object has missing required properties ([\"rules\"])'")}
		}
		seen := map[int]bool{}
		for _, rule := range doc.Rules {
			if rule.RulePriority == nil || rule.Selection == nil || rule.Action == nil {
				return nil, &ecrtypes.InvalidParameterException{Message: aws.String("Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: object has missing required properties ([\"action\",\"rulePriority\",\"selection\"])'")}
			}
			if seen[*rule.RulePriority] {
				return nil, &ecrtypes.InvalidParameterException{Message: aws.String("Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: rulePriority must be unique'")}
			}
			seen[*rule.RulePriority] = true
		}
		r.Lifecycle, r.LifecycleAt = text, t.now
		t.expireImages(r)
		return &ecr.PutLifecyclePolicyOutput{LifecyclePolicyText: aws.String(text), RegistryId: aws.String(t.account()), RepositoryName: aws.String(r.Name)}, nil
	})
}

func (a *ecrAPI) GetLifecyclePolicy(ctx context.Context, in *ecr.GetLifecyclePolicyInput, _ ...func(*ecr.Options)) (*ecr.GetLifecyclePolicyOutput, error) {
	return call(ctx, a.s, svcECR, "GetLifecyclePolicy", func(t *tx) (*ecr.GetLifecyclePolicyOutput, error) {
		r, err := t.repo(aws.ToString(in.RepositoryName), in.RegistryId)
		if err != nil {
			return nil, err
		}
		if r.Lifecycle == "" {
			return nil, &ecrtypes.LifecyclePolicyNotFoundException{Message: aws.String("Lifecycle policy does not exist for the repository with name '" + r.Name + "' in the registry with id '" + t.account() + "'")}
		}
		return &ecr.GetLifecyclePolicyOutput{LifecyclePolicyText: aws.String(r.Lifecycle), RegistryId: aws.String(t.account()),
			RepositoryName: aws.String(r.Name), LastEvaluatedAt: tp(r.LifecycleAt)}, nil
	})
}

func (a *ecrAPI) PutImageScanningConfiguration(ctx context.Context, in *ecr.PutImageScanningConfigurationInput, _ ...func(*ecr.Options)) (*ecr.PutImageScanningConfigurationOutput, error) {
	return call(ctx, a.s, svcECR, "PutImageScanningConfiguration", func(t *tx) (*ecr.PutImageScanningConfigurationOutput, error) {
		r, err := t.repo(aws.ToString(in.RepositoryName), in.RegistryId)
		if err != nil {
			return nil, err
		}
		if in.ImageScanningConfiguration == nil {
			return nil, &ecrtypes.InvalidParameterException{Message: aws.String("imageScanningConfiguration is required")}
		}
		r.ScanOnPush = in.ImageScanningConfiguration.ScanOnPush
		return &ecr.PutImageScanningConfigurationOutput{ImageScanningConfiguration: &ecrtypes.ImageScanningConfiguration{ScanOnPush: r.ScanOnPush},
			RegistryId: aws.String(t.account()), RepositoryName: aws.String(r.Name)}, nil
	})
}

func (t *tx) repoByARN(a string) (*ecrRepo, error) {
	p, ok := parseARN(a)
	if !ok || p.Service != "ecr" {
		return nil, &ecrtypes.InvalidParameterException{Message: aws.String("Invalid parameter at 'resourceArn' failed to satisfy constraint: 'Invalid ARN'")}
	}
	name := repositoryName(p)
	r := t.r.ECR.Repos[name]
	if r == nil {
		return nil, &ecrtypes.RepositoryNotFoundException{Message: aws.String("The repository with name '" + name + "' does not exist in the registry with id '" + t.account() + "'")}
	}
	return r, nil
}

func (a *ecrAPI) ListTagsForResource(ctx context.Context, in *ecr.ListTagsForResourceInput, _ ...func(*ecr.Options)) (*ecr.ListTagsForResourceOutput, error) {
	return call(ctx, a.s, svcECR, "ListTagsForResource", func(t *tx) (*ecr.ListTagsForResourceOutput, error) {
		r, err := t.repoByARN(aws.ToString(in.ResourceArn))
		if err != nil {
			return nil, err
		}
		return &ecr.ListTagsForResourceOutput{Tags: tagList(r.Tags, ecrTag)}, nil
	})
}

func (a *ecrAPI) TagResource(ctx context.Context, in *ecr.TagResourceInput, _ ...func(*ecr.Options)) (*ecr.TagResourceOutput, error) {
	return call(ctx, a.s, svcECR, "TagResource", func(t *tx) (*ecr.TagResourceOutput, error) {
		r, err := t.repoByARN(aws.ToString(in.ResourceArn))
		if err != nil {
			return nil, err
		}
		kv, err := ecrTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		if err := mergeTags(&r.Tags, kv, ecrTooManyTags()); err != nil {
			return nil, err
		}
		return &ecr.TagResourceOutput{}, nil
	})
}
