package aws

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/minimalinfra/mvi/engine/arch"
)

// IAM has no tag filter: mvi's roles and instance profiles live under the
// path /mvi/<app>/ and carry the mvi tags, read with GetRole and
// GetInstanceProfile (List* calls don't return tags).

// inlinePolicyName is the one inline policy mvi puts on a role.
const inlinePolicyName = "mvi"

func iamPath(app string) string { return "/mvi/" + app + "/" }

func iamTags(m map[string]string) []iamtypes.Tag {
	out := make([]iamtypes.Tag, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, iamtypes.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

func iamTagMap(tags []iamtypes.Tag) map[string]string {
	m := map[string]string{}
	for _, t := range tags {
		m[str(t.Key)] = str(t.Value)
	}
	return m
}

// ---- Role ----

type roleHandler struct{}

func (roleHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeRole, Service: arch.Container, DeleteRank: 7,
		Console: func(s resource.Site) string {
			return "https://console.aws.amazon.com/iam/home#/roles/details/" + s.Name()
		},
		Lookup: func(s resource.Site) string { return "aws iam get-role --role-name " + s.Name() },
	}
}

func roleLive(typ string, r iamtypes.Role) resource.Live {
	l := newLive(typ, str(r.RoleName), iamTagMap(r.Tags))
	l.ARN = str(r.Arn)
	l.State = "available"
	l.Attrs["name"] = l.PhysicalID
	l.Attrs["arn"] = l.ARN
	l.Attrs["role_id"] = str(r.RoleId)
	return l
}

func (h roleHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	var out []resource.Live
	p := iam.NewListRolesPaginator(env.Clients.IAM, &iam.ListRolesInput{PathPrefix: aws.String(iamPath(env.App))})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("list", "IAM roles", err)
		}
		for _, r := range page.Roles {
			if str(r.Path) != iamPath(env.App) {
				continue
			}
			g, err := env.Clients.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: r.RoleName})
			if isCode(err, "NoSuchEntity") {
				continue
			}
			if err != nil {
				return nil, wrap("list", str(r.RoleName), err)
			}
			if ours(env.App, iamTagMap(g.Role.Tags)) {
				out = append(out, roleLive(h.Describe().Type, *g.Role))
			}
		}
	}
	return out, nil
}

// trustPolicy lets the principal service assume the role; ECS tasks only
// on this account's behalf (the confused-deputy guard AWS recommends).
func trustPolicy(env resource.Env, principal string) string {
	st := policyStatement{Effect: "Allow", Principal: map[string]string{"Service": principal}, Action: "sts:AssumeRole"}
	if principal == "ecs-tasks.amazonaws.com" && env.Account != "" {
		st.Condition = map[string]any{"StringEquals": map[string]string{"aws:SourceAccount": env.Account}}
	}
	b, _ := json.Marshal(policyDoc{Version: "2012-10-17", Statement: []policyStatement{st}})
	return string(b)
}

// iamText keeps the characters IAM descriptions allow.
func iamText(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0x7e) || (r >= 0xa1 && r <= 0xff) {
			return r
		}
		return '-'
	}, s)
}

func managedARN(env resource.Env, name string) string {
	return "arn:" + partition(env.Region) + ":iam::aws:policy/" + name
}

func (h roleHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	p, err := propsOf[arch.RoleProps]("create", r)
	if err != nil {
		return resource.Live{}, err
	}
	// Resolve the policy first: a missing dependency fails before anything exists.
	if _, err := inlinePolicy(env, r.ID, p.Statements); err != nil {
		return resource.Live{}, err
	}
	name := physName(env.App, r.ID, 64)
	res, err := env.Clients.IAM.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName:                 aws.String(name),
		Path:                     aws.String(iamPath(env.App)),
		AssumeRolePolicyDocument: aws.String(trustPolicy(env, p.Principal)),
		Description:              aws.String(iamText(truncate(r.Reason, 1000))),
		Tags:                     iamTags(createTags(env, r, true)),
	})
	var live resource.Live
	switch {
	case isCode(err, "EntityAlreadyExists"):
		g, gerr := env.Clients.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
		if gerr != nil {
			return resource.Live{}, wrap("create", r.ID, err)
		}
		if t := iamTagMap(g.Role.Tags); t[resource.TagApp] != env.App || t[resource.TagID] != r.ID {
			return resource.Live{}, wrap("create", r.ID, err)
		}
		live = roleLive(h.Describe().Type, *g.Role)
	case err != nil:
		return resource.Live{}, wrap("create", r.ID, err)
	default:
		live = roleLive(h.Describe().Type, *res.Role)
	}
	return h.Update(ctx, env, r, live)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// Update converges the trust policy, the managed policies attached and the
// one inline policy.
func (h roleHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	p, err := propsOf[arch.RoleProps]("update", r)
	if err != nil {
		return resource.Live{}, err
	}
	policy, err := inlinePolicy(env, r.ID, p.Statements)
	if err != nil {
		return resource.Live{}, err
	}
	name := aws.String(live.PhysicalID)
	if _, err := env.Clients.IAM.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{
		RoleName: name, PolicyDocument: aws.String(trustPolicy(env, p.Principal))}); err != nil {
		return resource.Live{}, wrap("update trust policy of", r.ID, err)
	}

	want := map[string]bool{}
	for _, m := range p.ManagedPolicies {
		want[managedARN(env, m)] = true
	}
	attached, err := attachedPolicies(ctx, env, live.PhysicalID)
	if err != nil {
		return resource.Live{}, wrap("update", r.ID, err)
	}
	for _, arn := range attached {
		if want[arn] {
			delete(want, arn)
			continue
		}
		if _, err := env.Clients.IAM.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: name, PolicyArn: aws.String(arn)}); err != nil && !isCode(err, "NoSuchEntity") {
			return resource.Live{}, wrap("detach "+arn+" from", r.ID, err)
		}
	}
	for _, arn := range sortedKeys(boolKeys(want)) {
		if _, err := env.Clients.IAM.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: name, PolicyArn: aws.String(arn)}); err != nil {
			return resource.Live{}, wrap("attach "+arn+" to", r.ID, err)
		}
	}

	if policy != "" {
		if _, err := env.Clients.IAM.PutRolePolicy(ctx, &iam.PutRolePolicyInput{
			RoleName: name, PolicyName: aws.String(inlinePolicyName), PolicyDocument: aws.String(policy)}); err != nil {
			return resource.Live{}, wrap("put policy of", r.ID, err)
		}
	}
	inline, err := inlinePolicies(ctx, env, live.PhysicalID)
	if err != nil {
		return resource.Live{}, wrap("update", r.ID, err)
	}
	for _, n := range inline {
		if n == inlinePolicyName && policy != "" {
			continue
		}
		if _, err := env.Clients.IAM.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: name, PolicyName: aws.String(n)}); err != nil && !isCode(err, "NoSuchEntity") {
			return resource.Live{}, wrap("delete policy "+n+" of", r.ID, err)
		}
	}

	tags := resource.Tags(env.App, r)
	if _, err := env.Clients.IAM.TagRole(ctx, &iam.TagRoleInput{RoleName: name, Tags: iamTags(tags)}); err != nil {
		return resource.Live{}, wrap("tag", r.ID, err)
	}
	live.Hash = tags[resource.TagHash]
	return live, nil
}

func attachedPolicies(ctx context.Context, env resource.Env, role string) ([]string, error) {
	var out []string
	p := iam.NewListAttachedRolePoliciesPaginator(env.Clients.IAM, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(role)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, a := range page.AttachedPolicies {
			out = append(out, str(a.PolicyArn))
		}
	}
	return out, nil
}

func inlinePolicies(ctx context.Context, env resource.Env, role string) ([]string, error) {
	var out []string
	p := iam.NewListRolePoliciesPaginator(env.Clients.IAM, &iam.ListRolePoliciesInput{RoleName: aws.String(role)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, page.PolicyNames...)
	}
	return out, nil
}

// Delete detaches and deletes the role's policies, then the role. The
// instance profile (deleted before it, in reverse order) lets go of it.
func (h roleHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	name := aws.String(live.PhysicalID)
	attached, err := attachedPolicies(ctx, env, live.PhysicalID)
	if isCode(err, "NoSuchEntity") {
		return nil
	}
	if err != nil {
		return wrap("delete", live.ID, err)
	}
	for _, arn := range attached {
		if _, err := env.Clients.IAM.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: name, PolicyArn: aws.String(arn)}); err != nil && !isCode(err, "NoSuchEntity") {
			return wrap("detach "+arn+" from", live.ID, err)
		}
	}
	inline, err := inlinePolicies(ctx, env, live.PhysicalID)
	if err != nil && !isCode(err, "NoSuchEntity") {
		return wrap("delete", live.ID, err)
	}
	for _, n := range inline {
		if _, err := env.Clients.IAM.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: name, PolicyName: aws.String(n)}); err != nil && !isCode(err, "NoSuchEntity") {
			return wrap("delete policy "+n+" of", live.ID, err)
		}
	}
	_, err = env.Clients.IAM.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: name})
	if isCode(err, "NoSuchEntity") {
		return nil
	}
	return wrap("delete", live.ID, err)
}

// Ready: IAM is eventually consistent and has no state to wait on; the
// engine retries the first use of a fresh role (EC2 and ECS answer
// InvalidParameterValue for a few seconds).
func (h roleHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	_, err := env.Clients.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(live.PhysicalID)})
	if isCode(err, "NoSuchEntity") {
		return false, "waiting for role (not found)", nil
	}
	if err != nil {
		return false, "", wrap("describe", live.ID, err)
	}
	return true, "", nil
}

// ---- Instance profile ----

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
