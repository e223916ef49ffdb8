package sandbox

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/minimalinfra/mvi/engine/sandbox/demo"
)

// The demo app (package demo) is the one program of the sandbox's own
// that it runs in full: its image is made here like the base images, at
// a name of the project's own (demo.Image), and a task of it runs the
// demo's Go code in-process — a service's task serves its routes through
// the data plane, a one-off task (RunTask) runs an admin command to its
// exit code. Its data lives in the app's KV table, reached through the
// sandbox's own DynamoDB as any container's calls would be.

const demoProgram = "mvi-demo"

// demoRepo is the demo image's repository on the public registry's host.
var demoRepo = strings.TrimPrefix(demo.Image, "public.ecr.aws/")

func demoBase() baseImage {
	return baseImage{repo: demoRepo, tags: demo.Tags, program: demoProgram,
		config: v1.Config{
			Env:          []string{"PATH=/usr/local/bin", demo.EnvPort + "=" + strconv.Itoa(demo.DefaultPort)},
			Entrypoint:   []string{"/usr/local/bin/mvi-demo"},
			Cmd:          []string{"serve"},
			ExposedPorts: map[string]struct{}{strconv.Itoa(demo.DefaultPort) + "/tcp": {}},
		},
		files: []baseFile{{"usr/share/mvi-demo/SOURCE", "The demo app of mvi: its source is github.com/minimalinfra/mvi/engine/sandbox/demo,\nand this sandbox runs that code for this image.\n"}}}
}

// isDemo reports whether an image reference names the demo image (any
// tag or digest).
func isDemo(image string) bool {
	name := image
	if i := strings.Index(name, "@"); i >= 0 {
		name = name[:i]
	}
	if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
		name = name[:i]
	}
	return name == demo.Image
}

// demoPullFailure is the stoppedReason of a demo image tag that doesn't
// exist, "" for one that does.
func demoPullFailure(image string) string {
	if !isDemo(image) || strings.Contains(image, "@") {
		return ""
	}
	tag := "latest"
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		tag = image[i+1:]
	}
	if slices.Contains(demo.Tags, tag) {
		return ""
	}
	return "CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref " + image + ": " + image + ": not found"
}

// demoApp is the demo as a container with this environment runs it.
func (s *Sandbox) demoApp(env map[string]string, log func(string), now func() time.Time) demo.App {
	a := demo.App{Table: env[demo.EnvTable], Log: log, Now: now}
	if s != nil {
		a.KV, a.Wait = s.Clients().DynamoDB, s.wait
	}
	return a
}

// demoPort is the port the demo listens on in its container.
func demoPort(env map[string]string) int32 {
	if p, err := strconv.Atoi(env[demo.EnvPort]); err == nil && p > 0 && p < 65536 {
		return int32(p)
	}
	return demo.DefaultPort
}

// demoServes reports whether a container's command is the demo's server
// (its image's default command).
func demoServes(command []string) bool { return len(command) == 0 || command[0] == "serve" }

// demoHandler is a service task's demo server.
func (dp *DataPlane) demoHandler(ts *taskServer, c containerView) http.Handler {
	env := envMap(c.Env)
	a := dp.s.demoApp(env, func(l string) { dp.appLine(ts.view, c, l) }, dp.now)
	return a.Handler()
}

func envMap(kv [][2]string) map[string]string {
	m := map[string]string{}
	for _, p := range kv {
		m[p[0]] = p[1]
	}
	return m
}

// runDemo is a one-off task of the demo image: an admin command, its
// lines to the task's log, its exit code the container's.
func runDemo(ctx context.Context, s *Sandbox, r programRun) int32 {
	if demoServes(r.Command) {
		r.Log("mvi sandbox: the demo's server runs here only as a service's task, behind its load balancer; a one-off task of it serves nothing, so it exits")
		return 1
	}
	a := s.demoApp(r.Env, r.Log, nil)
	return int32(a.Admin(ctx, r.Command, lineFunc(r.Log)))
}

// demoStartup is what a service's demo container prints as it starts.
func (dp *DataPlane) demoStartup(tv taskView, c containerView) {
	if !demoServes(c.Command) {
		dp.appLine(tv, c, fmt.Sprintf("mvi sandbox: %q is an admin command of the demo; the sandbox runs those as one-off tasks (mvi run PROCESS -- COMMAND), so this container stands in and does nothing", strings.Join(c.Command, " ")))
		return
	}
	env := envMap(c.Env)
	dp.s.demoApp(env, func(l string) { dp.appLine(tv, c, l) }, dp.now).Started(int(demoPort(env)))
}
