package sandbox

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/minimalinfra/mvi/engine/cloud"
)

// IAM is global (state.IAM, not per region) and, as on AWS, not in the
// Tagging API. Policy documents come back URL-encoded, as IAM returns them.
// Managed policies: AWS's own (arn:aws:iam::aws:policy/…) from a list of
// the common ones; customer-managed policies don't exist (no CreatePolicy),
// so attaching one is NoSuchEntity.

type iamAPI struct{ s *Sandbox }

var _ cloud.IAM = (*iamAPI)(nil)

type iamState struct {
	Roles    map[string]*role            `json:"roles"`
	Profiles map[string]*instanceProfile `json:"instance_profiles"`
}

type role struct {
	Name        string            `json:"name"`
	Path        string            `json:"path"`
	ARN         string            `json:"arn"`
	RoleID      string            `json:"role_id"`
	Assume      string            `json:"assume_role_policy"`
	Description string            `json:"description,omitempty"`
	MaxSession  int32             `json:"max_session"`
	Inline      map[string]string `json:"inline_policies,omitempty"`
	Attached    []string          `json:"attached_policies,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
	Created     time.Time         `json:"created"`
}

type instanceProfile struct {
	Name      string            `json:"name"`
	Path      string            `json:"path"`
	ARN       string            `json:"arn"`
	ProfileID string            `json:"profile_id"`
	Roles     []string          `json:"roles,omitempty"`
	Tags      map[string]string `json:"tags,omitempty"`
	Created   time.Time         `json:"created"`
}

// awsManagedPolicies are the AWS-managed policies the sandbox knows, with
// their paths.
var awsManagedPolicies = []string{
	"service-role/AmazonEC2ContainerServiceforEC2Role",
	"service-role/AmazonECSTaskExecutionRolePolicy",
	"service-role/AmazonEC2ContainerServiceRole",
	"service-role/AmazonEC2ContainerServiceAutoscaleRole",
	"service-role/AmazonECSInfrastructureRolePolicyForVolumes",
	"AmazonSSMManagedInstanceCore",
	"AmazonEC2ContainerRegistryReadOnly",
	"AmazonEC2ContainerRegistryPowerUser",
	"AmazonEC2ReadOnlyAccess",
	"AmazonECS_FullAccess",
	"AmazonS3ReadOnlyAccess",
	"AmazonS3FullAccess",
	"AmazonDynamoDBFullAccess",
	"AmazonDynamoDBReadOnlyAccess",
	"CloudWatchAgentServerPolicy",
	"CloudWatchLogsFullAccess",
	"AmazonElasticFileSystemClientReadWriteAccess",
	"AmazonElasticFileSystemClientFullAccess",
	"AmazonSSMReadOnlyAccess",
	"SecretsManagerReadWrite",
	"ReadOnlyAccess",
	"AdministratorAccess",
	"PowerUserAccess",
}

func managedPolicyExists(arn string) bool {
	for _, p := range awsManagedPolicies {
		if arn == "arn:aws:iam::aws:policy/"+p {
			return true
		}
	}
	return false
}

var (
	iamNameRE = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	iamPathRE = regexp.MustCompile(`^/([\x21-\x7E]{0,510}/)?$`)
)

func noSuchEntity(format string, args ...any) error {
	return &iamtypes.NoSuchEntityException{Message: aws.String(sprintf(format, args...))}
}

func deleteConflict(msg string) error {
	return &iamtypes.DeleteConflictException{Message: aws.String(msg)}
}

// iamEncode is how IAM returns policy documents: URL-encoded.
func iamEncode(doc string) string { return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20") }

func checkPolicyDoc(doc *string, param string) error {
	if doc == nil || *doc == "" {
		return validationError("1 validation error detected: Value at '%s' failed to satisfy constraint: Member must not be null", param)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(*doc), &v); err != nil {
		return &iamtypes.MalformedPolicyDocumentException{Message: aws.String("This policy contains invalid Json")}
	}
	if _, ok := v["Statement"]; !ok {
		return &iamtypes.MalformedPolicyDocumentException{Message: aws.String("Syntax errors in policy.")}
	}
	return nil
}

func iamTagMap(ts []iamtypes.Tag) map[string]string {
	if len(ts) == 0 {
		return nil
	}
	m := map[string]string{}
	for _, t := range ts {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}

func iamTags(m map[string]string) []iamtypes.Tag {
	if len(m) == 0 {
		return nil
	}
	var out []iamtypes.Tag
	for _, k := range sortedKeys(m) {
		out = append(out, iamtypes.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

func checkIAMTags(m map[string]string) error {
	if k, bad := reservedTag(m); bad {
		return &iamtypes.InvalidInputException{Message: aws.String("User-defined tag keys can't start with 'aws:'. (" + k + ")")}
	}
	if len(m) > 50 {
		return &iamtypes.LimitExceededException{Message: aws.String("The number of tags has reached the maximum limit.")}
	}
	return nil
}

func checkPath(p *string) (string, error) {
	if p == nil {
		return "/", nil
	}
	if !iamPathRE.MatchString(*p) {
		return "", validationError("The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.")
	}
	return *p, nil
}

func (t *tx) roleByName(name string) (*role, error) {
	r := t.st.IAM.Roles[name]
	if r == nil || t.hidden(r.Created) {
		return nil, noSuchEntity("The role with name %s cannot be found.", name)
	}
	return r, nil
}

func (t *tx) profileByName(name string) (*instanceProfile, error) {
	p := t.st.IAM.Profiles[name]
	if p == nil || t.hidden(p.Created) {
		return nil, noSuchEntity("Instance Profile %s cannot be found.", name)
	}
	return p, nil
}

// profileByRef finds an instance profile by ARN or name (for EC2).
func (t *tx) profileByRef(arnS, name string) *instanceProfile {
	if name != "" {
		return t.st.IAM.Profiles[name]
	}
	for _, k := range sortedKeys(t.st.IAM.Profiles) {
		if p := t.st.IAM.Profiles[k]; p.ARN == arnS {
			return p
		}
	}
	return nil
}

func (t *tx) roleOut(r *role, withTags bool) iamtypes.Role {
	out := iamtypes.Role{Arn: aws.String(r.ARN), RoleName: aws.String(r.Name), RoleId: aws.String(r.RoleID), Path: aws.String(r.Path),
		CreateDate: tp(r.Created), AssumeRolePolicyDocument: aws.String(iamEncode(r.Assume)), MaxSessionDuration: aws.Int32(r.MaxSession)}
	if r.Description != "" {
		out.Description = aws.String(r.Description)
	}
	if withTags {
		out.Tags = iamTags(r.Tags)
		out.RoleLastUsed = &iamtypes.RoleLastUsed{}
	}
	return out
}

func (t *tx) profileOut(p *instanceProfile) iamtypes.InstanceProfile {
	out := iamtypes.InstanceProfile{Arn: aws.String(p.ARN), InstanceProfileName: aws.String(p.Name), InstanceProfileId: aws.String(p.ProfileID),
		Path: aws.String(p.Path), CreateDate: tp(p.Created), Tags: iamTags(p.Tags), Roles: []iamtypes.Role{}}
	for _, rn := range p.Roles {
		if r := t.st.IAM.Roles[rn]; r != nil {
			out.Roles = append(out.Roles, t.roleOut(r, false))
		}
	}
	return out
}

func iamID(prefix string) string {
	const a = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	var sb strings.Builder
	sb.WriteString(prefix)
	for i := 0; i < 17; i++ {
		sb.WriteByte(a[randIntn(len(a))])
	}
	return sb.String()
}

// iamPage applies Marker/MaxItems.
func iamPage[T any](items []T, marker *string, maxItems *int32) ([]T, bool, *string, error) {
	m := int(aws.ToInt32(maxItems))
	if m == 0 {
		m = 100
	}
	out, next, err := page(items, marker, m)
	if err != nil {
		return nil, false, nil, &iamtypes.InvalidInputException{Message: aws.String("Invalid Marker.")}
	}
	return out, next != nil, next, nil
}

func (a *iamAPI) CreateRole(ctx context.Context, in *iam.CreateRoleInput, _ ...func(*iam.Options)) (*iam.CreateRoleOutput, error) {
	return call(ctx, a.s, svcIAM, "CreateRole", func(t *tx) (*iam.CreateRoleOutput, error) {
		name := aws.ToString(in.RoleName)
		if !iamNameRE.MatchString(name) {
			return nil, validationError("1 validation error detected: Value '%s' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+", name)
		}
		path, err := checkPath(in.Path)
		if err != nil {
			return nil, err
		}
		if err := checkPolicyDoc(in.AssumeRolePolicyDocument, "assumeRolePolicyDocument"); err != nil {
			return nil, err
		}
		tags := iamTagMap(in.Tags)
		if err := checkIAMTags(tags); err != nil {
			return nil, err
		}
		for k := range t.st.IAM.Roles {
			if strings.EqualFold(k, name) {
				return nil, &iamtypes.EntityAlreadyExistsException{Message: aws.String("Role with name " + name + " already exists.")}
			}
		}
		ms := aws.ToInt32(in.MaxSessionDuration)
		if ms == 0 {
			ms = 3600
		}
		if ms < 3600 || ms > 43200 {
			return nil, validationError("1 validation error detected: Value '%d' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200", ms)
		}
		r := &role{Name: name, Path: path, ARN: "arn:aws:iam::" + t.account() + ":role" + path + name, RoleID: iamID("AROA"),
			Assume: *in.AssumeRolePolicyDocument, Description: aws.ToString(in.Description), MaxSession: ms, Tags: tags, Created: t.now}
		t.st.IAM.Roles[name] = r
		out := t.roleOut(r, true)
		out.RoleLastUsed = nil
		return &iam.CreateRoleOutput{Role: &out}, nil
	})
}

func (a *iamAPI) GetRole(ctx context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	return call(ctx, a.s, svcIAM, "GetRole", func(t *tx) (*iam.GetRoleOutput, error) {
		r, err := t.roleByName(aws.ToString(in.RoleName))
		if err != nil {
			return nil, err
		}
		out := t.roleOut(r, true)
		return &iam.GetRoleOutput{Role: &out}, nil
	})
}

func (a *iamAPI) DeleteRole(ctx context.Context, in *iam.DeleteRoleInput, _ ...func(*iam.Options)) (*iam.DeleteRoleOutput, error) {
	return call(ctx, a.s, svcIAM, "DeleteRole", func(t *tx) (*iam.DeleteRoleOutput, error) {
		r, err := t.roleByName(aws.ToString(in.RoleName))
		if err != nil {
			return nil, err
		}
		for _, p := range t.st.IAM.Profiles {
			for _, rn := range p.Roles {
				if rn == r.Name {
					return nil, deleteConflict("Cannot delete entity, must remove roles from instance profile first.")
				}
			}
		}
		if len(r.Inline) > 0 {
			return nil, deleteConflict("Cannot delete entity, must delete policies first.")
		}
		if len(r.Attached) > 0 {
			return nil, deleteConflict("Cannot delete entity, must detach all policies first.")
		}
		delete(t.st.IAM.Roles, r.Name)
		return &iam.DeleteRoleOutput{}, nil
	})
}

func (a *iamAPI) ListRoles(ctx context.Context, in *iam.ListRolesInput, _ ...func(*iam.Options)) (*iam.ListRolesOutput, error) {
	return call(ctx, a.s, svcIAM, "ListRoles", func(t *tx) (*iam.ListRolesOutput, error) {
		prefix := aws.ToString(in.PathPrefix)
		if prefix == "" {
			prefix = "/"
		}
		var all []iamtypes.Role
		for _, k := range sortedKeys(t.st.IAM.Roles) {
			r := t.st.IAM.Roles[k]
			if strings.HasPrefix(r.Path, prefix) && !t.hidden(r.Created) {
				all = append(all, t.roleOut(r, false))
			}
		}
		items, trunc, marker, err := iamPage(all, in.Marker, in.MaxItems)
		if err != nil {
			return nil, err
		}
		return &iam.ListRolesOutput{Roles: items, IsTruncated: trunc, Marker: marker}, nil
	})
}

func (a *iamAPI) UpdateAssumeRolePolicy(ctx context.Context, in *iam.UpdateAssumeRolePolicyInput, _ ...func(*iam.Options)) (*iam.UpdateAssumeRolePolicyOutput, error) {
	return call(ctx, a.s, svcIAM, "UpdateAssumeRolePolicy", func(t *tx) (*iam.UpdateAssumeRolePolicyOutput, error) {
		r, err := t.roleByName(aws.ToString(in.RoleName))
		if err != nil {
			return nil, err
		}
		if err := checkPolicyDoc(in.PolicyDocument, "policyDocument"); err != nil {
			return nil, err
		}
		r.Assume = *in.PolicyDocument
		return &iam.UpdateAssumeRolePolicyOutput{}, nil
	})
}

func (a *iamAPI) TagRole(ctx context.Context, in *iam.TagRoleInput, _ ...func(*iam.Options)) (*iam.TagRoleOutput, error) {
	return call(ctx, a.s, svcIAM, "TagRole", func(t *tx) (*iam.TagRoleOutput, error) {
		r, err := t.roleByName(aws.ToString(in.RoleName))
		if err != nil {
			return nil, err
		}
		kv := iamTagMap(in.Tags)
		merged := copyMap(r.Tags)
		if merged == nil {
			merged = map[string]string{}
		}
		for k, v := range kv {
			merged[k] = v
		}
		if err := checkIAMTags(merged); err != nil {
			return nil, err
		}
		r.Tags = merged
		return &iam.TagRoleOutput{}, nil
	})
}

func (a *iamAPI) PutRolePolicy(ctx context.Context, in *iam.PutRolePolicyInput, _ ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error) {
	return call(ctx, a.s, svcIAM, "PutRolePolicy", func(t *tx) (*iam.PutRolePolicyOutput, error) {
		r, err := t.roleByName(aws.ToString(in.RoleName))
		if err != nil {
			return nil, err
		}
		name := aws.ToString(in.PolicyName)
		if !regexp.MustCompile(`^[\w+=,.@-]{1,128}$`).MatchString(name) {
			return nil, validationError("1 validation error detected: Value '%s' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+", name)
		}
		if err := checkPolicyDoc(in.PolicyDocument, "policyDocument"); err != nil {
			return nil, err
		}
		total := len(*in.PolicyDocument)
		for n, d := range r.Inline {
			if n != name {
				total += len(d)
			}
		}
		if total > 10240 {
			return nil, &iamtypes.LimitExceededException{Message: aws.String("Maximum policy size of 10240 bytes exceeded for role " + r.Name)}
		}
		if r.Inline == nil {
			r.Inline = map[string]string{}
		}
		r.Inline[name] = *in.PolicyDocument
		return &iam.PutRolePolicyOutput{}, nil
	})
}

func (a *iamAPI) GetRolePolicy(ctx context.Context, in *iam.GetRolePolicyInput, _ ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error) {
	return call(ctx, a.s, svcIAM, "GetRolePolicy", func(t *tx) (*iam.GetRolePolicyOutput, error) {
		r, err := t.roleByName(aws.ToString(in.RoleName))
		if err != nil {
			return nil, err
		}
		d, ok := r.Inline[aws.ToString(in.PolicyName)]
		if !ok {
			return nil, noSuchEntity("The role policy with name %s cannot be found.", aws.ToString(in.PolicyName))
		}
		return &iam.GetRolePolicyOutput{RoleName: aws.String(r.Name), PolicyName: in.PolicyName, PolicyDocument: aws.String(iamEncode(d))}, nil
	})
}

func (a *iamAPI) DeleteRolePolicy(ctx context.Context, in *iam.DeleteRolePolicyInput, _ ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error) {
	return call(ctx, a.s, svcIAM, "DeleteRolePolicy", func(t *tx) (*iam.DeleteRolePolicyOutput, error) {
		r, err := t.roleByName(aws.ToString(in.RoleName))
		if err != nil {
			return nil, err
		}
		if _, ok := r.Inline[aws.ToString(in.PolicyName)]; !ok {
			return nil, noSuchEntity("The role policy with name %s cannot be found.", aws.ToString(in.PolicyName))
		}
		delete(r.Inline, aws.ToString(in.PolicyName))
		return &iam.DeleteRolePolicyOutput{}, nil
	})
}

func (a *iamAPI) ListRolePolicies(ctx context.Context, in *iam.ListRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error) {
	return call(ctx, a.s, svcIAM, "ListRolePolicies", func(t *tx) (*iam.ListRolePoliciesOutput, error) {
		r, err := t.roleByName(aws.ToString(in.RoleName))
		if err != nil {
			return nil, err
		}
		names := sortedKeys(r.Inline)
		if names == nil {
			names = []string{}
		}
		items, trunc, marker, err := iamPage(names, in.Marker, in.MaxItems)
		if err != nil {
			return nil, err
		}
		return &iam.ListRolePoliciesOutput{PolicyNames: items, IsTruncated: trunc, Marker: marker}, nil
	})
}

func (a *iamAPI) AttachRolePolicy(ctx context.Context, in *iam.AttachRolePolicyInput, _ ...func(*iam.Options)) (*iam.AttachRolePolicyOutput, error) {
	return call(ctx, a.s, svcIAM, "AttachRolePolicy", func(t *tx) (*iam.AttachRolePolicyOutput, error) {
		r, err := t.roleByName(aws.ToString(in.RoleName))
		if err != nil {
			return nil, err
		}
		p := aws.ToString(in.PolicyArn)
		if _, ok := parseARN(p); !ok {
			return nil, &iamtypes.InvalidInputException{Message: aws.String("ARN " + p + " is not valid.")}
		}
		if !managedPolicyExists(p) {
			return nil, noSuchEntity("Policy %s does not exist or is not attachable.", p)
		}
		for _, x := range r.Attached {
			if x == p {
				return &iam.AttachRolePolicyOutput{}, nil
			}
		}
		if len(r.Attached) >= 20 {
			return nil, &iamtypes.LimitExceededException{Message: aws.String("Cannot exceed quota for PoliciesPerRole: 20")}
		}
		r.Attached = append(r.Attached, p)
		return &iam.AttachRolePolicyOutput{}, nil
	})
}

func (a *iamAPI) DetachRolePolicy(ctx context.Context, in *iam.DetachRolePolicyInput, _ ...func(*iam.Options)) (*iam.DetachRolePolicyOutput, error) {
	return call(ctx, a.s, svcIAM, "DetachRolePolicy", func(t *tx) (*iam.DetachRolePolicyOutput, error) {
		r, err := t.roleByName(aws.ToString(in.RoleName))
		if err != nil {
			return nil, err
		}
		p := aws.ToString(in.PolicyArn)
		for i, x := range r.Attached {
			if x == p {
				r.Attached = append(r.Attached[:i], r.Attached[i+1:]...)
				return &iam.DetachRolePolicyOutput{}, nil
			}
		}
		return nil, noSuchEntity("Policy %s was not found.", p)
	})
}

func (a *iamAPI) ListAttachedRolePolicies(ctx context.Context, in *iam.ListAttachedRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error) {
	return call(ctx, a.s, svcIAM, "ListAttachedRolePolicies", func(t *tx) (*iam.ListAttachedRolePoliciesOutput, error) {
		r, err := t.roleByName(aws.ToString(in.RoleName))
		if err != nil {
			return nil, err
		}
		prefix := aws.ToString(in.PathPrefix)
		all := []iamtypes.AttachedPolicy{}
		for _, p := range r.Attached {
			rest := strings.TrimPrefix(p, "arn:aws:iam::aws:policy")
			name := rest[strings.LastIndex(rest, "/")+1:]
			path := rest[:strings.LastIndex(rest, "/")+1]
			if prefix != "" && !strings.HasPrefix(path, prefix) {
				continue
			}
			all = append(all, iamtypes.AttachedPolicy{PolicyArn: aws.String(p), PolicyName: aws.String(name)})
		}
		items, trunc, marker, err := iamPage(all, in.Marker, in.MaxItems)
		if err != nil {
			return nil, err
		}
		return &iam.ListAttachedRolePoliciesOutput{AttachedPolicies: items, IsTruncated: trunc, Marker: marker}, nil
	})
}

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
		p := &instanceProfile{Name: name, Path: path, ARN: "arn:aws:iam::" + t.account() + ":instance-profile" + path + name,
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
		merged := copyMap(p.Tags)
		if merged == nil {
			merged = map[string]string{}
		}
		for k, v := range iamTagMap(in.Tags) {
			merged[k] = v
		}
		if err := checkIAMTags(merged); err != nil {
			return nil, err
		}
		p.Tags = merged
		return &iam.TagInstanceProfileOutput{}, nil
	})
}

// roleCanRunECSAgent reports whether a role's policies let the ECS agent
// register a container instance (the managed ECS-for-EC2 policy, or an
// inline policy allowing ecs:RegisterContainerInstance).
func (t *tx) roleCanRunECSAgent(name string) bool {
	r := t.st.IAM.Roles[name]
	if r == nil {
		return false
	}
	for _, p := range r.Attached {
		if strings.HasSuffix(p, "/AmazonEC2ContainerServiceforEC2Role") || strings.HasSuffix(p, "/AdministratorAccess") ||
			strings.HasSuffix(p, "/AmazonECS_FullAccess") {
			return true
		}
	}
	for _, d := range r.Inline {
		if strings.Contains(d, "ecs:RegisterContainerInstance") || strings.Contains(d, "\"ecs:*\"") || strings.Contains(d, "\"*\"") {
			return true
		}
	}
	return false
}

func sortStrings(xs []string) []string {
	out := append([]string(nil), xs...)
	sort.Strings(out)
	return out
}
