package engine

import (
	"testing"

	"github.com/minimalinfra/mvi/engine/arch"
)

// The smoke check's price comes from the table: $0.50, plus $1 for each
// option (a text to match, the 10 s interval).
func TestHealthCheckCost(t *testing.T) {
	p, err := LoadPrices("us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		props arch.SmokeCheckProps
		want  float64
	}{
		{arch.SmokeCheckProps{Type: "HTTP", Interval: 30}, 0.50},
		{arch.SmokeCheckProps{Type: "HTTP_STR_MATCH", Interval: 30}, 1.50},
		{arch.SmokeCheckProps{Type: "HTTP_STR_MATCH", Interval: 10}, 2.50},
	} {
		if got := p.Monthly(arch.Resource{Type: arch.TypeHealthCheck, Props: tc.props}, arch.Architecture{}); got != tc.want {
			t.Errorf("%+v costs %v, want %v", tc.props, got, tc.want)
		}
	}
}
