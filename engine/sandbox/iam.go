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
		if arn == awsPolicyARN(p) {
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

func iamKV(t iamtypes.Tag) (string, string) { return aws.ToString(t.Key), aws.ToString(t.Value) }
func iamTag(k, v string) iamtypes.Tag       { return iamtypes.Tag{Key: aws.String(k), Value: aws.String(v)} }

// iamTagMap reads IAM's tags (nil for none).
func iamTagMap(ts []iamtypes.Tag) map[string]string {
	if len(ts) == 0 {
		return nil
	}
	return tagMap(ts, iamKV)
}

// iamTags lists tags as IAM does (nil for none).
func iamTags(m map[string]string) []iamtypes.Tag {
	if len(m) == 0 {
		return nil
	}
	return tagList(m, iamTag)
}

func iamTooManyTags() error {
	return &iamtypes.LimitExceededException{Message: aws.String("The number of tags has reached the maximum limit.")}
}

func checkIAMTags(m map[string]string) error {
	if k, bad := reservedTag(m); bad {
		return &iamtypes.InvalidInputException{Message: aws.String("User-defined tag keys can't start with 'aws:'. (" + k + ")")}
	}
	if len(m) > maxTags {
		return iamTooManyTags()
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
		r := &role{Name: name, Path: path, ARN: roleARN(t.account(), path, name), RoleID: iamID("AROA"),
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
		if err := checkIAMTags(kv); err != nil {
			return nil, err
		}
		if err := mergeTags(&r.Tags, kv, iamTooManyTags()); err != nil {
			return nil, err
		}
		return &iam.TagRoleOutput{}, nil
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
