package sandbox

import (
	"context"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

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
			rest := awsPolicyPath(p)
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
