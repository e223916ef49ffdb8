package sandbox

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

func TestKMSAliasesAndCrypto(t *testing.T) {
	s := openSB(t, Options{})
	c := apiOf(s).KMS
	k := must(c.CreateKey(bg, &kms.CreateKeyInput{Description: aws.String("app")}))
	if !strings.HasPrefix(*k.KeyMetadata.Arn, "arn:aws:kms:us-east-1:"+s.Account()+":key/") {
		t.Fatalf("arn %s", *k.KeyMetadata.Arn)
	}
	must(c.EnableKeyRotation(bg, &kms.EnableKeyRotationInput{KeyId: k.KeyMetadata.KeyId}))
	rs := must(c.GetKeyRotationStatus(bg, &kms.GetKeyRotationStatusInput{KeyId: k.KeyMetadata.KeyId}))
	if !rs.KeyRotationEnabled || aws.ToInt32(rs.RotationPeriodInDays) != 365 || rs.NextRotationDate == nil {
		t.Fatalf("rotation %+v", rs)
	}
	must(c.CreateAlias(bg, &kms.CreateAliasInput{AliasName: aws.String("alias/mvi/app"), TargetKeyId: k.KeyMetadata.KeyId}))
	_, err := c.CreateAlias(bg, &kms.CreateAliasInput{AliasName: aws.String("alias/mvi/app"), TargetKeyId: k.KeyMetadata.KeyId})
	var ae *kmstypes.AlreadyExistsException
	if !errors.As(err, &ae) {
		t.Fatalf("want AlreadyExists, got %v", err)
	}
	_, err = c.CreateAlias(bg, &kms.CreateAliasInput{AliasName: aws.String("alias/aws/x"), TargetKeyId: k.KeyMetadata.KeyId})
	wantCode(t, err, "InvalidAliasNameException")
	al := must(c.ListAliases(bg, &kms.ListAliasesInput{KeyId: k.KeyMetadata.KeyId}))
	if len(al.Aliases) != 1 || *al.Aliases[0].AliasName != "alias/mvi/app" {
		t.Fatalf("aliases %+v", al.Aliases)
	}
	enc := must(c.Encrypt(bg, &kms.EncryptInput{KeyId: aws.String("alias/mvi/app"), Plaintext: []byte("secret"), EncryptionContext: map[string]string{"a": "b"}}))
	dec := must(c.Decrypt(bg, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob, EncryptionContext: map[string]string{"a": "b"}}))
	if string(dec.Plaintext) != "secret" || *dec.KeyId != *k.KeyMetadata.Arn {
		t.Fatalf("decrypt %q %s", dec.Plaintext, *dec.KeyId)
	}
	_, err = c.Decrypt(bg, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob})
	var ic *kmstypes.InvalidCiphertextException
	if !errors.As(err, &ic) {
		t.Fatalf("wrong context: want InvalidCiphertext, got %v", err)
	}
	dk := must(c.GenerateDataKey(bg, &kms.GenerateDataKeyInput{KeyId: k.KeyMetadata.KeyId, KeySpec: kmstypes.DataKeySpecAes256}))
	if len(dk.Plaintext) != 32 {
		t.Fatalf("data key %d bytes", len(dk.Plaintext))
	}
}

func TestSSMParameters(t *testing.T) {
	s := openSB(t, Options{})
	cl := apiOf(s)
	k := must(cl.KMS.CreateKey(bg, &kms.CreateKeyInput{}))
	must(cl.SSM.PutParameter(bg, &ssm.PutParameterInput{Name: aws.String("/mvi/app/db-password"), Value: aws.String("hunter22"),
		Type: ssmtypes.ParameterTypeSecureString, KeyId: k.KeyMetadata.Arn, Tags: []ssmtypes.Tag{{Key: aws.String("mvi:app"), Value: aws.String("app")}}}))
	enc := must(cl.SSM.GetParameter(bg, &ssm.GetParameterInput{Name: aws.String("/mvi/app/db-password")}))
	if *enc.Parameter.Value == "hunter22" {
		t.Fatal("SecureString returned in clear without WithDecryption")
	}
	dec := must(cl.SSM.GetParameter(bg, &ssm.GetParameterInput{Name: aws.String("/mvi/app/db-password"), WithDecryption: aws.Bool(true)}))
	if *dec.Parameter.Value != "hunter22" || dec.Parameter.Version != 1 {
		t.Fatalf("decrypted %q v%d", *dec.Parameter.Value, dec.Parameter.Version)
	}
	_, err := cl.SSM.PutParameter(bg, &ssm.PutParameterInput{Name: aws.String("/mvi/app/db-password"), Value: aws.String("x"), Overwrite: aws.Bool(true),
		Tags: []ssmtypes.Tag{{Key: aws.String("a"), Value: aws.String("b")}}})
	wantCode(t, err, "ValidationException")
	must(cl.SSM.PutParameter(bg, &ssm.PutParameterInput{Name: aws.String("/mvi/app/db-password"), Value: aws.String("x"), Overwrite: aws.Bool(true)}))
	got := must(cl.SSM.GetParameters(bg, &ssm.GetParametersInput{Names: []string{"/mvi/app/db-password", "/mvi/app/none"}, WithDecryption: aws.Bool(true)}))
	if len(got.Parameters) != 1 || got.Parameters[0].Version != 2 || len(got.InvalidParameters) != 1 {
		t.Fatalf("GetParameters %+v", got)
	}
	d := must(cl.SSM.DescribeParameters(bg, &ssm.DescribeParametersInput{ParameterFilters: []ssmtypes.ParameterStringFilter{
		{Key: aws.String("Path"), Option: aws.String("Recursive"), Values: []string{"/mvi"}}, {Key: aws.String("tag:mvi:app"), Values: []string{"app"}}}}))
	if len(d.Parameters) != 1 || aws.ToString(d.Parameters[0].KeyId) != *k.KeyMetadata.Arn {
		t.Fatalf("DescribeParameters %+v", d.Parameters)
	}
	_, err = cl.SSM.PutParameter(bg, &ssm.PutParameterInput{Name: aws.String("/aws/x"), Value: aws.String("x"), Type: ssmtypes.ParameterTypeString})
	wantCode(t, err, "ValidationException")
}

func TestIAMRolesAndProfiles(t *testing.T) {
	s := openSB(t, Options{})
	c := s.Clients().IAM
	r := must(c.CreateRole(bg, &iam.CreateRoleInput{RoleName: aws.String("app"), Path: aws.String("/mvi/"), AssumeRolePolicyDocument: aws.String(assumeEC2),
		Tags: []iamtypes.Tag{{Key: aws.String("mvi:app"), Value: aws.String("x")}}}))
	if *r.Role.Arn != "arn:aws:iam::"+s.Account()+":role/mvi/app" || !strings.HasPrefix(*r.Role.RoleId, "AROA") {
		t.Fatalf("role %s %s", *r.Role.Arn, *r.Role.RoleId)
	}
	g := must(c.GetRole(bg, &iam.GetRoleInput{RoleName: aws.String("app")}))
	doc, err := url.QueryUnescape(*g.Role.AssumeRolePolicyDocument)
	if err != nil || doc != assumeEC2 || *g.Role.AssumeRolePolicyDocument == assumeEC2 {
		t.Fatalf("policy document should come back URL-encoded: %s", *g.Role.AssumeRolePolicyDocument)
	}
	_, err = c.AttachRolePolicy(bg, &iam.AttachRolePolicyInput{RoleName: aws.String("app"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonEC2ContainerServiceforEC2Role")})
	wantCode(t, err, "NoSuchEntity") // it lives under service-role/
	must(c.AttachRolePolicy(bg, &iam.AttachRolePolicyInput{RoleName: aws.String("app"), PolicyArn: aws.String("arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role")}))
	must(c.CreateInstanceProfile(bg, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String("app"), Path: aws.String("/mvi/")}))
	must(c.AddRoleToInstanceProfile(bg, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("app"), RoleName: aws.String("app")}))
	_, err = c.AddRoleToInstanceProfile(bg, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("app"), RoleName: aws.String("app")})
	wantCode(t, err, "LimitExceeded")
	_, err = c.DeleteRole(bg, &iam.DeleteRoleInput{RoleName: aws.String("app")})
	wantCode(t, err, "DeleteConflict")
	_, err = c.DeleteInstanceProfile(bg, &iam.DeleteInstanceProfileInput{InstanceProfileName: aws.String("app")})
	wantCode(t, err, "DeleteConflict")
	lr := must(c.ListRoles(bg, &iam.ListRolesInput{PathPrefix: aws.String("/mvi/")}))
	if len(lr.Roles) != 1 {
		t.Fatalf("roles under /mvi/: %d", len(lr.Roles))
	}
}

func TestECRRepositories(t *testing.T) {
	s := openSB(t, Options{})
	cl := apiOf(s)
	k := must(cl.KMS.CreateKey(bg, &kms.CreateKeyInput{}))
	r := must(cl.ECR.CreateRepository(bg, &ecr.CreateRepositoryInput{RepositoryName: aws.String("mvi/app"), ImageTagMutability: ecrtypes.ImageTagMutabilityImmutable,
		ImageScanningConfiguration: &ecrtypes.ImageScanningConfiguration{ScanOnPush: true},
		EncryptionConfiguration:    &ecrtypes.EncryptionConfiguration{EncryptionType: ecrtypes.EncryptionTypeKms, KmsKey: k.KeyMetadata.Arn},
		Tags:                       []ecrtypes.Tag{{Key: aws.String("mvi:app"), Value: aws.String("app")}}}))
	if *r.Repository.RepositoryUri != s.Account()+".dkr.ecr.us-east-1.amazonaws.com/mvi/app" {
		t.Fatalf("uri %s", *r.Repository.RepositoryUri)
	}
	_, err := cl.ECR.CreateRepository(bg, &ecr.CreateRepositoryInput{RepositoryName: aws.String("mvi/app")})
	var ae *ecrtypes.RepositoryAlreadyExistsException
	if !errors.As(err, &ae) {
		t.Fatalf("want RepositoryAlreadyExists, got %v", err)
	}
	_, err = cl.ECR.GetLifecyclePolicy(bg, &ecr.GetLifecyclePolicyInput{RepositoryName: aws.String("mvi/app")})
	wantCode(t, err, "LifecyclePolicyNotFoundException")
	_, err = cl.ECR.PutLifecyclePolicy(bg, &ecr.PutLifecyclePolicyInput{RepositoryName: aws.String("mvi/app"), LifecyclePolicyText: aws.String(`{}`)})
	wantCode(t, err, "InvalidParameterException")
	pol := `{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":20},"action":{"type":"expire"}}]}`
	must(cl.ECR.PutLifecyclePolicy(bg, &ecr.PutLifecyclePolicyInput{RepositoryName: aws.String("mvi/app"), LifecyclePolicyText: &pol}))
	must(cl.ECR.DeleteRepository(bg, &ecr.DeleteRepositoryInput{RepositoryName: aws.String("mvi/app")}))
	_, err = cl.ECR.DescribeRepositories(bg, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{"mvi/app"}})
	var nf *ecrtypes.RepositoryNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("want RepositoryNotFound, got %v", err)
	}
}
