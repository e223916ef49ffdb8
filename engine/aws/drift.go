package aws

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/resource"
)

// Drift reads back the settings a resource's safety rests on and names
// those changed outside mvi. Each handler's Update already makes every
// one of them what the design says, so a drifted resource is planned as
// an update and repaired by it.

var (
	_ resource.Drifter = securityGroupHandler{}
	_ resource.Drifter = bucketHandler{}
	_ resource.Drifter = kmsKey{}
	_ resource.Drifter = dbInstanceHandler{}
)

// Drift compares ingress rule by rule: one opened to 0.0.0.0/0 by hand
// is the drift that matters most.
func (securityGroupHandler) Drift(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) ([]resource.Drift, error) {
	p, err := propsOf[arch.SecurityGroupProps]("check", r)
	if err != nil {
		return nil, err
	}
	want, err := wantRules(env, r.ID, live.PhysicalID, p.Ingress)
	if err != nil {
		return nil, err
	}
	res, err := env.Clients.EC2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{live.PhysicalID}})
	if err != nil {
		return nil, wrap("describe", r.ID, err)
	}
	if len(res.SecurityGroups) == 0 {
		return nil, nil // gone: the plan's next list creates it
	}
	have := haveRules(res.SecurityGroups[0].IpPermissions)
	names := groupNames(env)
	var out []resource.Drift
	for _, k := range sortedRules(have) {
		if _, ok := want[k]; !ok {
			out = append(out, resource.Drift{Setting: "ingress " + ruleText(k, names, "from"), Live: "allowed", Want: "not allowed"})
		}
	}
	for _, k := range sortedRules(keysOf(want)) {
		if !have[k] {
			out = append(out, resource.Drift{Setting: "ingress " + ruleText(k, names, "from"), Live: "missing", Want: "allowed"})
		}
	}
	egress, managed, err := wantEgress(env, r.ID, p)
	if err != nil {
		return nil, err
	}
	return append(out, egressDrift(egress, managed, res.SecurityGroups[0].IpPermissionsEgress, names)...), nil
}

// groupNames maps the dependencies' group ids to their logical ids, so a
// rule reads "from sg/app", not "from sg-0a1b…".
func groupNames(env resource.Env) map[string]string {
	out := map[string]string{}
	for id, l := range env.Deps {
		if g := l.Attrs["group_id"]; g != "" {
			out[g] = id
		}
	}
	return out
}

func ruleText(k ruleKey, names map[string]string, dir string) string {
	ports := fmt.Sprintf("%s %d", k.proto, k.from)
	if k.to != k.from {
		ports = fmt.Sprintf("%s %d-%d", k.proto, k.from, k.to)
	}
	if k.proto == "-1" {
		ports = "all traffic"
	}
	from := k.cidr
	if k.group != "" {
		from = k.group
		if n := names[k.group]; n != "" {
			from = n
		}
	}
	return ports + " " + dir + " " + from
}

// Drift checks the public access block, the TLS-only policy and the
// encryption key: each one off or changed is data within reach of others.
func (bucketHandler) Drift(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) ([]resource.Drift, error) {
	p, err := propsOf[arch.BucketProps]("check", r)
	if err != nil {
		return nil, err
	}
	key, err := depAttr(env, r.ID, p.Key, "arn")
	if err != nil {
		return nil, err
	}
	b := aws.String(live.PhysicalID)
	var out []resource.Drift
	if p.BlockPublic {
		pab, err := env.Clients.S3.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b})
		switch {
		case isCode(err, "NoSuchPublicAccessBlockConfiguration"):
			out = append(out, resource.Drift{Setting: "public access block", Live: "none", Want: "all four blocks on"})
		case err != nil:
			return nil, wrap("read public access block of", r.ID, err)
		default:
			c := pab.PublicAccessBlockConfiguration
			if c == nil || !boolv(c.BlockPublicAcls) || !boolv(c.IgnorePublicAcls) || !boolv(c.BlockPublicPolicy) || !boolv(c.RestrictPublicBuckets) {
				out = append(out, resource.Drift{Setting: "public access block", Live: "partly off", Want: "all four blocks on"})
			}
		}
	}
	if p.TLSOnly {
		pol, err := env.Clients.S3.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b})
		switch {
		case isCode(err, "NoSuchBucketPolicy"):
			out = append(out, resource.Drift{Setting: "bucket policy", Live: "none", Want: "deny requests without TLS"})
		case err != nil:
			return nil, wrap("read policy of", r.ID, err)
		case !strings.Contains(str(pol.Policy), "aws:SecureTransport"):
			out = append(out, resource.Drift{Setting: "bucket policy", Live: "without the TLS-only rule", Want: "deny requests without TLS"})
		}
	}
	enc, err := env.Clients.S3.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b})
	if err != nil && !isCode(err, "ServerSideEncryptionConfigurationNotFoundError") {
		return nil, wrap("read encryption of", r.ID, err)
	}
	got := "none"
	if enc != nil && enc.ServerSideEncryptionConfiguration != nil && len(enc.ServerSideEncryptionConfiguration.Rules) > 0 {
		if d := enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault; d != nil {
			got = string(d.SSEAlgorithm)
			if d.SSEAlgorithm == s3types.ServerSideEncryptionAwsKms && !sameKey(str(d.KMSMasterKeyID), key) {
				got += " with another key (" + str(d.KMSMasterKeyID) + ")"
			} else if d.SSEAlgorithm == s3types.ServerSideEncryptionAwsKms {
				got = ""
			}
		}
	}
	if got != "" {
		out = append(out, resource.Drift{Setting: "encryption", Live: got, Want: "aws:kms with the app's key"})
	}
	return out, nil
}

// Drift checks yearly rotation of the app's key.
func (kmsKey) Drift(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) ([]resource.Drift, error) {
	p, err := propsOf[arch.KeyProps]("check", r)
	if err != nil {
		return nil, err
	}
	if !p.Rotation {
		return nil, nil
	}
	st, err := env.Clients.KMS.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: aws.String(live.PhysicalID)})
	if err != nil {
		return nil, wrap("read rotation of", r.ID, err)
	}
	if !st.KeyRotationEnabled {
		return []resource.Drift{{Setting: "key rotation", Live: "off", Want: "on (yearly)"}}, nil
	}
	return nil, nil
}

// Drift reads what the list already described: a database made public
// by hand is reachable from the internet if a rule lets it be.
func (dbInstanceHandler) Drift(_ context.Context, _ resource.Env, r arch.Resource, live resource.Live) ([]resource.Drift, error) {
	p, err := propsOf[arch.DBInstanceProps]("check", r)
	if err != nil {
		return nil, err
	}
	var out []resource.Drift
	if got := live.Attrs["public"]; got != "" && got != fmt.Sprint(p.Public) {
		out = append(out, resource.Drift{Setting: "publicly accessible", Live: got, Want: fmt.Sprint(p.Public)})
	}
	if got := live.Attrs["deletion_protection"]; p.DeletionProtection && got == "false" {
		out = append(out, resource.Drift{Setting: "deletion protection", Live: got, Want: "true"})
	}
	return out, nil
}
