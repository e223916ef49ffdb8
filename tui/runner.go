package tui

import (
	"context"
	"errors"
	"maps"
	"slices"
	"time"

	"github.com/charmbracelet/bubbles/key"
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
	// when it starts, for the VM watch (vmwatch.go) to read off the UI
	// thread without touching the session the step owns.
	eng      engine.Config
	gone     []string
	watching bool
	// scrolled: the reader moved the text during this step, so the pane
	// stops following the step's reports until they are back at the end.
	scrolled bool
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
	r := &runner{env: e, tut: t, sess: s, idx: t.Start, states: map[string]diagram.State{}, out: newActivity()}
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

// Init enters the first (or resumed) step.
func (r *runner) Init() tea.Cmd { return r.enter(r.idx) }

// enter moves to step i, skipping the steps whose When says no.
func (r *runner) enter(i int) tea.Cmd {
	ss := r.tut.Steps
	for i < len(ss) && !steps.ShouldRun(ss[i], r.sess) {
		i++
	}
	r.idx, r.out, r.ask, r.confirm, r.confirmForm, r.scrolled = i, newActivity(), nil, nil, nil, false
	r.vp.SetYOffset(0)
	if i >= len(ss) {
		r.phase = phaseFinished
		r.info = stepInfo{title: "Finished"}
		r.save(len(ss))
		return r.refresh()
	}
	r.info = describe(ss[i])
	if len(r.info.fields) > 0 {
		r.phase = phaseAsking
		r.ask = newAskForm(r.info.fields, r.sess.DefaultFor, r.lay.formW())
		sizeForm(r.ask.form, r.lay.formW(), r.lay.bodyH-2)
		return tea.Batch(r.refresh(), r.ask.form.Init())
	}
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
	r.eng, r.gone = r.sess.Engine, slices.Clone(r.sess.Terminated)
	if !watchesVMs(r.info.kind) {
		// Apply and destroy speak for the VMs through the group's events.
		for k := range r.states {
			if diagram.IsVMKey(k) {
				delete(r.states, k)
			}
		}
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

func (r *runner) save(next int) {
	if r.env.cfg.Catalog == nil {
		return
	}
	if err := r.env.cfg.Catalog.Save(r.tut.ID, next, r.sess); err != nil {
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
		return tea.Batch(r.refresh(), r.tick(), r.watchVMs())
	case vmStatesMsg:
		r.watching = false
		if msg.run != r.run || msg.states == nil {
			return nil
		}
		maps.Copy(r.states, msg.states)
		return r.refresh()
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
	r.confirm, r.confirmYes, r.phase = c, false, phaseConfirming
	r.confirmForm = newConfirmForm(c.question, &r.confirmYes, r.lay.formW())
	sizeForm(r.confirmForm, r.lay.formW(), r.lay.bodyH-2)
	return r.confirmForm.Init()
}

// finish is Run returning.
func (r *runner) finish(err error) tea.Cmd {
	r.cancel()
	r.q.close()
	if r.leaving != stay {
		return r.leaveCmd()
	}
	r.out.err = err
	if err != nil {
		r.look()
		r.phase = phaseFailed
		return nil
	}
	r.phase = phaseDone
	r.look()
	r.settle()
	r.save(r.idx + 1)
	return r.watchVMs() // the last look, so the picture ends as the step did
}

// settle draws what a finished step left in the session: a plan's
// resources as planned (or ready when unchanged), an inspect's as ready.
func (r *runner) settle() {
	switch r.info.kind {
	case steps.KindPlan:
		if p := r.seen.plan; p != nil {
			for _, s := range p.Steps {
				r.states[s.ID] = planState(s.Action)
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

func (r *runner) key(msg tea.KeyMsg) tea.Cmd {
	k := r.env.keys
	switch r.phase {
	case phaseAsking, phaseConfirming:
		if key.Matches(msg, k.Back) {
			if r.phase == phaseConfirming {
				r.confirmYes = false
				return r.answer()
			}
			return r.stop(leaveHome)
		}
		return r.forward(msg)
	case phaseRunning:
		if key.Matches(msg, k.Back) {
			return r.stop(leaveHome)
		}
	case phaseDone:
		switch {
		case key.Matches(msg, k.Enter):
			return r.enter(r.idx + 1)
		case key.Matches(msg, k.Inspect) && r.canInspect():
			app := r.sess.Engine.App
			return func() tea.Msg { return inspectMsg{app: app} }
		case key.Matches(msg, k.Back):
			return r.stop(leaveHome)
		}
	case phaseFailed:
		switch {
		case key.Matches(msg, k.Retry):
			return r.enter(r.idx)
		case key.Matches(msg, k.Back):
			return r.stop(leaveHome)
		}
	case phaseFinished:
		if key.Matches(msg, k.Enter, k.Back) {
			return r.stop(leaveHome)
		}
	}
	if key.Matches(msg, k.Diagram) && r.lay.rightW == 0 {
		r.zoom = !r.zoom
		return r.refresh()
	}
	var cmd tea.Cmd
	before := r.vp.YOffset
	r.vp, cmd = r.vp.Update(msg)
	if r.vp.YOffset != before {
		r.scrolled = true
	}
	r.redraw()
	return cmd
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
			for k, v := range r.ask.answers() {
				r.sess.Answers[k] = v
			}
			cmd := r.start()
			return tea.Batch(r.refresh(), cmd)
		case huh.StateAborted:
			return r.stop(leaveHome)
		}
		return tea.Batch(cmd, r.refresh())
	case r.phase == phaseConfirming && r.confirmForm != nil:
		f, cmd := r.confirmForm.Update(msg)
		r.confirmForm = f.(*huh.Form)
		if r.confirmForm.State != huh.StateNormal {
			if r.confirmForm.State == huh.StateAborted {
				r.confirmYes = false
			}
			return r.answer()
		}
		return tea.Batch(cmd, r.refresh())
	}
	return nil
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
