package tui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Styles is every style the wizard draws with, built once per program
// from one renderer, so a test (or, one day, an SSH session) can pass its
// own. State is never shown by colour alone: the glyphs and markers below
// carry it when NO_COLOR strips every attribute.
type Styles struct {
	Color bool // the profile can show colour (false under NO_COLOR, pipes, tests)

	Header, Title, Muted, Key lipgloss.Style
	OK, Warn, Err             lipgloss.Style
	Selected, Sep             lipgloss.Style
	Help                      help.Styles

	// Glyphs: the same marks with or without colour.
	Cursor, NoCursor string
}

// NewStyles builds the styles for r's colour profile.
func NewStyles(r *lipgloss.Renderer) *Styles {
	color := r.ColorProfile() != termenv.Ascii
	s := &Styles{
		Color:    color,
		Header:   r.NewStyle().Bold(true),
		Title:    r.NewStyle().Bold(true),
		Muted:    r.NewStyle().Foreground(lipgloss.Color("8")),
		Key:      r.NewStyle().Bold(true),
		OK:       r.NewStyle().Foreground(lipgloss.Color("2")),
		Warn:     r.NewStyle().Foreground(lipgloss.Color("3")),
		Err:      r.NewStyle().Foreground(lipgloss.Color("1")).Bold(true),
		Selected: r.NewStyle().Bold(true),
		Sep:      r.NewStyle().Foreground(lipgloss.Color("8")),
		Cursor:   "› ",
		NoCursor: "  ",
	}
	h := help.New().Styles
	h.ShortKey = r.NewStyle().Bold(true)
	h.ShortDesc = r.NewStyle().Foreground(lipgloss.Color("8"))
	h.ShortSeparator = r.NewStyle().Foreground(lipgloss.Color("8"))
	h.Ellipsis = h.ShortSeparator
	h.FullKey, h.FullDesc, h.FullSeparator = h.ShortKey, h.ShortDesc, h.ShortSeparator
	s.Help = h
	return s
}

// huhTheme is set on every form explicitly: without one huh rebuilds
// ThemeCharm on every View (twice the time, ten times the allocations).
// Base16 uses the terminal's own 16 colours, like the diagram; the
// buttons get a marker so the focused one shows under NO_COLOR too.
func huhTheme() *huh.Theme {
	t := huh.ThemeBase16()
	t.Focused.FocusedButton = t.Focused.FocusedButton.SetString("›")
	t.Focused.BlurredButton = t.Focused.BlurredButton.SetString(" ")
	t.Blurred.FocusedButton = t.Focused.FocusedButton
	t.Blurred.BlurredButton = t.Focused.BlurredButton
	return t
}
