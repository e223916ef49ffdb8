package tui

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/minimalinfra/mvi/steps"
)

// keyAct is one key that acts now: its binding, with the help the help
// line shows for it, and what it does. key() and helpLine() both read
// acts(), so the keys shown are the keys that work. An act without do is
// answered elsewhere (q and ctrl+c by the root) and listed for its help.
type keyAct struct {
	b  key.Binding
	do func(tea.KeyMsg) tea.Cmd
}

// acts are the runner's keys for where the step is, in help order.
func (r *runner) acts() []keyAct {
	k := r.env.keys
	call := func(f func() tea.Cmd) func(tea.KeyMsg) tea.Cmd { return func(tea.KeyMsg) tea.Cmd { return f() } }
	var as []keyAct
	if r.lay.rightW == 0 && !r.typing() {
		as = append(as, keyAct{k.Diagram, call(r.toggleZoom)})
	}
	scroll := keyAct{k.Scroll, r.scroll}
	back := keyAct{withHelp(k.Back, "back"), call(r.back)}
	switch r.phase {
	case phaseAsking:
		as = append(as, back)
	case phaseConfirming:
		as = append(as, keyAct{withHelp(k.Back, "not now"), call(func() tea.Cmd { r.confirmYes = false; return r.answer() })})
	case phaseRunning:
		as = append(as, keyAct{withHelp(k.Back, "stop"), call(func() tea.Cmd { return r.stop(stay) })}, keyAct{b: k.ForceQuit})
	case phaseDone:
		as = append(as, keyAct{withHelp(k.Enter, "next"), call(func() tea.Cmd { return r.enter(r.idx + 1) })})
		if r.reviewing {
			as = append(as, keyAct{withHelp(k.Retry, "run again"), call(r.rerun)})
		}
		if r.canInspect() {
			app := r.sess.Engine.App
			as = append(as, keyAct{k.Inspect, call(func() tea.Cmd { return func() tea.Msg { return inspectMsg{app: app} } })})
		}
		as = append(as, back, keyAct{b: k.Quit})
	case phaseFailed:
		as = append(as, keyAct{k.Retry, call(func() tea.Cmd { return r.enter(r.idx) })})
		if j, ok := r.cause(); ok {
			as = append(as, keyAct{withHelp(k.Cause, fmt.Sprintf("back to step %d, the cause", j+1)), call(func() tea.Cmd { return r.open(j) })})
		}
		as = append(as, back, keyAct{b: k.Quit})
	case phaseFinished:
		if r.single {
			as = append(as, keyAct{withHelp(k.Enter, "leave"), call(func() tea.Cmd { return r.stop(leaveHome) })}, back)
		} else {
			as = append(as, keyAct{withHelp(k.Enter, "home"), call(func() tea.Cmd { return r.stop(leaveHome) })}, back, keyAct{b: k.Quit})
		}
	}
	as = append(as, r.teachActs()...)
	if r.overflows() {
		// Right after the step's own keys: the text has more than the
		// pane shows (pgup/pgdn scroll it even while a form has the keys).
		as = append(as[:min(1, len(as))], append([]keyAct{scroll}, as[min(1, len(as)):]...)...)
	}
	return as
}

// cause is the step a failed verify goes back to: the last question
// before it (an image that can't run fails its checks, not its
// question), so a wrong answer is never a dead end.
func (r *runner) cause() (int, bool) {
	if r.idx >= len(r.tut.Steps) || r.tut.Steps[r.idx].Kind() != steps.KindVerify {
		return 0, false
	}
	return steps.LastAskBefore(r.tut.Steps, r.idx)
}

// key answers a key: an act's, else the form's while one is up, else the
// text pane's own scrolling keys (arrows, space, b, u, d …).
func (r *runner) key(msg tea.KeyMsg) tea.Cmd {
	if r.over != nil && !key.Matches(msg, r.env.keys.ForceQuit) {
		return r.overlayKey(msg)
	}
	for _, a := range r.acts() {
		if a.do != nil && key.Matches(msg, a.b) {
			return a.do(msg)
		}
	}
	if r.typing() {
		return r.forward(msg)
	}
	return r.scroll(msg)
}

// scroll moves the text pane.
func (r *runner) scroll(msg tea.KeyMsg) tea.Cmd {
	var cmd tea.Cmd
	before := r.vp.YOffset
	r.vp, cmd = r.vp.Update(msg)
	if r.vp.YOffset != before {
		r.scrolled = true
	}
	r.redraw()
	return cmd
}

func (r *runner) toggleZoom() tea.Cmd {
	r.zoom = !r.zoom
	return r.refresh()
}

// overflows says whether the text pane holds more than it shows.
func (r *runner) overflows() bool { return r.vp.Height > 0 && r.vp.TotalLineCount() > r.vp.Height }

// helpLine lists the keys that act now: the form's, then the runner's.
func (r *runner) helpLine() string {
	var bs []key.Binding
	if r.over != nil {
		k := r.env.keys
		bs = []key.Binding{withHelp(k.Back, "close")}
		if r.over.kind == overlaySteps {
			bs = append(bs, k.Up, k.Down, withHelp(k.Enter, "open step"))
		} else {
			bs = append(bs, k.Scroll)
		}
		return renderHelp(r.env.st, append(bs, k.Quit), r.lay.w)
	}
	if f := r.activeForm(); f != nil {
		bs = append(bs, f.KeyBinds()...)
	}
	for _, a := range r.acts() {
		bs = append(bs, a.b)
	}
	if r.typing() {
		bs = append(bs, r.env.keys.ForceQuit)
	}
	return renderHelp(r.env.st, bs, r.lay.w)
}
