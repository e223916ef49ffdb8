package manifest

import (
	"fmt"
	"net/mail"
	"reflect"
	"regexp"
	"strings"
	"time"
)

// The smoke check and who hears the alarms ([check], [metric] notify).

// Route 53's string matching looks for at most 255 characters, and only in
// the first 5,120 bytes of the body; its HTTP checks count any 2xx or 3xx
// as healthy, so those are the only statuses a check can expect.
const (
	MaxExpectText  = 255
	minExpectCode  = 200
	maxExpectCode  = 399
	minCheckPeriod = 10 * time.Second
)

var (
	everyRe      = regexp.MustCompile(`^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$`)
	emailShapeRe = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	expectType   = reflect.TypeOf(Expect{})
)

// Interval is how often the author asked the check to run; the manifest
// was validated, so it parses.
func (c *Check) Interval() time.Duration {
	d, err := time.ParseDuration(c.Every)
	if err != nil || d <= 0 {
		d, _ = time.ParseDuration(DefaultCheckEvery)
	}
	return d
}

func checkEvery(s string) error {
	d, err := time.ParseDuration(s)
	switch {
	case err != nil || !everyRe.MatchString(s):
		return fmt.Errorf("write a number and a unit (s, m or h)")
	case d < minCheckPeriod:
		return fmt.Errorf("AWS checks at most every 10 seconds")
	}
	return nil
}

// checkEmail takes a bare address, as SNS's email protocol does: a display
// name ("Ops <ops@example.com>") is not an endpoint SNS accepts.
func checkEmail(s string) error {
	a, err := mail.ParseAddress(s)
	switch {
	case err != nil || a.Address != s:
		return fmt.Errorf("write a bare address, name@domain")
	case !emailShapeRe.MatchString(s):
		return fmt.Errorf("the domain needs a dot, e.g. example.com")
	}
	return nil
}

// expect decodes `expect`, written as an integer status or a string.
func (d *decoder) expect(n *node, v reflect.Value, path []string) bool {
	switch n.kind {
	case kInteger:
		x, err := parseInt(n.text)
		if err != nil || x < minExpectCode || x > maxExpectCode {
			d.c.add(n.at, path, "expect a 2xx or 3xx status, e.g. expect = 200, or a text the page holds, e.g. expect = \"ok\"",
				"%s is not a status a smoke check can expect (%d–%d: AWS's checks count any 2xx or 3xx as healthy)", n.text, minExpectCode, maxExpectCode)
			d.bad[joinPath(path)] = true
			return false
		}
		v.Set(reflect.ValueOf(Expect{Status: int(x)}))
	case kString:
		switch l := len(n.text); {
		case strings.TrimSpace(n.text) == "":
			d.c.add(n.at, path, `give a text the page holds, e.g. expect = "ok", or remove expect`, "is an empty string")
		case l > MaxExpectText:
			d.c.add(n.at, path, fmt.Sprintf("shorten it to %d characters or fewer", MaxExpectText),
				"%q is too long for a text to expect (%d characters; AWS looks for at most %d)", clip(n.text, 40), l, MaxExpectText)
		default:
			v.Set(reflect.ValueOf(Expect{Text: n.text}))
			return true
		}
		d.bad[joinPath(path)] = true
		return false
	default:
		d.bad[joinPath(path)] = true
		d.c.add(n.at, path, `write a status, expect = 200, or a text in quotes, expect = "ok"`,
			"expected a status or a string, got %s", n.kind)
		return false
	}
	return true
}

// expectSchema states expect's two forms for editors.
func expectSchema() *obj {
	s := &obj{}
	s.set("oneOf", []any{
		map[string]any{"type": "integer", "minimum": minExpectCode, "maximum": maxExpectCode},
		map[string]any{"type": "string", "minLength": 1, "maxLength": MaxExpectText},
	})
	return s
}

// checkNotify refuses an address listed twice (SNS would keep one
// subscription, and the list would say two) and a check on an app nobody
// can reach.
func (d *decoder) checkNotify(m *Manifest, root *node) {
	if m.Metric != nil {
		seen := map[string]bool{}
		for i, a := range m.Metric.Notify {
			k := strings.ToLower(a)
			if seen[k] {
				path := []string{"metric", "notify", fmt.Sprintf("[%d]", i)}
				at := pos{1, 1}
				if n := d.nodes[joinPath(path)]; n != nil {
					at = n.at
				}
				d.c.add(at, path, "remove one of them", "%q is listed twice", a)
			}
			seen[k] = true
		}
	}
	if n := root.get("check"); n != nil && m.DefaultProcess() == "" {
		d.c.add(n.key, []string{"check"}, "give a process an HTTP port (e.g. port = 80) for the load balancer to serve, or remove [check]",
			"the smoke check requests the app through its load balancer, and no process is public")
	}
}
