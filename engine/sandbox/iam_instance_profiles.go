package sandbox

import (
	"context"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func (a *iamAPI) CreateInstanceProfile(ctx context.Context, in *iam.CreateInstanceProfileInput, _ ...func(*iam.Options)) (*iam.CreateInstanceProfileOutput, error) {
	return call(ctx, a.s, svcIAM, "CreateInstanceProfile", func(t *tx) (*iam.CreateInstanceProfileOutput, error) {
		name := aws.ToString(in.InstanceProfileName)
		if !regexp.MustCompile(`^[\w+=,.@-]{1,128}$`).MatchString(name) {
			return nil, validationError("1 validation error detected: Value '%s' at 'instanceProfileName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+", name)
		}
		path, err := checkPath(in.Path)
		if err != nil {
			return nil, err
		}
		tags := iamTagMap(in.Tags)
		if err := checkIAMTags(tags); err != nil {
			return nil, err
		}
		for k := range t.st.IAM.Profiles {
			if strings.EqualFold(k, name) {
				return nil, &iamtypes.EntityAlreadyExistsException{Message: aws.String("Instance Profile " + name + " already exists.")}
			}
		}
		p := &instanceProfile{Name: name, Path: path, ARN: profileARN(t.account(), path, name),
			ProfileID: iamID("AIPA"), Tags: tags, Created: t.now}
		t.st.IAM.Profiles[name] = p
		out := t.profileOut(p)
		return &iam.CreateInstanceProfileOutput{InstanceProfile: &out}, nil
	})
}

func (a *iamAPI) GetInstanceProfile(ctx context.Context, in *iam.GetInstanceProfileInput, _ ...func(*iam.Options)) (*iam.GetInstanceProfileOutput, error) {
	return call(ctx, a.s, svcIAM, "GetInstanceProfile", func(t *tx) (*iam.GetInstanceProfileOutput, error) {
		p, err := t.profileByName(aws.ToString(in.InstanceProfileName))
		if err != nil {
			return nil, err
		}
		out := t.profileOut(p)
		return &iam.GetInstanceProfileOutput{InstanceProfile: &out}, nil
	})
}

func (a *iamAPI) DeleteInstanceProfile(ctx context.Context, in *iam.DeleteInstanceProfileInput, _ ...func(*iam.Options)) (*iam.DeleteInstanceProfileOutput, error) {
	return call(ctx, a.s, svcIAM, "DeleteInstanceProfile", func(t *tx) (*iam.DeleteInstanceProfileOutput, error) {
		p, err := t.profileByName(aws.ToString(in.InstanceProfileName))
		if err != nil {
			return nil, err
		}
		if len(p.Roles) > 0 {
			return nil, deleteConflict("Cannot delete entity, must remove roles from instance profile first.")
		}
		delete(t.st.IAM.Profiles, p.Name)
		return &iam.DeleteInstanceProfileOutput{}, nil
	})
}

func (a *iamAPI) ListInstanceProfiles(ctx context.Context, in *iam.ListInstanceProfilesInput, _ ...func(*iam.Options)) (*iam.ListInstanceProfilesOutput, error) {
	return call(ctx, a.s, svcIAM, "ListInstanceProfiles", func(t *tx) (*iam.ListInstanceProfilesOutput, error) {
		prefix := aws.ToString(in.PathPrefix)
		if prefix == "" {
			prefix = "/"
		}
		var all []iamtypes.InstanceProfile
		for _, k := range sortedKeys(t.st.IAM.Profiles) {
			p := t.st.IAM.Profiles[k]
			if strings.HasPrefix(p.Path, prefix) && !t.hidden(p.Created) {
				out := t.profileOut(p)
				out.Tags = nil
				all = append(all, out)
			}
		}
		items, trunc, marker, err := iamPage(all, in.Marker, in.MaxItems)
		if err != nil {
			return nil, err
		}
		return &iam.ListInstanceProfilesOutput{InstanceProfiles: items, IsTruncated: trunc, Marker: marker}, nil
	})
}

func (a *iamAPI) AddRoleToInstanceProfile(ctx context.Context, in *iam.AddRoleToInstanceProfileInput, _ ...func(*iam.Options)) (*iam.AddRoleToInstanceProfileOutput, error) {
	return call(ctx, a.s, svcIAM, "AddRoleToInstanceProfile", func(t *tx) (*iam.AddRoleToInstanceProfileOutput, error) {
		p, err := t.profileByName(aws.ToString(in.InstanceProfileName))
		if err != nil {
			return nil, err
		}
		r, err := t.roleByName(aws.ToString(in.RoleName))
		if err != nil {
			return nil, err
		}
		if len(p.Roles) > 0 {
			return nil, &iamtypes.LimitExceededException{Message: aws.String("Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1")}
		}
		p.Roles = []string{r.Name}
		return &iam.AddRoleToInstanceProfileOutput{}, nil
	})
}

func (a *iamAPI) RemoveRoleFromInstanceProfile(ctx context.Context, in *iam.RemoveRoleFromInstanceProfileInput, _ ...func(*iam.Options)) (*iam.RemoveRoleFromInstanceProfileOutput, error) {
	return call(ctx, a.s, svcIAM, "RemoveRoleFromInstanceProfile", func(t *tx) (*iam.RemoveRoleFromInstanceProfileOutput, error) {
		p, err := t.profileByName(aws.ToString(in.InstanceProfileName))
		if err != nil {
			return nil, err
		}
		rn := aws.ToString(in.RoleName)
		for i, x := range p.Roles {
			if x == rn {
				p.Roles = append(p.Roles[:i], p.Roles[i+1:]...)
				return &iam.RemoveRoleFromInstanceProfileOutput{}, nil
			}
		}
		if _, err := t.roleByName(rn); err != nil {
			return nil, err
		}
		return nil, noSuchEntity("Role %s in Instance Profile %s cannot be found.", rn, p.Name)
	})
}

func (a *iamAPI) TagInstanceProfile(ctx context.Context, in *iam.TagInstanceProfileInput, _ ...func(*iam.Options)) (*iam.TagInstanceProfileOutput, error) {
	return call(ctx, a.s, svcIAM, "TagInstanceProfile", func(t *tx) (*iam.TagInstanceProfileOutput, error) {
		p, err := t.profileByName(aws.ToString(in.InstanceProfileName))
		if err != nil {
			return nil, err
		}
		kv := iamTagMap(in.Tags)
		if err := checkIAMTags(kv); err != nil {
			return nil, err
		}
		if err := mergeTags(&p.Tags, kv, iamTooManyTags()); err != nil {
			return nil, err
		}
		return &iam.TagInstanceProfileOutput{}, nil
	})
}
