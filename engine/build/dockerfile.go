// Package build turns a build directory into an OCI image without a
// Docker daemon: the Dockerfile is parsed with BuildKit's own parser, the
// base image is pulled with go-containerregistry, each COPY/ADD becomes
// one layer and the rest becomes image config. A Dockerfile that runs
// programs (RUN) is refused with the lines that need a real builder,
// because an image missing what they make would fail later, far from the
// cause.
//
// Build builds and pushes; SourceDigest says whether there is anything
// new to build; Parse checks a build directory without the network.
// Every error is a Fixer: the problem at dir/Dockerfile:line, and what
// to do about it.
package build

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/minimalinfra/mvi/engine/build/site"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// maxDockerfileBytes bounds the read; real Dockerfiles are a few kB.
const maxDockerfileBytes = 1 << 20

// DockerfileName is the recipe's name in the build directory.
const DockerfileName = "Dockerfile"

// Dockerfile is a parsed recipe that this package can build.
type Dockerfile struct {
	Name    string
	Context *Context
	Escape  rune
	Meta    []Step // ARGs before FROM: they may only be used by FROM
	From    Step
	Steps   []Step // everything after FROM, in order
	Static  bool   // no Dockerfile: a static site built from site.Dockerfile
}

// Step is one instruction with where it was written.
type Step struct {
	Line int    // where it starts, 1-based
	Text string // as written, continuation lines joined
	Cmd  any    // *instructions.Stage for FROM, otherwise an instructions.Command
}

func (s Step) fail(file string, kind Kind, msg, fix string, err error) *Error {
	return &Error{Kind: kind, File: file, Line: s.Line, Instr: s.Text, Msg: msg, Hint: fix, Err: err}
}

// Parse reads dir's Dockerfile and .dockerignore and checks everything
// that can be checked without the base image: the syntax, that every
// instruction is one this builder runs, and that the COPY/ADD sources
// written literally exist in the build context.
// Nothing is pulled or pushed, so a caller can refuse a build before any
// change. Errors name the Dockerfile as dir/Dockerfile:line.
//
// dockerfile is the recipe's path in dir, "" for dir/Dockerfile.
func Parse(ctx context.Context, dir, dockerfile string) (*Dockerfile, error) {
	return parse(ctx, dir, dockerfile, DefaultMaxContextBytes, false)
}

// parse reads the Dockerfile; skipRun keeps RUN lines as steps the
// builder will say it did not execute, instead of refusing them.
func parse(ctx context.Context, dir, dockerfile string, limit int64, skipRun bool) (*Dockerfile, error) {
	c, err := openContext(ctx, dir, dockerfile, limit)
	if err != nil {
		return nil, err
	}
	name := filepath.Join(dir, filepath.FromSlash(c.recipe()))
	src, static, err := readDockerfile(c, name)
	if err != nil {
		return nil, err
	}
	if static {
		name = dir + " (a static site: " + strings.ReplaceAll(strings.TrimSpace(site.Dockerfile), "\n", "; ") + ")"
	}
	res, err := parser.Parse(bytes.NewReader(src))
	if err != nil {
		return nil, syntaxError(name, err)
	}
	df := &Dockerfile{Name: name, Context: c, Escape: res.EscapeToken, Static: static}
	var needs []RunLine
	var first *Error
	keep := func(e *Error) {
		if first == nil {
			first = e
		}
	}
	seenFrom := false
	for _, n := range res.AST.Children {
		st := Step{Line: n.StartLine, Text: strings.TrimSpace(n.Original)}
		cmd, err := instructions.ParseInstruction(n)
		if err != nil {
			var unk *instructions.UnknownInstructionError
			if errors.As(err, &unk) {
				keep(st.fail(df.Name, KindUnknown, unwrapLocation(err).Error(),
					"use one of FROM, COPY, ADD, ENV, ARG, WORKDIR, EXPOSE, USER, LABEL, CMD, ENTRYPOINT (RUN needs a real builder)", nil))
			} else {
				keep(st.fail(df.Name, KindSyntax, unwrapLocation(err).Error(), "see https://docs.docker.com/reference/dockerfile/", nil))
			}
			continue
		}
		st.Cmd = cmd
		switch c := cmd.(type) {
		case *instructions.Stage:
			if seenFrom {
				needs = append(needs, RunLine{File: df.Name, Line: st.Line, Text: st.Text,
					Why: "a second FROM makes a multi-stage build, which needs a real builder"})
				continue
			}
			seenFrom = true
			df.From = st
			continue
		case *instructions.ArgCommand:
			if !seenFrom {
				df.Meta = append(df.Meta, st)
				continue
			}
		case *instructions.RunCommand:
			if skipRun && seenFrom {
				df.Steps = append(df.Steps, st)
				continue
			}
			needs = append(needs, RunLine{File: df.Name, Line: st.Line, Text: st.Text,
				Why: "RUN executes a program inside the image, which needs a real builder"})
			continue
		case *instructions.CopyCommand:
			if c.From != "" {
				needs = append(needs, RunLine{File: df.Name, Line: st.Line, Text: st.Text,
					Why: "COPY --from reads another stage or image, which needs a real builder"})
				continue
			}
		}
		if !seenFrom {
			keep(st.fail(df.Name, KindSyntax, "only ARG may come before the first FROM", "start the Dockerfile with FROM (e.g. FROM httpd)", nil))
			continue
		}
		if e := df.checkStatic(st); e != nil {
			keep(e)
		}
		df.Steps = append(df.Steps, st)
	}
	if first != nil {
		return nil, first
	}
	if !seenFrom {
		return nil, &Error{Kind: KindSyntax, File: df.Name, Msg: "no FROM instruction", Hint: "start the Dockerfile with FROM (e.g. FROM httpd)"}
	}
	if len(needs) > 0 {
		return nil, &NeedsBuilderError{Lines: needs}
	}
	return df, nil
}

// readDockerfile reads the recipe; a directory without one that is a
// plain static site gets site.Dockerfile (static is then true).
func readDockerfile(c *Context, name string) (src []byte, static bool, err error) {
	f, err := os.Open(filepath.Join(c.Dir, filepath.FromSlash(c.recipe())))
	if errors.Is(err, fs.ErrNotExist) && c.Recipe != "" {
		return nil, false, &Error{Kind: KindContext, File: name, Msg: "no " + c.Recipe + " in " + c.Dir,
			Hint: "dockerfile is a path inside the build directory; check its spelling"}
	}
	if errors.Is(err, fs.ErrNotExist) {
		if site.IsStatic(c.TopNames()) {
			return []byte(site.Dockerfile), true, nil
		}
		return nil, false, &Error{Kind: KindContext, File: name, Msg: "no Dockerfile in " + c.Dir, Hint: noDockerfileFix(c)}
	}
	if err != nil {
		return nil, false, &Error{Kind: KindContext, File: name, Msg: "cannot read it", Err: err}
	}
	defer f.Close()
	b, err := io.ReadAll(&limitedReader{r: f, n: maxDockerfileBytes, name: c.recipe()})
	if err != nil {
		return nil, false, &Error{Kind: KindContext, File: name, Msg: fmt.Sprintf("cannot read it (limit %d bytes)", maxDockerfileBytes), Err: err}
	}
	return b, false, nil
}

// noDockerfileFix tells a directory that is almost a static site why it
// isn't one.
func noDockerfileFix(c *Context) string {
	names := c.TopNames()
	if sign := site.AppSign(names); sign != "" {
		return "add a Dockerfile saying how to build and start the program (" + sign + " shows this is a program, not a static site)"
	}
	return "add a Dockerfile (e.g. FROM httpd and COPY ./public-html/ /usr/local/apache2/htdocs/), or put an " + site.Index + " at the top for a static site served by nginx"
}

// checkStatic refuses what no base image can make right.
func (df *Dockerfile) checkStatic(st Step) *Error {
	switch c := st.Cmd.(type) {
	case *instructions.AddCommand:
		for _, s := range c.SourcePaths {
			if isRemote(s) {
				return st.fail(df.Name, KindUnsupported, "ADD of a URL or git repository fetches from the network at build time",
					"download "+s+" into the build directory and COPY it, so the build is repeatable", nil)
			}
		}
		if c.Checksum != "" {
			return st.fail(df.Name, KindUnsupported, "ADD --checksum only applies to URLs", "drop --checksum for local files", nil)
		}
		return df.checkSources(st, c.SourcePaths)
	case *instructions.CopyCommand:
		if c.Parents {
			return st.fail(df.Name, KindUnsupported, "COPY --parents is not supported by the in-process builder", "copy each directory with its own COPY", nil)
		}
		return df.checkSources(st, c.SourcePaths)
	}
	return nil
}

// checkSources looks up sources written without variables; ones with
// ${…} are checked at build time, when build args and the base's env are
// known.
func (df *Dockerfile) checkSources(st Step, srcs []string) *Error {
	for _, s := range srcs {
		if strings.ContainsAny(s, "$") {
			continue
		}
		if e := df.checkEscape(st, s); e != nil {
			return e
		}
		if _, err := df.Context.Match(s); err != nil {
			return st.fail(df.Name, KindMissing, err.Error(), missingFix(df.Context, s), nil)
		}
	}
	return nil
}

func isRemote(s string) bool {
	l := strings.ToLower(s)
	for _, p := range []string{"http://", "https://", "git@", "git://", "ssh://"} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

func syntaxError(name string, err error) *Error {
	e := &Error{Kind: KindSyntax, File: name, Msg: unwrapLocation(err).Error(), Hint: "see https://docs.docker.com/reference/dockerfile/"}
	var le *parser.LocationError
	if errors.As(err, &le) && len(le.Locations) > 0 && len(le.Locations[0]) > 0 {
		e.Line = le.Locations[0][0].Start.Line
	}
	return e
}

// unwrapLocation drops BuildKit's location wrapper, whose line we report
// ourselves in file:line form.
func unwrapLocation(err error) error {
	var le *parser.LocationError
	if errors.As(err, &le) && le.Unwrap() != nil {
		return le.Unwrap()
	}
	return err
}
