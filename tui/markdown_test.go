package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/glamour/styles"
	"github.com/muesli/termenv"
)

func TestUnwrapJoinsSoftBreaksOnly(t *testing.T) {
	in := "# Title\nnext\n\npara one\ncontinues\n\n- item one\n  continues here\n- item two\n1. first\n   more\n\n```\ncode line\nkept\n```\nhard  \nbreak\n| a | b |\n| - | - |\n"
	want := "# Title\nnext\n\npara one continues\n\n- item one continues here\n- item two\n1. first more\n\n```\ncode line\nkept\n```\nhard  \nbreak\n| a | b |\n| - | - |\n"
	if got := unwrap(in); got != want {
		t.Errorf("unwrap:\n%s\nwant:\n%s", got, want)
	}
}

// A list item wrapped in the source comes out filled to the pane, not
// as a short line per source line.
func TestListItemsFillThePane(t *testing.T) {
	md := "- the **Container** service starts `web` from its\n  image and restarts it\n  when it stops, and again.\n"
	out := renderMD(md, 46, styles.NoTTYStyleConfig, termenv.Ascii)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for i, l := range lines[:len(lines)-1] {
		if n := len(strings.TrimSpace(l)); n < 30 {
			t.Errorf("line %d is %d columns of a 44-column pane:\n%s", i+1, n, out)
		}
	}
}
