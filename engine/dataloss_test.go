package engine

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/minimalinfra/mvi/engine/sandbox"
)

func design(t *testing.T, toml string) arch.Architecture {
	t.Helper()
	m, err := manifest.Parse("mvi.toml", []byte(toml))
	if err != nil {
		t.Fatal(err)
	}
	a, err := arch.Design(m)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// Removing [fs] would delete the files the app stored: the plan says so,
// and Apply changes nothing until the person allows it.
func TestRemovingTheFileSystemNeedsConsent(t *testing.T) {
	_, cfg := openSandbox(t, sandbox.Options{})
	cfg.App = "files"
	ctx := context.Background()
	const app = "name = \"files\"\n[processes.web]\nimage = \"httpd\"\nport = 80\n"
	if _, err := planApply(t, ctx, cfg, design(t, app+"[fs]\n"), nil); err != nil {
		t.Fatal(err)
	}
	p, err := MakePlan(ctx, cfg, design(t, app))
	if err != nil {
		t.Fatal(err)
	}
	lost := p.DataLoss()
	if len(lost) != 1 || lost[0].ID != arch.IDFileSystem || !strings.Contains(lost[0].Reason, "lost") {
		t.Fatalf("data loss planned: %+v", lost)
	}
	for _, s := range p.Steps {
		if s.Type == arch.TypeMountTarget && s.DataLoss {
			t.Errorf("%s holds no data of its own but is marked", s.ID)
		}
	}
	err = Apply(ctx, cfg, p, nil)
	var dl *DataLossError
	if !errors.As(err, &dl) || !strings.Contains(err.Error(), "--allow-data-loss") {
		t.Fatalf("apply without consent: %v", err)
	}
	if n := liveIDs(t, cfg); n[arch.IDFileSystem] != 1 || n[arch.MountTargetID("a")] != 1 {
		t.Fatalf("a refused apply changed things: %v", n)
	}
	cfg.AllowDataLoss = true
	if err := Apply(ctx, cfg, p, nil); err != nil {
		t.Fatal(err)
	}
	if n := liveIDs(t, cfg); n[arch.IDFileSystem] != 0 {
		t.Error("the file system is still there after an allowed delete")
	}
}
