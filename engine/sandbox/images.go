package sandbox

import (
	"fmt"
	"html"
	"net/http"
	"sort"
	"strings"
	"time"
)

// How a task's container behaves, by its image: httpd and nginx answer as
// their official images do out of the box; an image built FROM them
// serves the files its build put in it; anything else (the app's own build)
// answers a page that names the process, task, release and non-secret
// environment — what the book's chapters on config, processes and
// releases point at.

type imageKindT int

const (
	kindApp imageKindT = iota
	kindHTTPD
	kindNginx
	kindDemo // mvi's own demo app (demo_app.go)
)

// imageKind reads the repository's last path element: "httpd:2.4",
// "public.ecr.aws/docker/library/httpd" and "nginx@sha256:…" all count.
func imageKind(image string) imageKindT {
	if isDemo(image) {
		return kindDemo
	}
	name := image
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	if i := strings.IndexAny(name, ":@"); i >= 0 {
		name = name[:i]
	}
	switch name {
	case "httpd", "apache", "apache2":
		return kindHTTPD
	case "nginx", "nginx-unprivileged":
		return kindNginx
	}
	return kindApp
}

// listensOn is the port a known image's program listens on inside its
// container, as its official image configures it; 0 for an image the
// sandbox can't run, whose stand-in answers on whatever port is mapped.
// A task definition that maps another port reaches nothing, and its
// health checks fail as they would on AWS.
func listensOn(image string) int32 {
	name := image
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	if i := strings.IndexAny(name, ":@"); i >= 0 {
		name = name[:i]
	}
	switch name {
	case "nginx-unprivileged":
		return 8080
	}
	switch imageKind(image) {
	case kindHTTPD, kindNginx:
		return 80
	}
	return 0
}

const (
	httpdPage = "<html><body><h1>It works!</h1></body></html>\n"
	nginxPage = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`
	httpdNotFound = "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n"
	nginxNotFound = "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.27.3</center>\r\n</body>\r\n</html>\r\n"
	httpdServer   = "Apache/2.4.62 (Unix)"
	nginxServer   = "nginx/1.27.3"
)

// TaskHeader names the response header every task server sets to its task
// id, so a client can see which task answered.
const TaskHeader = "X-Mvi-Task"

func (dp *DataPlane) containerHandler(ts *taskServer, c containerView, kind imageKindT) http.Handler {
	var inner http.Handler
	// A pushed image of httpd or nginx serves its own files: what the
	// build put in it, never a directory on this machine.
	built, root, err := dp.s.builtImage(c.Image)
	if err != nil {
		dp.appLine(ts.view, c, fmt.Sprintf("mvi sandbox: cannot read image %s: %v", c.Image, err))
	}
	switch {
	case root != "" && built == kindHTTPD:
		inner = filesPage(root, httpdServer, httpdNotFound)
	case root != "" && built == kindNginx:
		inner = filesPage(root, nginxServer, nginxNotFound)
	case kind == kindHTTPD:
		inner = defaultPage(httpdServer, httpdPage, httpdNotFound)
	case kind == kindNginx:
		inner = defaultPage(nginxServer, nginxPage, nginxNotFound)
	case kind == kindDemo && demoServes(c.Command):
		// The demo logs its own access lines.
		h := dp.demoHandler(ts, c)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ts.hits.Add(1)
			w.Header().Set(TaskHeader, ts.view.ID)
			h.ServeHTTP(w, r)
		})
	default:
		inner = appPage(ts.view, c)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := dp.now()
		ts.hits.Add(1)
		w.Header().Set(TaskHeader, ts.view.ID)
		rec := &statusWriter{ResponseWriter: w, code: 200}
		inner.ServeHTTP(rec, r)
		now := dp.now()
		dp.appLine(ts.view, c, accessLine(kind, c.Name, r, rec.code, rec.n, now, now.Sub(start)))
	})
}

func defaultPage(server, page, notFound string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Server", server)
		w.Header().Set("Content-Type", "text/html")
		if r.URL.Path != "/" && r.URL.Path != "/index.html" {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, notFound)
			return
		}
		fmt.Fprint(w, page)
	})
}

func appPage(tv taskView, c containerView) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		var b strings.Builder
		fmt.Fprintf(&b, "<html><body>\n<h1>%s</h1>\n<p>%s</p>\n<ul>\n", html.EscapeString(c.Name), html.EscapeString(standIn(c.Image)))
		fmt.Fprintf(&b, "<li>process: %s</li>\n<li>task: %s</li>\n<li>release: %s:%d</li>\n<li>image: %s</li>\n",
			html.EscapeString(c.Name), tv.ID, html.EscapeString(tv.Family), tv.Revision, html.EscapeString(c.Image))
		b.WriteString("</ul>\n<h2>environment</h2>\n<ul>\n")
		env := append([][2]string(nil), c.Env...)
		sort.Slice(env, func(i, j int) bool { return env[i][0] < env[j][0] })
		for _, kv := range env {
			fmt.Fprintf(&b, "<li>%s=%s</li>\n", html.EscapeString(kv[0]), html.EscapeString(kv[1]))
		}
		for _, s := range c.Secrets {
			fmt.Fprintf(&b, "<li>%s=(secret, not shown)</li>\n", html.EscapeString(s))
		}
		b.WriteString("</ul>\n</body></html>\n")
		fmt.Fprint(w, b.String())
	})
}

type statusWriter struct {
	http.ResponseWriter
	code int
	n    int
}

func (s *statusWriter) WriteHeader(code int) {
	s.code = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	n, err := s.ResponseWriter.Write(b)
	s.n += n
	return n, err
}

// accessLine is one request, answered at now, as the image logs it on
// stdout.
func accessLine(kind imageKindT, name string, r *http.Request, code, n int, now time.Time, took time.Duration) string {
	host := r.RemoteAddr
	if i := strings.LastIndex(host, ":"); i >= 0 {
		host = host[:i]
	}
	if f := r.Header.Get("X-Forwarded-For"); f != "" {
		host = f
	}
	switch kind {
	case kindHTTPD:
		return fmt.Sprintf("%s - - [%s] \"%s %s %s\" %d %d", host, now.Format("02/Jan/2006:15:04:05 -0700"), r.Method, r.URL.RequestURI(), r.Proto, code, n)
	case kindNginx:
		return fmt.Sprintf("%s - - [%s] \"%s %s %s\" %d %d \"-\" %q \"-\"", host, now.Format("02/Jan/2006:15:04:05 -0700"), r.Method, r.URL.RequestURI(), r.Proto, code, n, r.UserAgent())
	}
	return fmt.Sprintf("%s: %s %s %d %dB %.1fms from %s", name, r.Method, r.URL.RequestURI(), code, n, float64(took.Microseconds())/1000, host)
}

// startupLines are what the image prints as it starts.
func (dp *DataPlane) startupLines(tv taskView, c containerView, kind imageKindT, port int32) {
	ts := dp.now()
	for _, l := range c.NoServer {
		dp.appLine(tv, c, l)
	}
	switch kind {
	case kindHTTPD:
		dp.appLine(tv, c, "AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using 172.17.0.2. Set the 'ServerName' directive globally to suppress this message")
		dp.appLine(tv, c, fmt.Sprintf("[%s] [mpm_event:notice] [pid 1:tid 1] AH00489: %s configured -- resuming normal operations", ts.Format("Mon Jan 02 15:04:05.000000 2006"), httpdServer))
		dp.appLine(tv, c, fmt.Sprintf("[%s] [core:notice] [pid 1:tid 1] AH00094: Command line: 'httpd -D FOREGROUND'", ts.Format("Mon Jan 02 15:04:05.000000 2006")))
	case kindDemo:
		dp.demoStartup(tv, c)
	case kindNginx:
		dp.appLine(tv, c, "/docker-entrypoint.sh: Configuration complete; ready for start up")
		dp.appLine(tv, c, fmt.Sprintf("%s [notice] 1#1: %s", ts.Format("2006/01/02 15:04:05"), nginxServer))
		dp.appLine(tv, c, fmt.Sprintf("%s [notice] 1#1: start worker processes", ts.Format("2006/01/02 15:04:05")))
	default:
		if port != 0 {
			dp.appLine(tv, c, fmt.Sprintf("%s; it answers HTTP on port %d with a page saying so (release %d of %s, task %s)", standIn(c.Image), port, tv.Revision, tv.Family, tv.ID))
		} else {
			dp.appLine(tv, c, fmt.Sprintf("%s; it runs and does nothing else (release %d of %s, task %s)", standIn(c.Image), tv.Revision, tv.Family, tv.ID))
		}
	}
}

// shutdownLine is what the image prints on SIGTERM at now.
func shutdownLine(kind imageKindT, name string, now time.Time) string {
	switch kind {
	case kindHTTPD:
		return fmt.Sprintf("[%s] [mpm_event:notice] [pid 1:tid 1] AH00492: caught SIGWINCH, shutting down gracefully", now.Format("Mon Jan 02 15:04:05.000000 2006"))
	case kindNginx:
		return fmt.Sprintf("%s [notice] 1#1: signal 3 (SIGQUIT) received, shutting down", now.Format("2006/01/02 15:04:05"))
	case kindDemo:
		return "" // the demo's server stops without a word
	}
	// What the image's own program would print is not known here.
	return "mvi sandbox: the stand-in for " + name + " got SIGTERM and stops"
}

// logLine is one line a container wrote, on its way to CloudWatch Logs.
type logLine struct {
	group, stream string
	ts            int64 // ms
	msg           string
}

// logBufferMax bounds the lines waiting for a flush; beyond it the oldest
// go (counted), as a log driver's buffer would drop them.
const logBufferMax = 50000

// appLine buffers one stdout line of a container (awslogs only: another
// driver's lines go nowhere the sandbox keeps).
func (dp *DataPlane) appLine(tv taskView, c containerView, msg string) {
	if c.LogGroup == "" {
		return
	}
	dp.mu.Lock()
	defer dp.mu.Unlock()
	if len(dp.logs) >= logBufferMax {
		dp.logs = dp.logs[1:]
		dp.dropped++
	}
	dp.logs = append(dp.logs, logLine{group: c.LogGroup, stream: c.LogStream, ts: dp.now().UnixMilli(), msg: msg})
}

// standIn is what the sandbox says in place of a program it can't run:
// it runs no third-party code, and never makes up what that code would
// have printed.
func standIn(image string) string {
	return "mvi sandbox: the program of image " + image + " can't run here; this container stands in for it"
}
