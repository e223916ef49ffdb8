package aws

import (
	"context"
	"strings"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/minimalinfra/mvi/engine/arch"
)

type instanceProfileHandler struct{}

func (instanceProfileHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeInstanceProfile, Service: arch.VM, DeleteRank: 6,
		Console: func(s resource.Site) string { return "https://console.aws.amazon.com/iam/home#/roles" },
		Lookup: func(s resource.Site) string {
			return "aws iam get-instance-profile --instance-profile-name " + s.Name()
		},
	}
}

func profileLive(typ string, p iamtypes.InstanceProfile) resource.Live {
	l := newLive(typ, str(p.InstanceProfileName), iamTagMap(p.Tags))
	l.ARN = str(p.Arn)
	l.State = "available"
	l.Attrs["name"] = l.PhysicalID
	l.Attrs["arn"] = l.ARN
	var roles []string
	for _, r := range p.Roles {
		roles = append(roles, str(r.RoleName))
	}
	l.Attrs["roles"] = strings.Join(roles, ",")
	return l
}

func (h instanceProfileHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	var out []resource.Live
	p := iam.NewListInstanceProfilesPaginator(env.Clients.IAM, &iam.ListInstanceProfilesInput{PathPrefix: aws.String(iamPath(env.App))})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("list", "instance profiles", err)
		}
		for _, ip := range page.InstanceProfiles {
			if str(ip.Path) != iamPath(env.App) {
				continue
			}
			g, err := env.Clients.IAM.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: ip.InstanceProfileName})
			if isCode(err, "NoSuchEntity") {
				continue
			}
			if err != nil {
				return nil, wrap("list", str(ip.InstanceProfileName), err)
			}
			if ours(env.App, iamTagMap(g.InstanceProfile.Tags)) {
				out = append(out, profileLive(h.Describe().Type, *g.InstanceProfile))
			}
		}
	}
	return out, nil
}

func (h instanceProfileHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	if _, err := propsOf[arch.InstanceProfileProps]("create", r); err != nil {
		return resource.Live{}, err
	}
	name := physName(env.App, r.ID, 128)
	res, err := env.Clients.IAM.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{
		InstanceProfileName: aws.String(name),
		Path:                aws.String(iamPath(env.App)),
		Tags:                iamTags(createTags(env, r, true)),
	})
	var live resource.Live
	switch {
	case isCode(err, "EntityAlreadyExists"):
		g, gerr := env.Clients.IAM.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String(name)})
		if gerr != nil {
			return resource.Live{}, wrap("create", r.ID, err)
		}
		if t := iamTagMap(g.InstanceProfile.Tags); t[resource.TagApp] != env.App || t[resource.TagID] != r.ID {
			return resource.Live{}, wrap("create", r.ID, err)
		}
		live = profileLive(h.Describe().Type, *g.InstanceProfile)
	case err != nil:
		return resource.Live{}, wrap("create", r.ID, err)
	default:
		live = profileLive(h.Describe().Type, *res.InstanceProfile)
	}
	return h.Update(ctx, env, r, live)
}

// Update makes the designed role the profile's only role.
func (h instanceProfileHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	p, err := propsOf[arch.InstanceProfileProps]("update", r)
	if err != nil {
		return resource.Live{}, err
	}
	role, err := depAttr(env, r.ID, p.Role, "name")
	if err != nil {
		return resource.Live{}, err
	}
	name := aws.String(live.PhysicalID)
	g, err := env.Clients.IAM.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: name})
	if err != nil {
		return resource.Live{}, wrap("update", r.ID, err)
	}
	has := false
	for _, rl := range g.InstanceProfile.Roles {
		if str(rl.RoleName) == role {
			has = true
			continue
		}
		if _, err := env.Clients.IAM.RemoveRoleFromInstanceProfile(ctx, &iam.RemoveRoleFromInstanceProfileInput{
			InstanceProfileName: name, RoleName: rl.RoleName}); err != nil && !isCode(err, "NoSuchEntity") {
			return resource.Live{}, wrap("remove role from", r.ID, err)
		}
	}
	if !has {
		if _, err := env.Clients.IAM.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{
			InstanceProfileName: name, RoleName: aws.String(role)}); err != nil {
			return resource.Live{}, wrap("add role to", r.ID, err)
		}
	}
	live.Attrs["roles"] = role
	tags := resource.Tags(env.App, r)
	if _, err := env.Clients.IAM.TagInstanceProfile(ctx, &iam.TagInstanceProfileInput{InstanceProfileName: name, Tags: iamTags(tags)}); err != nil {
		return resource.Live{}, wrap("tag", r.ID, err)
	}
	live.Hash = tags[resource.TagHash]
	return live, nil
}

func (h instanceProfileHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	name := aws.String(live.PhysicalID)
	g, err := env.Clients.IAM.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: name})
	if isCode(err, "NoSuchEntity") {
		return nil
	}
	if err != nil {
		return wrap("delete", live.ID, err)
	}
	for _, rl := range g.InstanceProfile.Roles {
		if _, err := env.Clients.IAM.RemoveRoleFromInstanceProfile(ctx, &iam.RemoveRoleFromInstanceProfileInput{
			InstanceProfileName: name, RoleName: rl.RoleName}); err != nil && !isCode(err, "NoSuchEntity") {
			return wrap("remove role from", live.ID, err)
		}
	}
	_, err = env.Clients.IAM.DeleteInstanceProfile(ctx, &iam.DeleteInstanceProfileInput{InstanceProfileName: name})
	if isCode(err, "NoSuchEntity") {
		return nil
	}
	return wrap("delete", live.ID, err)
}

func (h instanceProfileHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	g, err := env.Clients.IAM.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String(live.PhysicalID)})
	if isCode(err, "NoSuchEntity") {
		return false, "waiting for instance profile (not found)", nil
	}
	if err != nil {
		return false, "", wrap("describe", live.ID, err)
	}
	if len(g.InstanceProfile.Roles) == 0 {
		return false, "waiting for instance profile (no role)", nil
	}
	return true, "", nil
}
