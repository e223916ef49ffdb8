package sandbox

import (
	crand "crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
)

// ids come from a ChaCha8 stream seeded from crypto/rand once per process:
// unpredictable across runs (as AWS's are), cheap per call.
var (
	idMu  sync.Mutex
	idRNG = func() *rand.Rand {
		var seed [32]byte
		if _, err := crand.Read(seed[:]); err != nil {
			panic(err)
		}
		return rand.New(rand.NewChaCha8(seed))
	}()
)

func randBytes(n int) []byte {
	idMu.Lock()
	defer idMu.Unlock()
	b := make([]byte, n)
	for i := 0; i < n; i += 8 {
		var w [8]byte
		binary.LittleEndian.PutUint64(w[:], idRNG.Uint64())
		copy(b[i:], w[:])
	}
	return b
}

func randIntn(n int) int {
	idMu.Lock()
	defer idMu.Unlock()
	return idRNG.IntN(n)
}

// hexID returns n lowercase hex digits.
func hexID(n int) string { return hex.EncodeToString(randBytes((n + 1) / 2))[:n] }

// ec2ID is EC2's long id format: prefix-<17 hex>, e.g. vpc-0a1b2c3d4e5f67890.
func ec2ID(prefix string) string { return prefix + "-0" + hexID(16) }

// digits returns n random decimal digits, the first non-zero.
func digits(n int) string {
	var sb strings.Builder
	for i := 0; i < n; i++ {
		d := randIntn(10)
		if i == 0 && d == 0 {
			d = 1 + randIntn(9)
		}
		sb.WriteByte(byte('0' + d))
	}
	return sb.String()
}

// uuid returns a random version-4 UUID.
func uuid() string {
	b := randBytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// lowerAlnum returns n random [a-z0-9] characters (RDS endpoint ids).
func lowerAlnum(n int) string {
	const a = "abcdefghijklmnopqrstuvwxyz0123456789"
	var sb strings.Builder
	for i := 0; i < n; i++ {
		sb.WriteByte(a[randIntn(len(a))])
	}
	return sb.String()
}

// zones is the region's availability zones (a, b, c; four in us-east-1 as
// a reminder that not every region has the same number).
func zones(region string) []string {
	n := 3
	if region == "us-east-1" {
		n = 6
	}
	out := make([]string, n)
	for i := range out {
		out[i] = region + string(rune('a'+i))
	}
	return out
}

// zoneID is the AZ id AWS shows next to the name: us-east-1a → use1-az1.
// (AWS shuffles names to ids per account; the sandbox keeps them in order.)
func zoneID(region, zone string) string {
	parts := strings.Split(region, "-")
	short := region
	if len(parts) == 3 && parts[0] != "" && parts[1] != "" {
		short = parts[0] + parts[1][:1] + parts[2]
	}
	return fmt.Sprintf("%s-az%d", short, int(zone[len(zone)-1]-'a')+1)
}

var knownRegions = []string{
	"us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1",
	"eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1", "eu-south-1",
	"ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2",
	"sa-east-1", "af-south-1", "me-south-1",
}

func validRegion(r string) bool {
	for _, k := range knownRegions {
		if k == r {
			return true
		}
	}
	return false
}
