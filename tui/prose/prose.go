// Package prose renders the project's Markdown (tutorial steps, service
// chapters) for a terminal: glamour's styles with colour, and without
// colour a style that keeps the structure (headings on their own lines,
// bullets, indented code) and drops the markup itself (no #, **, or
// backticks), for NO_COLOR, pipes and screen readers. NO_COLOR means no
// colour, not raw Markdown.
package prose

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/glamour"
	gansi "github.com/charmbracelet/glamour/ansi"
	"github.com/charmbracelet/glamour/styles"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/reflow/wordwrap"
	"github.com/muesli/termenv"
)

// Plain renders md as plain prose wrapped to width: what a pipe, a
// screen reader or NO_COLOR gets. glamour lays the blocks out at a width
// no paragraph of ours reaches (its own wrapping, padded to the width,
// breaks lines early and leaves trailing spaces; a wider layout costs
// time in that padding), then each line is wrapped here, a list item's
// continuation under its text.
func Plain(md string, width int) string {
	st := PlainStyle()
	zero := uint(0)
	st.Document.Margin = &zero
	laid := Render(md, 4000, st, termenv.Ascii)
	var out []string
	for _, l := range strings.Split(laid, "\n") {
		l = strings.TrimRight(l, " ")
		body := strings.TrimLeft(l, " ")
		indent := l[:len(l)-len(body)]
		hang := indent
		if strings.HasPrefix(body, "• ") {
			hang += "  "
		}
		if utf8.RuneCountInString(l) <= width || strings.HasPrefix(indent, "    ") { // code keeps its lines
			out = append(out, l)
			continue
		}
		wrapped := strings.Split(wordwrap.String(body, max(width-len(indent), 20)), "\n")
		for i, w := range wrapped {
			pre := indent
			if i > 0 {
				pre = hang
			}
			out = append(out, pre+strings.TrimRight(w, " "))
		}
	}
	return strings.Join(out, "\n")
}

// PlainStyle is glamour's ASCII style without the Markdown markers it
// keeps: a heading is its words on a line of their own, emphasis is the
// word, inline code is the code, a code block is indented.
func PlainStyle() gansi.StyleConfig {
	st := styles.ASCIIStyleConfig
	for _, h := range []*gansi.StyleBlock{&st.H1, &st.H2, &st.H3, &st.H4, &st.H5, &st.H6} {
		h.Prefix = ""
	}
	st.Emph.BlockPrefix, st.Emph.BlockSuffix = "", ""
	st.Strong.BlockPrefix, st.Strong.BlockSuffix = "", ""
	st.Strikethrough.BlockPrefix, st.Strikethrough.BlockSuffix = "", ""
	st.Code.BlockPrefix, st.Code.BlockSuffix = "", ""
	st.HorizontalRule.Format = "\n"
	st.BlockQuote.IndentToken = stringPtr("  ")
	indent := uint(4)
	st.CodeBlock.Margin = &indent
	return st
}

func stringPtr(s string) *string { return &s }

// Render wraps to width-2: glamour pads every line to the wrap width
// and adds its own two-column gutter. A render error shows the source
// rather than nothing.
func Render(text string, width int, style gansi.StyleConfig, profile termenv.Profile) string {
	g, err := glamour.NewTermRenderer(
		glamour.WithStyles(style),
		glamour.WithWordWrap(max(width-2, 8)),
		glamour.WithColorProfile(profile),
	)
	if err == nil {
		var out string
		if out, err = g.Render(Unwrap(text)); err == nil {
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

// Unwrap joins the soft line breaks inside paragraphs and list items.
// Tutorial markdown is hard-wrapped for editors; glamour v0.9 rewraps a
// paragraph but keeps each source line of a list item, which leaves ragged
// half-lines in a narrow pane. Code blocks, headings, tables, quotes and
// hard breaks (two trailing spaces) are kept as they are.
func Unwrap(md string) string {
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
