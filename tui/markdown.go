package tui

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/glamour"
	gansi "github.com/charmbracelet/glamour/ansi"
	"github.com/charmbracelet/glamour/styles"
	"github.com/charmbracelet/x/ansi"
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
// the reply can leak into the input). Without colour, the NoTTY style
// keeps the # and ** markers so emphasis survives as text.
func newMDRenderer(profile termenv.Profile, dark bool) *mdRenderer {
	st := styles.LightStyleConfig
	switch {
	case profile == termenv.Ascii:
		st = styles.NoTTYStyleConfig
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
		return markdownMsg{key: k, out: renderMD(text, k.width, style, profile)}
	}
}

func (r *mdRenderer) put(m markdownMsg) {
	delete(r.pending, m.key)
	r.cache[m.key] = m.out
}

// renderMD wraps to width-2: glamour pads every line to the wrap width
// and adds its own two-column gutter. A render error shows the source
// rather than nothing.
func renderMD(text string, width int, style gansi.StyleConfig, profile termenv.Profile) string {
	g, err := glamour.NewTermRenderer(
		glamour.WithStyles(style),
		glamour.WithWordWrap(max(width-2, 8)),
		glamour.WithColorProfile(profile),
	)
	if err == nil {
		var out string
		if out, err = g.Render(text); err == nil {
			return trimBlank(out)
		}
	}
	return fmt.Sprintf("%s\n\n(markdown: %v)", text, err)
}

// trimBlank drops the blank lines glamour puts around a document (its
// margins), so a form can sit right under the text.
func trimBlank(s string) string {
	lines := strings.Split(s, "\n")
	blank := func(l string) bool { return strings.TrimSpace(ansi.Strip(l)) == "" }
	for len(lines) > 0 && blank(lines[0]) {
		lines = lines[1:]
	}
	for len(lines) > 0 && blank(lines[len(lines)-1]) {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}
