package tui

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/steps"
)

// item is one thing a running step reported. Exactly one field group is set.
type item struct {
	event   *engine.Event
	check   *steps.CheckResult
	note    string
	confirm *confirmAsk
	done    *stepDone
}

// confirmAsk is a step asking "go ahead?" (Session.Confirm); the UI
// answers on reply.
type confirmAsk struct {
	question string
	// want, when set, must be typed to agree (the app's name, before data
	// is lost); otherwise the question is a yes or no.
	want  string
	reply chan bool
}

// stepDone is Run returning.
type stepDone struct{ err error }

// batchMsg is everything a queue held when the UI came to drain it, in
// order. run tells a stale batch (from a step the runner left) apart.
type batchMsg struct {
	run   int
	items []item
}

// queue is the bridge from a running step to the UI: steps.Output calls
// append under a mutex and never block (the engine must never wait for
// a frame), and drain is a tea.Cmd that waits for the first item, lets a
// short window fill, and returns all of them as one message. Update
// re-arms drain after each batch, so a burst of 10 000 events costs a
// handful of frames, where one p.Send per event cost one frame each.
type queue struct {
	run    int
	window time.Duration

	mu     sync.Mutex
	items  []item
	signal chan struct{} // cap 1: "there is something"
	stop   chan struct{} // closed when the runner leaves this queue
	once   sync.Once
}

func newQueue(run int, window time.Duration) *queue {
	return &queue{run: run, window: window, signal: make(chan struct{}, 1), stop: make(chan struct{})}
}

func (q *queue) push(it item) {
	q.mu.Lock()
	q.items = append(q.items, it)
	q.mu.Unlock()
	select {
	case q.signal <- struct{}{}:
	default: // already signalled; the drain will take this one too
	}
}

// close ends the drain Cmd waiting on this queue.
func (q *queue) close() { q.once.Do(func() { close(q.stop) }) }

// drain is the re-armed Cmd. It returns nil once the queue is closed.
func (q *queue) drain() tea.Cmd {
	return func() tea.Msg {
		select {
		case <-q.signal:
		case <-q.stop:
			return nil
		}
		if q.window > 0 {
			t := time.NewTimer(q.window)
			select {
			case <-t.C:
			case <-q.stop:
				t.Stop()
			}
		}
		return q.take()
	}
}

// take empties the queue into one batch.
func (q *queue) take() batchMsg {
	q.mu.Lock()
	items := q.items
	q.items = nil
	q.mu.Unlock()
	return batchMsg{run: q.run, items: items}
}

// Output adapts the queue to steps.Output.
func (q *queue) Event(e engine.Event)      { q.push(item{event: &e}) }
func (q *queue) Check(c steps.CheckResult) { q.push(item{check: &c}) }
func (q *queue) Note(s string)             { q.push(item{note: s}) }

var _ steps.Output = (*queue)(nil)

// confirmer is Session.Confirm for the UI: the question goes through the
// queue and the step's goroutine waits for the person (or ctx).
func (q *queue) confirmer() func(ctx context.Context, question string) (bool, error) {
	return func(ctx context.Context, question string) (bool, error) {
		reply := make(chan bool, 1)
		q.push(item{confirm: &confirmAsk{question: question, reply: reply}})
		select {
		case ok := <-reply:
			return ok, nil
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
}

// lossConfirmer is Session.ConfirmLoss for the UI: agreeing means typing
// want, so deleting data is never one keypress away.
func (q *queue) lossConfirmer() func(ctx context.Context, question, want string) (bool, error) {
	return func(ctx context.Context, question, want string) (bool, error) {
		reply := make(chan bool, 1)
		q.push(item{confirm: &confirmAsk{question: question, want: want, reply: reply}})
		select {
		case ok := <-reply:
			return ok, nil
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
}

// runStep runs one step on its own goroutine and reports its end through
// the queue. A panic in a step is turned into an error: a panic on a
// goroutine Bubble Tea doesn't own would leave the terminal raw.
func runStep(ctx context.Context, q *queue, st steps.Step, s *steps.Session) {
	go func() {
		var err error
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("step %q panicked: %v\n%s", st.Title(), r, debug.Stack())
			}
			q.push(item{done: &stepDone{err: err}})
		}()
		err = st.Run(ctx, s, q)
	}()
}
