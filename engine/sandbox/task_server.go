package sandbox

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// Task servers: each running ECS task is one small HTTP server per port
// mapping on 127.0.0.1 (a fresh port: the record keeps the instance id and
// dynamic host port ECS registered, and the data plane maps that target to
// this address). A container without ports is a worker that logs its beat.

type taskServer struct {
	view    taskView
	conts   []*containerServer
	cancel  context.CancelFunc // stops workers
	stopAt  time.Time          // graceful stop scheduled (no longer routable)
	hits    atomic.Int64       // requests since the last flush (CPU estimate)
	started time.Time
}

type containerServer struct {
	name          string
	containerPort int32
	hostPort      int32
	addr          string
	srv           *http.Server
}

// addrFor is the loopback address that answers a target (host port).
func (ts *taskServer) addrFor(hostPort int32) string {
	for _, c := range ts.conts {
		if c.hostPort == hostPort {
			return c.addr
		}
	}
	return ""
}

func (dp *DataPlane) applyTasks(v *view, grace time.Duration) {
	now := dp.now()
	for arn, ts := range dp.tasks {
		tv := v.tasks[arn]
		switch {
		case tv == nil || !tv.InstanceUp:
			// The VM is gone (or the task record is): its processes die
			// with it, no goodbye. The load balancer stops sending to it
			// first, as it would within a health-check interval.
			dp.dropRoutes(ts)
			dp.stopTask(ts, false)
			dp.forget(arn)
		case tv.Status == "STOPPED" || tv.Status == "STOPPING" || tv.Status == "DEACTIVATING":
			// Drained (or draining: the load balancer sends it nothing
			// new): SIGTERM after a grace, so requests in flight finish.
			if tv.Status != "DEACTIVATING" && ts.stopAt.IsZero() {
				ts.stopAt = now.Add(grace)
			}
			if !ts.stopAt.IsZero() && !now.Before(ts.stopAt) {
				dp.stopTask(ts, true)
				dp.forget(arn)
			}
		}
	}
	for arn, tv := range v.tasks {
		if dp.tasks[arn] != nil || tv.Status != "RUNNING" || !tv.InstanceUp {
			continue
		}
		ts, err := dp.startTask(*tv)
		if err != nil {
			for _, c := range tv.Containers {
				dp.appLine(*tv, c, fmt.Sprintf("mvi sandbox: cannot start: %v", err))
			}
			continue
		}
		dp.mu.Lock()
		dp.tasks[arn] = ts
		dp.mu.Unlock()
	}
}

func (dp *DataPlane) startTask(tv taskView) (*taskServer, error) {
	ctx, cancel := context.WithCancel(dp.ctx)
	ts := &taskServer{view: tv, cancel: cancel, started: dp.now()}
	for _, c := range tv.Containers {
		kind := imageKind(c.Image)
		if built, root, _ := dp.s.builtImage(c.Image); root != "" {
			kind = built // a pushed image built FROM the sandbox's httpd or nginx
		}
		if c.Health != "" {
			dp.appLine(tv, c, fmt.Sprintf("mvi sandbox: ECS runs `%s` in this container as its health check; the sandbox can't run the image's programs, so it doesn't, and counts the container healthy while it runs", c.Health))
		}
		if len(c.Ports) == 0 {
			dp.startupLines(tv, c, kind, 0)
			dp.wg.Add(1)
			go dp.worker(ctx, tv, c)
			continue
		}
		for _, p := range c.Ports {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				dp.stopTask(ts, false)
				return nil, fmt.Errorf("listen for %s: %w", c.Name, err)
			}
			cs := &containerServer{name: c.Name, containerPort: p.ContainerPort, hostPort: p.HostPort, addr: ln.Addr().String()}
			want := listensOn(c.Image)
			if kind == kindDemo {
				want = demoPort(envMap(c.Env))
			}
			if want != 0 && want != p.ContainerPort {
				// The program listens elsewhere: the mapped port refuses
				// connections, so the load balancer's checks fail.
				ln.Close()
				ts.conts = append(ts.conts, cs)
				dp.startupLines(tv, c, kind, want)
				dp.appLine(tv, c, fmt.Sprintf("mvi sandbox: %s listens on port %d in its container; nothing answers on port %d, which the task definition maps, so connections to it are refused", c.Image, want, p.ContainerPort))
				continue
			}
			cs.srv = &http.Server{Handler: dp.containerHandler(ts, c, kind), ReadHeaderTimeout: 10 * time.Second}
			ts.conts = append(ts.conts, cs)
			dp.startupLines(tv, c, kind, p.ContainerPort)
			dp.wg.Add(1)
			go func() {
				defer dp.wg.Done()
				_ = cs.srv.Serve(ln)
			}()
		}
	}
	return ts, nil
}

// stopTask ends a task's processes: gracefully (Shutdown, as on SIGTERM)
// or at once (the VM died).
func (dp *DataPlane) stopTask(ts *taskServer, graceful bool) {
	ts.cancel()
	for _, c := range ts.conts {
		if c.srv == nil {
			continue // nothing listened on it
		}
		if !graceful {
			_ = c.srv.Close()
			continue
		}
		for _, cv := range ts.view.Containers {
			if cv.Name == c.name {
				if l := shutdownLine(imageKind(cv.Image), cv.Name, dp.now()); l != "" {
					dp.appLine(ts.view, cv, l)
				}
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		if err := c.srv.Shutdown(ctx); err != nil {
			_ = c.srv.Close()
		}
		cancel()
	}
}

// stopAll ends everything (the data plane is closing).
func (dp *DataPlane) stopAll() {
	for arn, ts := range dp.tasks {
		dp.stopTask(ts, false)
		dp.forget(arn)
	}
	dp.mu.Lock()
	for arn, l := range dp.listeners {
		l.close()
		delete(dp.listeners, arn)
	}
	for k, c := range dp.checks {
		c.cancel()
		delete(dp.checks, k)
	}
	dp.mu.Unlock()
}

// worker is a process without a port. The sandbox can't run its program
// (startupLines said so), and makes up no output for it: it only lives
// until its task stops.
func (dp *DataPlane) worker(ctx context.Context, tv taskView, c containerView) {
	defer dp.wg.Done()
	<-ctx.Done()
}

// forget drops a task server from the map. The reconcile goroutine owns
// dp.tasks and reads it freely; it writes under dp.mu because health checks
// read it (through rebuildRoutesLocked) from their goroutines.
func (dp *DataPlane) forget(arn string) {
	dp.mu.Lock()
	delete(dp.tasks, arn)
	dp.mu.Unlock()
}

// dropRoutes takes a task's addresses out of every listener's backends.
func (dp *DataPlane) dropRoutes(ts *taskServer) {
	gone := map[string]bool{}
	for _, c := range ts.conts {
		gone[c.addr] = true
	}
	dp.mu.Lock()
	defer dp.mu.Unlock()
	for _, l := range dp.listeners {
		list := l.backends.Load()
		if list == nil {
			continue
		}
		kept := make([]backend, 0, len(*list))
		for _, b := range *list {
			if !gone[b.addr] {
				kept = append(kept, b)
			}
		}
		l.backends.Store(&kept)
	}
	for _, c := range dp.checks {
		if gone[c.addr] {
			c.addr = "" // its probes now fail until the check is retired
		}
	}
}
