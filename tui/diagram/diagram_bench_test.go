package diagram

import (
	"testing"

	"github.com/minimalinfra/mvi/engine/arch"
)

// BenchmarkRender measures a redraw, which the TUI does on every engine
// event batch and every resize.
func BenchmarkRender(b *testing.B) {
	cases := []struct {
		name string
		a    arch.Architecture
		o    Options
	}{
		{"full/80", fullApp(b), Options{Width: 80}},
		{"full/80/states+color", fullApp(b), Options{Width: 80, States: activeStates(), Color: true,
			Highlight: map[arch.Service]bool{arch.VPC: true}}},
		{"50-processes/120", manyApp(b, 50), Options{Width: 120}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Render(c.a, c.o)
			}
		})
	}
}
