package sandbox

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
)

var cipherMagic = []byte("mvi-kms1")

func contextAAD(ec map[string]string) []byte {
	var b bytes.Buffer
	for _, k := range sortedKeys(ec) {
		b.WriteString(k)
		b.WriteByte(0)
		b.WriteString(ec[k])
		b.WriteByte(0)
	}
	return b.Bytes()
}

func (k *kmsKey) seal(plain []byte, ec map[string]string) []byte {
	blk, _ := aes.NewCipher(k.Material)
	g, _ := cipher.NewGCM(blk)
	nonce := randBytes(g.NonceSize())
	out := append([]byte{}, cipherMagic...)
	out = append(out, byte(len(k.ID)))
	out = append(out, k.ID...)
	out = append(out, nonce...)
	return g.Seal(out, nonce, plain, contextAAD(ec))
}

// unseal opens what seal made with this very key (a key outside the
// account's key table: the AWS-managed SSM key).
func (k *kmsKey) unseal(blob []byte, ec map[string]string) ([]byte, bool) {
	head := append(append(append([]byte{}, cipherMagic...), byte(len(k.ID))), k.ID...)
	if !bytes.HasPrefix(blob, head) {
		return nil, false
	}
	rest := blob[len(head):]
	blk, _ := aes.NewCipher(k.Material)
	g, _ := cipher.NewGCM(blk)
	if len(rest) < g.NonceSize() {
		return nil, false
	}
	plain, err := g.Open(nil, rest[:g.NonceSize()], rest[g.NonceSize():], contextAAD(ec))
	return plain, err == nil
}

func (t *tx) open(blob []byte, ec map[string]string) (*kmsKey, []byte, error) {
	bad := &kmstypes.InvalidCiphertextException{Message: aws.String("The ciphertext is invalid or was not encrypted under a key in this account and region.")}
	if !bytes.HasPrefix(blob, cipherMagic) || len(blob) < len(cipherMagic)+1 {
		return nil, nil, bad
	}
	rest := blob[len(cipherMagic):]
	n := int(rest[0])
	if len(rest) < 1+n {
		return nil, nil, bad
	}
	id := string(rest[1 : 1+n])
	rest = rest[1+n:]
	k := t.r.KMS.Keys[id]
	if k == nil {
		return nil, nil, bad
	}
	if err := k.usable(); err != nil {
		return nil, nil, err
	}
	blk, _ := aes.NewCipher(k.Material)
	g, _ := cipher.NewGCM(blk)
	if len(rest) < g.NonceSize() {
		return nil, nil, bad
	}
	plain, err := g.Open(nil, rest[:g.NonceSize()], rest[g.NonceSize():], contextAAD(ec))
	if err != nil {
		return nil, nil, &kmstypes.InvalidCiphertextException{}
	}
	return k, plain, nil
}

func (a *kmsAPI) Encrypt(ctx context.Context, in *kms.EncryptInput, _ ...func(*kms.Options)) (*kms.EncryptOutput, error) {
	return call(ctx, a.s, svcKMS, "Encrypt", func(t *tx) (*kms.EncryptOutput, error) {
		k, err := t.kmsKeyRef(aws.ToString(in.KeyId))
		if err != nil {
			return nil, err
		}
		if len(in.Plaintext) == 0 || len(in.Plaintext) > 4096 {
			return nil, validation("1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length between 1 and 4096")
		}
		if err := k.usable(); err != nil {
			return nil, err
		}
		if aws.ToBool(in.DryRun) {
			return nil, &kmstypes.DryRunOperationException{Message: aws.String("The request would have succeeded, but the DryRun option is set.")}
		}
		return &kms.EncryptOutput{CiphertextBlob: k.seal(in.Plaintext, in.EncryptionContext), KeyId: aws.String(k.ARN),
			EncryptionAlgorithm: kmstypes.EncryptionAlgorithmSpecSymmetricDefault}, nil
	})
}

func (a *kmsAPI) Decrypt(ctx context.Context, in *kms.DecryptInput, _ ...func(*kms.Options)) (*kms.DecryptOutput, error) {
	return call(ctx, a.s, svcKMS, "Decrypt", func(t *tx) (*kms.DecryptOutput, error) {
		k, plain, err := t.open(in.CiphertextBlob, in.EncryptionContext)
		if err != nil {
			return nil, err
		}
		if in.KeyId != nil {
			want, err := t.kmsKeyRef(*in.KeyId)
			if err != nil {
				return nil, err
			}
			if want.ID != k.ID {
				return nil, &kmstypes.IncorrectKeyException{Message: aws.String("The key ID in the request does not identify a CMK that can perform this operation.")}
			}
		}
		if aws.ToBool(in.DryRun) {
			return nil, &kmstypes.DryRunOperationException{Message: aws.String("The request would have succeeded, but the DryRun option is set.")}
		}
		return &kms.DecryptOutput{KeyId: aws.String(k.ARN), Plaintext: plain, EncryptionAlgorithm: kmstypes.EncryptionAlgorithmSpecSymmetricDefault}, nil
	})
}

func (a *kmsAPI) GenerateDataKey(ctx context.Context, in *kms.GenerateDataKeyInput, _ ...func(*kms.Options)) (*kms.GenerateDataKeyOutput, error) {
	return call(ctx, a.s, svcKMS, "GenerateDataKey", func(t *tx) (*kms.GenerateDataKeyOutput, error) {
		k, err := t.kmsKeyRef(aws.ToString(in.KeyId))
		if err != nil {
			return nil, err
		}
		n := int(aws.ToInt32(in.NumberOfBytes))
		switch {
		case in.KeySpec != "" && in.NumberOfBytes != nil:
			return nil, validation("Please specify either number of bytes or key spec.")
		case in.KeySpec == kmstypes.DataKeySpecAes256:
			n = 32
		case in.KeySpec == kmstypes.DataKeySpecAes128:
			n = 16
		case in.NumberOfBytes == nil:
			return nil, validation("Please specify either number of bytes or key spec.")
		}
		if n < 1 || n > 1024 {
			return nil, validation("1 validation error detected: Value '%d' at 'numberOfBytes' failed to satisfy constraint: Member must have value between 1 and 1024", n)
		}
		if err := k.usable(); err != nil {
			return nil, err
		}
		if aws.ToBool(in.DryRun) {
			return nil, &kmstypes.DryRunOperationException{Message: aws.String("The request would have succeeded, but the DryRun option is set.")}
		}
		plain := randBytes(n)
		return &kms.GenerateDataKeyOutput{KeyId: aws.String(k.ARN), Plaintext: plain, CiphertextBlob: k.seal(plain, in.EncryptionContext)}, nil
	})
}
