package manifest

import (
	"fmt"
	"strings"
	"testing"
)

func TestCheckDefaults(t *testing.T) {
	m, err := Parse("mvi.toml", []byte("name = \"shop\"\n[processes.web]\nimage = \"httpd\"\nport = 80\nhealth = \"/healthz\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	m.ApplyDefaults()
	c := m.Check
	if c == nil || c.Path != "/healthz" || c.Every != DefaultCheckEvery || c.AlarmAfter != 5 || c.Expect != nil {
		t.Fatalf("check = %+v, want the web's health path, every 1m, after 5", c)
	}
	if c.Interval().Seconds() != 60 {
		t.Errorf("interval = %v", c.Interval())
	}
	// A worker-only app has nothing to request: no check.
	w, err := Parse("mvi.toml", []byte("name = \"w\"\n[processes.worker]\nimage = \"busybox\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	w.ApplyDefaults()
	if w.Check != nil {
		t.Errorf("a worker-only app got a check: %+v", w.Check)
	}
}

func TestCheckWritten(t *testing.T) {
	for expect, want := range map[string]Expect{`200`: {Status: 200}, `"Welcome"`: {Text: "Welcome"}} {
		src := fmt.Sprintf("name = \"shop\"\n[processes.web]\nimage = \"httpd\"\nport = 80\n[check]\npath = \"/ping\"\nevery = \"30s\"\nalarm_after = 3\nexpect = %s\n[metric]\nnotify = [\"ops@example.com\", \"dev@example.org\"]\n", expect)
		m, err := Parse("mvi.toml", []byte(src))
		if err != nil {
			t.Fatalf("expect = %s: %v", expect, err)
		}
		m.ApplyDefaults()
		if m.Check.Path != "/ping" || m.Check.Every != "30s" || m.Check.AlarmAfter != 3 || *m.Check.Expect != want {
			t.Errorf("expect = %s: check = %+v", expect, m.Check)
		}
		if len(m.Metric.Notify) != 2 || m.Metric.Notify[1] != "dev@example.org" {
			t.Errorf("notify = %v", m.Metric.Notify)
		}
	}
}

func TestCheckErrors(t *testing.T) {
	src := `name = "shop"
[processes.web]
image = "httpd"
port = 80
[check]
path = "ping"
every = "5s"
alarm_after = 11
expect = 404
[metric]
notify = ["ops@example.com", "Ops <ops@example.com>", "nobody", "ops@example.com"]
`
	_, err := Parse("mvi.toml", []byte(src))
	es, ok := AsErrors(err)
	if !ok {
		t.Fatalf("want Errors, got %v", err)
	}
	want := []string{
		`mvi.toml:6:8: check.path: "ping" is not a path to check`,
		`mvi.toml:7:9: check.every: "5s" is not a check interval: AWS checks at most every 10 seconds`,
		`mvi.toml:8:15: check.alarm_after: 11 is not a number of failures in a row (1–10)`,
		`mvi.toml:9:10: check.expect: 404 is not a status a smoke check can expect`,
		`mvi.toml:11:30: metric.notify[1]: "Ops <ops@example.com>" is not an email address`,
		`mvi.toml:11:55: metric.notify[2]: "nobody" is not an email address`,
		`mvi.toml:11:65: metric.notify[3]: "ops@example.com" is listed twice`,
	}
	got := err.Error()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in\n%s", w, got)
		}
	}
	if len(es) != len(want) {
		t.Errorf("%d errors, want %d:\n%s", len(es), len(want), got)
	}

	// [check] on an app with no public process.
	_, err = Parse("mvi.toml", []byte("name = \"w\"\n[processes.worker]\nimage = \"busybox\"\n[check]\npath = \"/\"\n"))
	if err == nil || !strings.Contains(err.Error(), "mvi.toml:4:2: check: the smoke check requests the app through its load balancer") {
		t.Errorf("check without a public process: %v", err)
	}
	_, err = Parse("mvi.toml", []byte("name = \"w\"\n[processes.web]\nimage = \"httpd\"\nport = 80\n[check]\nexpect = true\n"))
	if err == nil || !strings.Contains(err.Error(), "6:10: check.expect: expected a status or a string, got a boolean") {
		t.Errorf("expect = true: %v", err)
	}
}
