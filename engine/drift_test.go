package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/sandbox"
)

// Issue 15, "What it must show": each setting changed by hand after up,
// through the SDK as a person's script would. Status reports it, the plan
// shows it as drift, up restores it, and a second up has nothing to do.
func TestDriftIsSeenAndRepaired(t *testing.T) {
	sb, cfg := openSandbox(t, sandbox.Options{})
	ctx := context.Background()
	a := fullArch(t)
	if _, err := planApply(t, ctx, cfg, a, nil); err != nil {
		t.Fatal(err)
	}
	c := sb.Clients()
	phys := func(typ, id string) string {
		l, err := Find(ctx, cfg, typ, id)
		if err != nil {
			t.Fatal(err)
		}
		return l.PhysicalID
	}
	bucket := phys(arch.TypeBucket, "bucket")
	s3x := c.S3.(interface {
		DeleteBucketPolicy(context.Context, *s3.DeleteBucketPolicyInput, ...func(*s3.Options)) (*s3.DeleteBucketPolicyOutput, error)
		DeletePublicAccessBlock(context.Context, *s3.DeletePublicAccessBlockInput, ...func(*s3.Options)) (*s3.DeletePublicAccessBlockOutput, error)
	})
	kmsx := c.KMS.(interface {
		DisableKeyRotation(context.Context, *kms.DisableKeyRotationInput, ...func(*kms.Options)) (*kms.DisableKeyRotationOutput, error)
	})
	for _, tc := range []struct {
		id, setting string
		change      func() error
	}{
		{"sg/db", "ingress tcp 5432 from 0.0.0.0/0", func() error {
			_, err := c.EC2.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{
				GroupId: aws.String(phys(arch.TypeSecurityGroup, "sg/db")),
				IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(5432), ToPort: aws.Int32(5432),
					IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}})
			return err
		}},
		{"sg/lb", "egress all traffic to 0.0.0.0/0", func() error {
			_, err := c.EC2.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{
				GroupId:       aws.String(phys(arch.TypeSecurityGroup, "sg/lb")),
				IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("-1"), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}})
			return err
		}},
		{"sg/db", "egress tcp 443 to 0.0.0.0/0", func() error {
			_, err := c.EC2.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{
				GroupId: aws.String(phys(arch.TypeSecurityGroup, "sg/db")),
				IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(443), ToPort: aws.Int32(443),
					IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}})
			return err
		}},
		{"bucket", "public access block", func() error {
			_, err := s3x.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String(bucket)})
			return err
		}},
		{"bucket", "bucket policy", func() error {
			_, err := s3x.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String(bucket)})
			return err
		}},
		{"bucket", "encryption AES256", func() error {
			_, err := c.S3.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String(bucket),
				ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
					ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256}}}}})
			return err
		}},
		{"key", "key rotation off", func() error {
			_, err := kmsx.DisableKeyRotation(ctx, &kms.DisableKeyRotationInput{KeyId: aws.String(phys(arch.TypeKey, "key"))})
			return err
		}},
		{"database", "publicly accessible true", func() error {
			_, err := c.RDS.ModifyDBInstance(ctx, &rds.ModifyDBInstanceInput{DBInstanceIdentifier: aws.String(phys(arch.TypeDBInstance, "database")),
				PubliclyAccessible: aws.Bool(true), ApplyImmediately: aws.Bool(true)})
			return err
		}},
	} {
		t.Run(tc.id+" "+tc.setting, func(t *testing.T) {
			if err := tc.change(); err != nil {
				t.Fatalf("change by hand: %v", err)
			}
			ds, err := Drift(ctx, cfg, a)
			if err != nil {
				t.Fatal(err)
			}
			if len(ds) != 1 || ds[0].ID != tc.id || !strings.Contains(ds[0].Settings[0].String(), tc.setting) {
				t.Fatalf("drift reported: %+v", ds)
			}
			p, err := MakePlan(ctx, cfg, a)
			if err != nil {
				t.Fatal(err)
			}
			if p.Changes() != 1 {
				t.Errorf("plan changes %d, want the one repair", p.Changes())
			}
			for _, s := range p.Steps {
				if s.ID == tc.id && (s.Action != Update || !strings.HasPrefix(s.Reason, DriftReason)) {
					t.Errorf("%s planned as %s: %s", s.ID, s.Action, s.Reason)
				}
			}
			if err := Apply(ctx, cfg, p, nil); err != nil {
				t.Fatal(err)
			}
			again, err := MakePlan(ctx, cfg, a)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range again.Steps {
				if s.Action != NoOp {
					t.Errorf("after the repair: %s %s: %s", s.Action, s.ID, s.Reason)
				}
			}
		})
	}
}
