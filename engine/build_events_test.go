package engine

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/minimalinfra/mvi/engine/sandbox"
)

// A build's lines reach the events as its own log, each naming the
// resource it was using: the Registry while it builds and pushes, then
// the Blob bucket for its log, then the KV table for its record.
func TestBuildLinesAreLogEventsNamingTheServiceInUse(t *testing.T) {
	dir := t.TempDir()
	for f, body := range map[string]string{
		"Dockerfile":             "FROM httpd:2.4\nCOPY ./public-html/ /usr/local/apache2/htdocs/\n",
		"public-html/index.html": "<h1>hi</h1>\n",
	} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	m, err := manifest.Parse("mvi.toml", []byte("name = \"page\"\n[processes.web]\nbuild = \".\"\nport = 80\n"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := arch.Design(m)
	if err != nil {
		t.Fatal(err)
	}
	_, cfg := openSandbox(t, sandbox.Options{})
	cfg.App, cfg.Dir = "page", dir
	events := make(chan Event, 64)
	var uses []string
	var logs int
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for e := range events {
			if !e.Log {
				continue
			}
			if e.ID != "task-definition/web" {
				t.Errorf("a log line of %s: %q", e.ID, e.Detail)
			}
			logs++
			if len(uses) == 0 || uses[len(uses)-1] != e.Uses {
				uses = append(uses, e.Uses)
			}
		}
	}()
	_, err = planApply(t, context.Background(), cfg, a, events)
	close(events)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	var td arch.TaskDefinitionProps
	for _, r := range a.Resources {
		if r.ID == "task-definition/web" {
			td = r.Props.(arch.TaskDefinitionProps)
		}
	}
	want := []string{td.Repository, td.Logs, td.Records}
	if !slices.Equal(uses, want) || slices.Contains(want, "") || logs < 4 {
		t.Errorf("%d log lines using %q, want them using %q in that order", logs, uses, want)
	}
}
