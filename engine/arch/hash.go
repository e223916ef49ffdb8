package arch

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// Hash is a short digest of a resource's desired props. Stored as the
// mvi:hash tag, it lets Plan tell "unchanged" from "changed since last
// apply" without a local state file.
func Hash(p Props) string {
	b, err := json.Marshal(p)
	if err != nil {
		// Props are plain structs; this can't fail, but a stable fallback
		// keeps Plan deterministic if it ever did.
		return "unhashable"
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}
