package sandbox

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/minimalinfra/mvi/engine/cloud"
)

// The data plane's Route 53 checker: every health check is probed every
// RequestInterval of the sandbox clock (divided by Speed, as it is at
// Speed 0) through the same load balancer names a person uses, from
// outside the app's network. As on Route 53: any 2xx or 3xx answer within
// the timeouts passes (redirects are not followed), a string match looks
// in the first 5,120 bytes of the body, the status turns unhealthy after
// FailureThreshold failures in a row and healthy again after as many
// successes, and HealthCheckStatus (1 or 0, dimension HealthCheckId) goes
// to CloudWatch in us-east-1, where alarms on it are evaluated. Unlike
// Route 53, which runs about fifteen checkers in several regions, the
// sandbox runs one, and only while a data plane serves; a check missed
// while none served is not made up afterwards.

// r53Body is how much of the body Route 53 searches.
const r53Body = 5120

// r53Timeout bounds one probe: Route 53 allows 4 s to connect and 2 s more
// for the answer.
const r53Timeout = 6 * time.Second

type r53Probe struct {
	id, url, search string
	typ             r53types.HealthCheckType
	at              time.Time
	ok              bool
	report          string
}

// smokeDue lists the probes that are due, inside the reconcile loop's
// transaction; none while a round is still out.
func (dp *DataPlane) smokeDue(t *tx) []r53Probe {
	if dp.smokeBusy.Load() {
		return nil
	}
	var due []r53Probe
	for _, id := range sortedKeys(t.st.Route53.HealthChecks) {
		h := t.st.Route53.HealthChecks[id]
		if aws.ToBool(h.Config.Disabled) || (!h.Checked.IsZero() && t.now.Before(h.Checked.Add(h.interval(t)))) {
			continue
		}
		due = append(due, r53Probe{id: id, url: h.url(), search: aws.ToString(h.Config.SearchString), typ: h.Config.Type, at: t.now})
	}
	if t.s.region != cloud.USEast1 {
		// The app's alarms are evaluated at each flush; the smoke alarm
		// lives in us-east-1, and is evaluated here.
		t.inRegion(cloud.USEast1, t.evaluateAlarms)
	}
	return due
}

// smoke makes the probes that were due, outside the state lock, and
// records what they saw.
func (dp *DataPlane) smoke(due []r53Probe) {
	if len(due) == 0 || !dp.smokeBusy.CompareAndSwap(false, true) {
		return
	}
	dp.wg.Add(1)
	go func() {
		defer dp.wg.Done()
		defer dp.smokeBusy.Store(false)
		for i := range due {
			due[i].ok, due[i].report = dp.probeR53(dp.ctx, due[i])
		}
		if dp.ctx.Err() != nil {
			return
		}
		_ = dp.s.internal(dp.ctx, func(t *tx) error {
			for _, p := range due {
				if h := t.st.Route53.HealthChecks[p.id]; h != nil {
					h.record(t, p)
				}
			}
			return nil
		})
	}()
}

// record counts one probe and publishes the status it leaves.
func (h *r53Check) record(t *tx, p r53Probe) {
	ok := p.ok != aws.ToBool(h.Config.Inverted)
	need := int(aws.ToInt32(h.Config.FailureThreshold))
	if ok {
		h.OKN, h.FailN = h.OKN+1, 0
		if !h.Healthy && h.OKN >= need {
			h.Healthy = true
		}
	} else {
		h.FailN, h.OKN = h.FailN+1, 0
		if h.Healthy && h.FailN >= need {
			h.Healthy = false
		}
	}
	h.Checked, h.Report = p.at, p.report
	v := 0.0
	if h.Healthy {
		v = 1
	}
	t.inRegion(cloud.USEast1, func() {
		t.putAWSPoint("AWS/Route53", "HealthCheckStatus", []cwDim{{"HealthCheckId", h.ID}},
			cwPoint{TS: p.at, Sum: v, Count: 1, Min: v, Max: v, Unit: "None"})
	})
	t.touch()
}

// inRegion runs fn with t speaking to another region.
func (t *tx) inRegion(name string, fn func()) {
	r := t.r
	t.r = t.st.region(name)
	defer func() { t.r = r }()
	fn()
}

// probeR53 is one request as a Route 53 checker makes it.
func (dp *DataPlane) probeR53(ctx context.Context, p r53Probe) (bool, string) {
	if p.typ != r53types.HealthCheckTypeHttp && p.typ != r53types.HealthCheckTypeHttpStrMatch {
		return false, "Failure: the sandbox's checker runs HTTP and HTTP_STR_MATCH checks only, not " + string(p.typ)
	}
	ctx, cancel := context.WithTimeout(ctx, r53Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.url, nil)
	if err != nil {
		return false, "Failure: " + err.Error()
	}
	req.Header.Set("User-Agent", "Amazon-Route53-Health-Check-Service (ref sandbox; report http://amzn.to/1vsZADi)")
	resp, err := dp.r53Client().Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return false, "Failure: Connection timed out. The endpoint or the internet connection is down, or requests are being blocked by your firewall."
		}
		return false, "Failure: " + err.Error()
	}
	defer resp.Body.Close()
	status := resp.Status
	if resp.StatusCode < 200 || resp.StatusCode > 399 {
		return false, "Failure: HTTP Status Code " + status + "."
	}
	if p.typ == r53types.HealthCheckTypeHttpStrMatch {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, r53Body))
		if !strings.Contains(string(body), p.search) {
			return false, "Failure: Search string not found in response body (first 5120 bytes). HTTP Status Code " + status + "."
		}
	}
	return true, "Success: HTTP Status Code " + status + "."
}

// r53Client reaches load balancers by their names, as Clients.HTTP does,
// without following redirects (Route 53 counts a 3xx as an answer).
func (dp *DataPlane) r53Client() cloud.HTTP {
	if c, ok := dp.s.clients.HTTP.(*http.Client); ok {
		cc := *c
		cc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		cc.Timeout = r53Timeout
		return &cc
	}
	return dp.s.clients.HTTP
}
