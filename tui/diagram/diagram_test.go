package diagram

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/mattn/go-runewidth"
	"github.com/minimalinfra/mvi/engine/arch"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// golden compares got with testdata/<name>.golden exactly; -update rewrites
// the file. The file ends in a newline the output doesn't have, so editors
// leave it alone.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./tui/diagram -update to create it)", err)
	}
	if got+"\n" != string(want) {
		t.Errorf("%s differs (go test ./tui/diagram -update rewrites it)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// activeStates is a deploy half done: network and key ready, the load
// balancer and VMs coming up, web running, the worker failed, the database
// still planned and the file system going away.
func activeStates() map[string]State {
	return map[string]State{
		"vpc": Ready, "subnet/public-a": Ready, "key": Ready, "key-alias": Ready,
		"lb": Creating, "asg": Creating,
		"service/web": Ready, "service/worker": Failed,
		"database": Planned, "db-subnets": Ready,
		"log-group": Ready, "repository": Ready, "table": Creating, "bucket": Planned,
		"fs": Deleting, "fs-mount/a": Ready,
	}
}

func TestGolden(t *testing.T) {
	container := map[arch.Service]bool{arch.Container: true}
	adding := map[arch.Service]bool{arch.LoadBalancer: true, arch.VPC: true, arch.KV: true}
	cases := []struct {
		name string
		a    arch.Architecture
		o    Options
	}{
		{"hello", helloApp(t, 0), Options{Width: 80, Highlight: container}},
		{"hello-port", helloApp(t, 80), Options{Width: 80, Highlight: container}},
		{"full-80", fullApp(t), Options{Width: 80}},
		{"full-120", fullApp(t), Options{Width: 120}},
		{"full-states", fullApp(t), Options{Width: 80, Highlight: adding, States: activeStates()}},
		{"full-color", fullApp(t), Options{Width: 80, Highlight: adding, States: activeStates(), Color: true}},
		{"many-80", manyApp(t, 50), Options{Width: 80}},
		{"full-44", fullApp(t), Options{Width: 44}},
		{"full-26", fullApp(t), Options{Width: 26}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Render(c.a, c.o)
			golden(t, c.name, got)
			checkBoxes(t, ansi.Strip(got))
			if w := lipgloss.Width(got); w > c.o.Width {
				t.Errorf("%d cells wide, want at most %d", w, c.o.Width)
			}
		})
	}
}

// TestFits is the promise to the TUI: from 80 columns up every line fits
// and every box is whole, however many processes there are.
func TestFits(t *testing.T) {
	apps := map[string]arch.Architecture{
		"full": fullApp(t), "50 processes": manyApp(t, 50), "hello": helloApp(t, 80),
		"12 vms": manyVMs(t, 12),
	}
	for name, a := range apps {
		for w := 80; w <= 200; w += 7 {
			for _, o := range []Options{{Width: w}, {Width: w, States: activeStates(), Color: true}} {
				got := Render(a, o)
				for i, line := range strings.Split(got, "\n") {
					if lw := lipgloss.Width(line); lw > w {
						t.Errorf("%s at %d: line %d is %d cells: %q", name, w, i, lw, ansi.Strip(line))
					}
				}
				checkBoxes(t, ansi.Strip(got))
			}
		}
	}
}

// TestNarrow: below 80 columns the diagram does its best, never panics and
// never breaks a box; down to 30 columns these apps still fit.
func TestNarrow(t *testing.T) {
	apps := []arch.Architecture{fullApp(t), manyApp(t, 50), helloApp(t, 0), helloApp(t, 80), manyVMs(t, 12), {}}
	for i, a := range apps {
		for w := -1; w < 80; w++ {
			got := ansi.Strip(Render(a, Options{Width: w, States: activeStates(), Color: true}))
			checkBoxes(t, got)
			if w >= 30 && lipgloss.Width(got) > w {
				t.Errorf("app %d at %d: %d cells wide:\n%s", i, w, lipgloss.Width(got), got)
			}
		}
	}
}

func TestNoColor(t *testing.T) {
	a := fullApp(t)
	plain := Render(a, Options{Width: 80, States: activeStates(), Highlight: map[arch.Service]bool{arch.VM: true}})
	if strings.Contains(plain, "\x1b") {
		t.Errorf("escape sequence with Color false:\n%q", plain)
	}
	for _, want := range []string{"● web 1", "✗ worker 1", "◐ VM 1", "◐ Load Balancer", "● VPC", "○ Database",
		"● Crypto", "● Registry", "◐ KV", "○ Blob", "◌ Shared FS", "● Log"} {
		if !strings.Contains(plain, want) {
			t.Errorf("no %q in\n%s", want, plain)
		}
	}
	colored := Render(a, Options{Width: 80, States: activeStates(), Highlight: map[arch.Service]bool{arch.VM: true}, Color: true})
	if !strings.Contains(colored, "\x1b[") {
		t.Errorf("no escape sequence with Color true")
	}
	if ansi.Strip(colored) != plain {
		t.Errorf("colour changed the text, not just its paint:\n%s\n%s", ansi.Strip(colored), plain)
	}
	// Without states and highlights there is nothing to paint.
	if got := Render(a, Options{Width: 80, Color: true}); strings.Contains(got, "\x1b") {
		t.Errorf("escape sequence with nothing to colour")
	}
}

func TestGlyph(t *testing.T) {
	seen := map[string]State{}
	for _, s := range []State{Planned, Creating, Ready, Failed, Deleting, Drifted} {
		g := Glyph(s)
		if lipgloss.Width(g) != 1 || runewidth.StringWidth(g) != 1 || len([]rune(g)) != 1 {
			t.Errorf("%v: glyph %q is not one cell (lipgloss %d, runewidth %d)", s, g, lipgloss.Width(g), runewidth.StringWidth(g))
		}
		if o, ok := seen[g]; ok {
			t.Errorf("%v and %v share glyph %q", s, o, g)
		}
		seen[g] = s
	}
	if Glyph(Unknown) != "" || Glyph(State(42)) != "" {
		t.Errorf("unknown states must draw no glyph")
	}
	if Ready.String() != "ready" || State(42).String() != "state(42)" {
		t.Errorf("State.String: %q %q", Ready, State(42))
	}
}

func TestServiceState(t *testing.T) {
	a := fullApp(t)
	cases := []struct {
		states map[string]State
		want   State
	}{
		{nil, Unknown},
		{map[string]State{"vpc": Failed}, Unknown}, // another service's resource
		{map[string]State{"database": Ready}, Ready},
		{map[string]State{"database": Ready, "db-password": Planned}, Planned},
		{map[string]State{"database": Planned, "db-password": Creating}, Creating},
		{map[string]State{"database": Creating, "db-password": Deleting}, Deleting},
		{map[string]State{"database": Deleting, "db-password": Failed, "db-subnets": Ready}, Failed},
		// Changed by hand outside mvi: shown over everything but a failure.
		{map[string]State{"database": Drifted, "db-password": Deleting}, Drifted},
		{map[string]State{"database": Drifted, "db-password": Failed}, Failed},
	}
	for i, c := range cases {
		if got := ServiceState(a, arch.Database, c.states); got != c.want {
			t.Errorf("case %d: %v, want %v", i, got, c.want)
		}
	}
}

func TestHighlightJoins(t *testing.T) {
	a := helloApp(t, 80)
	cases := []struct {
		hl   map[arch.Service]bool
		top  string // the VPC's top border with the LB on it
		line string // the line under it
	}{
		{nil, "┌┤       LB       ├┐", "│└────────────────┘│"},
		{map[arch.Service]bool{arch.LoadBalancer: true}, "┌┫       LB       ┣┐", "│┗━━━━━━━━━━━━━━━━┛│"},
		{map[arch.Service]bool{arch.VPC: true}, "┏┥       LB       ┝┓", "┃└────────────────┘┃"},
		{map[arch.Service]bool{arch.VPC: true, arch.LoadBalancer: true}, "┏┫       LB       ┣┓", "┃┗━━━━━━━━━━━━━━━━┛┃"},
	}
	for _, c := range cases {
		lines := strings.Split(Render(a, Options{Highlight: c.hl}), "\n")
		if got := strings.TrimRight(lines[1], " "); got != c.top {
			t.Errorf("%v: %q, want %q", c.hl, got, c.top)
		}
		if got := strings.TrimRight(lines[2], " "); got != c.line {
			t.Errorf("%v: %q, want %q", c.hl, got, c.line)
		}
	}
	vm := Render(a, Options{Highlight: map[arch.Service]bool{arch.VM: true}})
	if strings.Count(vm, "┏") != 2 || strings.Count(vm, "┛") != 2 {
		t.Errorf("two VMs should be heavy:\n%s", vm)
	}
}

func TestVMState(t *testing.T) {
	got := Render(helloApp(t, 80), Options{States: map[string]State{"asg": Ready, "vm/2": Failed, "service/web": Ready}})
	if !strings.Contains(got, "● VM 1") || !strings.Contains(got, "✗ VM 2") {
		t.Errorf("VM 2 should show its own state, VM 1 the group's:\n%s", got)
	}
	// The container on the lost VM is lost with it; the other one serves.
	if !strings.Contains(got, "● web 1") || !strings.Contains(got, "✗ web 2") {
		t.Errorf("web 2 should fall with VM 2:\n%s", got)
	}
	booting := Render(helloApp(t, 80), Options{States: map[string]State{"vm/1": Creating, "vm/2": Ready, "service/web": Ready}})
	if !strings.Contains(booting, "◐ web 1") || !strings.Contains(booting, "● web 2") {
		t.Errorf("web 1 should come up with VM 1:\n%s", booting)
	}
}

// A container the caller knows the state of shows its own, not its
// service's: one container failing in a release that otherwise serves,
// or one drawn without a state where nothing runs.
func TestTaskState(t *testing.T) {
	got := Render(helloApp(t, 80), Options{States: map[string]State{"asg": Ready, "service/web": Ready,
		TaskKey("web", 2): Failed}})
	if !strings.Contains(got, "● web 1") || !strings.Contains(got, "✗ web 2") {
		t.Errorf("web 2 should show its own state:\n%s", got)
	}
	empty := Render(helloApp(t, 80), Options{States: map[string]State{"asg": Ready, "service/web": Ready, TaskKey("web", 1): Unknown}})
	if !strings.Contains(empty, "│web 1│") || strings.Contains(empty, "● web 1") {
		t.Errorf("nothing runs as web 1, yet it is drawn with its service's state:\n%s", empty)
	}
	if !IsTaskKey(TaskKey("web", 3)) || IsTaskKey(VMKey(1)) || IsVMKey(TaskKey("web", 1)) {
		t.Error("task and VM keys are not told apart")
	}
}

// TestUnlimited: without a width the diagram is the book's natural size,
// however wide that is.
func TestUnlimited(t *testing.T) {
	a := manyApp(t, 50)
	got := Render(a, Options{})
	if lines := strings.Split(got, "\n"); len(lines) != 17 {
		t.Errorf("want one row of containers (17 lines), got %d", len(lines))
	}
	if w := lipgloss.Width(got); w < 400 {
		t.Errorf("natural width %d, want all 50 containers side by side", w)
	}
}

// TestClash: an abbreviation that would make two processes look alike is
// skipped: the VMs stack instead.
func TestClash(t *testing.T) {
	a := introApp(t, "")
	got := Render(a, Options{Width: 30})
	checkBoxes(t, got)
	if !strings.Contains(got, "worker 1") || !strings.Contains(got, "web 1") {
		t.Errorf("labels should stay whole when cutting them would clash:\n%s", got)
	}
}

// manyVMs is an app on n VMs, each with one web container.
func manyVMs(t testing.TB, n int) arch.Architecture {
	a := helloApp(t, 80)
	a.Placement = make([][]arch.Task, n)
	for i := range a.Placement {
		a.Placement[i] = []arch.Task{{Process: "web", N: i + 1}}
	}
	return a
}

// corner kinds for checkBoxes.
var (
	topLeft     = map[rune]rune{'┌': '┐', '┏': '┓'} // to the matching top right
	bottomLeft  = map[rune]rune{'┌': '└', '┏': '┗'}
	bottomRight = map[rune]rune{'┌': '┘', '┏': '┛'}
	horiz       = map[rune]rune{'┌': '─', '┏': '━'}
	vert        = map[rune]rune{'┌': '│', '┏': '┃'}
	// The LB's sides where they cross the VPC's top border count as the
	// LB's verticals; on the VPC's top edge they open and close the gap
	// the LB's label line makes.
	leftJoins  = map[rune]string{'┌': "┤┥", '┏': "┫"}
	rightJoins = map[rune]string{'┌': "├┝", '┏': "┣"}
	corners    = "┌┐└┘┏┓┗┛"
)

// checkBoxes proves every box in a plain diagram is whole: from each
// top-left corner the top edge runs to a matching top-right corner, both
// sides run down to bottom corners on the same line, and the bottom edge
// joins them. Every corner in the picture must belong to such a box, so a
// clipped or overdrawn box is caught.
func checkBoxes(t *testing.T, s string) {
	t.Helper()
	if err := boxErr(s); err != nil {
		t.Errorf("%v\n%s", err, s)
	}
}

func boxErr(s string) error {
	var g [][]rune
	for _, l := range strings.Split(s, "\n") {
		g = append(g, []rune(l))
	}
	at := func(x, y int) rune {
		if y < 0 || y >= len(g) || x < 0 || x >= len(g[y]) {
			return 0
		}
		return g[y][x]
	}
	used := map[[2]int]bool{}
	fail := func(x, y int, what string) error {
		return fmt.Errorf("box at line %d col %d: %s", y, x, what)
	}
	for y := range g {
		for x, r := range g[y] {
			if _, ok := topLeft[r]; !ok {
				continue
			}
			// Top edge.
			x2 := x + 1
			for ; at(x2, y) != topLeft[r]; x2++ {
				c := at(x2, y)
				if strings.ContainsRune(leftJoins['┌']+leftJoins['┏'], c) {
					for x2++; at(x2, y) != 0 && !strings.ContainsRune(rightJoins['┌']+rightJoins['┏'], at(x2, y)); x2++ {
					}
					continue
				}
				if c != horiz[r] {
					return fail(x, y, fmt.Sprintf("top edge broken at col %d by %q", x2, c))
				}
			}
			// Sides.
			side := func(x int, joins string) int {
				y2 := y + 1
				for ; at(x, y2) == vert[r] || (y2 == y+1 && strings.ContainsRune(joins, at(x, y2))); y2++ {
				}
				return y2
			}
			yl, yr := side(x, leftJoins[r]), side(x2, rightJoins[r])
			if yl != yr || at(x, yl) != bottomLeft[r] || at(x2, yr) != bottomRight[r] {
				return fail(x, y, fmt.Sprintf("sides end at lines %d (%q) and %d (%q)", yl, at(x, yl), yr, at(x2, yr)))
			}
			for i := x + 1; i < x2; i++ {
				if at(i, yl) != horiz[r] {
					return fail(x, y, fmt.Sprintf("bottom edge broken at col %d by %q", i, at(i, yl)))
				}
			}
			used[[2]int{x, y}], used[[2]int{x2, y}], used[[2]int{x, yl}], used[[2]int{x2, yl}] = true, true, true, true
		}
	}
	for y := range g {
		for x, r := range g[y] {
			if strings.ContainsRune(corners, r) && !used[[2]int{x, y}] {
				return fail(x, y, fmt.Sprintf("stray corner %q", r))
			}
		}
	}
	return nil
}

func TestCheckBoxesCatchesBrokenBoxes(t *testing.T) {
	good := Render(fullApp(t), Options{Width: 80})
	for _, broken := range []string{
		strings.Replace(good, "┐", "─", 1),
		strings.Replace(good, "┘", " ", 1),
		strings.Replace(good, "│web 1│", "│web 1 ", 1),
		strings.Replace(good, "└────────┘", "└───── ──┘", 1),
		good + "\n ┐",
	} {
		if boxErr(broken) == nil {
			t.Errorf("checkBoxes passed a broken picture:\n%s", broken)
		}
	}
	if err := boxErr(good); err != nil {
		t.Errorf("checkBoxes failed a good picture: %v\n%s", err, good)
	}
}
