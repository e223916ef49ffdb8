package prose

import (
	"testing"

	"github.com/minimalinfra/mvi/assets"
)

// BenchmarkPlain renders the longest chapter as plain prose, as explain
// and plain mode do per page.
func BenchmarkPlain(b *testing.B) {
	md, err := assets.ServiceChapter("load-balancer")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		Plain(md, 80)
	}
}
