package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/minimalinfra/mvi/assets"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/steps"
)

// What a learner reaches for beside the step itself (rustlings, Killercoda,
// Learn Git Branching all have them): the list of steps to jump back in,
// a hint, and the book's chapter on what the step adds. Each opens over
// the text pane; esc closes it.

type overlayKind int

const (
	overlaySteps overlayKind = iota + 1
	overlayHint
	overlayChapter
)

// overlay is what covers the text pane: the step list (cursor on a step),
// or a text (the hint, a chapter) that scrolls like the step's own.
type overlay struct {
	kind   overlayKind
	cursor int
	title  string
	md     string // markdown, rendered like a step's text
}

// teachActs are the keys that open an overlay, when no form has the keys.
func (r *runner) teachActs() []keyAct {
	k := r.env.keys
	if r.phase == phaseAsking && r.idx < len(r.tut.Steps) {
		return []keyAct{{k.HintF1, func(tea.KeyMsg) tea.Cmd { return r.openHint() }}}
	}
	if r.typing() || r.phase == phaseFinished {
		return nil
	}
	as := []keyAct{{k.Steps, func(tea.KeyMsg) tea.Cmd { return r.openSteps() }}}
	if r.idx < len(r.tut.Steps) {
		as = append(as, keyAct{k.Hint, func(tea.KeyMsg) tea.Cmd { return r.openHint() }})
	}
	if svc, ok := r.chapterService(); ok {
		as = append(as, keyAct{withHelp(k.Chapter, "chapter: "+string(svc)), func(tea.KeyMsg) tea.Cmd { return r.openChapter(svc) }})
	}
	return as
}

func (r *runner) openSteps() tea.Cmd {
	r.over = &overlay{kind: overlaySteps, cursor: min(r.idx, len(r.tut.Steps)-1), title: "Steps"}
	return r.refresh()
}

func (r *runner) openHint() tea.Cmd {
	h := steps.HintOf(r.tut.Steps[r.idx])
	if h == "" {
		h = "There is no hint for this step: the text has what you need. Scroll it with pgup/pgdn if it is longer than the pane."
	}
	r.over = &overlay{kind: overlayHint, title: "Hint", md: h}
	return r.refresh()
}

// chapterService is the service the step is about: the one it points at,
// else the first the last design added.
func (r *runner) chapterService() (arch.Service, bool) {
	if r.idx < len(r.tut.Highlight) && len(r.tut.Highlight[r.idx]) > 0 {
		return r.tut.Highlight[r.idx][0], true
	}
	if r.info.kind == steps.KindDesign {
		for _, s := range arch.Services() {
			if r.seen.change.Services(r.seen.arch)[s] {
				return s, true
			}
		}
	}
	return "", false
}

func (r *runner) openChapter(svc arch.Service) tea.Cmd {
	md, err := assets.ServiceChapter(svc.Slug())
	if err != nil {
		md = err.Error()
	}
	r.over = &overlay{kind: overlayChapter, title: "Chapter: " + string(svc), md: md}
	r.vp.SetYOffset(0)
	return r.refresh()
}

// overlayKey answers a key while an overlay is up: esc closes it; the
// step list moves and jumps; a text scrolls.
func (r *runner) overlayKey(msg tea.KeyMsg) tea.Cmd {
	k := r.env.keys
	o := r.over
	switch {
	case key.Matches(msg, k.Back), key.Matches(msg, k.Steps) && o.kind == overlaySteps,
		key.Matches(msg, k.Hint) && o.kind == overlayHint, key.Matches(msg, k.Chapter) && o.kind == overlayChapter:
		r.over = nil
		r.vp.SetYOffset(0)
		return r.refresh()
	case o.kind != overlaySteps:
		return r.scroll(msg)
	case key.Matches(msg, k.Up):
		o.cursor = max(o.cursor-1, 0)
	case key.Matches(msg, k.Down):
		o.cursor = min(o.cursor+1, len(r.tut.Steps)-1)
	case key.Matches(msg, k.Enter):
		if !r.canJump(o.cursor) || r.running() {
			return r.refresh()
		}
		r.over = nil
		return r.open(o.cursor)
	}
	return r.refresh()
}

// canJump says whether step i may be opened from the list: any step done,
// and the first not done; never past it (a step rests on the ones before).
func (r *runner) canJump(i int) bool { return i <= r.done && i < len(r.tut.Steps) }

// overlayContent is what the text pane shows under an overlay.
func (r *runner) overlayContent() (string, tea.Cmd) {
	st := r.env.st
	head := st.Title.Render(r.over.title) + st.Muted.Render("  (esc closes)")
	if r.over.kind != overlaySteps {
		out, cmd := r.env.md.get(r.over.md, r.lay.leftW)
		if out == "" {
			out = wrap(r.over.md, r.lay.leftW-2)
		}
		return head + "\n\n" + out, cmd
	}
	var b strings.Builder
	b.WriteString(head + "\n\n")
	for i, s := range r.tut.Steps {
		mark := "  "
		switch {
		case i == r.idx:
			mark = "▶ "
		case i < r.done:
			mark = "✓ "
		}
		cur := st.NoCursor
		if i == r.over.cursor {
			cur = st.Cursor
		}
		line := fmt.Sprintf("%s%s%2d. %s", cur, mark, i+1, s.Title())
		if !r.canJump(i) {
			line = st.Muted.Render(line)
		}
		b.WriteString(fitLine(line, r.lay.leftW) + "\n")
	}
	b.WriteString("\n" + st.Muted.Render(wrap("✓ done · ▶ here · enter opens a done step, or the next one to do; later steps wait for the ones before.", r.lay.leftW-2)))
	return b.String(), nil
}

// predictFields is the question a step with a prediction asks first.
func predictFields(p *steps.Predict, idx int) []steps.Field {
	return []steps.Field{{Key: predictKey(idx), Prompt: p.Question, Type: steps.Select, Options: p.Options,
		Help: "Choose before you watch: then see whether the system does what you expected."}}
}

func predictKey(idx int) string { return fmt.Sprintf("predict.%d", idx) }

// afterStep says, once a step is over, how it went against the learner's
// prediction, and shows the hint by itself when its checks failed twice.
func (r *runner) afterStep(err error) {
	st := r.tut.Steps[r.idx]
	if p := steps.PredictOf(st); p != nil {
		if chose := r.sess.Answers[predictKey(r.idx)]; chose != "" && err == nil {
			r.out.note(p.Verdict(chose))
		}
	}
	if err == nil {
		delete(r.fails, r.idx)
		return
	}
	if st.Kind() != steps.KindVerify {
		return
	}
	if r.fails == nil {
		r.fails = map[int]int{}
	}
	r.fails[r.idx]++
	if h := steps.HintOf(st); h != "" && r.fails[r.idx] >= 2 {
		r.out.note("Hint: " + h)
	}
}
