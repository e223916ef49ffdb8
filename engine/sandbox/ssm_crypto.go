package sandbox

import "encoding/base64"

// ssmManagedKey is the account's AWS-managed SSM key (alias/aws/ssm),
// made on first use as AWS makes it. It is not a customer key: it isn't
// listed with the app's keys, and nobody can schedule its deletion.
func (t *tx) ssmManagedKey() *kmsKey {
	if len(t.r.SSM.ManagedKey) == 0 {
		t.r.SSM.ManagedKey = randBytes(32)
	}
	return &kmsKey{Meta: Meta{ID: "aws/ssm"}, Material: t.r.SSM.ManagedKey, State: "Enabled"}
}

// decryptParam opens a SecureString's ciphertext with the key it was put
// under. A parameter written by an older sandbox kept its value in
// clear; it still reads until its next put encrypts it.
func (t *tx) decryptParam(p *param) string {
	if p.Value != "" {
		return p.Value
	}
	blob, err := base64.StdEncoding.DecodeString(p.Cipher)
	if err != nil {
		return ""
	}
	ec := map[string]string{"PARAMETER_ARN": p.ARN}
	if p.KeyID == "" || p.KeyID == "alias/aws/ssm" {
		k := t.ssmManagedKey()
		if plain, ok := k.unseal(blob, ec); ok {
			return string(plain)
		}
		return ""
	}
	if _, plain, err := t.open(blob, ec); err == nil {
		return string(plain)
	}
	return ""
}
