// Command mvi teaches and runs the Minimal Infrastructure book: declare an app
// in mvi.toml, see the architecture it needs, and set it up.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/minimalinfra/mvi/engine"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is main without the process: tests call it with their own args and
// buffers and read the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer recoverTo(stderr, &code)
	root := newRoot(stdin, stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	if interrupted(ctx, err) {
		fmt.Fprintln(stderr, interruptedLine)
		var failed *engine.Error
		if errors.As(err, &failed) {
			fmt.Fprintln(stderr, "Before the stop, this failed:\n"+errorText(failed))
		}
		return exitInterrupted
	}
	fmt.Fprintln(stderr, errorText(err))
	return exitCode(err)
}

// recoverTo turns a panic on run's goroutine into one line and exit 1: a
// person is never shown a Go stack (MVI_TRACE=1 keeps it, for a report).
func recoverTo(stderr io.Writer, code *int) {
	if os.Getenv("MVI_TRACE") != "" {
		return
	}
	if p := recover(); p != nil {
		fmt.Fprintf(stderr, "mvi: internal error: %v (a bug in mvi; MVI_TRACE=1 shows where, for a report with mvi version)\n", p)
		*code = exitFailure
	}
}
