package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// Health checks, as the ALB runs them: every registered, non-draining
// target of a target group that a served listener forwards to is probed on
// the group's path every interval (divided by Speed, floored); it turns
// healthy after HealthyThresholdCount successes in a row and unhealthy
// after UnhealthyThresholdCount failures. What they saw is written to the
// records (targetGroup.Observed), where DescribeTargetHealth and ECS read
// it; routes change at once, without waiting for the records.

type checker struct {
	tg, key string // target group ARN, target key
	addr    string // "" when no task serves the target
	cancel  context.CancelFunc
	okN     int
	failN   int
	obs     targetObs
}

func (c *checker) healthy() bool { return c.obs.State == string(elbtypes.TargetHealthStateEnumHealthy) }

// applyChecks starts a health check per target to check, retires the
// others and recomputes the routes.
func (dp *DataPlane) applyChecks(v *view) {
	dp.mu.Lock()
	defer dp.mu.Unlock()
	dp.views = v.tgs
	want := map[string]bool{}
	served := map[string]bool{}
	for _, lv := range v.listeners {
		for _, tg := range lv.servedTGs() {
			served[tg] = true
		}
	}
	for _, arn := range sortedKeys(v.tgs) {
		gv := v.tgs[arn]
		if !served[arn] || !gv.HCEnabled {
			continue
		}
		for _, x := range gv.Targets {
			if x.Draining {
				continue
			}
			k := arn + "|" + x.Key
			want[k] = true
			addr := ""
			if ts := dp.tasks[x.Task]; ts != nil {
				addr = ts.addrFor(x.Port)
			}
			if c := dp.checks[k]; c != nil {
				if c.addr == addr && c.obs.Task == x.Task {
					continue
				}
				c.cancel()
			}
			ctx, cancel := context.WithCancel(dp.ctx)
			c := &checker{tg: arn, key: x.Key, addr: addr, cancel: cancel, obs: targetObs{State: string(elbtypes.TargetHealthStateEnumInitial),
				Reason: string(elbtypes.TargetHealthReasonEnumRegistrationInProgress), Desc: "Target registration is in progress", At: dp.now(), Task: x.Task}}
			dp.checks[k] = c
			dp.obsDirty = true
			dp.wg.Add(1)
			go dp.runChecker(ctx, c, *gv)
		}
	}
	for k, c := range dp.checks {
		if !want[k] {
			c.cancel()
			delete(dp.checks, k)
			dp.obsDirty = true
		}
	}
	dp.rebuildRoutesLocked()
}

// rebuildRoutesLocked recomputes every listener's backends; dp.mu held.
func (dp *DataPlane) rebuildRoutesLocked() {
	for _, l := range dp.listeners {
		list := dp.backendsLocked(l.view.TG)
		l.backends.Store(&list)
		dp.rebuildRulesLocked(l)
	}
}

// backendsLocked are the targets of a group the load balancer may send
// to now; dp.mu held.
func (dp *DataPlane) backendsLocked(tg string) []backend {
	gv := dp.views[tg]
	var list []backend
	if gv == nil {
		return nil
	}
	for _, x := range gv.Targets {
		if x.Draining {
			continue
		}
		if !gv.HCEnabled {
			// Health checks off: the ALB sends to every target.
			if ts := dp.tasks[x.Task]; ts != nil {
				if a := ts.addrFor(x.Port); a != "" {
					list = append(list, backend{addr: a, key: x.Key})
				}
			}
			continue
		}
		if c := dp.checks[gv.ARN+"|"+x.Key]; c != nil && c.healthy() && c.addr != "" {
			list = append(list, backend{addr: c.addr, key: x.Key})
		}
	}
	return list
}

func (dp *DataPlane) runChecker(ctx context.Context, c *checker, gv tgView) {
	defer dp.wg.Done()
	interval := gv.Interval
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		// The group's settings as of the last reconcile: ModifyTargetGroup
		// applies to checks in progress, keeping their state, as on AWS.
		dp.mu.Lock()
		addr := c.addr
		if cur := dp.views[c.tg]; cur != nil {
			gv = *cur
		}
		dp.mu.Unlock()
		if gv.Interval != interval {
			interval = gv.Interval
			tick.Reset(interval)
		}
		ok, reason, desc := dp.probe(ctx, addr, gv)
		if blocked(gv, c.key) {
			// A security group drops the packets: the check hears nothing.
			ok, reason, desc = false, elbtypes.TargetHealthReasonEnumTimeout, "Request timed out"
		}
		if ctx.Err() != nil {
			return
		}
		dp.mu.Lock()
		changed := dp.checks[gv.ARN+"|"+c.key] == c && c.record(ok, reason, desc, gv, dp.now())
		obs := c.obs
		if changed {
			dp.obsDirty = true
			dp.rebuildRoutesLocked()
		}
		dp.mu.Unlock()
		if changed && dp.opts.OnHealth != nil {
			dp.opts.OnHealth(gv.Name, c.key, obs.State, obs.Reason)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// record counts one probe, made at now; it reports whether the state
// changed.
func (c *checker) record(ok bool, reason elbtypes.TargetHealthReasonEnum, desc string, gv tgView, now time.Time) bool {
	if ok {
		c.okN, c.failN = c.okN+1, 0
		if !c.healthy() && c.okN >= gv.Healthy {
			c.obs = targetObs{State: string(elbtypes.TargetHealthStateEnumHealthy), At: now, Task: c.obs.Task}
			return true
		}
		if c.obs.State == string(elbtypes.TargetHealthStateEnumInitial) && c.obs.Reason != string(elbtypes.TargetHealthReasonEnumInitialHealthChecking) {
			c.obs.Reason, c.obs.Desc = string(elbtypes.TargetHealthReasonEnumInitialHealthChecking), "Initial health checks in progress"
			return true
		}
		return false
	}
	c.failN, c.okN = c.failN+1, 0
	if c.obs.State != string(elbtypes.TargetHealthStateEnumUnhealthy) && c.failN >= gv.Unhealthy {
		c.obs = targetObs{State: string(elbtypes.TargetHealthStateEnumUnhealthy), Reason: string(reason), Desc: desc, At: now, Task: c.obs.Task}
		return true
	}
	if c.obs.State == string(elbtypes.TargetHealthStateEnumUnhealthy) && c.obs.Reason != string(reason) {
		c.obs.Reason, c.obs.Desc = string(reason), desc
		return true
	}
	return false
}

// probe is one health check request.
func (dp *DataPlane) probe(ctx context.Context, addr string, gv tgView) (bool, elbtypes.TargetHealthReasonEnum, string) {
	if addr == "" {
		return false, elbtypes.TargetHealthReasonEnumFailedHealthChecks, "Health checks failed"
	}
	path := gv.HCPath
	if path == "" {
		path = "/"
	}
	ctx, cancel := context.WithTimeout(ctx, gv.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+path, nil)
	if err != nil {
		return false, elbtypes.TargetHealthReasonEnumFailedHealthChecks, "Health checks failed"
	}
	req.Header.Set("User-Agent", "ELB-HealthChecker/2.0")
	resp, err := dp.hc.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
			return false, elbtypes.TargetHealthReasonEnumTimeout, "Request timed out"
		}
		return false, elbtypes.TargetHealthReasonEnumFailedHealthChecks, "Health checks failed"
	}
	resp.Body.Close()
	if !matches(gv.Matcher, resp.StatusCode) {
		return false, elbtypes.TargetHealthReasonEnumResponseCodeMismatch, fmt.Sprintf("Health checks failed with these codes: [%d]", resp.StatusCode)
	}
	return true, "", ""
}

// matches reads an ALB matcher: "200", "200,302", "200-299".
func matches(m string, code int) bool {
	if m == "" {
		m = "200"
	}
	for _, part := range strings.Split(m, ",") {
		part = strings.TrimSpace(part)
		if lo, hi, ok := strings.Cut(part, "-"); ok {
			a, _ := strconv.Atoi(lo)
			b, _ := strconv.Atoi(hi)
			if code >= a && code <= b {
				return true
			}
			continue
		}
		if n, _ := strconv.Atoi(part); n == code {
			return true
		}
	}
	return false
}

// blocked reports whether the group's target key is out of the load
// balancer's reach.
func blocked(gv tgView, key string) bool {
	for _, x := range gv.Targets {
		if x.Key == key {
			return x.Blocked != ""
		}
	}
	return false
}
