package sandbox

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func serveOnce(t *testing.T, h http.Handler, path string) (int, string, http.Header) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	b, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(b), rec.Result().Header
}

func TestContainersBehaveLikeTheirImages(t *testing.T) {
	dp := &DataPlane{clock: realClock{}}
	ts := &taskServer{view: taskView{ID: "0123abcd", Family: "mvi-shop-task-definition-web", Revision: 7}}
	cases := []struct {
		c          containerView
		path       string
		code       int
		body       string
		notInBody  string
		serverHead string
	}{
		{c: containerView{Name: "web", Image: "httpd"}, path: "/", code: 200, body: httpdPage, serverHead: httpdServer},
		{c: containerView{Name: "web", Image: "public.ecr.aws/docker/library/httpd:2.4"}, path: "/nope", code: 404, body: "Not Found"},
		{c: containerView{Name: "web", Image: "nginx:1.27"}, path: "/", code: 200, body: "Welcome to nginx!", serverHead: nginxServer},
		{c: containerView{Name: "api", Image: "123.dkr.ecr.us-east-1.amazonaws.com/mvi-shop:api",
			Env: [][2]string{{"GREETING", "hello"}}, Secrets: []string{"STRIPE_KEY"}}, path: "/healthz", code: 200,
			body: "<li>process: api</li>\n<li>task: 0123abcd</li>\n<li>release: mvi-shop-task-definition-web:7</li>", notInBody: "sk_live"},
	}
	for _, tc := range cases {
		h := dp.containerHandler(ts, tc.c, imageKind(tc.c.Image))
		code, body, head := serveOnce(t, h, tc.path)
		if code != tc.code || !strings.Contains(body, tc.body) {
			t.Errorf("%s %s: %d %q, want %d with %q", tc.c.Image, tc.path, code, body, tc.code, tc.body)
		}
		if head.Get(TaskHeader) != "0123abcd" {
			t.Errorf("%s: %s = %q", tc.c.Image, TaskHeader, head.Get(TaskHeader))
		}
		if tc.serverHead != "" && head.Get("Server") != tc.serverHead {
			t.Errorf("%s: Server %q", tc.c.Image, head.Get("Server"))
		}
		if tc.c.Name == "api" && (!strings.Contains(body, "GREETING=hello") || !strings.Contains(body, "STRIPE_KEY=(secret, not shown)")) {
			t.Errorf("app page lacks its environment: %s", body)
		}
		// Issue 10 item 6: a program the sandbox can't run is said so,
		// on the page itself, naming the image.
		if tc.c.Name == "api" && !strings.Contains(body, "the program of image "+tc.c.Image+" can&#39;t run here") {
			t.Errorf("the stand-in page doesn't say it stands in: %s", body)
		}
	}
}

func TestMatcher(t *testing.T) {
	for _, c := range []struct {
		m    string
		code int
		want bool
	}{{"200", 200, true}, {"200", 302, false}, {"200,302", 302, true}, {"200-299", 204, true}, {"200-299", 301, false}, {"", 200, true}} {
		if got := matches(c.m, c.code); got != c.want {
			t.Errorf("matches(%q, %d) = %v", c.m, c.code, got)
		}
	}
}

// The ports the known images listen on, as their official images do;
// an image the sandbox can't run answers wherever it is mapped.
func TestListensOn(t *testing.T) {
	for image, want := range map[string]int32{"httpd": 80, "httpd:2.4": 80, "public.ecr.aws/docker/library/nginx:1.27": 80,
		"nginxinc/nginx-unprivileged:1.27": 8080, "gitea/gitea:1.22": 0} {
		if got := listensOn(image); got != want {
			t.Errorf("%s: %d, want %d", image, got, want)
		}
	}
}
