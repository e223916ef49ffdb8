package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/minimalinfra/mvi/engine/cloud"
)

// SSM Parameter Store: String, StringList and SecureString parameters
// (encrypted under a KMS key of the sandbox; the stored ciphertext is what a
// GetParameter without decryption returns), versions, tags, DescribeParameters
// filters, and AWS's public parameters for AMIs (/aws/service/…), which
// resolve to a stable per-region image id.

type ssmAPI struct{ s *Sandbox }

var _ cloud.SSM = (*ssmAPI)(nil)

type ssmState struct {
	Params map[string]*param `json:"parameters"`
	// ManagedKey is the material of the account's AWS-managed key
	// (alias/aws/ssm), made on first use: SecureStrings under it are
	// kept encrypted like the rest.
	ManagedKey []byte `json:"aws_ssm_key,omitempty"`
}

type param struct {
	Meta
	Name string `json:"name"`
	Type string `json:"type"`
	// Value is a String's or StringList's value. A SecureString keeps
	// only Cipher: as on AWS, its plain text is nowhere at rest.
	Value       string    `json:"value,omitempty"`
	Cipher      string    `json:"ciphertext,omitempty"`
	KeyID       string    `json:"key_id,omitempty"`
	Version     int64     `json:"version"`
	Description string    `json:"description,omitempty"`
	Tier        string    `json:"tier"`
	DataType    string    `json:"data_type"`
	Pattern     string    `json:"allowed_pattern,omitempty"`
	Modified    time.Time `json:"modified"`
}

// publicParams are the AWS-owned parameters the sandbox answers. Image ids
// are derived from the region and name, so they are stable.
var publicParams = []string{
	"/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
	"/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id",
	"/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id",
	"/aws/service/ecs/optimized-ami/amazon-linux-2/arm64/recommended/image_id",
	"/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
	"/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
	"/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2",
}

func publicAMI(region, name string) string {
	h := sha256.Sum256([]byte(region + "|" + name))
	return "ami-0" + hex.EncodeToString(h[:])[:16]
}

// publicParam returns the value of a public parameter.
func publicParam(region, name string) (string, bool) {
	for _, p := range publicParams {
		if p == name {
			return publicAMI(region, name), true
		}
		if strings.TrimSuffix(p, "/image_id") == name && strings.HasSuffix(p, "/image_id") {
			return `{"schema_version":1,"image_name":"al2023-ami-ecs-hvm-2023.0.20251201-kernel-6.1-x86_64","image_id":"` + publicAMI(region, p) + `","os":"Amazon Linux 2023","ecs_runtime_version":"Docker version 25.0.8","ecs_agent_version":"1.99.0"}`, true
		}
	}
	return "", false
}

// resolveSSM is EC2's resolve:ssm: (public or own String parameters).
func (t *tx) resolveSSM(name string) (string, bool) {
	name, _, _ = strings.Cut(name, ":")
	if v, ok := publicParam(t.regionName(), name); ok {
		return v, true
	}
	if p := t.r.SSM.Params[name]; p != nil && p.Type != "SecureString" {
		return p.Value, true
	}
	return "", false
}

// paramName accepts a name or a parameter ARN.
func (t *tx) paramName(ref string) string {
	if a, ok := parseARN(ref); ok && a.Service == "ssm" && strings.HasPrefix(a.Resource, "parameter") {
		n := strings.TrimPrefix(a.Resource, "parameter")
		if strings.Count(n, "/") == 1 {
			return strings.TrimPrefix(n, "/")
		}
		return n
	}
	return ref
}

func paramNotFound(name string) error {
	return &ssmtypes.ParameterNotFound{Message: aws.String("Parameter " + name + " not found.")}
}

var ssmNameRE = regexp.MustCompile(`^[a-zA-Z0-9_.\-/]+$`)

func checkParamName(n string) error {
	if n == "" || len(n) > 2048 {
		return &ssmtypes.ValidationException{Message: aws.String("Parameter name must be between 1 and 2048 characters.")}
	}
	if !ssmNameRE.MatchString(n) {
		return &ssmtypes.ValidationException{Message: aws.String("Parameter name: can only contain alphanumeric characters, '.', '-', '_' and '/'.")}
	}
	if strings.Contains(n, "/") && !strings.HasPrefix(n, "/") {
		return &ssmtypes.ValidationException{Message: aws.String("Parameter name must be a fully qualified name.")}
	}
	low := strings.ToLower(strings.TrimPrefix(n, "/"))
	if strings.HasPrefix(low, "aws") || strings.HasPrefix(low, "ssm") {
		return &ssmtypes.ValidationException{Message: aws.String("Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_")}
	}
	if strings.Count(n, "/") > 15 {
		return &ssmtypes.HierarchyLevelLimitExceededException{Message: aws.String("Parameter name can have at most 15 levels of hierarchy.")}
	}
	return nil
}

func ssmKV(t ssmtypes.Tag) (string, string) { return aws.ToString(t.Key), aws.ToString(t.Value) }
func ssmTag(k, v string) ssmtypes.Tag       { return ssmtypes.Tag{Key: aws.String(k), Value: aws.String(v)} }

func ssmTagMap(ts []ssmtypes.Tag) map[string]string { return tagMap(ts, ssmKV) }

func (t *tx) paramOut(p *param, decrypt bool) ssmtypes.Parameter {
	v := p.Value
	if p.Type == "SecureString" {
		v = p.Cipher
		if decrypt {
			v = t.decryptParam(p)
		}
	}
	return ssmtypes.Parameter{Name: aws.String(p.Name), ARN: aws.String(p.ARN), Type: ssmtypes.ParameterType(p.Type), Value: aws.String(v),
		Version: p.Version, LastModifiedDate: tp(p.Modified), DataType: aws.String(p.DataType)}
}

func (t *tx) getParam(ref string, decrypt bool) (ssmtypes.Parameter, error) {
	name, sel, _ := strings.Cut(t.paramName(ref), ":")
	if v, ok := publicParam(t.regionName(), name); ok {
		dt := "text"
		if strings.HasSuffix(name, "image_id") || strings.Contains(name, "ami-amazon-linux-latest") {
			dt = "aws:ec2:image"
		}
		return ssmtypes.Parameter{Name: aws.String(name), ARN: aws.String(publicParamARN(t.regionName(), name)),
			Type: ssmtypes.ParameterTypeString, Value: aws.String(v), Version: 101, DataType: aws.String(dt),
			LastModifiedDate: tp(t.st.Created)}, nil
	}
	p := t.r.SSM.Params[name]
	if p == nil || t.hidden(p.Created) {
		return ssmtypes.Parameter{}, paramNotFound(ref)
	}
	if sel != "" {
		n, err := strconv.ParseInt(sel, 10, 64)
		if err != nil || n != p.Version {
			return ssmtypes.Parameter{}, &ssmtypes.ParameterVersionNotFound{Message: aws.String("Systems Manager could not find version " + sel + " of " + name + ". Verify the version and try again.")}
		}
	}
	if p.Type == "SecureString" && decrypt {
		if k := t.kmsKey(p.KeyID); k != nil {
			if err := k.usable(); err != nil {
				return ssmtypes.Parameter{}, &ssmtypes.InvalidKeyId{Message: aws.String("KMS key " + p.KeyID + " can't be used: " + err.Error())}
			}
		}
	}
	out := t.paramOut(p, decrypt)
	if sel != "" {
		out.Selector = aws.String(":" + sel)
	}
	return out, nil
}

func (a *ssmAPI) PutParameter(ctx context.Context, in *ssm.PutParameterInput, _ ...func(*ssm.Options)) (*ssm.PutParameterOutput, error) {
	return call(ctx, a.s, svcSSM, "PutParameter", func(t *tx) (*ssm.PutParameterOutput, error) {
		name := aws.ToString(in.Name)
		if err := checkParamName(name); err != nil {
			return nil, err
		}
		if in.Value == nil || *in.Value == "" {
			return nil, &ssmtypes.ValidationException{Message: aws.String("1 validation error detected: Value '' at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1")}
		}
		tier := string(in.Tier)
		if tier == "" || tier == "Intelligent-Tiering" {
			tier = "Standard"
			if len(*in.Value) > 4096 {
				tier = "Advanced"
			}
		}
		if (tier == "Standard" && len(*in.Value) > 4096) || len(*in.Value) > 8192 {
			return nil, &ssmtypes.ValidationException{Message: aws.String("Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier.")}
		}
		over := aws.ToBool(in.Overwrite)
		if over && len(in.Tags) > 0 {
			return nil, &ssmtypes.ValidationException{Message: aws.String("Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.")}
		}
		p := t.r.SSM.Params[name]
		if p != nil && !over {
			return nil, &ssmtypes.ParameterAlreadyExists{Message: aws.String("The parameter already exists. To overwrite this value, set the overwrite option in the request to true.")}
		}
		typ := string(in.Type)
		if typ == "" {
			if p == nil {
				return nil, &ssmtypes.ValidationException{Message: aws.String("A parameter type is required when you create a parameter.")}
			}
			typ = p.Type
		}
		if typ != "String" && typ != "StringList" && typ != "SecureString" {
			return nil, &ssmtypes.UnsupportedParameterType{Message: aws.String(typ)}
		}
		if in.KeyId != nil && typ != "SecureString" {
			return nil, &ssmtypes.ValidationException{Message: aws.String("KeyId is required for SecureString type parameter only.")}
		}
		if in.AllowedPattern != nil {
			re, err := regexp.Compile(*in.AllowedPattern)
			if err != nil {
				return nil, &ssmtypes.InvalidAllowedPatternException{Message: aws.String("The allowed pattern is not a valid regular expression.")}
			}
			if !re.MatchString(*in.Value) {
				return nil, &ssmtypes.ParameterPatternMismatchException{Message: aws.String("Parameter value, cannot be validated against allowedPattern: " + *in.AllowedPattern)}
			}
		}
		dt := aws.ToString(in.DataType)
		if dt == "" {
			dt = "text"
		}
		if dt != "text" && dt != "aws:ec2:image" && dt != "aws:ssm:integration" {
			return nil, &ssmtypes.ValidationException{Message: aws.String("The following data type is not supported: " + dt + " (Data type names are all lowercase.)")}
		}
		if dt == "aws:ec2:image" && !strings.HasPrefix(*in.Value, "ami-") {
			return nil, &ssmtypes.ValidationException{Message: aws.String("Parameter value, " + *in.Value + ", is not in a valid format for the aws:ec2:image data type.")}
		}
		tags := ssmTagMap(in.Tags)
		if k, bad := reservedTag(tags); bad {
			return nil, &ssmtypes.InvalidParameters{Message: aws.String("Tag key " + k + " uses the reserved aws: prefix")}
		}
		keyID, cipherText := "", ""
		if typ == "SecureString" {
			keyID = aws.ToString(in.KeyId)
			if keyID == "" && p != nil && p.KeyID != "" {
				keyID = p.KeyID
			}
			if keyID == "" {
				keyID = "alias/aws/ssm"
			}
			if keyID != "alias/aws/ssm" {
				k, err := t.kmsKeyRef(keyID)
				if err != nil {
					return nil, &ssmtypes.InvalidKeyId{Message: aws.String("Invalid KeyId " + keyID)}
				}
				if err := k.usable(); err != nil {
					return nil, &ssmtypes.InvalidKeyId{Message: aws.String("KMS key " + keyID + " can't be used: " + err.Error())}
				}
				cipherText = base64.StdEncoding.EncodeToString(k.seal([]byte(*in.Value), map[string]string{"PARAMETER_ARN": paramARN(t, name)}))
			} else {
				cipherText = base64.StdEncoding.EncodeToString(t.ssmManagedKey().seal([]byte(*in.Value), map[string]string{"PARAMETER_ARN": paramARN(t, name)}))
			}
		}
		if p == nil {
			if len(t.r.SSM.Params) >= 10000 {
				return nil, &ssmtypes.ParameterLimitExceeded{Message: aws.String("You have exceeded the number of parameters for this AWS account. Delete unnecessary parameters and try again.")}
			}
			p = &param{Meta: Meta{ID: name, ARN: paramARN(t, name), Created: t.now}, Name: name}
			if len(tags) > 0 {
				p.Tags = tags
			}
			t.r.SSM.Params[name] = p
		}
		value := *in.Value
		if typ == "SecureString" {
			value = "" // kept only as cipherText
		}
		p.Type, p.Value, p.Cipher, p.KeyID, p.Tier, p.DataType = typ, value, cipherText, keyID, tier, dt
		p.Pattern = aws.ToString(in.AllowedPattern)
		if in.Description != nil {
			p.Description = *in.Description
		}
		p.Version++
		p.Modified = t.now
		return &ssm.PutParameterOutput{Version: p.Version, Tier: ssmtypes.ParameterTier(p.Tier)}, nil
	})
}

func (a *ssmAPI) GetParameter(ctx context.Context, in *ssm.GetParameterInput, _ ...func(*ssm.Options)) (*ssm.GetParameterOutput, error) {
	return call(ctx, a.s, svcSSM, "GetParameter", func(t *tx) (*ssm.GetParameterOutput, error) {
		p, err := t.getParam(aws.ToString(in.Name), aws.ToBool(in.WithDecryption))
		if err != nil {
			return nil, err
		}
		return &ssm.GetParameterOutput{Parameter: &p}, nil
	})
}

func (a *ssmAPI) GetParameters(ctx context.Context, in *ssm.GetParametersInput, _ ...func(*ssm.Options)) (*ssm.GetParametersOutput, error) {
	return call(ctx, a.s, svcSSM, "GetParameters", func(t *tx) (*ssm.GetParametersOutput, error) {
		if len(in.Names) == 0 || len(in.Names) > 10 {
			return nil, &ssmtypes.ValidationException{Message: aws.String("1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length less than or equal to 10 and greater than or equal to 1")}
		}
		out := &ssm.GetParametersOutput{Parameters: []ssmtypes.Parameter{}, InvalidParameters: []string{}}
		for _, n := range in.Names {
			p, err := t.getParam(n, aws.ToBool(in.WithDecryption))
			if err != nil {
				if _, ok := err.(*ssmtypes.ParameterNotFound); ok {
					out.InvalidParameters = append(out.InvalidParameters, n)
					continue
				}
				if _, ok := err.(*ssmtypes.ParameterVersionNotFound); ok {
					out.InvalidParameters = append(out.InvalidParameters, n)
					continue
				}
				return nil, err
			}
			out.Parameters = append(out.Parameters, p)
		}
		return out, nil
	})
}

func (a *ssmAPI) DeleteParameter(ctx context.Context, in *ssm.DeleteParameterInput, _ ...func(*ssm.Options)) (*ssm.DeleteParameterOutput, error) {
	return call(ctx, a.s, svcSSM, "DeleteParameter", func(t *tx) (*ssm.DeleteParameterOutput, error) {
		name := t.paramName(aws.ToString(in.Name))
		if t.r.SSM.Params[name] == nil {
			return nil, paramNotFound(name)
		}
		delete(t.r.SSM.Params, name)
		return &ssm.DeleteParameterOutput{}, nil
	})
}

func paramMatches(p *param, f ssmtypes.ParameterStringFilter) (bool, error) {
	key, opt := aws.ToString(f.Key), aws.ToString(f.Option)
	var have []string
	switch {
	case key == "Name":
		have = []string{p.Name}
		if opt == "" {
			opt = "Equals"
		}
	case key == "Type":
		have = []string{p.Type}
	case key == "KeyId":
		have = []string{p.KeyID}
	case key == "DataType":
		have = []string{p.DataType}
	case key == "Tier":
		have = []string{p.Tier}
	case key == "Path":
		if opt == "" {
			opt = "OneLevel"
		}
		for _, v := range f.Values {
			dir := strings.TrimSuffix(v, "/") + "/"
			if !strings.HasPrefix(p.Name, dir) {
				continue
			}
			if opt == "Recursive" || !strings.Contains(strings.TrimPrefix(p.Name, dir), "/") {
				return true, nil
			}
		}
		return false, nil
	case strings.HasPrefix(key, "tag:"):
		v, ok := p.Tags[key[4:]]
		if !ok {
			return false, nil
		}
		if len(f.Values) == 0 {
			return true, nil
		}
		have = []string{v}
	case key == "tag-key":
		for _, v := range f.Values {
			if _, ok := p.Tags[v]; ok {
				return true, nil
			}
		}
		return false, nil
	default:
		return false, &ssmtypes.InvalidFilterKey{Message: aws.String("The following filter key is not valid: " + key)}
	}
	for _, v := range f.Values {
		for _, h := range have {
			if (opt == "BeginsWith" && strings.HasPrefix(h, v)) || (opt != "BeginsWith" && h == v) {
				return true, nil
			}
		}
	}
	return false, nil
}

func (a *ssmAPI) DescribeParameters(ctx context.Context, in *ssm.DescribeParametersInput, _ ...func(*ssm.Options)) (*ssm.DescribeParametersOutput, error) {
	return call(ctx, a.s, svcSSM, "DescribeParameters", func(t *tx) (*ssm.DescribeParametersOutput, error) {
		if len(in.Filters) > 0 && len(in.ParameterFilters) > 0 {
			return nil, &ssmtypes.InvalidFilter{Message: aws.String("You can use either Filters or ParameterFilters in a single request.")}
		}
		filters := clone(in.ParameterFilters)
		for _, f := range in.Filters {
			filters = append(filters, ssmtypes.ParameterStringFilter{Key: aws.String(string(f.Key)), Values: f.Values, Option: aws.String("Equals")})
		}
		max := int(aws.ToInt32(in.MaxResults))
		if max == 0 {
			max = 10
		}
		if max > 50 {
			return nil, &ssmtypes.ValidationException{Message: aws.String("1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50")}
		}
		var all []ssmtypes.ParameterMetadata
	next:
		for _, n := range sortedKeys(t.r.SSM.Params) {
			p := t.r.SSM.Params[n]
			if t.hidden(p.Created) {
				continue
			}
			for _, f := range filters {
				ok, err := paramMatches(p, f)
				if err != nil {
					return nil, err
				}
				if !ok {
					continue next
				}
			}
			m := ssmtypes.ParameterMetadata{Name: aws.String(p.Name), ARN: aws.String(p.ARN), Type: ssmtypes.ParameterType(p.Type),
				Version: p.Version, Tier: ssmtypes.ParameterTier(p.Tier), DataType: aws.String(p.DataType), LastModifiedDate: tp(p.Modified),
				LastModifiedUser: aws.String(rootARN(t.account())), Policies: []ssmtypes.ParameterInlinePolicy{}}
			if p.KeyID != "" {
				m.KeyId = aws.String(p.KeyID)
			}
			if p.Description != "" {
				m.Description = aws.String(p.Description)
			}
			if p.Pattern != "" {
				m.AllowedPattern = aws.String(p.Pattern)
			}
			all = append(all, m)
		}
		items, next, err := page(all, in.NextToken, max)
		if err != nil {
			return nil, &ssmtypes.InvalidNextToken{Message: aws.String("The specified token is not valid.")}
		}
		return &ssm.DescribeParametersOutput{Parameters: items, NextToken: next}, nil
	})
}

func (t *tx) taggableParam(rt ssmtypes.ResourceTypeForTagging, id string) (*param, error) {
	if rt != ssmtypes.ResourceTypeForTaggingParameter {
		return nil, &ssmtypes.InvalidResourceType{Message: aws.String("The sandbox tags parameters only")}
	}
	p := t.r.SSM.Params[t.paramName(id)]
	if p == nil {
		return nil, &ssmtypes.InvalidResourceId{Message: aws.String("The resource ID \"" + id + "\" is not valid. Verify the ID and try again.")}
	}
	return p, nil
}

func (a *ssmAPI) AddTagsToResource(ctx context.Context, in *ssm.AddTagsToResourceInput, _ ...func(*ssm.Options)) (*ssm.AddTagsToResourceOutput, error) {
	return call(ctx, a.s, svcSSM, "AddTagsToResource", func(t *tx) (*ssm.AddTagsToResourceOutput, error) {
		p, err := t.taggableParam(in.ResourceType, aws.ToString(in.ResourceId))
		if err != nil {
			return nil, err
		}
		m := ssmTagMap(in.Tags)
		if k, bad := reservedTag(m); bad {
			return nil, &ssmtypes.InvalidParameters{Message: aws.String("Tag key " + k + " uses the reserved aws: prefix")}
		}
		if err := mergeTags(&p.Tags, m, &ssmtypes.TooManyTagsError{Message: aws.String("The Targets parameter includes too many tags. Remove one or more tags and try the command again.")}); err != nil {
			return nil, err
		}
		return &ssm.AddTagsToResourceOutput{}, nil
	})
}

func (a *ssmAPI) ListTagsForResource(ctx context.Context, in *ssm.ListTagsForResourceInput, _ ...func(*ssm.Options)) (*ssm.ListTagsForResourceOutput, error) {
	return call(ctx, a.s, svcSSM, "ListTagsForResource", func(t *tx) (*ssm.ListTagsForResourceOutput, error) {
		p, err := t.taggableParam(in.ResourceType, aws.ToString(in.ResourceId))
		if err != nil {
			return nil, err
		}
		return &ssm.ListTagsForResourceOutput{TagList: tagList(p.Tags, ssmTag)}, nil
	})
}
