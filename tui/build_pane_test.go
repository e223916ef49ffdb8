package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
)

// A build's own lines stream into the pane under its name, the service it
// works with is lit while it uses it and only then, and a finished build
// keeps just its last line.
func TestBuildPaneStreamsLinesAndLightsTheServiceInUse(t *testing.T) {
	a := arch.Architecture{Resources: []arch.Resource{
		{ID: "registry", Service: arch.Registry},
		{ID: "records", Service: arch.KV},
		{ID: "build-logs", Service: arch.Blob},
		{ID: "task-definition/web", Service: arch.Container},
	}}
	r := &runner{out: newActivity(), env: &env{st: NewStyles(lipgloss.NewRenderer(nil, termenv.WithProfile(termenv.Ascii)))}}
	say := func(line, uses string) {
		r.out.event(engine.Event{ID: "task-definition/web", Action: engine.Create, Phase: engine.PhaseWait, Detail: line, Log: true, Uses: uses})
	}
	say("build web-1 of web from /app", "registry")
	for i := 0; i < 10; i++ {
		say("Dockerfile:2: COPY step "+string(rune('a'+i)), "registry")
	}
	if got := r.out.using(a); !got[arch.Registry] || got[arch.KV] || got[arch.Blob] {
		t.Fatalf("lit while pushing: %v, want the Registry only", got)
	}
	pane := r.buildsText()
	if !strings.Contains(pane, "building task-definition/web") || !strings.Contains(pane, "COPY step j") {
		t.Fatalf("pane while building:\n%s", pane)
	}
	if strings.Contains(pane, "build web-1 of web") || strings.Count(pane, "│") != buildLines {
		t.Errorf("pane keeps more than the last %d lines:\n%s", buildLines, pane)
	}
	say("kept the build's log in s3://logs/builds/web-1.log", "build-logs")
	if got := r.out.using(a); got[arch.Registry] || !got[arch.Blob] {
		t.Errorf("lit while keeping the log: %v, want Blob only", got)
	}
	say("recorded build web-1 (succeeded) in table records", "records")
	if got := r.out.using(a); !got[arch.KV] || got[arch.Blob] {
		t.Errorf("lit while recording: %v, want KV only", got)
	}
	// A status line of another resource is not a build line.
	r.out.event(engine.Event{ID: "service/web", Action: engine.Create, Phase: engine.PhaseWait, Detail: "waiting for 2 tasks"})
	r.out.event(engine.Event{ID: "task-definition/web", Action: engine.Create, Phase: engine.PhaseDone})
	if got := r.out.using(a); len(got) != 0 {
		t.Errorf("lit after the build finished: %v", got)
	}
	pane = r.buildsText()
	if !strings.Contains(pane, "built task-definition/web") || strings.Count(pane, "│") != 1 ||
		!strings.Contains(pane, "recorded build web-1") || strings.Contains(pane, "service/web") {
		t.Errorf("pane after the build:\n%s", pane)
	}
}
