package arch

import (
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/assets"
)

// Every resource must link to a chapter that exists, so the wizard's "why"
// pane never opens on nothing.
func TestEveryResourceLinksToAnEmbeddedChapter(t *testing.T) {
	a := mustDesign(t, full())
	for _, r := range a.Resources {
		slug := strings.TrimSuffix(strings.TrimPrefix(r.Chapter, "services/"), ".md")
		if _, err := assets.ServiceChapter(slug); err != nil {
			t.Errorf("%s: %v", r.ID, err)
		}
	}
	for _, s := range Services() {
		if _, err := assets.ServiceChapter(s.Slug()); err != nil {
			t.Errorf("service %s: %v", s, err)
		}
	}
}
