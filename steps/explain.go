package steps

import (
	"context"
	"fmt"
	"strings"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/manifest"
)

// Explain is markdown to read; Run does nothing but let the reader go on.
type Explain struct {
	Base
	Markdown string
}

// Kind is KindExplain.
func (Explain) Kind() Kind { return KindExplain }

// Run returns at once: reading is the runner's business.
func (e Explain) Run(ctx context.Context, _ *Session, _ Output) error { return ctx.Err() }

// Design turns the manifest so far into an architecture: the previous one
// moves to Prev, the new one to Arch, and Change says what the step added,
// which the runner draws heavy and explains with each resource's Reason
// (Session.Added, Session.AddedServices).
type Design struct {
	Base
}

// Kind is KindDesign.
func (Design) Kind() Kind { return KindDesign }

// Run designs. It needs no cloud.
func (d Design) Run(ctx context.Context, s *Session, out Output) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	a, err := DesignManifest(s.Manifest)
	if err != nil {
		return err
	}
	s.Prev, s.Arch = s.Arch, a
	s.Change = arch.Diff(s.Prev, s.Arch)
	s.Engine.App, s.Engine.Region = a.App, a.Region
	if out != nil {
		if svcs := s.AddedServices(); len(svcs) > 0 {
			names := make([]string, len(svcs))
			for i, sv := range svcs {
				names[i] = string(sv)
			}
			out.Note(fmt.Sprintf("%s: %d resources; this step adds %d and changes %d (%s)", a.App, len(a.Resources), len(s.Change.Added), len(s.Change.Modified), strings.Join(names, ", ")))
		} else {
			out.Note(fmt.Sprintf("%s: %d resources; nothing new", a.App, len(a.Resources)))
		}
	}
	return nil
}

// DesignManifest parses manifest text and designs it.
func DesignManifest(text string) (arch.Architecture, error) {
	m, err := manifest.Parse("mvi.toml", []byte(text))
	if err != nil {
		return arch.Architecture{}, fmt.Errorf("design: %w", err)
	}
	a, err := arch.Design(m)
	if err != nil {
		return arch.Architecture{}, err
	}
	return a, nil
}
