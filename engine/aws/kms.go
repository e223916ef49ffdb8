package aws

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	rgttypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"

	"github.com/minimalinfra/mvi/engine/arch"
)

// kmsKey is the app's own key (Crypto): rotation on, a key policy that lets
// the account's IAM policies, CloudWatch Logs (for the app's log group) and
// EC2 on behalf of the account (EBS volumes Auto Scaling launches) use it.
type kmsKey struct{}

func (kmsKey) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeKey, Service: arch.Crypto, DeleteRank: 14,
		ARNKinds: []string{"kms:key"},
		Console: func(s resource.Site) string {
			return console(s, "kms/home?region="+s.Region+"#/kms/keys/"+resource.LastPart(s.PhysicalID))
		},
		Lookup: func(s resource.Site) string {
			return "aws kms describe-key --key-id " + resource.LastPart(s.PhysicalID) + " " + regionFlag(s)
		},
	}
}

func kmsTags(m map[string]string) []kmstypes.Tag {
	return toSDK(m, func(k, v *string) kmstypes.Tag { return kmstypes.Tag{TagKey: k, TagValue: v} })
}

// taggedARNs pages the Tagging API for resources of the given types that
// carry mvi:app=app.
func taggedARNs(ctx context.Context, env resource.Env, types ...string) ([]rgttypes.ResourceTagMapping, error) {
	var out []rgttypes.ResourceTagMapping
	in := &resourcegroupstaggingapi.GetResourcesInput{
		TagFilters:          []rgttypes.TagFilter{{Key: aws.String(resource.TagApp), Values: []string{env.App}}},
		ResourceTypeFilters: types,
	}
	for {
		res, err := env.Clients.Tagging.GetResources(ctx, in)
		if err != nil {
			return nil, err
		}
		out = append(out, res.ResourceTagMappingList...)
		if str(res.PaginationToken) == "" {
			return out, nil
		}
		in.PaginationToken = res.PaginationToken
	}
}

func toRGT(m map[string]string) []rgttypes.Tag {
	return toSDK(m, func(k, v *string) rgttypes.Tag { return rgttypes.Tag{Key: k, Value: v} })
}

func rgtTagMap(tags []rgttypes.Tag) map[string]string {
	return fromSDK(tags, func(t rgttypes.Tag) (*string, *string) { return t.Key, t.Value })
}

// List finds keys two ways: the Tagging API finds a key whose alias a
// crash never made, and the app's aliases find a key an index misses
// (moto's Tagging API, or AWS's while it lags after a create).
func (h kmsKey) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	found, err := taggedARNs(ctx, env, "kms:key")
	if err != nil {
		return nil, wrap("list", "KMS keys", err)
	}
	aliased, err := kmsAlias{}.List(ctx, env)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []resource.Live
	for _, f := range found {
		seen[resource.LastPart(str(f.ResourceARN))] = true
	}
	for _, a := range aliased {
		if k := a.Attrs["target_key_id"]; !seen[k] {
			seen[k] = true
			tags, err := keyTags(ctx, env, k)
			if err != nil {
				return nil, wrap("list", a.ID, err)
			}
			found = append(found, rgttypes.ResourceTagMapping{ResourceARN: aws.String(k), Tags: toRGT(tags)})
		}
	}
	for _, f := range found {
		tags := rgtTagMap(f.Tags)
		if !ours(env.App, tags) {
			continue
		}
		// The Tagging API lags and keeps keys pending deletion: ask KMS.
		d, err := env.Clients.KMS.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: f.ResourceARN})
		if isCode(err, "NotFoundException") {
			continue
		}
		if err != nil {
			return nil, wrap("list", tags[resource.TagID], err)
		}
		st := d.KeyMetadata.KeyState
		if st == kmstypes.KeyStatePendingDeletion || st == kmstypes.KeyStatePendingReplicaDeletion {
			continue
		}
		l := newLive(h.Describe().Type, str(d.KeyMetadata.KeyId), tags)
		l.ARN = str(d.KeyMetadata.Arn)
		l.State = string(st)
		l.Attrs["key_id"] = l.PhysicalID
		l.Attrs["arn"] = l.ARN
		out = append(out, l)
	}
	return out, nil
}

// keyPolicy is the key policy: the account (so IAM policies decide, as with
// AWS's default policy), CloudWatch Logs for this app's log groups only, and
// any principal of the account through EC2 (Auto Scaling's service-linked
// role encrypts the VMs' volumes this way, as AWS's own aws/ebs key allows).
func keyPolicy(env resource.Env, kp arch.KeyProps) (string, error) {
	p := partition(env.Region)
	doc := policyDoc{Version: "2012-10-17", Statement: []policyStatement{
		{
			Sid: "AccountAdmin", Effect: "Allow",
			Principal: map[string]string{"AWS": "arn:" + p + ":iam::" + env.Account + ":root"},
			Action:    "kms:*", Resource: "*",
		},
		{
			Sid: "CloudWatchLogs", Effect: "Allow",
			Principal: map[string]string{"Service": "logs." + env.Region + ".amazonaws.com"},
			Action:    []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"},
			Resource:  "*",
			Condition: map[string]any{"ArnLike": map[string]string{
				"kms:EncryptionContext:aws:logs:arn": "arn:" + p + ":logs:" + env.Region + ":" + env.Account + ":log-group:/mvi/" + env.App + "*",
			}},
		},
		{
			Sid: "EBSThroughEC2", Effect: "Allow",
			Principal: map[string]string{"AWS": "*"},
			Action:    []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"},
			Resource:  "*",
			Condition: map[string]any{"StringEquals": map[string]string{
				"kms:CallerAccount": env.Account,
				"kms:ViaService":    "ec2." + env.Region + ".amazonaws.com",
			}},
		},
	}}
	if kp.AlarmTopic {
		// An alarm's message to the app's topic is encrypted with this
		// key by CloudWatch itself; AWS's own aws/sns key can't be used
		// so, as its policy can't name CloudWatch.
		doc.Statement = append(doc.Statement, policyStatement{
			Sid: "CloudWatchAlarmsToTopic", Effect: "Allow",
			Principal: map[string]string{"Service": "cloudwatch.amazonaws.com"},
			Action:    []string{"kms:Decrypt", "kms:GenerateDataKey*"},
			Resource:  "*",
			Condition: map[string]any{"StringEquals": map[string]string{"aws:SourceAccount": env.Account}},
		})
	}
	b, err := json.Marshal(doc)
	return string(b), err
}

func (h kmsKey) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	if _, err := propsOf[arch.KeyProps]("create", r); err != nil {
		return resource.Live{}, err
	}
	// CreateKey takes no idempotency token: look for a key of this id first,
	// so a create retried after a lost answer converges the first key.
	prev, err := h.List(ctx, env)
	if err != nil {
		return resource.Live{}, err
	}
	for _, l := range prev {
		if l.ID == r.ID {
			return h.Update(ctx, env, r, l)
		}
	}
	kp, _ := r.Props.(arch.KeyProps)
	policy, err := keyPolicy(env, kp)
	if err != nil {
		return resource.Live{}, wrap("create", r.ID, err)
	}
	res, err := env.Clients.KMS.CreateKey(ctx, &kms.CreateKeyInput{
		Description: aws.String("mvi " + env.App + ": encrypts the app's disks, database, files, logs, objects and secrets"),
		KeySpec:     kmstypes.KeySpecSymmetricDefault,
		KeyUsage:    kmstypes.KeyUsageTypeEncryptDecrypt,
		Policy:      aws.String(policy),
		Tags:        kmsTags(createTags(env, r, true)),
	})
	if err != nil {
		return resource.Live{}, wrap("create", r.ID, err)
	}
	live := resource.Live{ID: r.ID, Type: h.Describe().Type, PhysicalID: str(res.KeyMetadata.KeyId), ARN: str(res.KeyMetadata.Arn),
		State: string(res.KeyMetadata.KeyState), Attrs: map[string]string{}}
	live.Attrs["key_id"] = live.PhysicalID
	live.Attrs["arn"] = live.ARN
	return h.Update(ctx, env, r, live)
}

func (h kmsKey) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	p, err := propsOf[arch.KeyProps]("update", r)
	if err != nil {
		return resource.Live{}, err
	}
	if p.Rotation {
		if _, err := env.Clients.KMS.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: aws.String(live.PhysicalID)}); err != nil {
			return resource.Live{}, wrap("update", r.ID, err)
		}
	}
	// The policy follows the design (a topic CloudWatch writes to).
	policy, err := keyPolicy(env, p)
	if err != nil {
		return resource.Live{}, wrap("update", r.ID, err)
	}
	if _, err := env.Clients.KMS.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(live.PhysicalID),
		PolicyName: aws.String("default"), Policy: aws.String(policy)}); err != nil {
		return resource.Live{}, wrap("update", r.ID, err)
	}
	tags := resource.Tags(env.App, r)
	if _, err := env.Clients.KMS.TagResource(ctx, &kms.TagResourceInput{KeyId: aws.String(live.PhysicalID), Tags: kmsTags(tags)}); err != nil {
		return resource.Live{}, wrap("tag", r.ID, err)
	}
	live.Hash = tags[resource.TagHash]
	return live, nil
}

func (h kmsKey) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	_, err := env.Clients.KMS.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{
		KeyId: aws.String(live.PhysicalID), PendingWindowInDays: aws.Int32(7),
	})
	if isCode(err, "NotFoundException") {
		return nil
	}
	// Already pending deletion: KMS answers KMSInvalidStateException.
	if isCode(err, "KMSInvalidStateException") && strings.Contains(strings.ToLower(errMessage(err)), "pending deletion") {
		return nil
	}
	return wrap("delete", live.ID, err)
}

func (h kmsKey) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	d, err := env.Clients.KMS.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(live.PhysicalID)})
	if err != nil {
		return false, "", wrap("describe", live.ID, err)
	}
	if d.KeyMetadata.KeyState != kmstypes.KeyStateEnabled {
		return false, fmt.Sprintf("waiting for key (%s)", d.KeyMetadata.KeyState), nil
	}
	return true, "", nil
}

// kmsAlias names the key. Aliases take no tags, so the target key carries
// the record: tag "mvi:alias:<alias name>" = "<logical id>@<hash>".
type kmsAlias struct{}

func (kmsAlias) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeAlias, Service: arch.Crypto, DeleteRank: 13,
		ARNKinds: []string{"kms:key"},
		Console:  func(s resource.Site) string { return console(s, "kms/home?region="+s.Region+"#/kms/keys") },
		Lookup: func(s resource.Site) string {
			return "aws kms list-aliases " + regionFlag(s) + " --query \"Aliases[?AliasName=='alias/mvi/" + s.App + "']\""
		},
	}
}

func aliasRecordKey(name string) string { return "mvi:alias:" + name }

func aliasName(app string) string { return "alias/mvi/" + app }

func (h kmsAlias) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	want := aliasName(env.App)
	in := &kms.ListAliasesInput{}
	var out []resource.Live
	for {
		res, err := env.Clients.KMS.ListAliases(ctx, in)
		if err != nil {
			return nil, wrap("list", "KMS aliases", err)
		}
		for _, a := range res.Aliases {
			name := str(a.AliasName)
			if name != want && !strings.HasPrefix(name, want+"/") {
				continue
			}
			if str(a.TargetKeyId) == "" {
				continue
			}
			tags, err := keyTags(ctx, env, str(a.TargetKeyId))
			if isCode(err, "NotFoundException") {
				continue
			}
			if err != nil {
				return nil, wrap("list", name, err)
			}
			id, hash, ok := parseRecord(tags[aliasRecordKey(name)])
			if !ok || tags[resource.TagApp] != env.App {
				continue
			}
			out = append(out, resource.Live{ID: id, Type: h.Describe().Type, PhysicalID: name, ARN: str(a.AliasArn), Hash: hash,
				Attrs: map[string]string{"name": name, "target_key_id": str(a.TargetKeyId), "arn": str(a.AliasArn)}})
		}
		if !res.Truncated {
			return out, nil
		}
		in.Marker = res.NextMarker
	}
}

func keyTags(ctx context.Context, env resource.Env, keyID string) (map[string]string, error) {
	m := map[string]string{}
	in := &kms.ListResourceTagsInput{KeyId: aws.String(keyID)}
	for {
		res, err := env.Clients.KMS.ListResourceTags(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, t := range res.Tags {
			m[str(t.TagKey)] = str(t.TagValue)
		}
		if !res.Truncated {
			return m, nil
		}
		in.Marker = res.NextMarker
	}
}

func (h kmsAlias) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	p, err := propsOf[arch.AliasProps]("create", r)
	if err != nil {
		return resource.Live{}, err
	}
	key, err := depAttr(env, r.ID, p.Key, "key_id")
	if err != nil {
		return resource.Live{}, err
	}
	_, err = env.Clients.KMS.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String(p.Name), TargetKeyId: aws.String(key)})
	if err != nil && !isCode(err, "AlreadyExistsException") {
		return resource.Live{}, wrap("create", r.ID, err)
	}
	// On AlreadyExists (a retried create) Update points the alias at the key.
	return h.Update(ctx, env, r, resource.Live{ID: r.ID, Type: h.Describe().Type, PhysicalID: p.Name, Attrs: map[string]string{"name": p.Name}})
}

func (h kmsAlias) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	p, err := propsOf[arch.AliasProps]("update", r)
	if err != nil {
		return resource.Live{}, err
	}
	if p.Name != live.PhysicalID {
		return resource.Live{}, resource.ErrReplace
	}
	key, err := depAttr(env, r.ID, p.Key, "key_id")
	if err != nil {
		return resource.Live{}, err
	}
	if live.Attrs["target_key_id"] != key {
		if _, err := env.Clients.KMS.UpdateAlias(ctx, &kms.UpdateAliasInput{AliasName: aws.String(p.Name), TargetKeyId: aws.String(key)}); err != nil {
			return resource.Live{}, wrap("update", r.ID, err)
		}
	}
	hash := arch.Hash(r.Props)
	if _, err := env.Clients.KMS.TagResource(ctx, &kms.TagResourceInput{KeyId: aws.String(key), Tags: []kmstypes.Tag{
		{TagKey: aws.String(aliasRecordKey(p.Name)), TagValue: aws.String(recordValue(r.ID, hash))},
	}}); err != nil {
		return resource.Live{}, wrap("tag", r.ID, err)
	}
	live.Hash = hash
	live.Attrs["target_key_id"] = key
	live.Attrs["name"] = p.Name
	live.ARN = "arn:" + partition(env.Region) + ":kms:" + env.Region + ":" + env.Account + ":" + p.Name
	live.Attrs["arn"] = live.ARN
	return live, nil
}

func (h kmsAlias) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	_, err := env.Clients.KMS.DeleteAlias(ctx, &kms.DeleteAliasInput{AliasName: aws.String(live.PhysicalID)})
	if isCode(err, "NotFoundException") {
		return nil
	}
	return wrap("delete", live.ID, err)
}

func (h kmsAlias) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	return true, "", nil
}
