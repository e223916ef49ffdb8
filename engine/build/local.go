package build

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Exec is the one door to programs on this machine, so tests can put a
// fake docker on a temporary PATH (or replace the door altogether).
type Exec interface {
	LookPath(file string) (string, error)
	// Run runs path with args, stdin (may be nil) and every line of its
	// output, stdout and stderr together, written to out.
	Run(ctx context.Context, path string, args []string, stdin io.Reader, out io.Writer) error
}

// OSExec runs real programs found on PATH.
type OSExec struct{}

func (OSExec) LookPath(file string) (string, error) { return exec.LookPath(file) }

func (OSExec) Run(ctx context.Context, path string, args []string, stdin io.Reader, out io.Writer) error {
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, out, out
	cmd.WaitDelay = 5 * time.Second
	return cmd.Run()
}

// probeTimeout bounds "docker info": a daemon that doesn't answer in this
// long is as good as none.
const probeTimeout = 5 * time.Second

// Local is a container builder installed on this machine that works.
type Local struct {
	Name string // docker, podman or buildah
	Path string
	x    Exec
}

func (l Local) String() string { return l.Name + " (local, " + l.Path + ")" }

// FindLocal is the first of docker, podman and buildah that is installed
// and works: docker and podman must answer "info" (a docker CLI without a
// daemon is not a builder); buildah needs no daemon. nil x is OSExec.
func FindLocal(ctx context.Context, x Exec) (Local, bool) {
	if x == nil {
		x = OSExec{}
	}
	for _, n := range []string{"docker", "podman", "buildah"} {
		p, err := x.LookPath(n)
		if err != nil {
			continue
		}
		pctx, cancel := context.WithTimeout(ctx, probeTimeout)
		args := []string{"info"}
		if n == "buildah" {
			args = []string{"version"}
		}
		err = x.Run(pctx, p, args, nil, io.Discard)
		cancel()
		if err == nil {
			return Local{Name: n, Path: p, x: x}, true
		}
	}
	return Local{}, false
}

// LocalOptions say what a local builder builds and how it logs in.
type LocalOptions struct {
	Dir        string // the build directory
	Dockerfile string // its recipe's path in Dir; "" is Dir/Dockerfile
	Target     string // registry/repository:tag
	// User and Password log in to Target's registry; the password goes
	// to the builder on stdin only.
	User, Password string
	Platform       string // "" is linux/amd64
	Log            io.Writer
}

// Build builds opts.Dir with the local builder, logs in to the target's
// registry, pushes the tag and reports the pushed digest. Every line the
// builder prints goes to opts.Log.
func (l Local) Build(ctx context.Context, opts LocalOptions) (Result, error) {
	if opts.Platform == "" {
		opts.Platform = defaultPlatform
	}
	log := opts.Log
	if log == nil {
		log = io.Discard
	}
	host, _, ok := strings.Cut(opts.Target, "/")
	if !ok || !strings.Contains(opts.Target, ":") {
		return Result{}, &Error{Kind: KindTarget, Msg: "cannot push to " + fmt.Sprintf("%q", opts.Target),
			Hint: "name a registry, a repository and a tag, such as registry.example.com/app:build-1"}
	}
	src, err := SourceDigest(ctx, opts.Dir, opts.Dockerfile)
	if err != nil {
		return Result{}, err
	}
	df := DockerfileName
	if opts.Dockerfile != "" {
		df = filepath.FromSlash(opts.Dockerfile)
	}
	tmp, err := os.MkdirTemp("", "mvi-local-build-")
	if err != nil {
		return Result{}, &Error{Kind: KindContext, Msg: "cannot make a temporary directory", Err: err, Hint: "free disk space"}
	}
	defer os.RemoveAll(tmp)
	digestFile := filepath.Join(tmp, "digest")

	build := []string{"build", "--platform", opts.Platform, "-f", filepath.Join(opts.Dir, df), "-t", opts.Target, opts.Dir}
	push := []string{"push", opts.Target}
	if l.Name != "docker" {
		// podman and buildah write the digest where we ask; docker prints it.
		push = []string{"push", "--digestfile", digestFile, opts.Target}
	}
	login := []string{"login", "--username", opts.User, "--password-stdin", host}

	fmt.Fprintf(log, "build with %s\n", l)
	if err := l.run(ctx, build, nil, log); err != nil {
		return Result{}, l.failed(df, "build", err)
	}
	if err := l.run(ctx, login, strings.NewReader(opts.Password+"\n"), log); err != nil {
		return Result{}, l.failed(df, "log in to "+host, err)
	}
	out := &tail{w: log}
	if err := l.run(ctx, push, nil, out); err != nil {
		return Result{}, l.failed(df, "push "+opts.Target, err)
	}
	d := pushedDigest(out.all.String())
	if b, err := os.ReadFile(digestFile); err == nil && len(bytes.TrimSpace(b)) > 0 {
		d = string(bytes.TrimSpace(b))
	}
	if d == "" {
		return Result{}, &Error{Kind: KindPush, File: df, Msg: l.Name + " pushed " + opts.Target + " but printed no digest",
			Hint: "push the image by hand to see what " + l.Name + " says"}
	}
	repo, _, _ := strings.Cut(opts.Target[len(host):], ":")
	return Result{Image: host + repo + "@" + d, ImageDigest: d, SourceDigest: src}, nil
}

var digestRE = regexp.MustCompile(`digest: (sha256:[0-9a-f]{64})`)

// pushedDigest reads docker push's "TAG: digest: sha256:… size: N" line.
func pushedDigest(out string) string {
	m := digestRE.FindStringSubmatch(out)
	if m == nil {
		return ""
	}
	return m[1]
}

func (l Local) run(ctx context.Context, args []string, stdin io.Reader, out io.Writer) error {
	t, ok := out.(*tail)
	if !ok {
		t = &tail{w: out}
	}
	if err := l.x.Run(ctx, l.Path, args, stdin, t); err != nil {
		return &localError{err: err, last: t.last()}
	}
	return nil
}

type localError struct {
	err  error
	last []string
}

func (e *localError) Error() string { return e.err.Error() }
func (e *localError) Unwrap() error { return e.err }

// failed is a build error naming the Dockerfile and the builder's last
// lines, which is where docker puts why.
func (l Local) failed(df, what string, err error) error {
	msg := l.Name + " could not " + what
	var le *localError
	if errors.As(err, &le) && len(le.last) > 0 {
		msg += ":\n  " + strings.Join(le.last, "\n  ") + "\n"
	}
	return &Error{Kind: KindUnsupported, File: df, Msg: msg, Err: err,
		Hint: "fix what " + l.Name + " says above, or run " + l.Name + " build by hand in the build directory to see the whole story"}
}

// tail passes everything on and keeps the last few lines for an error.
type tail struct {
	mu  sync.Mutex
	w   io.Writer
	all bytes.Buffer
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.all.Write(p)
	return t.w.Write(p)
}

const tailLines = 5

func (t *tail) last() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	lines := strings.Split(strings.TrimRight(t.all.String(), "\n"), "\n")
	if len(lines) > tailLines {
		lines = lines[len(lines)-tailLines:]
	}
	if len(lines) == 1 && lines[0] == "" {
		return nil
	}
	return lines
}
