package prose

import (
	"regexp"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/assets"
	"github.com/muesli/termenv"
)

func TestUnwrapJoinsSoftBreaksOnly(t *testing.T) {
	in := "# Title\nnext\n\npara one\ncontinues\n\n- item one\n  continues here\n- item two\n1. first\n   more\n\n```\ncode line\nkept\n```\nhard  \nbreak\n| a | b |\n| - | - |\n"
	want := "# Title\nnext\n\npara one continues\n\n- item one continues here\n- item two\n1. first more\n\n```\ncode line\nkept\n```\nhard  \nbreak\n| a | b |\n| - | - |\n"
	if got := Unwrap(in); got != want {
		t.Errorf("Unwrap:\n%s\nwant:\n%s", got, want)
	}
}

// A list item wrapped in the source comes out filled to the pane, not
// as a short line per source line.
func TestListItemsFillThePane(t *testing.T) {
	md := "- the **Container** service starts `web` from its\n  image and restarts it\n  when it stops, and again.\n"
	out := Render(md, 46, PlainStyle(), termenv.Ascii)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for i, l := range lines[:len(lines)-1] {
		if n := len(strings.TrimSpace(l)); n < 30 {
			t.Errorf("line %d is %d columns of a 44-column pane:\n%s", i+1, n, out)
		}
	}
}

// Issue 10 item 5: without colour the Markdown is rendered, not shown:
// no heading marks, no ** or backticks, no code fences, across every
// chapter and tutorial page mvi ships.
func TestPlainHasNoMarkdownMarkers(t *testing.T) {
	heading := regexp.MustCompile(`(?m)^\s*#`)
	pages := map[string]string{}
	for _, slug := range assets.ServiceSlugs() {
		md, err := assets.ServiceChapter(slug)
		if err != nil {
			t.Fatal(err)
		}
		pages["services/"+slug] = md
	}
	md := "# Title\n\nSome **bold**, *soft* and `code`.\n\n```toml\n[processes.web]\nimage = \"httpd\"\n```\n\n- one\n- two\n"
	pages["sample"] = md
	for name, md := range pages {
		out := Plain(md, 80)
		switch {
		case heading.MatchString(out):
			t.Errorf("%s: a line starts with #:\n%s", name, out)
		case strings.Contains(out, "**"), strings.Contains(out, "`"):
			t.Errorf("%s: ** or a backtick left:\n%s", name, out)
		case strings.Contains(out, "\x1b"):
			t.Errorf("%s: an escape sequence in plain prose", name)
		}
	}
	out := Plain(md, 80)
	for _, want := range []string{"Title", "Some bold, soft and code.", "    [processes.web]", "• one"} {
		if !strings.Contains(out, want) {
			t.Errorf("plain lacks %q:\n%s", want, out)
		}
	}
}
