package sandbox

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/minimalinfra/mvi/engine/cloud"
)

// KMS: symmetric keys with real AES-GCM encryption (the key material lives
// in the state file: this is a sandbox), aliases, rotation status, tags, and
// scheduled deletion (PendingDeletion for the real 7–30 days, not scaled,
// then gone with its aliases). A key pending deletion or disabled refuses
// cryptographic operations, as on AWS.

type kmsAPI struct{ s *Sandbox }

var _ cloud.KMS = (*kmsAPI)(nil)

type kmsState struct {
	Keys    map[string]*kmsKey   `json:"keys"`
	Aliases map[string]*kmsAlias `json:"aliases"`
}

type kmsKey struct {
	Meta
	Description  string    `json:"description"`
	Usage        string    `json:"usage"`
	Spec         string    `json:"spec"`
	Policy       string    `json:"policy"`
	State        string    `json:"state"` // Enabled, Disabled, PendingDeletion
	Rotation     bool      `json:"rotation"`
	RotationDays int32     `json:"rotation_days,omitempty"`
	RotationFrom time.Time `json:"rotation_from,omitempty"`
	DeletionDate time.Time `json:"deletion_date,omitempty"`
	Window       int32     `json:"pending_window_days,omitempty"`
	MultiRegion  bool      `json:"multi_region,omitempty"`
	Material     []byte    `json:"material"`
}

type kmsAlias struct {
	Name    string    `json:"name"`
	Target  string    `json:"target"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// awsManagedAliases exist in every account (without a key until a service
// first uses them).
var awsManagedAliases = []string{"alias/aws/dynamodb", "alias/aws/ebs", "alias/aws/elasticfilesystem", "alias/aws/rds", "alias/aws/s3", "alias/aws/ssm"}

func kmsNotFound(format string, args ...any) error {
	return &kmstypes.NotFoundException{Message: aws.String(sprintf(format, args...))}
}

// kmsKey resolves a key id, key ARN, alias name or alias ARN (nil if none).
func (t *tx) kmsKey(ref string) *kmsKey {
	k, _ := t.kmsKeyRef(ref)
	return k
}

func (t *tx) kmsKeyRef(ref string) (*kmsKey, error) {
	if ref == "" {
		return nil, validation("1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null")
	}
	name := ref
	if a, ok := parseARN(ref); ok {
		if a.Service != "kms" || a.Account != t.account() || a.Region != t.regionName() {
			return nil, kmsNotFound("Invalid arn %s", ref)
		}
		name = a.Resource
	}
	if strings.HasPrefix(name, resourcePath(kmsTypeAlias, "")) {
		al := t.r.KMS.Aliases[name]
		if al == nil {
			return nil, kmsNotFound("Alias %s is not found.", t.kmsAliasARN(name))
		}
		name = kmsKeyPath(al.Target)
	}
	id := resourceName(name, kmsTypeKey)
	k := t.r.KMS.Keys[id]
	if k == nil || t.hidden(k.Created) {
		return nil, kmsNotFound("Key '%s' does not exist", t.kmsKeyARN(id))
	}
	return k, nil
}

// usable checks a key can encrypt and decrypt now.
func (k *kmsKey) usable() error {
	switch k.State {
	case "Enabled":
		return nil
	case "Disabled":
		return &kmstypes.DisabledException{Message: aws.String(k.ARN + " is disabled.")}
	case "PendingDeletion":
		return &kmstypes.KMSInvalidStateException{Message: aws.String(k.ARN + " is pending deletion.")}
	}
	return &kmstypes.KMSInvalidStateException{Message: aws.String(k.ARN + " is " + k.State + ".")}
}

func (t *tx) keyMeta(k *kmsKey) *kmstypes.KeyMetadata {
	m := &kmstypes.KeyMetadata{
		KeyId: aws.String(k.ID), Arn: aws.String(k.ARN), AWSAccountId: aws.String(t.account()), CreationDate: tp(k.Created),
		Enabled: k.State == "Enabled", Description: aws.String(k.Description), KeyUsage: kmstypes.KeyUsageType(k.Usage),
		KeyState: kmstypes.KeyState(k.State), Origin: kmstypes.OriginTypeAwsKms, KeyManager: kmstypes.KeyManagerTypeCustomer,
		KeySpec: kmstypes.KeySpec(k.Spec), CustomerMasterKeySpec: kmstypes.CustomerMasterKeySpec(k.Spec),
		EncryptionAlgorithms: []kmstypes.EncryptionAlgorithmSpec{kmstypes.EncryptionAlgorithmSpecSymmetricDefault},
		MultiRegion:          aws.Bool(k.MultiRegion),
	}
	if k.State == "PendingDeletion" {
		m.DeletionDate = tp(k.DeletionDate)
		m.PendingDeletionWindowInDays = aws.Int32(k.Window)
	}
	return m
}

func kmsKV(t kmstypes.Tag) (string, string) { return aws.ToString(t.TagKey), aws.ToString(t.TagValue) }
func kmsTag(k, v string) kmstypes.Tag {
	return kmstypes.Tag{TagKey: aws.String(k), TagValue: aws.String(v)}
}

func kmsTagMap(ts []kmstypes.Tag) (map[string]string, error) {
	return checkedTagMap(ts, kmsKV, tagRules{
		reserved: func(k string) error {
			return &kmstypes.TagException{Message: aws.String("Tag key " + k + " uses the reserved aws: prefix")}
		},
	})
}

func advanceKMS(t *tx) {
	for _, id := range sortedKeys(t.r.KMS.Keys) {
		k := t.r.KMS.Keys[id]
		if k.State == "PendingDeletion" && t.reached(k.DeletionDate) {
			delete(t.r.KMS.Keys, id)
			for _, n := range sortedKeys(t.r.KMS.Aliases) {
				if t.r.KMS.Aliases[n].Target == id {
					delete(t.r.KMS.Aliases, n)
				}
			}
			t.touch()
		}
	}
}

func (a *kmsAPI) CreateKey(ctx context.Context, in *kms.CreateKeyInput, _ ...func(*kms.Options)) (*kms.CreateKeyOutput, error) {
	return call(ctx, a.s, svcKMS, "CreateKey", func(t *tx) (*kms.CreateKeyOutput, error) {
		usage := string(in.KeyUsage)
		if usage == "" {
			usage = "ENCRYPT_DECRYPT"
		}
		spec := string(in.KeySpec)
		if spec == "" {
			spec = string(in.CustomerMasterKeySpec)
		}
		if spec == "" {
			spec = "SYMMETRIC_DEFAULT"
		}
		if spec != "SYMMETRIC_DEFAULT" || usage != "ENCRYPT_DECRYPT" {
			return nil, &kmstypes.UnsupportedOperationException{Message: aws.String("The sandbox supports SYMMETRIC_DEFAULT ENCRYPT_DECRYPT keys only")}
		}
		if in.Origin != "" && in.Origin != kmstypes.OriginTypeAwsKms {
			return nil, &kmstypes.UnsupportedOperationException{Message: aws.String("Origin " + string(in.Origin) + " is not supported in the sandbox")}
		}
		if len(aws.ToString(in.Description)) > 8192 {
			return nil, validation("1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 8192")
		}
		policy := aws.ToString(in.Policy)
		if policy != "" {
			var v map[string]any
			if json.Unmarshal([]byte(policy), &v) != nil {
				return nil, &kmstypes.MalformedPolicyDocumentException{Message: aws.String("The new key policy will not allow you to update the key policy in the future.")}
			}
		} else {
			policy = `{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"` + rootARN(t.account()) + `"},"Action":"kms:*","Resource":"*"}]}`
		}
		tags, err := kmsTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		id := uuid()
		if aws.ToBool(in.MultiRegion) {
			id = "mrk-" + hexID(32)
		}
		k := &kmsKey{Meta: Meta{ID: id, ARN: t.kmsKeyARN(id), Created: t.now, Tags: tags},
			Description: aws.ToString(in.Description), Usage: usage, Spec: spec, Policy: policy, State: "Enabled",
			MultiRegion: aws.ToBool(in.MultiRegion), Material: randBytes(32)}
		if len(k.Tags) == 0 {
			k.Tags = nil
		}
		t.r.KMS.Keys[id] = k
		return &kms.CreateKeyOutput{KeyMetadata: t.keyMeta(k)}, nil
	})
}

func (a *kmsAPI) DescribeKey(ctx context.Context, in *kms.DescribeKeyInput, _ ...func(*kms.Options)) (*kms.DescribeKeyOutput, error) {
	return call(ctx, a.s, svcKMS, "DescribeKey", func(t *tx) (*kms.DescribeKeyOutput, error) {
		k, err := t.kmsKeyRef(aws.ToString(in.KeyId))
		if err != nil {
			return nil, err
		}
		return &kms.DescribeKeyOutput{KeyMetadata: t.keyMeta(k)}, nil
	})
}

func (a *kmsAPI) EnableKeyRotation(ctx context.Context, in *kms.EnableKeyRotationInput, _ ...func(*kms.Options)) (*kms.EnableKeyRotationOutput, error) {
	return call(ctx, a.s, svcKMS, "EnableKeyRotation", func(t *tx) (*kms.EnableKeyRotationOutput, error) {
		k, err := t.rotatableKey(aws.ToString(in.KeyId))
		if err != nil {
			return nil, err
		}
		days := aws.ToInt32(in.RotationPeriodInDays)
		if days == 0 {
			days = 365
		}
		if days < 90 || days > 2560 {
			return nil, validation("1 validation error detected: Value '%d' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value between 90 and 2560", days)
		}
		if !k.Rotation || k.RotationDays != days {
			k.RotationFrom = t.now
		}
		k.Rotation, k.RotationDays = true, days
		return &kms.EnableKeyRotationOutput{}, nil
	})
}

func (a *kmsAPI) GetKeyRotationStatus(ctx context.Context, in *kms.GetKeyRotationStatusInput, _ ...func(*kms.Options)) (*kms.GetKeyRotationStatusOutput, error) {
	return call(ctx, a.s, svcKMS, "GetKeyRotationStatus", func(t *tx) (*kms.GetKeyRotationStatusOutput, error) {
		k, err := t.kmsKeyRef(aws.ToString(in.KeyId))
		if err != nil {
			return nil, err
		}
		if k.State == "PendingDeletion" {
			return nil, &kmstypes.KMSInvalidStateException{Message: aws.String(k.ARN + " is pending deletion.")}
		}
		out := &kms.GetKeyRotationStatusOutput{KeyId: aws.String(k.ARN), KeyRotationEnabled: k.Rotation}
		if k.Rotation {
			out.RotationPeriodInDays = aws.Int32(k.RotationDays)
			period := time.Duration(k.RotationDays) * 24 * time.Hour
			next := k.RotationFrom.Add(period)
			for !next.After(t.now) {
				next = next.Add(period)
			}
			out.NextRotationDate = tp(next)
		}
		return out, nil
	})
}

func (a *kmsAPI) ScheduleKeyDeletion(ctx context.Context, in *kms.ScheduleKeyDeletionInput, _ ...func(*kms.Options)) (*kms.ScheduleKeyDeletionOutput, error) {
	return call(ctx, a.s, svcKMS, "ScheduleKeyDeletion", func(t *tx) (*kms.ScheduleKeyDeletionOutput, error) {
		k, err := t.kmsKeyRef(aws.ToString(in.KeyId))
		if err != nil {
			return nil, err
		}
		if k.State == "PendingDeletion" {
			return nil, &kmstypes.KMSInvalidStateException{Message: aws.String(k.ARN + " is pending deletion.")}
		}
		days := aws.ToInt32(in.PendingWindowInDays)
		if days == 0 {
			days = 30
		}
		if days < 7 || days > 30 {
			return nil, validation("1 validation error detected: Value '%d' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value between 7 and 30", days)
		}
		k.State, k.Window = "PendingDeletion", days
		k.DeletionDate = t.now.Add(time.Duration(days) * 24 * time.Hour)
		return &kms.ScheduleKeyDeletionOutput{KeyId: aws.String(k.ARN), DeletionDate: tp(k.DeletionDate),
			KeyState: kmstypes.KeyStatePendingDeletion, PendingWindowInDays: aws.Int32(days)}, nil
	})
}

func checkAliasName(n string) error {
	if !strings.HasPrefix(n, "alias/") || len(n) <= len("alias/") || len(n) > 256 {
		return validation("1 validation error detected: Value '%s' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^alias/[a-zA-Z0-9/_-]+$", n)
	}
	for _, c := range n[len("alias/"):] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("/_-", c)) {
			return validation("1 validation error detected: Value '%s' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^alias/[a-zA-Z0-9/_-]+$", n)
		}
	}
	if strings.HasPrefix(n, "alias/aws/") {
		return &kmstypes.InvalidAliasNameException{Message: aws.String("Alias must not begin with 'alias/aws/'")}
	}
	return nil
}

// aliasTarget resolves the TargetKeyId of CreateAlias/UpdateAlias: a key
// id or key ARN, never an alias.
func (t *tx) aliasTarget(ref string) (*kmsKey, error) {
	if isAlias(ref) {
		return nil, validation("Aliases must refer to keys. Not aliases")
	}
	k, err := t.kmsKeyRef(ref)
	if err != nil {
		return nil, err
	}
	if k.State == "PendingDeletion" {
		return nil, &kmstypes.KMSInvalidStateException{Message: aws.String(k.ARN + " is pending deletion.")}
	}
	return k, nil
}

func (a *kmsAPI) CreateAlias(ctx context.Context, in *kms.CreateAliasInput, _ ...func(*kms.Options)) (*kms.CreateAliasOutput, error) {
	return call(ctx, a.s, svcKMS, "CreateAlias", func(t *tx) (*kms.CreateAliasOutput, error) {
		n := aws.ToString(in.AliasName)
		if err := checkAliasName(n); err != nil {
			return nil, err
		}
		k, err := t.aliasTarget(aws.ToString(in.TargetKeyId))
		if err != nil {
			return nil, err
		}
		if t.r.KMS.Aliases[n] != nil {
			return nil, &kmstypes.AlreadyExistsException{Message: aws.String("An alias with the name " + t.kmsAliasARN(n) + " already exists")}
		}
		t.r.KMS.Aliases[n] = &kmsAlias{Name: n, Target: k.ID, Created: t.now, Updated: t.now}
		return &kms.CreateAliasOutput{}, nil
	})
}

func (a *kmsAPI) UpdateAlias(ctx context.Context, in *kms.UpdateAliasInput, _ ...func(*kms.Options)) (*kms.UpdateAliasOutput, error) {
	return call(ctx, a.s, svcKMS, "UpdateAlias", func(t *tx) (*kms.UpdateAliasOutput, error) {
		n := aws.ToString(in.AliasName)
		al := t.r.KMS.Aliases[n]
		if al == nil {
			return nil, kmsNotFound("Alias %s is not found.", t.kmsAliasARN(n))
		}
		k, err := t.aliasTarget(aws.ToString(in.TargetKeyId))
		if err != nil {
			return nil, err
		}
		al.Target, al.Updated = k.ID, t.now
		return &kms.UpdateAliasOutput{}, nil
	})
}

func (a *kmsAPI) DeleteAlias(ctx context.Context, in *kms.DeleteAliasInput, _ ...func(*kms.Options)) (*kms.DeleteAliasOutput, error) {
	return call(ctx, a.s, svcKMS, "DeleteAlias", func(t *tx) (*kms.DeleteAliasOutput, error) {
		n := aws.ToString(in.AliasName)
		if strings.HasPrefix(n, "alias/aws/") {
			return nil, &kmstypes.InvalidAliasNameException{Message: aws.String("Alias must not begin with 'alias/aws/'")}
		}
		if t.r.KMS.Aliases[n] == nil {
			return nil, kmsNotFound("Alias %s is not found.", t.kmsAliasARN(n))
		}
		delete(t.r.KMS.Aliases, n)
		return &kms.DeleteAliasOutput{}, nil
	})
}

func (a *kmsAPI) ListAliases(ctx context.Context, in *kms.ListAliasesInput, _ ...func(*kms.Options)) (*kms.ListAliasesOutput, error) {
	return call(ctx, a.s, svcKMS, "ListAliases", func(t *tx) (*kms.ListAliasesOutput, error) {
		var keyID string
		if in.KeyId != nil {
			k, err := t.kmsKeyRef(*in.KeyId)
			if err != nil {
				return nil, err
			}
			keyID = k.ID
		}
		var all []kmstypes.AliasListEntry
		names := sortedKeys(t.r.KMS.Aliases)
		if keyID == "" {
			names = append(names, awsManagedAliases...)
			sort.Strings(names)
		}
		for _, n := range names {
			al := t.r.KMS.Aliases[n]
			e := kmstypes.AliasListEntry{AliasName: aws.String(n), AliasArn: aws.String(t.kmsAliasARN(n))}
			if al != nil {
				if keyID != "" && al.Target != keyID {
					continue
				}
				e.TargetKeyId, e.CreationDate, e.LastUpdatedDate = aws.String(al.Target), tp(al.Created), tp(al.Updated)
			}
			all = append(all, e)
		}
		lim := int(aws.ToInt32(in.Limit))
		if lim == 0 {
			lim = 50
		}
		items, next, err := page(all, in.Marker, lim)
		if err != nil {
			return nil, &kmstypes.InvalidMarkerException{Message: aws.String("Invalid marker")}
		}
		return &kms.ListAliasesOutput{Aliases: items, NextMarker: next, Truncated: next != nil}, nil
	})
}

func (a *kmsAPI) ListResourceTags(ctx context.Context, in *kms.ListResourceTagsInput, _ ...func(*kms.Options)) (*kms.ListResourceTagsOutput, error) {
	return call(ctx, a.s, svcKMS, "ListResourceTags", func(t *tx) (*kms.ListResourceTagsOutput, error) {
		k, err := t.kmsKeyRef(aws.ToString(in.KeyId))
		if err != nil {
			return nil, err
		}
		lim := int(aws.ToInt32(in.Limit))
		if lim == 0 {
			lim = 50
		}
		items, next, err := page(tagList(k.Tags, kmsTag), in.Marker, lim)
		if err != nil {
			return nil, &kmstypes.InvalidMarkerException{Message: aws.String("Invalid marker")}
		}
		return &kms.ListResourceTagsOutput{Tags: items, NextMarker: next, Truncated: next != nil}, nil
	})
}

func (a *kmsAPI) TagResource(ctx context.Context, in *kms.TagResourceInput, _ ...func(*kms.Options)) (*kms.TagResourceOutput, error) {
	return call(ctx, a.s, svcKMS, "TagResource", func(t *tx) (*kms.TagResourceOutput, error) {
		k, err := t.kmsKeyRef(aws.ToString(in.KeyId))
		if err != nil {
			return nil, err
		}
		if k.State == "PendingDeletion" {
			return nil, &kmstypes.KMSInvalidStateException{Message: aws.String(k.ARN + " is pending deletion.")}
		}
		m, err := kmsTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		k.setTags(m)
		return &kms.TagResourceOutput{}, nil
	})
}
