package tui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
)

// keyMap is every binding the wizard has; each screen's help lists the
// ones that act there (help and key.Matches skip disabled ones).
type keyMap struct {
	Up, Down, Enter, Back, Quit, ForceQuit key.Binding
	Scroll, Retry, Reset, Details, Logs    key.Binding
	Gauges, Search                         key.Binding
	// Cause goes back to the question a failed check rests on.
	Cause                     key.Binding
	Refresh, Inspect, Diagram key.Binding
	// A tutorial's steps, a step's hint, the chapter of what it adds.
	Steps, Hint, Chapter key.Binding
	// HintF1 is the hint while a form has the letter keys (a question).
	HintF1 key.Binding
	// Answers to the home screen's questions.
	Yes, No, Review, Over key.Binding
}

func newKeyMap() keyMap {
	return keyMap{
		Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Enter:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Scroll:    key.NewBinding(key.WithKeys("pgup", "pgdown"), key.WithHelp("pgup/pgdn", "scroll")),
		Retry:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry")),
		Cause:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "back to the step that caused this")),
		Reset:     key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "reset progress")),
		Details:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "details")),
		Logs:      key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "logs")),
		Gauges:    key.NewBinding(key.WithKeys("g"), key.WithHelp("g", "gauges")),
		Search:    key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		Refresh:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
		Inspect:   key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "inspect live")),
		Diagram:   key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "text/diagram")),
		Yes:       key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
		No:        key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "no")),
		Review:    key.NewBinding(key.WithKeys("r", "enter"), key.WithHelp("r/enter", "review")),
		Over:      key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "start over")),
		Steps:     key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "steps")),
		Hint:      key.NewBinding(key.WithKeys("h", "f1"), key.WithHelp("h", "hint")),
		HintF1:    key.NewBinding(key.WithKeys("f1"), key.WithHelp("f1", "hint")),
		Chapter:   key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "chapter")),
	}
}

// bindings is a help.KeyMap over a fixed list.
type bindings []key.Binding

func (b bindings) ShortHelp() []key.Binding  { return b }
func (b bindings) FullHelp() [][]key.Binding { return [][]key.Binding{b} }

// renderHelp is one help line for bs, cut to width with an ellipsis.
func renderHelp(st *Styles, bs []key.Binding, width int) string {
	h := help.New()
	h.Styles = st.Help
	h.Width = width
	return h.ShortHelpView(bs)
}

// withHelp is b with another description, for where it means more.
func withHelp(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}
