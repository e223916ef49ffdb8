package aws

import (
	"crypto/rand"
	"fmt"
	"math/big"
)

// passwordChars are safe in an RDS master password (no / @ " or space) and
// in a URL without escaping.
const passwordChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"

// passwordLength gives ~193 bits and fits MySQL's 41 and Postgres's 128.
const passwordLength = 32

// newPassword returns a uniformly random password from crypto/rand.
func newPassword() (string, error) {
	b := make([]byte, passwordLength)
	max := big.NewInt(int64(len(passwordChars)))
	for i := range b {
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			return "", fmt.Errorf("generate password: %w", err)
		}
		b[i] = passwordChars[n.Int64()]
	}
	return string(b), nil
}
