package tui

import (
	tea "github.com/charmbracelet/bubbletea"
	gansi "github.com/charmbracelet/glamour/ansi"
	"github.com/charmbracelet/glamour/styles"
	"github.com/minimalinfra/mvi/tui/prose"
	"github.com/muesli/termenv"
)

// mdKey names one rendering: the text and the width it was wrapped to.
type mdKey struct {
	text  string
	width int
}

// markdownMsg carries a finished rendering back to Update.
type markdownMsg struct {
	key mdKey
	out string
}

// mdRenderer renders markdown off the UI thread (glamour takes ~10 ms for
// a page, far too long for View) and caches per text and width, so a
// resize back to a known width, or a step revisited, costs nothing.
type mdRenderer struct {
	style   gansi.StyleConfig
	profile termenv.Profile
	cache   map[mdKey]string
	pending map[mdKey]bool // asked for and not back yet: ask once
}

// newMDRenderer picks the style explicitly (never WithAutoStyle: it asks
// the terminal for its background from inside the running program, and
// the reply can leak into the input). Without colour, prose's plain style
// keeps the structure and drops the markup: NO_COLOR means no colour, not
// raw Markdown.
func newMDRenderer(profile termenv.Profile, dark bool) *mdRenderer {
	st := styles.LightStyleConfig
	switch {
	case profile == termenv.Ascii:
		st = prose.PlainStyle()
	case dark:
		st = styles.DarkStyleConfig
	}
	return &mdRenderer{style: st, profile: profile, cache: map[mdKey]string{}, pending: map[mdKey]bool{}}
}

// get returns a cached rendering, or the Cmd that makes it.
func (r *mdRenderer) get(text string, width int) (string, tea.Cmd) {
	k := mdKey{text: text, width: max(width, 10)}
	if out, ok := r.cache[k]; ok {
		return out, nil
	}
	if r.pending[k] {
		return "", nil
	}
	r.pending[k] = true
	style, profile := r.style, r.profile
	return "", func() tea.Msg {
		return markdownMsg{key: k, out: prose.Render(text, k.width, style, profile)}
	}
}

func (r *mdRenderer) put(m markdownMsg) {
	delete(r.pending, m.key)
	r.cache[m.key] = m.out
}
