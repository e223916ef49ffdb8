// Package plain runs tutorials (and `mvi init`) as plain prompts and plain
// progress lines: no cursor movement, no colour, one line per event. It is
// the runner for `--accessible` (screen readers) and for any stdin that is
// not a terminal, so it also works answered from a pipe. Questions are
// asked one line each: a choice is answered by its number, label or value,
// a wrong answer is asked again, and input that ends stops the run with
// one line (huh's accessible prompts can't say the input ended, and
// crashed on it).
package plain

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/steps"
	"github.com/minimalinfra/mvi/tui/diagram"
	"github.com/minimalinfra/mvi/tui/prose"
	"github.com/minimalinfra/mvi/tutorials"
)

// Runner runs steps with plain prompts on In and plain lines on Out.
type Runner struct {
	in  *lineReader
	out io.Writer
	mu  sync.Mutex // Out is written from the engine's goroutines too

	// Store, when set, saves progress after every step.
	Store *tutorials.Store
	// Yes answers every apply and destroy confirm with yes: the person has
	// already agreed (`mvi init` asks "create it now?" itself).
	Yes bool
	// Echo writes each answer after its prompt, so a transcript of piped
	// input reads as a dialogue (a terminal echoes the typing itself).
	Echo bool
	// Hidden reads a secret without echo (a terminal's password read);
	// nil reads it as a line of the input, which is never echoed either.
	Hidden func() (string, error)
	// Events prints every engine event; otherwise only finished, failed and
	// retried ones are printed, which is what a screen reader can follow.
	Events bool
	// Diagram draws each design as the book does, what the step added
	// drawn heavy (--diagram). Off by default: to a screen reader box
	// drawing is noise, and the design is listed in words anyway.
	Diagram bool

	// changed is set once a step of this run changed something outside
	// the process (wrote a file, applied, destroyed, broke), so a stop
	// says "nothing more", not "nothing".
	changed bool
}

// New makes a runner reading answers from in and writing to out.
func New(in io.Reader, out io.Writer) *Runner {
	return &Runner{in: newLineReader(in), out: out}
}

// Run runs t on s from step from, asking for each ask step's answers
// first. A declined confirm ends the run quietly (nil); progress, if a
// Store is set, is saved after every step so a later Run can resume. When
// a verify step fails, the person chooses: try its checks again, go back
// to the question its result rests on, or stop.
func (r *Runner) Run(ctx context.Context, t tutorials.Tutorial, s *steps.Session, from int) error {
	if s.Answers == nil {
		s.Answers = map[string]string{}
	}
	if !r.Yes {
		s.Confirm = r.Confirm
	} else {
		s.Confirm = nil
	}
	if s.ConfirmLoss == nil {
		s.ConfirmLoss = r.ConfirmLoss
	}
	running := -1 // the step whose Run is out, so a failure knows where it was
	hooks := &tutorials.Hooks{
		Before: func(ctx context.Context, i int, st steps.Step, s *steps.Session) error {
			r.header(i, len(t.Steps), st, s)
			if a, ok := st.(steps.Ask); ok {
				if err := r.Ask(ctx, a, s); err != nil {
					return err
				}
			}
			running = i
			return nil
		},
		After: func(ctx context.Context, next int, s *steps.Session) error {
			running = -1
			if st := t.Steps[next-1]; steps.ShouldRun(st, s) {
				r.changed = r.changed || changes(st.Kind())
				r.after(st, s)
			}
			if r.Store == nil {
				return nil
			}
			return r.Store.Save(tutorials.Record(t, next, s))
		},
	}
	for {
		running = -1
		err := tutorials.Run(ctx, t, s, from, r, hooks)
		if errors.Is(err, steps.ErrDeclined) {
			r.printf("Stopped here; nothing was changed.\n")
			return nil
		}
		if err == nil || ctx.Err() != nil || running < 0 || t.Steps[running].Kind() != steps.KindVerify {
			return err
		}
		next, cerr := r.afterFailure(ctx, t, running, err)
		if cerr != nil {
			return cerr
		}
		from = next
	}
}

// changes says whether a step of kind k changes something a stop must
// not deny: a file written, the cloud changed.
func changes(k steps.Kind) bool {
	switch k {
	case steps.KindWrite, steps.KindApply, steps.KindDestroy, steps.KindBreak:
		return true
	}
	return false
}

// What the person can do after a verify step failed; the values are what
// Choose returns.
const (
	choiceRetry = "retry"
	choiceBack  = "back"
	choiceStop  = "stop"
)

// afterFailure asks what to do after step i's checks failed and returns
// the step to run from. Going back re-asks the last question before the
// step (an image that can't run fails its checks, not its question), and
// runs everything after it again.
func (r *Runner) afterFailure(ctx context.Context, t tutorials.Tutorial, i int, err error) (int, error) {
	r.printf("\nStep %d (%s) failed: %v\n", i+1, t.Steps[i].Title(), err)
	opts := []steps.Option{{Label: "try the checks again", Value: choiceRetry}}
	back, canGoBack := steps.LastAskBefore(t.Steps, i)
	if canGoBack {
		opts = append(opts, steps.Option{
			Label: fmt.Sprintf("go back to the step that caused this: step %d, %s", back+1, t.Steps[back].Title()),
			Value: choiceBack})
	}
	opts = append(opts, steps.Option{Label: "stop here (progress is kept; run again to resume)", Value: choiceStop})
	v, cerr := r.Choose(ctx, "What now?", opts, choiceRetry)
	if cerr != nil {
		return 0, cerr
	}
	switch v {
	case choiceRetry:
		return i, nil
	case choiceBack:
		return back, nil
	}
	return 0, fmt.Errorf("stopped at step %d of %d (%s) after its checks failed; run again to resume there", i+1, len(t.Steps), t.Steps[i].Title())
}

func (r *Runner) header(i, n int, st steps.Step, s *steps.Session) {
	r.printf("\n== Step %d of %d: %s ==\n", i+1, n, st.Title())
	text := s.Fill(steps.Text(st))
	if strings.TrimSpace(text) != "" {
		r.printf("\n%s\n", prose.Plain(text, 80))
	}
}

// after prints what a step left in the session that a reader needs: the
// pieces a design added and why, the plan's lines, the inspect snapshot.
func (r *Runner) after(st steps.Step, s *steps.Session) {
	switch st.(type) {
	case steps.Design:
		if r.Diagram {
			hl := map[arch.Service]bool{}
			for _, svc := range s.AddedServices() {
				hl[svc] = true
			}
			r.printf("\n%s\n\n", diagram.Render(s.Arch, diagram.Options{Width: 80, Highlight: hl}))
		}
		r.added(s.Added())
	case steps.Plan:
		if s.Plan == nil {
			return
		}
		for _, p := range s.Plan.Steps {
			if p.Action == engine.NoOp {
				continue
			}
			r.printf("  %s %-7s %-28s $%7.2f/mo  %s\n", p.Action.Symbol(), p.Action, p.ID, p.MonthlyUSD, p.Reason)
		}
	case steps.Inspect:
		if s.Snapshot == nil {
			return
		}
		for _, svc := range s.Snapshot.Services {
			r.printf("  %s\n", svc.Service)
			for _, res := range svc.Resources {
				line := fmt.Sprintf("    %-28s %-12s %s", res.ID, res.Word(), res.PhysicalID)
				for _, k := range sortedKeys(res.Gauges) {
					line += fmt.Sprintf("; %s: %s", k, res.Gauges[k])
				}
				r.printf("%s\n", line)
			}
		}
	}
}

// Event prints one engine event as its one-line form.
func (r *Runner) Event(e engine.Event) {
	if !r.Events && e.Phase != engine.PhaseDone && e.Phase != engine.PhaseFailed && e.Phase != engine.PhaseRetry {
		return
	}
	r.printf("  %s\n", e.String())
}

// Check prints one verify attempt.
func (r *Runner) Check(c steps.CheckResult) {
	if c.OK {
		r.printf("  ok: %s: %s\n", c.Name, c.Detail)
		return
	}
	r.printf("  waiting (attempt %d, %.1fs): %s: %s\n", c.Attempt, c.Elapsed.Seconds(), c.Name, c.Detail)
}

// Note prints narration.
func (r *Runner) Note(s string) {
	for _, line := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		r.printf("  %s\n", line)
	}
}

func (r *Runner) printf(format string, a ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(r.out, format, a...)
}

// added lists a design step's new pieces in words, a line per service
// ("added: Load Balancer (lb, listener/web, target-group/web)") and under
// it why each piece exists.
func (r *Runner) added(res []arch.Resource) {
	var order []arch.Service
	by := map[arch.Service][]arch.Resource{}
	for _, x := range res {
		if by[x.Service] == nil {
			order = append(order, x.Service)
		}
		by[x.Service] = append(by[x.Service], x)
	}
	for _, svc := range order {
		ids := make([]string, len(by[svc]))
		for i, x := range by[svc] {
			ids[i] = x.ID
		}
		r.printf("  added: %s (%s)\n", svc, strings.Join(ids, ", "))
		for _, x := range by[svc] {
			r.printf("    %s: %s\n", x.ID, x.Reason)
		}
	}
}
