package tui

import (
	"context"
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// screen is which child gets the messages.
type screen int

const (
	screenHome screen = iota
	screenRunner
	screenInspect
)

// Minimum terminal size the screens are laid out for.
const minW, minH = 50, 14

// App is the root model: it owns the size and the global keys, and routes
// every other message to the active screen only.
type App struct {
	env    *env
	w, h   int
	ready  bool
	screen screen
	home   *home
	run    *runner
	insp   *inspector
	// quits counts ctrl+c while a step stops: the third leaves at once.
	quits int
	// single runs one tutorial with no home screen (mvi init): going home
	// leaves the program.
	single bool
	start  func() tea.Cmd
	// interrupted: the person quit while a step ran. Run reports it, so
	// leaving mid-apply is never a silent success.
	interrupted bool
}

// New builds the wizard on its home screen.
func New(ctx context.Context, cfg Config) *App {
	e := newEnv(ctx, cfg)
	return &App{env: e, home: newHome(e)}
}

// Init starts the first screen (the home screen needs nothing started).
func (a *App) Init() tea.Cmd {
	if a.start != nil {
		return a.start()
	}
	return nil
}

// Update routes one message.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.w, a.h, a.ready = msg.Width, msg.Height, true
		return a, a.resize()
	case tea.KeyMsg:
		if cmd, done := a.globalKey(msg); done {
			return a, cmd
		}
	case openMsg:
		return a, a.open(msg.id, msg.review)
	case inspectMsg:
		if msg.app != "" {
			a.insp = newInspectorFor(a.env, msg.app, a.run.sess.Engine)
		} else {
			a.insp = newInspector(a.env)
		}
		a.screen = screenInspect
		return a, tea.Batch(a.resize(), a.insp.Init())
	case leaveInspectMsg:
		if a.single && a.run == nil {
			return a, tea.Quit
		}
		a.insp.stop()
		a.insp = nil
		if a.run != nil {
			// Back to the tutorial that opened it.
			a.screen = screenRunner
			return a, a.resize()
		}
		a.screen = screenHome
		a.home.load()
		return a, nil
	case lookMsg, lookTickMsg:
		// The step screen looks at the cloud even while inspect is over it,
		// so its picture is current when the person comes back.
		if a.run != nil {
			return a, a.run.Update(msg)
		}
		return a, nil
	case goHomeMsg:
		if a.single {
			return a, tea.Quit
		}
		if a.insp != nil {
			a.insp.stop()
		}
		a.run, a.insp, a.screen = nil, nil, screenHome
		a.home.load()
		return a, nil
	}
	switch a.screen {
	case screenRunner:
		return a, a.run.Update(msg)
	case screenInspect:
		return a, a.insp.Update(msg)
	}
	return a, a.home.Update(msg)
}

// globalKey handles ctrl+c and q before any child (a huh form would
// swallow ctrl+c as "abort" and nothing else would happen).
func (a *App) globalKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	k := a.env.keys
	force := key.Matches(msg, k.ForceQuit)
	if !force && !(key.Matches(msg, k.Quit) && !a.typing()) {
		return nil, false
	}
	switch a.screen {
	case screenRunner:
		if a.run.leaving == leaveQuit {
			a.quits++
			if a.quits >= 2 {
				return tea.Quit, true
			}
			a.run.out.note("Still waiting for the engine to stop; ctrl+c once more leaves without waiting (everything made is tagged; run the step again to finish it).")
			return a.run.refresh(), true
		}
		a.interrupted = a.interrupted || a.run.running()
		return a.run.stop(leaveQuit), true
	case screenInspect:
		a.insp.stop()
	}
	return tea.Quit, true
}

// stopped is what leaving the program reports: context.Canceled when a
// step was cut short, so `mvi` says its one interrupted line and exits
// 130 (everything made is tagged; running the step again finishes it).
func (a *App) stopped() error {
	if a.interrupted {
		return fmt.Errorf("a step was stopped part way: %w", context.Canceled)
	}
	return nil
}

// typing reports whether letters belong to a form.
func (a *App) typing() bool {
	switch a.screen {
	case screenRunner:
		return a.run.typing()
	case screenInspect:
		return a.insp.typing()
	}
	return false
}

func (a *App) open(id string, review bool) tea.Cmd {
	if a.env.cfg.Catalog == nil {
		a.home.err = fmt.Errorf("open %s: no tutorials here", id)
		return nil
	}
	open := a.env.cfg.Catalog.Open
	if review {
		open = a.env.cfg.Catalog.Review
	}
	t, err := open(id)
	if err != nil {
		a.home.err = fmt.Errorf("open %s: %w", id, err)
		return nil
	}
	a.run = newRunner(a.env, t)
	a.screen = screenRunner
	return tea.Batch(a.resize(), a.run.Init())
}

func (a *App) resize() tea.Cmd {
	if !a.ready {
		return nil
	}
	a.home.setSize(a.w, a.h)
	switch a.screen {
	case screenRunner:
		return a.run.setSize(a.w, a.h)
	case screenInspect:
		return a.insp.setSize(a.w, a.h)
	}
	return nil
}

// View draws the active screen, always exactly the terminal's size.
func (a *App) View() string {
	if !a.ready {
		return "mvi is starting…"
	}
	if a.w < minW || a.h < minH {
		msg := fmt.Sprintf("The terminal is %d×%d; mvi needs at least %d×%d.\n\nMake it bigger, or run mvi --accessible.", a.w, a.h, minW, minH)
		return fitBlock(wrap(msg, a.w), a.w, a.h)
	}
	switch a.screen {
	case screenRunner:
		return a.run.View()
	case screenInspect:
		return a.insp.View()
	}
	return a.home.View()
}
