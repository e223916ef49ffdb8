package diagram

import (
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/manifest"
)

// The book's pictures, copied verbatim from the chapters
// (shared/book/mvi-chapters), down to the VPC's bottom border: what the
// diagram must reproduce. Beneath the VPC the book shows only the services
// a chapter has introduced so far, while an architecture always has Crypto,
// Log and Metric, so the service row is compared only where it can match.

// 13-hello-world.md, first picture: the new container drawn heavy.
const bookHello = `
┌───────┐
│┌─────┐│
││┏━━━┓││
││┃web┃││
││┗━━━┛││
││ VM  ││
│└─────┘│
│  VPC  │
└───────┘`

// 13-hello-world.md, second picture (and 14-build.md's VPC).
const bookHelloPort = `
 ┌────────────────┐ 
┌┤       LB       ├┐
│└────────────────┘│
│┌───────┐┌───────┐│
││┏━━━━━┓││┏━━━━━┓││
││┃web 1┃││┃web 2┃││
││┗━━━━━┛││┗━━━━━┛││
││ VM 1  ││ VM 2  ││
│└───────┘└───────┘│
│       VPC        │
└──────────────────┘`

// 01-introduction.md.
const bookIntro = `
 ┌────────────────────────────────────┐ 
┌┤           Load Balancer            ├┐
│└────────────────────────────────────┘│
│┌─────────────────┐┌─────────────────┐│
││┌─────┐┌────────┐││     ┌─────┐     ││
│││web 1││worker 1│││     │web 2│     ││
││└─────┘└────────┘││     └─────┘     ││
││      VM 1       ││      VM 2       ││
│└─────────────────┘└─────────────────┘│
│              ┌────────┐              │
│              │Database│              │
│              └────────┘              │
│                 VPC                  │
└──────────────────────────────────────┘`

// 08-database.md: the introduction's picture with the Database heavy.
const bookDatabase = `
 ┌────────────────────────────────────┐ 
┌┤           Load Balancer            ├┐
│└────────────────────────────────────┘│
│┌─────────────────┐┌─────────────────┐│
││┌─────┐┌────────┐││     ┌─────┐     ││
│││web 1││worker 1│││     │web 2│     ││
││└─────┘└────────┘││     └─────┘     ││
││      VM 1       ││      VM 2       ││
│└─────────────────┘└─────────────────┘│
│              ┏━━━━━━━━┓              │
│              ┃Database┃              │
│              ┗━━━━━━━━┛              │
│                 VPC                  │
└──────────────────────────────────────┘`

// 12-blob.md's service row once the book's "Image" is named Registry, as
// the services table in DESIGN.md does.
const bookBlobRow = `
 ┌──────┐┌────────┐┌───┐┌──────┐┌──┐┏━━━━┓
 │Crypto││Registry││Log││Metric││KV│┃Blob┃
 └──────┘└────────┘└───┘└──────┘└──┘┗━━━━┛`

// introApp is the app of the introduction's picture: web behind the load
// balancer, a worker, a database.
func introApp(t testing.TB, build string) arch.Architecture {
	web := &manifest.Process{Image: "httpd", Port: 80, Count: 2}
	worker := &manifest.Process{Image: "busybox"}
	if build != "" {
		web = &manifest.Process{Build: build, Port: 80, Count: 2}
		worker = &manifest.Process{Build: build}
	}
	return design(t, &manifest.Manifest{Name: "intro", Processes: map[string]*manifest.Process{
		"web": web, "worker": worker,
	}, Database: &manifest.Database{}})
}

// trimmed drops the first line break of a picture literal and every line's
// trailing spaces: the book pads some lines and not others.
func trimmed(s string) []string {
	lines := strings.Split(strings.TrimPrefix(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return lines
}

func TestMatchesBook(t *testing.T) {
	container := map[arch.Service]bool{arch.Container: true}
	cases := []struct {
		name  string
		a     arch.Architecture
		o     Options
		want  string
		first int // the picture's first line in the output
	}{
		{"hello", helloApp(t, 0), Options{Width: 80, Highlight: container}, bookHello, 0},
		{"hello with port", helloApp(t, 80), Options{Width: 80, Highlight: container}, bookHelloPort, 0},
		{"introduction", introApp(t, ""), Options{Width: 80}, bookIntro, 0},
		{"database", introApp(t, ""), Options{Width: 80, Highlight: map[arch.Service]bool{arch.Database: true}}, bookDatabase, 0},
		{"blob row", introApp(t, "."), Options{Width: 80, Highlight: map[arch.Service]bool{arch.Blob: true}}, bookBlobRow, 14},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := trimmed(Render(c.a, c.o))
			want := trimmed(c.want)
			if len(got) < c.first+len(want) {
				t.Fatalf("got %d lines, want at least %d:\n%s", len(got), c.first+len(want), strings.Join(got, "\n"))
			}
			for i, w := range want {
				if got[c.first+i] != w {
					t.Errorf("line %d:\n got %q\nwant %q", c.first+i, got[c.first+i], w)
				}
			}
		})
	}
}
