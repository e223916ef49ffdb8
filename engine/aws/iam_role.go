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
