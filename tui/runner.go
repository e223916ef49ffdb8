package tui

import (
	"context"
	"errors"
	"maps"
	"slices"
	"time"

	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/steps"
	"github.com/minimalinfra/mvi/tui/diagram"
)

// phase is where the current step is.
type phase int

const (
	phaseAsking     phase = iota // its questions are up
	phaseRunning                 // Run is working
	phaseConfirming              // Run asked "go ahead?"
	phaseDone                    // Run returned nil: enter goes on
	phaseFailed                  // Run returned an error: r retries
	phaseFinished                // past the last step
)

// leave is where the runner goes once the running step has stopped.
type leave int

const (
	stay leave = iota
	leaveHome
	leaveQuit
)

// goHomeMsg asks the root for the home screen.
type goHomeMsg struct{}

// tickMsg refreshes the elapsed time while a step runs.
type tickMsg struct{ run int }

// runner walks one tutorial's steps: it shows the step's markdown and
// questions, runs the step on a goroutine, folds what the step reports
// into the diagram, the progress line and the activity below the text,
// and saves progress after each step.
type runner struct {
	env  *env
	tut  *Tutorial
	sess *steps.Session
	// single: the runner is the whole program (mvi init); leaving it quits.
	single bool

	idx   int
	info  stepInfo
	phase phase
	out   *activity

	// run numbers each start, so a batch or tick from a step the runner
	// has left is dropped, not applied to the next one.
	run     int
	q       *queue
	cancel  context.CancelFunc
	leaving leave

	ask         *askForm
	confirm     *confirmAsk
	confirmForm *huh.Form
	confirmYes  bool
	confirmText string // what was typed to a confirm that wants a name

	// seen is what the screen shows of the session, copied from it only
	// while no step runs: during Run the step's goroutine owns the session.
	seen   seen
	states map[string]diagram.State
	lay    runnerLayout
	vp     viewport.Model
	zoom   bool   // narrow terminal: the diagram instead of the text (tab)
	pic    string // the diagram, rendered in Update
	frame  string // the whole screen, composed in Update for View to return

	// eng and gone are the step's cloud and the VMs a break took, copied
	// when it starts, for the look at the cloud (live.go) to read off the
	// UI thread without touching the session the step owns.
	eng  engine.Config
	gone []string
	// looking: a look at the cloud is out; lookAgain: start the next one
	// as soon as it is back; lookTimer: the next look's timer is set.
	looking, lookAgain, lookTimer bool
	// looks counts the looks folded in, so a test that moves a cloud's
	// clock can wait for the picture of each moment.
	looks int
	// extra are containers the cloud runs beyond the design's (a release
	// rolling out), by VM box, drawn beside the designed ones.
	extra map[int][]arch.Task
	// scrolled: the reader moved the text during this step, so the pane
	// stops following the step's reports until they are back at the end.
	scrolled bool

	// done is how many steps are done: the progress saved. A step before
	// it that the person goes back to is shown, not run again (a break
	// would break again), unless they ask (r) or change an answer before
	// it, which makes everything after that answer to do again.
	done int
	// reviewing: the step on screen was done before and has not run now.
	reviewing bool
	// over covers the text pane: the step list, a hint, a chapter.
	over *overlay
	// fails counts each verify step's failures in a row, for the hint
	// that shows by itself after the second.
	fails map[int]int
}

func newRunner(e *env, t *Tutorial) *runner {
	s := t.Session
	if s == nil {
		s = &steps.Session{}
	}
	if s.Answers == nil {
		s.Answers = map[string]string{}
	}
	if s.Engine.Clients == nil {
		app, region := s.Engine.App, s.Engine.Region
		s.Engine = e.cfg.Engine
		if app != "" {
			s.Engine.App, s.Engine.Region = app, region
		}
	}
	if s.Connect == nil {
		s.Connect = e.cfg.Connect
	}
	if s.Where == "" {
		s.Where = e.cfg.Where
	}
	if s.Dir == "" {
		s.Dir = e.cfg.Dir
	}
	r := &runner{env: e, tut: t, sess: s, idx: t.Start, done: max(t.Start, t.Done), states: map[string]diagram.State{}, out: newActivity()}
	r.look()
	return r
}

// seen is the part of the session the screen draws.
type seen struct {
	arch   arch.Architecture
	change arch.Change
	added  []arch.Resource
	plan   *engine.Plan
	snap   *engine.Snapshot
}

// look copies the session for the screen. Only call it while no step
// runs (before start, or once its done has been drained: the queue's
// mutex orders Run's writes before this read).
func (r *runner) look() {
	s := r.sess
	r.seen = seen{arch: s.Arch, change: s.Change, added: s.Added(), plan: s.Plan, snap: s.Snapshot}
}

// Init enters the first (or resumed) step and takes the first look at
// the cloud, so a resumed tutorial's picture shows what runs.
func (r *runner) Init() tea.Cmd { return tea.Batch(r.enter(r.idx), r.lookNow()) }

// enter moves forward to step i, skipping the steps whose When says no.
func (r *runner) enter(i int) tea.Cmd { return r.open(r.runnable(i, 1)) }

// back moves to the step before this one; before the first is home.
func (r *runner) back() tea.Cmd {
	i := r.runnable(min(r.idx, len(r.tut.Steps))-1, -1)
	if i < 0 {
		return r.stop(leaveHome)
	}
	return r.open(i)
}

// runnable is the first step from i in direction dir whose When says yes
// (-1 or len(Steps) when there is none).
func (r *runner) runnable(i, dir int) int {
	ss := r.tut.Steps
	for i >= 0 && i < len(ss) && !steps.ShouldRun(ss[i], r.sess) {
		i += dir
	}
	return i
}

// open shows step i: its questions, or, when it was done before, the step
// as it is; else it runs.
func (r *runner) open(i int) tea.Cmd {
	ss := r.tut.Steps
	r.idx, r.out, r.ask, r.confirm, r.confirmForm, r.scrolled, r.reviewing, r.over = i, newActivity(), nil, nil, nil, false, false, nil
	r.vp.SetYOffset(0)
	if i >= len(ss) {
		r.phase = phaseFinished
		r.info = stepInfo{title: "Finished"}
		r.done = len(ss)
		r.save()
		return r.refresh()
	}
	r.info = describe(ss[i])
	if p := steps.PredictOf(ss[i]); p != nil && i >= r.done && r.sess.Answers[predictKey(i)] == "" {
		r.info.fields = predictFields(p, i) // predict first, then watch
	}
	if len(r.info.fields) > 0 {
		r.phase = phaseAsking
		r.ask = newAskForm(r.info.fields, r.defaultFor, r.lay.formW())
		sizeForm(r.ask.form, r.lay.formW(), r.lay.bodyH-2)
		return tea.Batch(r.refresh(), r.ask.form.Init())
	}
	if i < r.done {
		r.phase, r.reviewing = phaseDone, true
		return r.refresh()
	}
	cmd := r.start()
	return tea.Batch(r.refresh(), cmd)
}

// defaultFor is what a question offers: the answer given before (back on
// an earlier step, or resumed), else the step's default.
func (r *runner) defaultFor(f steps.Field) string {
	if v, ok := r.sess.Answers[f.Key]; ok && v != "" {
		return v
	}
	return r.sess.DefaultFor(f)
}

// rerun runs a step shown from before again, because the person asked.
func (r *runner) rerun() tea.Cmd {
	r.reviewing = false
	r.out = newActivity()
	cmd := r.start()
	return tea.Batch(r.refresh(), cmd)
}

// start runs the current step.
func (r *runner) start() tea.Cmd {
	r.run++
	r.q = newQueue(r.run, r.env.cfg.Window)
	ctx, cancel := context.WithCancel(r.env.ctx)
	r.cancel = cancel
	r.sess.Confirm = r.q.confirmer()
	r.sess.ConfirmLoss = r.q.lossConfirmer()
	r.eng, r.gone = r.sess.Engine, slices.Clone(r.sess.Terminated)
	if !looksDuring(r.info.kind) {
		// The engine's events speak for the resources now: what the last
		// look said of each VM and container would stand over them.
		for k := range r.states {
			if diagram.IsVMKey(k) || diagram.IsTaskKey(k) {
				delete(r.states, k)
			}
		}
		r.extra = nil
	}
	r.phase = phaseRunning
	r.out.started = r.env.cfg.Now()
	runStep(ctx, r.q, r.tut.Steps[r.idx], r.sess)
	return tea.Batch(r.q.drain(), r.tick())
}

func (r *runner) tick() tea.Cmd {
	run := r.run
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return tickMsg{run: run} })
}

// running reports whether a step's goroutine is still out.
func (r *runner) running() bool { return r.phase == phaseRunning || r.phase == phaseConfirming }

// typing reports whether keys belong to a form (so q is a letter, not quit).
func (r *runner) typing() bool { return r.phase == phaseAsking || r.phase == phaseConfirming }

// stop leaves for l: at once if nothing runs, else after cancelling the
// step and waiting for Run to return, so an apply is never cut off in a
// call and the terminal is restored only after the engine let go.
func (r *runner) stop(l leave) tea.Cmd {
	r.leaving = l
	if !r.running() {
		return r.leaveCmd()
	}
	if r.confirm != nil {
		r.confirm.reply <- false
		r.confirm, r.confirmForm = nil, nil
	}
	r.cancel()
	r.phase = phaseRunning
	r.out.note("Stopping safely: waiting for the call in flight to return…")
	return r.refresh()
}

func (r *runner) leaveCmd() tea.Cmd {
	switch r.leaving {
	case leaveQuit:
		return tea.Quit
	case leaveHome:
		return func() tea.Msg { return goHomeMsg{} }
	}
	return nil
}

// save records the progress: the steps before r.done are done.
func (r *runner) save() {
	if r.env.cfg.Catalog == nil {
		return
	}
	if err := r.env.cfg.Catalog.Save(r.tut.ID, r.done, r.sess); err != nil {
		r.out.note("could not save progress: " + err.Error())
	}
}

// Update handles one message.
func (r *runner) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case batchMsg:
		if r.q == nil || msg.run != r.run {
			return nil
		}
		return r.apply(msg.items)
	case tickMsg:
		if msg.run != r.run || !r.running() {
			return nil
		}
		return tea.Batch(r.refresh(), r.tick())
	case lookTickMsg:
		r.lookTimer = false
		return r.lookNow()
	case lookMsg:
		return r.seeLook(msg)
	case markdownMsg:
		r.env.md.put(msg)
		return r.refresh()
	case tea.KeyMsg:
		return r.key(msg)
	}
	return r.forward(msg)
}

// apply folds a batch into the step's state, then re-arms the drain.
func (r *runner) apply(items []item) tea.Cmd {
	var cmds []tea.Cmd
	finished := false
	for _, it := range items {
		switch {
		case it.event != nil:
			r.out.event(*it.event)
			r.states[it.event.ID] = stateOf(*it.event)
			if r.states[it.event.ID] == diagram.Unknown {
				delete(r.states, it.event.ID)
			}
		case it.check != nil:
			r.out.check(*it.check)
		case it.note != "":
			r.out.note(it.note)
		case it.confirm != nil:
			cmds = append(cmds, r.ask4(it.confirm))
		case it.done != nil:
			finished = true
			cmds = append(cmds, r.finish(it.done.err))
		}
	}
	if !finished {
		cmds = append(cmds, r.q.drain())
	}
	cmds = append(cmds, r.refresh())
	return tea.Batch(cmds...)
}

// ask4 puts up a step's confirm question.
func (r *runner) ask4(c *confirmAsk) tea.Cmd {
	if r.leaving != stay {
		c.reply <- false
		return nil
	}
	r.confirm, r.confirmYes, r.confirmText, r.phase = c, false, "", phaseConfirming
	r.confirmForm = r.newConfirm()
	sizeForm(r.confirmForm, r.lay.formW(), r.lay.bodyH-2)
	return r.confirmForm.Init()
}

// newConfirm is the form of the question up: a yes or no, or the app's
// name to type before data is lost.
func (r *runner) newConfirm() *huh.Form {
	if r.confirm.want != "" {
		return newTypedForm(r.confirm.question, r.confirm.want, &r.confirmText, r.lay.formW())
	}
	return newConfirmForm(r.confirm.question, &r.confirmYes, r.lay.formW())
}

// finish is Run returning.
func (r *runner) finish(err error) tea.Cmd {
	r.cancel()
	r.q.close()
	if r.leaving != stay {
		return r.leaveCmd()
	}
	r.out.err = err
	r.afterStep(err)
	if err != nil {
		r.look()
		r.phase = phaseFailed
		return nil
	}
	r.phase = phaseDone
	r.look()
	r.settle()
	r.done = max(r.done, r.idx+1)
	r.save()
	return r.lookNow() // at once: the picture goes on from where the step left the cloud
}

// settle draws what a finished step left in the session: a plan's
// resources as planned (or ready when unchanged), an inspect's as ready.
func (r *runner) settle() {
	switch r.info.kind {
	case steps.KindPlan:
		if p := r.seen.plan; p != nil {
			for _, s := range p.Steps {
				r.states[s.ID] = planState(s)
			}
		}
	case steps.KindInspect:
		if sn := r.seen.snap; sn != nil {
			for _, g := range sn.Services {
				for _, rs := range g.Resources {
					r.states[rs.ID] = diagram.Ready
				}
			}
		}
	case steps.KindBreak:
		// A release the circuit breaker rolled back failed its apply, yet
		// the process's old containers served throughout and still do.
		if rel := r.sess.Release; rel != nil && rel.RolledBack {
			r.states[arch.ServiceID(rel.Process)] = diagram.Ready
		}
	case steps.KindDestroy:
		clear(r.states)
	}
}

// forward gives a message to the form that is up, then looks at its
// State: embedded, huh signals neither completion nor abort any other way.
func (r *runner) forward(msg tea.Msg) tea.Cmd {
	switch {
	case r.phase == phaseAsking && r.ask != nil:
		f, cmd := r.ask.form.Update(msg)
		r.ask.form = f.(*huh.Form)
		switch r.ask.form.State {
		case huh.StateCompleted:
			return r.answered(r.ask.answers(), r.ask.secrets())
		case huh.StateAborted:
			return r.back()
		}
		return tea.Batch(cmd, r.refresh())
	case r.phase == phaseConfirming && r.confirmForm != nil:
		f, cmd := r.confirmForm.Update(msg)
		r.confirmForm = f.(*huh.Form)
		if r.confirmForm.State != huh.StateNormal {
			if r.confirm != nil && r.confirm.want != "" {
				r.confirmYes = r.confirmText == r.confirm.want
			}
			if r.confirmForm.State == huh.StateAborted {
				r.confirmYes = false
			}
			return r.answer()
		}
		return tea.Batch(cmd, r.refresh())
	}
	return nil
}

// answered takes an ask step's answers. Answers kept as they were on a
// step done before change nothing; a changed one means every step after
// it is to do again, from this one on.
func (r *runner) answered(ans, secrets map[string]string) tea.Cmd {
	if r.idx < r.done {
		same := len(secrets) == 0 // a value typed again is a change
		for k, v := range ans {
			if old, ok := r.sess.Answers[k]; !ok || old != v {
				same = false
			}
		}
		if same {
			r.ask, r.phase, r.reviewing = nil, phaseDone, true
			return r.refresh()
		}
		r.done = r.idx
		r.save()
	}
	maps.Copy(r.sess.Answers, ans)
	if len(secrets) > 0 {
		if r.sess.Secrets == nil {
			r.sess.Secrets = map[string]string{}
		}
		maps.Copy(r.sess.Secrets, secrets)
	}
	cmd := r.start()
	return tea.Batch(r.refresh(), cmd)
}

// answer sends the confirm's answer back to the waiting step.
func (r *runner) answer() tea.Cmd {
	if r.confirm != nil {
		r.confirm.reply <- r.confirmYes
		if r.confirmYes {
			r.out.note("Going ahead.")
			// The clock measures the work, not the time spent deciding.
			r.out.started = r.env.cfg.Now()
		}
	}
	r.confirm, r.confirmForm, r.phase = nil, nil, phaseRunning
	return r.refresh()
}

// declined says whether the step stopped because the person said no.
func (r *runner) declined() bool { return errors.Is(r.out.err, steps.ErrDeclined) }

// canInspect says whether there is an app on a cloud to look at live.
func (r *runner) canInspect() bool {
	return r.sess.Engine.App != "" && r.sess.Engine.Clients != nil
}
