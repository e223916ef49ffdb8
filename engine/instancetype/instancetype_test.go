package instancetype

import "testing"

func TestOf(t *testing.T) {
	for name, want := range map[string]Capacity{
		"t3.small":    {CPU: 2048, Memory: 1945, Arch: "x86_64"},
		"t4g.medium":  {CPU: 2048, Memory: 3891, Arch: "arm64"},
		"m6i.large":   {CPU: 2048, Memory: 7782, Arch: "x86_64"},
		"c6i.2xlarge": {CPU: 8192, Memory: 15564, Arch: "x86_64"},
	} {
		got, ok := Of(name)
		if !ok || got != want {
			t.Errorf("Of(%q) = %+v, %v; want %+v", name, got, ok, want)
		}
	}
	for _, bad := range []string{"t3.gigantic", "m6i.small", "t3", "", "T3.SMALL"} {
		if c, ok := Of(bad); ok {
			t.Errorf("Of(%q) = %+v, want not a type", bad, c)
		}
	}
}
