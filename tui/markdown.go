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
		if out, err = g.Render(unwrap(text)); err == nil {
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

// unwrap joins the soft line breaks inside paragraphs and list items.
// Tutorial markdown is hard-wrapped for editors; glamour v0.9 rewraps a
// paragraph but keeps each source line of a list item, which leaves ragged
// half-lines in a narrow pane. Code blocks, headings, tables, quotes and
// hard breaks (two trailing spaces) are kept as they are.
func unwrap(md string) string {
	lines := strings.Split(md, "\n")
	out := make([]string, 0, len(lines))
	fence := false
	joinable := false // the last line out may take a continuation
	for _, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~"):
			fence = !fence
			joinable = false
			out = append(out, l)
			continue
		case fence || t == "":
			joinable = false
			out = append(out, l)
			continue
		}
		if joinable && !blockStart(t) {
			out[len(out)-1] += " " + t
		} else {
			out = append(out, l)
		}
		joinable = !strings.HasPrefix(t, "#") && !strings.HasPrefix(t, "|") && !strings.HasSuffix(l, "  ")
	}
	return strings.Join(out, "\n")
}

// blockStart says whether a trimmed line opens a block of its own: a
// list item, heading, quote, table row or rule.
func blockStart(t string) bool {
	switch {
	case strings.HasPrefix(t, "- "), strings.HasPrefix(t, "* "), strings.HasPrefix(t, "+ "),
		strings.HasPrefix(t, "#"), strings.HasPrefix(t, ">"), strings.HasPrefix(t, "|"),
		t == "---", t == "***":
		return true
	}
	i := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	return i > 0 && i+1 < len(t) && (t[i] == '.' || t[i] == ')') && t[i+1] == ' '
}
