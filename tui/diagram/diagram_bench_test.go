package diagram

import (
	"fmt"
	"testing"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/manifest"
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

// BenchmarkDesignAndRender is the path `mvi diagram` takes after parsing:
// design the architecture of a 50-process app, then draw it.
func BenchmarkDesignAndRender(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		m := &manifest.Manifest{Name: "big", Processes: map[string]*manifest.Process{}}
		for p := 0; p < 50; p++ {
			m.Processes[fmt.Sprintf("proc%02d", p)] = &manifest.Process{Image: "httpd", Port: 8000 + p}
		}
		a, err := arch.Design(m)
		if err != nil {
			b.Fatal(err)
		}
		if Render(a, Options{Width: 120}) == "" {
			b.Fatal("empty drawing")
		}
	}
}
