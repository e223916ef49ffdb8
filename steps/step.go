// Package steps holds the step kinds a tutorial (or `mvi init`) is made of,
// as plain Go with no rendering: what each step needs from the session,
// what it does, and what it leaves behind for the next one. The TUI renders
// a step and collects answers; tutorials.RunHeadless runs the same steps
// with scripted answers; the plain (accessible) runner prints them. All
// three call the same Run, so a tutorial that passes headless is the one a
// student sees.
package steps

import (
	"context"
	"time"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
)

// Kind names a step kind as tutorial files spell it.
type Kind string

// The step kinds.
const (
	KindExplain  Kind = "explain"  // markdown to read
	KindAsk      Kind = "ask"      // questions whose answers change the manifest
	KindDesign   Kind = "design"   // the architecture the manifest now asks for, and what changed
	KindPlan     Kind = "plan"     // what apply would do, with the monthly cost; needs a confirm
	KindApply    Kind = "apply"    // run the plan
	KindVerify   Kind = "verify"   // real checks against the running app
	KindBreak    Kind = "break"    // do damage on purpose (terminate a VM, ship a bad release, ...)
	KindInspect  Kind = "inspect"  // a snapshot of what runs
	KindDestroy  Kind = "destroy"  // delete everything the app made, with proof
	KindWrite    Kind = "write"    // save the manifest so far as mvi.toml (or a file of the app's) in Session.Dir
	KindRollback Kind = "rollback" // start an earlier release again, nothing rebuilt
	KindRecords  Kind = "records"  // the app's build and release records, read from KV and Blob
	KindAdmin    Kind = "admin"    // an admin command as a one-off task of the current release
)

// Kinds lists every kind, in the order a tutorial usually meets them.
func Kinds() []Kind {
	return []Kind{KindExplain, KindAsk, KindDesign, KindPlan, KindApply, KindVerify, KindBreak, KindInspect, KindDestroy, KindWrite, KindRollback, KindRecords, KindAdmin}
}

// Step is one step of a tutorial.
type Step interface {
	Kind() Kind
	// Title is the one-line heading the runner shows.
	Title() string
	// Run does the step's work. It reads what it needs from the session and
	// leaves what it produces there; progress goes to out. It returns when
	// the work is done, failed, or ctx ends (then it returns ctx.Err() and
	// leaves nothing half-made that a rerun can't finish).
	Run(ctx context.Context, s *Session, out Output) error
}

// Output receives what a running step reports. The TUI turns each call
// into a message (batched); the plain runner prints a line. Calls may come
// from any goroutine.
type Output interface {
	// Event is one engine progress event during plan/apply/destroy.
	Event(engine.Event)
	// Check is the result of one verify probe (or one attempt of it).
	Check(CheckResult)
	// Note is a line of narration ("terminated i-0abc…; the Auto Scaling
	// group will notice within a health-check interval").
	Note(string)
}

// CheckResult is one verify probe's outcome.
type CheckResult struct {
	Name    string        // "GET / through the load balancer"
	OK      bool          // passed
	Detail  string        // "200 OK, 45 bytes, served by task 3f2a…" or why not
	Attempt int           // 1-based; a check retries until its deadline
	Elapsed time.Duration // since the check started
}

// Session is what the steps of one run share, in order: the manifest grows
// through ask steps, design turns it into Arch, plan and apply act on it.
type Session struct {
	// Engine is the cloud and engine settings; App is set from the manifest
	// by the design step.
	Engine engine.Config
	// Manifest is the mvi.toml text so far.
	Manifest string
	// Dir is where the app's files live (build contexts) and where `mvi init`
	// writes mvi.toml.
	Dir string
	// Answers are the ask steps' answers by field key.
	Answers map[string]string
	// Secrets are values typed into secret fields, by secret name, held
	// in memory only until the ask step hands them to SSM and deletes
	// them: never in Answers, so never in a progress file.
	Secrets map[string]string
	// Arch is the latest design; Prev the one before the last design step,
	// so a runner can draw what the step added heavy.
	Arch, Prev arch.Architecture
	// Change is arch.Diff(Prev, Arch) from the last design step.
	Change arch.Change
	// Plan is the last plan made; Apply runs it.
	Plan *engine.Plan
	// Snapshot is the last inspect (or the state a verify saw).
	Snapshot *engine.Snapshot
	// Terminated are the VMs break steps terminated. Verify never counts
	// them as in service or healthy: right after a terminate, AWS may still
	// report the VM in service and its targets healthy for a while, and
	// "healed" must mean whole again without them.
	Terminated []string
	// Traffic is what the last watched step (an apply with Watch, a bad
	// release) saw of the app's page while it ran; an uptime check reads
	// it.
	Traffic *Traffic
	// Release is what the last bad-release break did; a release check
	// with revision "previous" expects the service back on its Good.
	Release *Release
	// Records is what the last records step read from KV and Blob.
	Records *Records
	// Confirm is asked before an apply or destroy changes anything; nil
	// means yes (headless, or --yes). The TUI, the plain runner and `mvi up`
	// set it; an apply's question names what it replaces first.
	Confirm func(ctx context.Context, question string) (bool, error)
	// ConfirmLoss asks the person to type want (the app's name) before an
	// apply deletes data; nil means the runner can't ask, and such an apply
	// is refused unless Engine.AllowDataLoss is set.
	ConfirmLoss func(ctx context.Context, question, want string) (bool, error)
	// Defaults override a field's own Default by key, for defaults only the
	// caller knows (`mvi init` offers the directory's name as the app name).
	Defaults map[string]string
	// Connect, when set, is called by the first step that needs the cloud
	// while Engine.Clients is nil, so a run that never gets that far (`mvi
	// init` answered "no, just write the file") never opens one. It fills
	// s.Engine.
	Connect func(ctx context.Context, s *Session) error
	// Where names the cloud for people ("the sandbox (~/.local/state/…)",
	// "AWS account 123456789012 in us-east-1"); confirm questions say it.
	Where string
	// UseCloud switches s.Engine to the named cloud (a Cloud field's
	// answer), keeping the app. Nil means the runner offers only the cloud
	// it was given; an answer naming another one is then an error, never a
	// silent run somewhere else.
	UseCloud func(ctx context.Context, s *Session, name string) error
}
