package sandbox

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// A SecureString is kept only as ciphertext, under the AWS-managed key or
// a key of the account's: the state file never holds its value, and a
// decrypting read gives it back.
func TestSecureStringsAreEncryptedAtRest(t *testing.T) {
	dir := t.TempDir()
	sb := openSB(t, Options{Dir: dir})
	c := sb.Clients()
	key := must(c.KMS.CreateKey(bg, &kms.CreateKeyInput{}))
	for name, keyID := range map[string]*string{"/a/managed": nil, "/a/own": key.KeyMetadata.KeyId} {
		canary := "canary-" + strings.ReplaceAll(name, "/", "-")
		must(c.SSM.PutParameter(bg, &ssm.PutParameterInput{Name: aws.String(name), Value: aws.String(canary), Type: ssmtypes.ParameterTypeSecureString, KeyId: keyID}))
		got := must(c.SSM.GetParameter(bg, &ssm.GetParameterInput{Name: aws.String(name), WithDecryption: aws.Bool(true)}))
		if aws.ToString(got.Parameter.Value) != canary {
			t.Errorf("%s decrypts to %q", name, aws.ToString(got.Parameter.Value))
		}
		enc := must(c.SSM.GetParameter(bg, &ssm.GetParameterInput{Name: aws.String(name)}))
		if strings.Contains(aws.ToString(enc.Parameter.Value), canary) {
			t.Errorf("%s without decryption shows its value", name)
		}
	}
	sb.Close()
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		b, _ := os.ReadFile(p)
		if strings.Contains(string(b), "canary-") {
			t.Errorf("%s holds a SecureString's value in clear", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	again := openSB(t, Options{Dir: dir})
	got := must(again.Clients().SSM.GetParameter(bg, &ssm.GetParameterInput{Name: aws.String("/a/managed"), WithDecryption: aws.Bool(true)}))
	if aws.ToString(got.Parameter.Value) != "canary--a-managed" {
		t.Errorf("after a reopen: %q", aws.ToString(got.Parameter.Value))
	}
}
