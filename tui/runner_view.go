package tui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/tui/diagram"
)

// setSize lays the screen out for a new terminal size. Forms get their
// width again every time: after the first WithWidth huh ignores resizes.
func (r *runner) setSize(w, h int) tea.Cmd {
	r.lay = newRunnerLayout(w, h)
	if r.ask != nil {
		sizeForm(r.ask.form, r.lay.formW(), r.lay.bodyH-2)
	}
	if r.confirmForm != nil && r.confirm != nil {
		// Built again so the question is wrapped to the new width; the
		// answer so far lives in r.confirmYes, or r.confirmText when the
		// app's name is to be typed (never a yes/no then, whatever the size).
		r.confirmForm = r.newConfirm()
		sizeForm(r.confirmForm, r.lay.formW(), r.lay.bodyH-2)
		return tea.Batch(r.refresh(), r.confirmForm.Init())
	}
	return r.refresh()
}

// refresh recomputes what View pastes: the diagram and the text pane's
// content. It runs in Update (once per batch, resize or key), never in
// View, and asks for a markdown rendering when the width has none yet.
func (r *runner) refresh() tea.Cmd {
	if r.lay.w == 0 {
		return nil
	}
	r.pic = r.picture()
	md, cmd := r.markdown()
	body := r.body()
	if r.over != nil {
		md, cmd = r.overlayContent()
		body = ""
	}
	content := md
	if body != "" {
		if content != "" {
			content += "\n\n"
		}
		content += body
	}
	vpH := r.lay.bodyH
	if f := r.formView(); f != "" {
		// The form sits right under the text; the text scrolls if both
		// don't fit.
		vpH = min(max(r.lay.bodyH-lipgloss.Height(f)-1, 3), lipgloss.Height(content))
	}
	if lipgloss.Height(content) > vpH {
		vpH = max(vpH-1, 1) // the last line says there is more (scrollHint)
	}
	// Follow what the step reports while it runs, so an apply or a verify
	// is watched as it happens even under a long text; once the reader
	// scrolls, leave their place alone until they are back at the end.
	follow := r.running() && r.out.reported() && r.vp.Height > 0 && (!r.scrolled || r.vp.AtBottom())
	if r.vp.Width != r.lay.leftW || r.vp.Height != vpH {
		off := r.vp.YOffset
		r.vp = viewport.New(r.lay.leftW, vpH)
		r.vp.SetContent(content)
		r.vp.SetYOffset(off)
	}
	r.vp.SetContent(content)
	if follow {
		r.vp.GotoBottom()
	}
	r.redraw()
	return cmd
}

// redraw composes the frame View returns. Fitting every line to the
// pane (ANSI-aware widths) is most of a frame's cost, so it happens here,
// once per change, and not on every View Bubble Tea asks for.
func (r *runner) redraw() { r.frame = r.render() }

// markdown is the step's text at the pane's width: the rendering when it
// is cached, else the source (wrapped) until the rendering comes back.
func (r *runner) markdown() (string, tea.Cmd) {
	if r.info.markdown == "" {
		if r.phase == phaseFinished {
			return r.finishedText(), nil
		}
		return "", nil
	}
	text := r.sess.Fill(r.info.markdown)
	out, cmd := r.env.md.get(text, r.lay.leftW)
	if out == "" {
		out = wrap(text, r.lay.leftW-2)
	}
	return out, cmd
}

func (r *runner) finishedText() string {
	text := "Everything you did is saved: the tutorial shows as done on the home screen, and x there resets it to start over."
	if r.tut.ID == r.env.cfg.SetupID || r.single {
		text = "mvi.toml is in " + r.sess.Dir + ": mvi validate, mvi plan, mvi up and mvi diagram work on it from there."
	}
	return indent(wrap(fmt.Sprintf("You finished %s.\n\n%s", r.tut.Title, text), r.lay.leftW-3), "  ")
}

// scrollHint is the text pane's last line when it holds more than it
// shows: which way the rest is, and the key that gets there.
func (r *runner) scrollHint() string {
	st := r.env.st
	switch {
	case !r.vp.AtBottom() && r.vp.YOffset > 0:
		return st.Muted.Render(" ▼ more below (pgdn) · ▲ more above (pgup)")
	case !r.vp.AtBottom():
		return st.Muted.Render(" ▼ more below (pgdn)")
	}
	return st.Muted.Render(" ▲ more above (pgup)")
}

// picture is the live diagram for the right pane.
func (r *runner) picture() string {
	w := r.lay.rightW
	if w == 0 {
		if !r.zoom {
			return ""
		}
		w = r.lay.w // narrow: tab shows the diagram instead of the text
	}
	a := r.seen.arch
	if len(a.Resources) == 0 {
		return wrap(r.env.st.Muted.Render("The picture of your app appears here once a step designs it."), w)
	}
	pic := diagram.Render(withExtra(a, r.extra), diagram.Options{
		Width:     w,
		Highlight: r.highlight(),
		States:    r.states,
		Color:     r.env.st.Color,
	})
	deleting := false
	for _, s := range r.states {
		deleting = deleting || s == diagram.Deleting
	}
	return pic + "\n\n" + r.env.st.Muted.Render(legend(w, deleting))
}

// withExtra is a copy of a with the containers the cloud runs beyond the
// design's put on their VMs, so a release rolling out shows its new
// containers (starting, or failing) beside the ones that serve.
func withExtra(a arch.Architecture, extra map[int][]arch.Task) arch.Architecture {
	if len(extra) == 0 {
		return a
	}
	p := make([][]arch.Task, len(a.Placement))
	for k := range a.Placement {
		p[k] = append(slices.Clone(a.Placement[k]), extra[k]...)
	}
	a.Placement = p
	return a
}

// legend explains the glyphs; they carry state when colour can't. The
// deleting one is named while something is being deleted. A mark is never
// parted from its word: the legend breaks between entries.
func legend(w int, deleting bool) string {
	long, short := []string{"○ planned", "◐ creating", "● ready", "✗ failed"}, []string{"○ plan", "◐ making", "● ready", "✗ fail"}
	if deleting {
		long, short = append(long, "◌ deleting"), append(short, "◌ going")
	}
	if l := strings.Join(short, " "); !deleting && w < lipgloss.Width(strings.Join(long, " ")) {
		return l
	}
	var lines []string
	line := ""
	for _, e := range long {
		switch {
		case line == "":
			line = e
		case lipgloss.Width(line+" "+e) <= w:
			line += " " + e
		default:
			lines, line = append(lines, line), e
		}
	}
	return strings.Join(append(lines, line), "\n")
}

func (r *runner) formView() string {
	switch {
	case r.phase == phaseAsking && r.ask != nil:
		return r.ask.form.View()
	case r.phase == phaseConfirming && r.confirmForm != nil:
		return r.confirmForm.View()
	}
	return ""
}

// View is the frame refresh composed.
func (r *runner) View() string {
	if r.frame == "" {
		r.redraw()
	}
	return r.frame
}

func (r *runner) render() string {
	l := r.lay
	left := r.vp.View()
	if r.overflows() {
		left = fitBlock(left, l.leftW, r.vp.Height) + "\n" + r.scrollHint()
	}
	if f := r.formView(); f != "" {
		h := r.vp.Height
		if r.overflows() {
			h++
		}
		left = fitBlock(left, l.leftW, h) + "\n\n" + indent(f, " ")
	}
	left = fitBlock(left, l.leftW, l.bodyH)
	bodyV := left
	if l.rightW == 0 && r.zoom {
		bodyV = fitBlock(r.pic, l.w, l.bodyH)
	}
	if l.rightW > 0 {
		sep := r.env.st.Sep.Render("│")
		bodyV = joinColumns(left, sep, fitBlock(r.pic, l.rightW, l.bodyH))
	}
	return strings.Join([]string{
		fitLine(r.header(), l.w),
		bodyV,
		fitLine(r.progress(), l.w),
		fitLine(r.helpLine(), l.w),
	}, "\n")
}

func (r *runner) header() string {
	st := r.env.st
	n := len(r.tut.Steps)
	where := fmt.Sprintf("step %d of %d", min(r.idx+1, n), n)
	if r.phase == phaseFinished {
		return st.Header.Render(r.tut.Title) + st.Muted.Render(" · finished")
	}
	return st.Header.Render(r.tut.Title) + st.Muted.Render(" · "+where+" · ") + st.Title.Render(r.info.title)
}

// progress is the line above the help: where the step is, and during an
// apply how far it got, for how long, and what it waits on and why.
func (r *runner) progress() string {
	st, a := r.env.st, r.out
	switch r.phase {
	case phaseAsking:
		return st.Warn.Render("?") + " Answer the question; enter takes it."
	case phaseConfirming:
		return st.Warn.Render("?") + " mvi waits for your answer before it changes anything."
	case phaseDone:
		if r.reviewing {
			return st.OK.Render("●") + " Done before. Press enter for the next step; r runs this one again."
		}
		return st.OK.Render("●") + " Done. Press enter for the next step."
	case phaseFailed:
		if r.declined() {
			return st.Warn.Render("○") + " Nothing changed: you said not now. r asks again; esc goes back."
		}
		return st.Err.Render("✗") + " This step failed (the reason is above). r tries again; esc goes back."
	case phaseFinished:
		if r.single {
			return st.OK.Render("●") + " Complete. Press enter to leave."
		}
		return st.OK.Render("●") + " Tutorial complete. Press enter to go home."
	}
	el := r.env.cfg.Now().Sub(a.started).Round(time.Second)
	if a.total == 0 {
		s := fmt.Sprintf("%s Working… %s", st.Warn.Render("◐"), el)
		// A verify retries until its deadline: name the check it is on.
		if c := a.latest; c != nil && !c.OK {
			s += fmt.Sprintf(" · %s (try %d): %s", c.Name, c.Attempt, c.Detail)
		}
		return s
	}
	s := fmt.Sprintf("%s %d/%d · %s", st.Warn.Render("◐"), a.done, a.total, el)
	if w := a.waiting; w != nil {
		s += " · " + w.ID
		if d := waitWords(*w, r.users(w.ID)); d != "" {
			s += ": " + d
		} else {
			s += " " + string(w.Phase)
		}
	}
	return s
}

// highlight is what the diagram draws heavy: what the last design step
// added or changed, and what this step of the tutorial points at.
func (r *runner) highlight() map[arch.Service]bool {
	h := r.seen.change.Services(r.seen.arch)
	// A build lights the Registry, Blob or KV box while it uses it.
	for s := range r.out.using(r.seen.arch) {
		h[s] = true
	}
	if r.idx < len(r.tut.Highlight) {
		for _, s := range r.tut.Highlight[r.idx] {
			h[s] = true
		}
	}
	return h
}
